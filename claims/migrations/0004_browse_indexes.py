"""Indexes for the browse page at scale.

The browse order (newest first, undated last) gets its own index on PostgreSQL so a page
of 25 skips sorting every claim; SQLite cannot index NULLS LAST, and at embedded sizes
the sort costs nothing, so there it is skipped. `updated` keys the facet-count cache.
"""

from django.db import migrations, models

BROWSE_ORDER = 'CREATE INDEX claim_browse_order ON claims_claim (date_made DESC NULLS LAST, title)'


def add_browse_order(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BROWSE_ORDER)


def drop_browse_order(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS claim_browse_order")


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0003_search_documents"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["updated"], name="claim_updated"),
        ),
        migrations.RunPython(add_browse_order, drop_browse_order),
    ]
