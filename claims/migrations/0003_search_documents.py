"""Stored full-text documents for claims and evidence, on PostgreSQL only.

The documents are plain columns filled by triggers, invisible to the ORM: every write
path (save, bulk_create, update, the admin, raw SQL) keeps them current, and SQLite,
which has no full-text types, is left untouched (claims/search.py falls back there).
"""

from django.db import migrations

SEARCH_SQL = """
-- Backfills below must not leave deferred foreign-key checks pending before CREATE INDEX.
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE claims_claim ADD COLUMN search_document tsvector;
CREATE FUNCTION claims_claim_search_document() RETURNS trigger AS $$
BEGIN
  NEW.search_document :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.statement, '') || ' ' || coalesce(NEW.quote, '')), 'B') ||
    setweight(to_tsvector('english', coalesce((SELECT name FROM claims_person WHERE id = NEW.person_id), '')), 'C');
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER claims_claim_search_document BEFORE INSERT OR UPDATE ON claims_claim
  FOR EACH ROW EXECUTE FUNCTION claims_claim_search_document();
CREATE INDEX claims_claim_search_document_gin ON claims_claim USING gin (search_document);
UPDATE claims_claim SET id = id;

-- A renamed person must be found under the new name.
CREATE FUNCTION claims_person_touch_claims() RETURNS trigger AS $$
BEGIN
  IF NEW.name IS DISTINCT FROM OLD.name THEN
    UPDATE claims_claim SET person_id = person_id WHERE person_id = NEW.id;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER claims_person_touch_claims AFTER UPDATE ON claims_person
  FOR EACH ROW EXECUTE FUNCTION claims_person_touch_claims();

ALTER TABLE claims_evidence ADD COLUMN search_document tsvector;
CREATE FUNCTION claims_evidence_search_document() RETURNS trigger AS $$
BEGIN
  NEW.search_document :=
    setweight(to_tsvector('english',
      coalesce((SELECT title FROM claims_source WHERE id = NEW.source_id), '') || ' ' ||
      coalesce((SELECT title FROM ingest_feeditem WHERE id = NEW.feed_item_id), '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(NEW.note, '')), 'C');
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER claims_evidence_search_document BEFORE INSERT OR UPDATE ON claims_evidence
  FOR EACH ROW EXECUTE FUNCTION claims_evidence_search_document();
CREATE INDEX claims_evidence_search_document_gin ON claims_evidence USING gin (search_document);
UPDATE claims_evidence SET id = id;
"""

UNDO_SEARCH_SQL = """
DROP TRIGGER IF EXISTS claims_evidence_search_document ON claims_evidence;
DROP FUNCTION IF EXISTS claims_evidence_search_document();
ALTER TABLE claims_evidence DROP COLUMN IF EXISTS search_document;
DROP TRIGGER IF EXISTS claims_person_touch_claims ON claims_person;
DROP FUNCTION IF EXISTS claims_person_touch_claims();
DROP TRIGGER IF EXISTS claims_claim_search_document ON claims_claim;
DROP FUNCTION IF EXISTS claims_claim_search_document();
ALTER TABLE claims_claim DROP COLUMN IF EXISTS search_document;
"""


def add_search_documents(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_SQL)


def drop_search_documents(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO_SEARCH_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0002_claim_evidence_count"),
        ("ingest", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_search_documents, drop_search_documents),
    ]
