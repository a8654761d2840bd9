"""Celery tasks: take IDs, call the domain functions in measures/results.py."""

import logging

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

# A bundled or scheduled ingest finishes dozens of runs within seconds, and every one used
# to queue its own full re-check. The first run of a burst now queues one re-check a moment
# later; the ones finishing meanwhile ride on it. The task clears the mark before it reads,
# so a run committing while it works queues the next re-check: nothing is missed.
BATCH_DELAY = 2.0
BATCH_QUEUED = "measures:recheck-queued"


@shared_task(acks_late=True, ignore_result=True)
def recheck_measures_task(run_id: int | None = None) -> int:
    from ingest.models import IngestRun

    from .results import recheck_all
    from .seed import load_measures

    cache.delete(BATCH_QUEUED)
    # The run id says which run woke us; an unknown one is logged, the re-check still runs
    # because an outcome can also change with the calendar (deadlines).
    if run_id is not None and not IngestRun.objects.filter(pk=run_id).exists():
        log.warning("run %s no longer exists; re-checking the measures anyway", run_id)
    # Seeded measures over a benchmark or series wait for its first ingest; this is it.
    load_measures(quiet=True)
    return len(recheck_all())


def on_run_succeeded(sender, run_id: int, **kwargs) -> None:
    """Receiver for ingest.signals.run_succeeded: one re-check on a worker per burst of runs,
    after commit. The mark outlives a lost task only briefly; the next run then queues again."""
    if cache.add(BATCH_QUEUED, run_id, timeout=BATCH_DELAY * 30):
        transaction.on_commit(lambda: recheck_measures_task.apply_async((run_id,), countdown=BATCH_DELAY))
