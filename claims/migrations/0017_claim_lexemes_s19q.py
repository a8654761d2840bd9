"""Each published claim's lexemes with their rank and the claim's facet values, kept by triggers
on the search rows (PostgreSQL only).

Browse under a one-word ?q= read every match of the word to rank it (claims/text_match.py): at
100k claims a bench word matches 12,000 claims lying on 9,000 of the search rows' pages, and the
rank, the shipping of every row to Python and the counting there grew tenfold from 10k claims.
For a query of one lexeme ts_rank depends on nothing but that lexeme's positions in the
document, so it can be worked out when the document is written. This table holds one row per
(claim, lexeme): the rank of the claim under that lexeme alone, and the facet values. Its
ordered index is the ranked match, every facet value included, so a page is an index-only walk
of its first entries and a facet count a grouped index-only scan of one lexeme's entries (about
90 index pages for 12,000 matches), with no document read.

The triggers sit on claims_claimsearch, which migrations 0013 and 0015 keep exact on every write
path (save, queryset update, COPY, topic links, person rename, publish, unpublish, delete): these
rows follow the search row. The search row is now refreshed in place (an upsert that writes only
when a copied value changed) rather than deleted and inserted, so an edit that leaves the
document and the facet values alone (an evidence recount, the ``updated`` stamp) rewrites no
lexeme row.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES = r"""
CREATE TABLE claims_claimlexeme (
  claim_id bigint NOT NULL,
  lexeme text NOT NULL,
  rank real NOT NULL,
  date_made date,
  person_id bigint,
  status varchar(20) NOT NULL,
  kind varchar(20) NOT NULL,
  topic_ids bigint[] NOT NULL,
  PRIMARY KEY (claim_id, lexeme)
);

-- The tsquery of one lexeme, exactly (quoted: no parsing, no stemming), so that its ts_rank is
-- the one websearch_to_tsquery's single-lexeme query gives at read time.
CREATE FUNCTION claims_lexeme_query(lexeme text) RETURNS tsquery AS $$
  SELECT ('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''')::tsquery
$$ LANGUAGE sql IMMUTABLE STRICT;

CREATE FUNCTION claims_lexeme_rows() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM claims_claimlexeme WHERE claim_id = OLD.claim_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO claims_claimlexeme (claim_id, lexeme, rank, date_made, person_id, status, kind, topic_ids)
    SELECT NEW.claim_id, l.lexeme, ts_rank(NEW.document, claims_lexeme_query(l.lexeme)), NEW.date_made,
           NEW.person_id, NEW.status, NEW.kind, NEW.topic_ids
    FROM unnest(NEW.document) l;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER claims_lexeme_rows AFTER INSERT OR DELETE ON claims_claimsearch
  FOR EACH ROW EXECUTE FUNCTION claims_lexeme_rows();
CREATE TRIGGER claims_lexeme_rows_update AFTER UPDATE ON claims_claimsearch FOR EACH ROW
  WHEN (OLD.document IS DISTINCT FROM NEW.document OR OLD.date_made IS DISTINCT FROM NEW.date_made
        OR OLD.person_id IS DISTINCT FROM NEW.person_id OR OLD.status IS DISTINCT FROM NEW.status
        OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.topic_ids IS DISTINCT FROM NEW.topic_ids
        OR OLD.claim_id IS DISTINCT FROM NEW.claim_id)
  EXECUTE FUNCTION claims_lexeme_rows();

-- The search row in place: an upsert that writes only when a copied value changed, and a
-- delete when the claim is gone or no longer published.
CREATE OR REPLACE FUNCTION claims_search_refresh(cid bigint) RETURNS void AS $$
BEGIN
  INSERT INTO claims_claimsearch
    (claim_id, document, title, date_made, updated, evidence_count, person_id, status, kind, topic_ids)
  SELECT c.id, coalesce(c.search_document, ''::tsvector), c.title, c.date_made, c.updated, c.evidence_count,
         c.person_id, c.status, c.kind,
         ARRAY(SELECT ct.topic_id FROM claims_claim_topics ct WHERE ct.claim_id = c.id ORDER BY ct.topic_id)
  FROM claims_claim c
  WHERE c.id = cid AND c.editorial_state = 'published'
  ON CONFLICT (claim_id) DO UPDATE SET
    document = EXCLUDED.document, title = EXCLUDED.title, date_made = EXCLUDED.date_made,
    updated = EXCLUDED.updated, evidence_count = EXCLUDED.evidence_count, person_id = EXCLUDED.person_id,
    status = EXCLUDED.status, kind = EXCLUDED.kind, topic_ids = EXCLUDED.topic_ids
  WHERE (claims_claimsearch.document, claims_claimsearch.title, claims_claimsearch.date_made,
         claims_claimsearch.updated, claims_claimsearch.evidence_count, claims_claimsearch.person_id,
         claims_claimsearch.status, claims_claimsearch.kind, claims_claimsearch.topic_ids)
    IS DISTINCT FROM (EXCLUDED.document, EXCLUDED.title, EXCLUDED.date_made, EXCLUDED.updated,
                      EXCLUDED.evidence_count, EXCLUDED.person_id, EXCLUDED.status, EXCLUDED.kind,
                      EXCLUDED.topic_ids);
  IF NOT FOUND THEN
    DELETE FROM claims_claimsearch s WHERE s.claim_id = cid
      AND NOT EXISTS (SELECT 1 FROM claims_claim c WHERE c.id = cid AND c.editorial_state = 'published');
  END IF;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION claims_search_claim() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id) THEN
    DELETE FROM claims_claimsearch WHERE claim_id = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM claims_search_refresh(NEW.id);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

-- The claims already there, then the indexes: built once over the whole table. In lexeme order,
-- so that one lexeme's rows share heap pages: an index-only scan checks the visibility map page
-- of each row's heap page, and 11,600 rows of "wall" spread over the whole 800 MB heap (at 100k
-- claims) cost 8,000 buffer visits a scan. Rows written later go where there is room.
INSERT INTO claims_claimlexeme (claim_id, lexeme, rank, date_made, person_id, status, kind, topic_ids)
SELECT s.claim_id, l.lexeme, ts_rank(s.document, claims_lexeme_query(l.lexeme)), s.date_made, s.person_id,
       s.status, s.kind, s.topic_ids
FROM claims_claimsearch s, unnest(s.document) l
ORDER BY l.lexeme;
-- browse's relevance order (ts_rank, newest, then title and id: the title from the search row),
-- and every facet value, so that pages and counts are index-only scans of one lexeme's entries.
CREATE INDEX claims_claimlexeme_ranked ON claims_claimlexeme
  (lexeme, rank DESC, date_made DESC NULLS LAST, claim_id) INCLUDE (person_id, status, kind, topic_ids);
ANALYZE claims_claimlexeme;
"""

UNDO_POSTGRES = r"""
DROP TRIGGER IF EXISTS claims_lexeme_rows_update ON claims_claimsearch;
DROP TRIGGER IF EXISTS claims_lexeme_rows ON claims_claimsearch;
DROP FUNCTION IF EXISTS claims_lexeme_rows();
DROP FUNCTION IF EXISTS claims_lexeme_query(text);
DROP TABLE IF EXISTS claims_claimlexeme;
CREATE OR REPLACE FUNCTION claims_search_refresh(cid bigint) RETURNS void AS $$
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
CREATE OR REPLACE FUNCTION claims_search_claim() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM claims_claimsearch WHERE claim_id = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM claims_search_refresh(NEW.id);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO_POSTGRES)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0016_merge_search_rows_download_lines"),
    ]

    operations = [
        # The model for flush (which empties only the tables it knows); the table, its index and
        # its triggers on PostgreSQL only, as for the search rows (0013_claim_search_rows).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ClaimLexeme",
                    fields=[
                        ("pk", models.CompositePrimaryKey("claim", "lexeme", blank=True, editable=False,
                                                          primary_key=True, serialize=False)),
                        ("claim", models.ForeignKey(db_constraint=False, db_index=False,
                                                    on_delete=django.db.models.deletion.DO_NOTHING,
                                                    related_name="+", to="claims.claim")),
                        ("lexeme", models.TextField()),
                        ("date_made", models.DateField(null=True)),
                        ("person", models.ForeignKey(db_constraint=False, db_index=False, null=True,
                                                     on_delete=django.db.models.deletion.DO_NOTHING,
                                                     related_name="+", to="claims.person")),
                        ("status", models.CharField(max_length=20)),
                        ("kind", models.CharField(max_length=20)),
                    ],
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
