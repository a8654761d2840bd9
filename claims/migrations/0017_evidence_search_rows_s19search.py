"""A narrow copy of each public evidence link's search document, kept by triggers (PostgreSQL only).

/search/'s evidence group checked each of its 101 candidates against the claims_evidence heap (is
it accepted?) and the claims heap (is its claim published?): two random reads per candidate, in a
651 MB table at 1M links. claims_evidencesearch (claims/search_rows.py) holds the public links
only, with their document and the column the group sorts by, so the candidates, their rank and
their order are read from it, and claims_evidence only for the ten rows shown.

Triggers rather than signals, as for the claims' search rows (0013_claim_search_rows):
QuerySet.update(), bulk_create(), COPY and raw SQL write evidence without a signal. Their WHEN
clauses keep the ingest of suggestions (the bulk of evidence writes) free of any trigger call: a
row that is not, and was not, accepted never reaches the function. A source's or a feed item's
rename touches its evidence rows (0010_search_fts_postgres), whose document then changes, which
the update trigger copies. SQLite keeps its FTS5 tables (0009_search_fts).
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES = """
CREATE TABLE claims_evidencesearch (
  evidence_id bigint PRIMARY KEY,
  document tsvector NOT NULL,
  created timestamptz NOT NULL
);

-- The row of one evidence link, rebuilt from claims_evidence (which, in an AFTER trigger, already
-- holds the new row and the document its BEFORE trigger computed, 0003_search_documents).
CREATE FUNCTION claims_evidence_search_refresh(eid bigint) RETURNS void AS $$
BEGIN
  DELETE FROM claims_evidencesearch WHERE evidence_id = eid;
  INSERT INTO claims_evidencesearch (evidence_id, document, created)
  SELECT e.id, coalesce(e.search_document, ''::tsvector), e.created
  FROM claims_evidence e JOIN claims_claim c ON c.id = e.claim_id
  WHERE e.id = eid AND e.state = 'accepted' AND c.editorial_state = 'published';
END $$ LANGUAGE plpgsql;

CREATE FUNCTION claims_evidence_search_evidence() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM claims_evidencesearch WHERE evidence_id = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM claims_evidence_search_refresh(NEW.id);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER claims_evidence_search_insert AFTER INSERT ON claims_evidence FOR EACH ROW
  WHEN (NEW.state = 'accepted')
  EXECUTE FUNCTION claims_evidence_search_evidence();
CREATE TRIGGER claims_evidence_search_delete AFTER DELETE ON claims_evidence FOR EACH ROW
  WHEN (OLD.state = 'accepted')
  EXECUTE FUNCTION claims_evidence_search_evidence();
-- Only when the link is or was accepted and something the row copies, or its claim, changed.
CREATE TRIGGER claims_evidence_search_update AFTER UPDATE ON claims_evidence FOR EACH ROW
  WHEN ((OLD.state = 'accepted' OR NEW.state = 'accepted')
        AND (OLD.state IS DISTINCT FROM NEW.state OR OLD.id IS DISTINCT FROM NEW.id
             OR OLD.claim_id IS DISTINCT FROM NEW.claim_id OR OLD.created IS DISTINCT FROM NEW.created
             OR OLD.search_document IS DISTINCT FROM NEW.search_document))
  EXECUTE FUNCTION claims_evidence_search_evidence();

-- A claim published or unpublished adds or removes its accepted evidence.
CREATE FUNCTION claims_evidence_search_claim() RETURNS trigger AS $$
BEGIN
  DELETE FROM claims_evidencesearch s USING claims_evidence e WHERE e.id = s.evidence_id AND e.claim_id = OLD.id;
  IF NEW.editorial_state = 'published' THEN
    INSERT INTO claims_evidencesearch (evidence_id, document, created)
    SELECT e.id, coalesce(e.search_document, ''::tsvector), e.created
    FROM claims_evidence e WHERE e.claim_id = NEW.id AND e.state = 'accepted';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER claims_evidence_search_claim AFTER UPDATE ON claims_claim FOR EACH ROW
  WHEN (OLD.editorial_state IS DISTINCT FROM NEW.editorial_state OR OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION claims_evidence_search_claim();

-- The links already there, then the index: built once over the whole table, not entry by entry.
INSERT INTO claims_evidencesearch (evidence_id, document, created)
SELECT e.id, coalesce(e.search_document, ''::tsvector), e.created
FROM claims_evidence e JOIN claims_claim c ON c.id = e.claim_id
WHERE e.state = 'accepted' AND c.editorial_state = 'published'
ORDER BY e.id;
CREATE INDEX claims_evidencesearch_document ON claims_evidencesearch USING gin (document);
ANALYZE claims_evidencesearch;
"""

UNDO_POSTGRES = """
DROP TRIGGER IF EXISTS claims_evidence_search_claim ON claims_claim;
DROP FUNCTION IF EXISTS claims_evidence_search_claim();
DROP TRIGGER IF EXISTS claims_evidence_search_update ON claims_evidence;
DROP TRIGGER IF EXISTS claims_evidence_search_delete ON claims_evidence;
DROP TRIGGER IF EXISTS claims_evidence_search_insert ON claims_evidence;
DROP FUNCTION IF EXISTS claims_evidence_search_evidence();
DROP FUNCTION IF EXISTS claims_evidence_search_refresh(bigint);
DROP TABLE IF EXISTS claims_evidencesearch;
"""


def add_search_rows(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def drop_search_rows(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO_POSTGRES)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0016_merge_search_rows_download_lines"),
    ]

    operations = [
        # The model for the ORM and for flush (which empties only tables it knows, and only those
        # there: on SQLite none); the table, its index and triggers on PostgreSQL only.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EvidenceSearch",
                    fields=[
                        ("evidence", models.OneToOneField(db_constraint=False,
                                                          on_delete=django.db.models.deletion.DO_NOTHING,
                                                          primary_key=True, related_name="+", serialize=False,
                                                          to="claims.evidence")),
                        ("created", models.DateTimeField()),
                    ],
                ),
            ],
            database_operations=[migrations.RunPython(add_search_rows, drop_search_rows)],
        ),
    ]
