"""The search rows' claim trigger (0013_claim_search_rows) rewrites a row only when something it
copies changed (PostgreSQL only).

Every evidence save recounts its claim's evidence in an UPDATE (claims/signals.py), most often
to the same number, and an ingest's recount covers every claim: each rewrote the claim's search
row and its ~70 GIN entries for nothing. Inserts and deletes keep their trigger; updates get
one of their own whose WHEN compares the copied columns and the document (which a person's
rename or a text edit changes).
"""

from django.db import migrations

POSTGRES = """
DROP TRIGGER IF EXISTS claims_search_claim ON claims_claim;
CREATE TRIGGER claims_search_claim AFTER INSERT OR DELETE ON claims_claim
  FOR EACH ROW EXECUTE FUNCTION claims_search_claim();
CREATE TRIGGER claims_search_claim_update AFTER UPDATE ON claims_claim FOR EACH ROW
  WHEN (OLD.search_document IS DISTINCT FROM NEW.search_document OR OLD.title IS DISTINCT FROM NEW.title
        OR OLD.date_made IS DISTINCT FROM NEW.date_made OR OLD.updated IS DISTINCT FROM NEW.updated
        OR OLD.evidence_count IS DISTINCT FROM NEW.evidence_count OR OLD.person_id IS DISTINCT FROM NEW.person_id
        OR OLD.status IS DISTINCT FROM NEW.status OR OLD.kind IS DISTINCT FROM NEW.kind
        OR OLD.editorial_state IS DISTINCT FROM NEW.editorial_state OR OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION claims_search_claim();
"""

UNDO_POSTGRES = """
DROP TRIGGER IF EXISTS claims_search_claim_update ON claims_claim;
DROP TRIGGER IF EXISTS claims_search_claim ON claims_claim;
CREATE TRIGGER claims_search_claim AFTER INSERT OR DELETE OR UPDATE OF
  title, statement, quote, person_id, date_made, updated, evidence_count, status, kind, editorial_state,
  search_document
  ON claims_claim FOR EACH ROW EXECUTE FUNCTION claims_search_claim();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO_POSTGRES)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0014_search_expression_indexes"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
