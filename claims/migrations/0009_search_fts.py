"""SQLite FTS5 indexes for claims and evidence (and, on PostgreSQL, evidence documents that follow
a renamed source or feed item).

The SQLite counterpart of the stored search documents PostgreSQL has had since 0003: without
them every search LIKE-scanned every claim and evidence row (2.6 s p95 at 10k claims). The
trigram tokenizer keeps the fallback's meaning: a term matches wherever it occurs as a
substring, case-insensitively, so 'scal' still finds 'scaling' and '100%' is literal.
Columns are the search weights' groups (A, B, C in claims/search.py), so bm25 can weigh them.
Triggers, like PostgreSQL's, keep them current on every write path; claims/fts.py installs
them (and fills the tables) after each migrate, since a table rebuild by a later migration
would drop or break them.
"""

import django.db.models.deletion
from django.db import migrations, models

import claims.fts

FTS_SQL = [
    "CREATE VIRTUAL TABLE claims_claim_fts USING fts5(title, body, person, tokenize='trigram')",
    "CREATE VIRTUAL TABLE claims_evidence_fts USING fts5(title, summary, note, tokenize='trigram')",
]

UNDO_FTS_SQL = [
    "DROP TABLE IF EXISTS claims_evidence_fts",
    "DROP TABLE IF EXISTS claims_claim_fts",
]


# PostgreSQL's stored evidence document (0003) holds its source's and feed item's titles but was
# not refreshed when one was renamed; the same touch as SQLite's triggers (claims/fts.py).
PG_RENAME_SQL = """
CREATE FUNCTION claims_source_touch_evidence() RETURNS trigger AS $$
BEGIN
  IF NEW.title IS DISTINCT FROM OLD.title THEN
    UPDATE claims_evidence SET source_id = source_id WHERE source_id = NEW.id;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER claims_source_touch_evidence AFTER UPDATE ON claims_source
  FOR EACH ROW EXECUTE FUNCTION claims_source_touch_evidence();
CREATE FUNCTION ingest_feeditem_touch_evidence() RETURNS trigger AS $$
BEGIN
  IF NEW.title IS DISTINCT FROM OLD.title THEN
    UPDATE claims_evidence SET feed_item_id = feed_item_id WHERE feed_item_id = NEW.id;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER ingest_feeditem_touch_evidence AFTER UPDATE ON ingest_feeditem
  FOR EACH ROW EXECUTE FUNCTION ingest_feeditem_touch_evidence();
"""
UNDO_PG_RENAME_SQL = """
DROP TRIGGER IF EXISTS ingest_feeditem_touch_evidence ON ingest_feeditem;
DROP FUNCTION IF EXISTS ingest_feeditem_touch_evidence();
DROP TRIGGER IF EXISTS claims_source_touch_evidence ON claims_source;
DROP FUNCTION IF EXISTS claims_source_touch_evidence();
"""


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement, params=None)
    return run


def _run_pg(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0008_merge_content_reader_scale"),
        ("ingest", "0001_initial"),
    ]

    operations = [
        # The triggers and the rows are claims/fts.py's, after every migrate (see there why).
        migrations.RunPython(_run(FTS_SQL), _run(UNDO_FTS_SQL)),
        migrations.RunPython(_run_pg(PG_RENAME_SQL), _run_pg(UNDO_PG_RENAME_SQL)),
        # The ORM's view of the FTS tables (claims/fts.py): unmanaged, so no table is made for them.
        migrations.CreateModel(
            name="ClaimSearchRow",
            fields=[
                ("row", models.OneToOneField(db_column="rowid", db_constraint=False,
                                             on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True,
                                             related_name="search_row", serialize=False, to="claims.claim")),
                ("document", claims.fts.DocumentField(db_column="claims_claim_fts")),
            ],
            options={"db_table": "claims_claim_fts", "managed": False},
        ),
        migrations.CreateModel(
            name="EvidenceSearchRow",
            fields=[
                ("row", models.OneToOneField(db_column="rowid", db_constraint=False,
                                             on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True,
                                             related_name="search_row", serialize=False, to="claims.evidence")),
                ("document", claims.fts.DocumentField(db_column="claims_evidence_fts")),
            ],
            options={"db_table": "claims_evidence_fts", "managed": False},
        ),
    ]
