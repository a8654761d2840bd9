"""PostgreSQL's side of search (a no-op on SQLite): evidence documents that follow a renamed source
or feed item, and a stored, GIN-indexed document for people.
"""

from django.db import migrations

# Idempotent (OR REPLACE, IF [NOT] EXISTS), so renumbering this migration is safe on a database
# that already ran it under another name (the shared bench databases did).

# The stored evidence document (0003) holds its source's and feed item's titles but was
# not refreshed when one was renamed; the same touch as SQLite's triggers (claims/fts.py).
PG_RENAME_SQL = """
CREATE OR REPLACE FUNCTION claims_source_touch_evidence() RETURNS trigger AS $$
BEGIN
  IF NEW.title IS DISTINCT FROM OLD.title THEN
    UPDATE claims_evidence SET source_id = source_id WHERE source_id = NEW.id;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS claims_source_touch_evidence ON claims_source;
CREATE TRIGGER claims_source_touch_evidence AFTER UPDATE ON claims_source
  FOR EACH ROW EXECUTE FUNCTION claims_source_touch_evidence();
CREATE OR REPLACE FUNCTION ingest_feeditem_touch_evidence() RETURNS trigger AS $$
BEGIN
  IF NEW.title IS DISTINCT FROM OLD.title THEN
    UPDATE claims_evidence SET feed_item_id = feed_item_id WHERE feed_item_id = NEW.id;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ingest_feeditem_touch_evidence ON ingest_feeditem;
CREATE TRIGGER ingest_feeditem_touch_evidence AFTER UPDATE ON ingest_feeditem
  FOR EACH ROW EXECUTE FUNCTION ingest_feeditem_touch_evidence();

-- People get a stored document too: at 2,000 people, parsing every bio per search cost 55-85 ms.
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE claims_person ADD COLUMN IF NOT EXISTS search_document tsvector;
CREATE OR REPLACE FUNCTION claims_person_search_document() RETURNS trigger AS $$
BEGIN
  NEW.search_document :=
    setweight(to_tsvector('english', coalesce(NEW.name, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.bio, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(NEW.affiliation, '') || ' ' || coalesce(NEW.role, '')), 'C');
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS claims_person_search_document ON claims_person;
CREATE TRIGGER claims_person_search_document BEFORE INSERT OR UPDATE ON claims_person
  FOR EACH ROW EXECUTE FUNCTION claims_person_search_document();
CREATE INDEX IF NOT EXISTS claims_person_search_document_gin ON claims_person USING gin (search_document);
UPDATE claims_person SET id = id;
"""
UNDO_PG_RENAME_SQL = """
DROP TRIGGER IF EXISTS claims_person_search_document ON claims_person;
DROP FUNCTION IF EXISTS claims_person_search_document();
ALTER TABLE claims_person DROP COLUMN IF EXISTS search_document;
DROP TRIGGER IF EXISTS ingest_feeditem_touch_evidence ON ingest_feeditem;
DROP FUNCTION IF EXISTS ingest_feeditem_touch_evidence();
DROP TRIGGER IF EXISTS claims_source_touch_evidence ON claims_source;
DROP FUNCTION IF EXISTS claims_source_touch_evidence();
"""



def _run_pg(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0009_search_fts"),
        ("ingest", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run_pg(PG_RENAME_SQL), _run_pg(UNDO_PG_RENAME_SQL)),
    ]
