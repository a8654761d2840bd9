"""The narrow search rows of public evidence: PostgreSQL only (migration 0017_evidence_search_rows).

/search/'s evidence group found its candidates in the GIN index of claims_evidence and then read
each one's heap row at random to check it was accepted and its claim's row to check it was
published: 101 candidates, two random reads each, in a 651 MB table at 1M evidence links (5-40 ms
of reads per search). This table holds only public evidence (accepted, on a published claim), its
document (a copy of claims_evidence.search_document) and what the group sorts by, so the
candidates, their rank and their order come from one small table, and only the ten rows shown are
read from claims_evidence.

Triggers keep it exact on every write path: an evidence insert, update (state, text, a source's or
feed item's rename, which touches the evidence row) or delete, and a claim's publish or unpublish.
A model, managed, so that a flush empties it with the evidence; no foreign key: the triggers, not
Django's collector, own the rows. ``document`` (tsvector) is not a field, as
claims_evidence.search_document is not (claims/search.py reads it in SQL).
"""

from celery import shared_task
from django.db import connection, models

from ingest import followups

from .models import Evidence


class EvidenceSearch(models.Model):
    evidence = models.OneToOneField(Evidence, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                    related_name="+")
    created = models.DateTimeField()


class ModelSearch(models.Model):
    """An AI model's search document as of one version of its row: PostgreSQL only (migration
    0018_model_search_rows).

    /search/'s AI-model group stemmed four columns of all ~3,000 models on every search (about
    10 ms of server CPU, the largest single cost of a search). A GIN index or a trigger on
    ingest_aimodel would move that work onto every model an Epoch run writes (issue #9 holds that
    run to a small multiple of a plain COPY), so the documents are stored beside the models
    instead, each with the version of the row it was made from: the row's (xmin, ctid), which
    every insert and update of the row changes (a new tuple version; within one transaction a
    new ctid). A search uses a stored document only while its version is the model's current
    one and stems the model's row itself otherwise, so a stored document can be missing or
    old, never used stale. `refresh_model_documents` brings them up to date: /search/ runs it
    once per process per data generation (ingest runs and the models admin bump it), so the
    stemming is done once per change, not per search; a worker does it after every ingest burst
    and admin edit (on_models_changed), ahead of that first search.

    The version columns (xid and tid) and the document are not fields: SQL reads them.
    """

    model = models.OneToOneField("ingest.AIModel", primary_key=True, on_delete=models.DO_NOTHING,
                                 db_constraint=False, related_name="+")


# The models' weighted document, as claims/search.py's MODEL_FIELDS make it with SearchVector (its
# coalesces, weights and config); tests/test_search_index.py checks the two agree.
MODEL_DOCUMENT = """(setweight(to_tsvector('english'::regconfig, COALESCE(m.name, '')), 'A')
  || setweight(to_tsvector('english'::regconfig, COALESCE(m.organization, '')), 'B')
  || setweight(to_tsvector('english'::regconfig, COALESCE(m.domain, '') || ' ' || COALESCE(m.task, '')), 'C'))"""

# Stored rows whose model is gone or has another version now; then a row for every model whose
# current version has none (in id order, so two processes refreshing at once lock rows alike).
_REFRESH = [
    """DELETE FROM claims_modelsearch s WHERE NOT EXISTS (
         SELECT 1 FROM ingest_aimodel m WHERE m.id = s.model_id AND m.xmin = s.row_xmin AND m.ctid = s.row_ctid)""",
    f"""INSERT INTO claims_modelsearch (model_id, row_xmin, row_ctid, document)
        SELECT m.id, m.xmin, m.ctid, {MODEL_DOCUMENT} FROM ingest_aimodel m
        WHERE NOT EXISTS (SELECT 1 FROM claims_modelsearch s
                          WHERE s.model_id = m.id AND s.row_xmin = m.xmin AND s.row_ctid = m.ctid)
        ORDER BY m.id
        ON CONFLICT (model_id) DO UPDATE
          SET row_xmin = EXCLUDED.row_xmin, row_ctid = EXCLUDED.row_ctid, document = EXCLUDED.document""",
]


def refresh_model_documents(using="default") -> None:
    """Store the document of every model whose current row version has none; drop the others."""
    from django.db import connections, transaction

    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for statement in _REFRESH:
            cursor.execute(statement)


# Once per burst of runs (ingest/followups.py), like the chart rebuild.
MODELS_QUEUED = "claims:model-documents-queued"


@shared_task(acks_late=True, ignore_result=True)
def refresh_model_documents_task(run_id: int | None = None) -> None:
    followups.clear_mark(MODELS_QUEUED)
    refresh_model_documents()


def on_models_changed(sender, **kwargs) -> None:
    """Receiver for ingest's run_succeeded and data_edited: the models' documents are stemmed on a
    worker after the runs or the admin edit, not by the first search after them (an Epoch run
    rewrites every model row, and stemming 3,000 was 10 ms of that search). /search/ still brings
    them up to date once per process per data generation, a no-op by then; until either has run,
    a search stems what it has no current document for, so nothing is ever searched stale."""
    if connection.vendor == "postgresql":
        followups.queue_once_per_burst(MODELS_QUEUED, refresh_model_documents_task, kwargs.get("run_id"))


def model_matches_sql(order: str) -> str:
    """The AI-model group's query: every model, its document stored if current, stemmed if not.

    Parameters, in order: the headline options twice, config and q (the tsquery), the limit.
    """
    return f"""
SELECT m.*, ts_rank(d.document, query) AS search_rank, count(*) OVER () AS search_total,
       ts_headline('english'::regconfig, m.name, query, %s) AS headline_name,
       ts_headline('english'::regconfig, m.organization, query, %s) AS headline_organization
FROM ingest_aimodel m
LEFT JOIN claims_modelsearch s ON s.model_id = m.id AND s.row_xmin = m.xmin AND s.row_ctid = m.ctid
CROSS JOIN LATERAL (SELECT COALESCE(s.document, {MODEL_DOCUMENT}) AS document) d
CROSS JOIN websearch_to_tsquery(%s::regconfig, %s) query
WHERE d.document @@ query
ORDER BY {order}
LIMIT %s"""
