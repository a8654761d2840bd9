"""When each claim was added, on its facet rows, and an index of a topic's claims newest first.

A browse feed under a topic shows the topic's 50 newest matches. claim_feed_newest (0019) holds
every claim in that order with all facet columns but the topic, a link of its own, so a small
topic with a status and a kind walked 93,000 of its entries and probed 3,952 topic links at 100k
claims, and far fewer at 10k. On the facet rows the walk stays within the topic, and the index
carries the other facets, so it reads no row.

The triggers write the column from now on (0021's refresh, replaced with one more column); the
rows already there get it from their claims. A claim's ``created`` never changes.
"""

import importlib

from django.db import migrations, models

FACET_DATE = importlib.import_module("claims.migrations.0021_facet_date")
REFRESH = FACET_DATE.REFRESH.replace(", date_made, lead)", ", date_made, created, lead)").replace(
    ", c.date_made,", ", c.date_made, c.created,")
BACKFILL = {
    "postgresql": "UPDATE claims_claimfacet f SET created = c.created FROM claims_claim c WHERE c.id = f.claim_id",
    "sqlite": "UPDATE claims_claimfacet SET created = "
              "(SELECT c.created FROM claims_claim c WHERE c.id = claims_claimfacet.claim_id)",
}


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in BACKFILL:
        schema_editor.execute(BACKFILL[vendor])
    FACET_DATE._install(schema_editor, REFRESH)


def backwards(apps, schema_editor):
    FACET_DATE._install(schema_editor, FACET_DATE.REFRESH)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0022_facet_pair_counts"),
    ]

    operations = [
        migrations.AddField(model_name="claimfacet", name="created", field=models.DateTimeField(null=True)),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="claimfacet",
            index=models.Index(fields=["topic", "created", "claim", "status", "kind", "person", "year"],
                               name="facet_topic_created"),
        ),
    ]
