"""The claim's date on its facet rows, and an index of a topic's claims newest first.

The timeline of a topic shows its newest 300 claims. Without the date beside the topic link,
PostgreSQL walked the claims' date index probing each entry for the topic until it had 300: for
a small topic 11,556 probes at 100k claims against 1,100 at 10k, so the page grew with all the
claims, not the topic's. With it, the newest of a topic are the first entries of one index.

The triggers of 0009_facet_table write the date from now on (its refresh function, replaced
here with one more column); the rows already there get it from their claims.
"""

from django.db import migrations, models

REFRESH = """
DELETE FROM claims_claimfacet WHERE claim_id = {id};
INSERT INTO claims_claimfacet (claim_id, topic_id, person_id, status, kind, year, date_made, lead)
SELECT c.id, ct.topic_id, c.person_id, c.status, c.kind, {year}, c.date_made,
       ct.topic_id IS NULL OR ct.topic_id = (SELECT min(topic_id) FROM claims_claim_topics WHERE claim_id = c.id)
FROM claims_claim c LEFT JOIN claims_claim_topics ct ON ct.claim_id = c.id
WHERE c.id = {id} AND c.editorial_state = 'published';
"""
OLD_REFRESH = REFRESH.replace(", date_made,", ",").replace(", c.date_made,", ",")
YEAR = {"postgresql": "EXTRACT(YEAR FROM c.date_made)::smallint",
        "sqlite": "CAST(strftime('%Y', c.date_made) AS INTEGER)"}
COLUMNS = "status, kind, person_id, date_made, editorial_state"  # 0009's: the date already fires it
BACKFILL = {
    "postgresql": "UPDATE claims_claimfacet f SET date_made = c.date_made FROM claims_claim c "
                  "WHERE c.id = f.claim_id AND c.date_made IS NOT NULL",
    "sqlite": "UPDATE claims_claimfacet SET date_made = "
              "(SELECT c.date_made FROM claims_claim c WHERE c.id = claims_claimfacet.claim_id)",
}


def _postgres(refresh):
    return f"""
CREATE OR REPLACE FUNCTION claims_facet_refresh(cid bigint) RETURNS void AS $$
BEGIN
{refresh.format(id="cid", year=YEAR["postgresql"])}
END $$ LANGUAGE plpgsql;
"""


def _sqlite(refresh):
    """0009's six triggers, with ``refresh`` for a claim's rows (SQLite cannot replace a trigger's body)."""
    body = {which: refresh.format(id=which, year=YEAR["sqlite"]) for which in ("NEW.id", "NEW.claim_id", "OLD.claim_id")}
    return [
        f"CREATE TRIGGER claims_facet_claim_insert AFTER INSERT ON claims_claim BEGIN {body['NEW.id']} END",
        f"CREATE TRIGGER claims_facet_claim_update AFTER UPDATE OF {COLUMNS} ON claims_claim BEGIN {body['NEW.id']} END",
        f"CREATE TRIGGER claims_facet_topics_insert AFTER INSERT ON claims_claim_topics BEGIN {body['NEW.claim_id']} END",
        f"CREATE TRIGGER claims_facet_topics_delete AFTER DELETE ON claims_claim_topics BEGIN {body['OLD.claim_id']} END",
        f"CREATE TRIGGER claims_facet_topics_update AFTER UPDATE ON claims_claim_topics "
        f"BEGIN {body['OLD.claim_id']} {body['NEW.claim_id']} END",
    ]


SQLITE_REPLACED = ("claims_facet_claim_insert", "claims_facet_claim_update", "claims_facet_topics_insert",
                   "claims_facet_topics_delete", "claims_facet_topics_update")


def _install(schema_editor, refresh):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_postgres(refresh))
    elif vendor == "sqlite":
        for name in SQLITE_REPLACED:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in _sqlite(refresh):
            schema_editor.execute(statement)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in BACKFILL:
        schema_editor.execute(BACKFILL[vendor])
    _install(schema_editor, REFRESH)


def backwards(apps, schema_editor):
    _install(schema_editor, OLD_REFRESH)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0020_merge_s19_search_rows_lexemes_downloads"),
    ]

    operations = [
        migrations.AddField(
            model_name="claimfacet",
            name="date_made",
            field=models.DateField(null=True),
        ),
        # Before the index: filling the column is then one pass, not one index entry per row.
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="claimfacet",
            index=models.Index(fields=["topic", "date_made", "claim"], name="facet_topic_newest"),
        ),
    ]
