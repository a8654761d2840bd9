"""A narrow copy of each published claim's search document, kept by triggers (PostgreSQL only).

Browse under ?q= ranks every match of q (claims/text_match.py). On the claims table that read a
heap page per match (8,400 pages for a common word at 100k claims, the table 312 MB with its
quotes) and then probed the facet table once per match for the facet rows (35,000 buffers).
This table holds what that read needs and nothing else: the weighted tsvector (a copy of
claims_claim.search_document), the columns of browse's orders, and the facet values (the
claim's topics as one sorted array): 122 MB against the claims' 312, and one scan of it
answers the rank, the order and the facets (8,000 buffers for the median bench word at 100k
claims, against 75,000 for the rank and the facet probe).

Triggers rather than signals, as for the facet table (0009_facet_table): QuerySet.update(),
bulk_create(), COPY and raw SQL all change claims without a signal. A person's rename already
touches their claims' person_id (0003), which refreshes their rows here too. SQLite has no
tsvector; its FTS5 tables (0009_search_fts) stay its index.
"""

import django.db.models.deletion
from django.db import migrations, models

# The row of one published claim, rebuilt from the claims table (which, in an AFTER trigger,
# already holds the new row and its document, computed by the BEFORE trigger of 0003).
POSTGRES = """
CREATE TABLE claims_claimsearch (
  claim_id bigint PRIMARY KEY,
  document tsvector NOT NULL,
  title varchar(200) NOT NULL,
  date_made date,
  updated timestamptz NOT NULL,
  evidence_count integer NOT NULL,
  person_id bigint,
  status varchar(20) NOT NULL,
  kind varchar(20) NOT NULL,
  topic_ids bigint[] NOT NULL
);
CREATE FUNCTION claims_search_refresh(cid bigint) RETURNS void AS $$
BEGIN
  DELETE FROM claims_claimsearch WHERE claim_id = cid;
  INSERT INTO claims_claimsearch
    (claim_id, document, title, date_made, updated, evidence_count, person_id, status, kind, topic_ids)
  SELECT c.id, coalesce(c.search_document, ''::tsvector), c.title, c.date_made, c.updated, c.evidence_count,
         c.person_id, c.status, c.kind,
         ARRAY(SELECT ct.topic_id FROM claims_claim_topics ct WHERE ct.claim_id = c.id ORDER BY ct.topic_id)
  FROM claims_claim c
  WHERE c.id = cid AND c.editorial_state = 'published';
END $$ LANGUAGE plpgsql;

CREATE FUNCTION claims_search_claim() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM claims_claimsearch WHERE claim_id = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM claims_search_refresh(NEW.id);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
-- Every column the row copies, and those the document is made of: an update of anything else
-- (a slug, a verdict's rationale) rewrites nothing.
CREATE TRIGGER claims_search_claim AFTER INSERT OR DELETE OR UPDATE OF
  title, statement, quote, person_id, date_made, updated, evidence_count, status, kind, editorial_state,
  search_document
  ON claims_claim FOR EACH ROW EXECUTE FUNCTION claims_search_claim();

CREATE FUNCTION claims_search_topics() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    PERFORM claims_search_refresh(OLD.claim_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM claims_search_refresh(NEW.claim_id);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER claims_search_topics AFTER INSERT OR DELETE OR UPDATE ON claims_claim_topics
  FOR EACH ROW EXECUTE FUNCTION claims_search_topics();

-- The claims already there (their select takes 0.4 s at 100k claims), then the index: built once
-- over the whole table, not entry by entry as the rows go in.
INSERT INTO claims_claimsearch
  (claim_id, document, title, date_made, updated, evidence_count, person_id, status, kind, topic_ids)
SELECT c.id, coalesce(c.search_document, ''::tsvector), c.title, c.date_made, c.updated, c.evidence_count,
       c.person_id, c.status, c.kind, coalesce(t.ids, '{}')
FROM claims_claim c
LEFT JOIN (SELECT claim_id, array_agg(topic_id ORDER BY topic_id) AS ids FROM claims_claim_topics GROUP BY claim_id) t
  ON t.claim_id = c.id
WHERE c.editorial_state = 'published';
CREATE INDEX claims_claimsearch_document ON claims_claimsearch USING gin (document);
ANALYZE claims_claimsearch;
"""

UNDO_POSTGRES = """
DROP TRIGGER IF EXISTS claims_search_topics ON claims_claim_topics;
DROP FUNCTION IF EXISTS claims_search_topics();
DROP TRIGGER IF EXISTS claims_search_claim ON claims_claim;
DROP FUNCTION IF EXISTS claims_search_claim();
DROP FUNCTION IF EXISTS claims_search_refresh(bigint);
DROP TABLE IF EXISTS claims_claimsearch;
"""


def add_search_rows(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def drop_search_rows(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO_POSTGRES)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0012_merge_search_facets_payloads"),
    ]

    operations = [
        # The model for the ORM and for flush (which empties only tables it knows, and only those
        # there: on SQLite none); the table itself, its index and triggers on PostgreSQL only.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ClaimSearch",
                    fields=[
                        ("claim", models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                                       primary_key=True, related_name="+", serialize=False,
                                                       to="claims.claim")),
                        ("title", models.CharField(max_length=200)),
                        ("date_made", models.DateField(null=True)),
                        ("updated", models.DateTimeField()),
                        ("evidence_count", models.IntegerField()),
                        ("person", models.ForeignKey(db_constraint=False, db_index=False, null=True,
                                                     on_delete=django.db.models.deletion.DO_NOTHING,
                                                     related_name="+", to="claims.person")),
                        ("status", models.CharField(max_length=20)),
                        ("kind", models.CharField(max_length=20)),
                    ],
                ),
            ],
            database_operations=[migrations.RunPython(add_search_rows, drop_search_rows)],
        ),
    ]
