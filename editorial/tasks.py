"""Celery tasks: take IDs, call the domain functions in editorial/suggest.py."""

import datetime as dt
import logging

from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from ingest import followups

log = logging.getLogger(__name__)


# Suggestions follow feed and arXiv runs once per burst (ingest/followups.py): the batch
# suggests for every run finished since the last batch. Suggesting twice for a run is harmless
# (suggest.store skips pairs it has), so the window overlaps the previous one rather than risk
# missing a run that committed late.
BATCH_QUEUED = "editorial:suggest-batch-queued"
SUGGESTED_THROUGH = "editorial:suggested-through"
OVERLAP = dt.timedelta(minutes=5)
# Without a mark (first batch, or the cache was cleared): the runs of the last day.
FIRST_WINDOW = dt.timedelta(days=1)


@shared_task(acks_late=True, ignore_result=True)
def suggest_evidence_task() -> int:
    """Suggest evidence from every successful feed/arXiv run finished since the last batch."""
    from ingest.models import IngestRun

    from .suggest import SUGGESTING_KINDS, suggest_for_run

    followups.clear_mark(BATCH_QUEUED)
    started = timezone.now()
    since = (cache.get(SUGGESTED_THROUGH) or started - FIRST_WINDOW) - OVERLAP
    runs = (IngestRun.objects.filter(status=IngestRun.Status.OK, source__kind__in=SUGGESTING_KINDS,
                                     finished_at__gte=since).order_by("pk").values_list("pk", flat=True))
    made = 0
    for run_id in runs:
        try:
            made += suggest_for_run(run_id)
        except IngestRun.DoesNotExist:
            log.warning("run %s no longer exists; no suggestions", run_id)
    cache.set(SUGGESTED_THROUGH, started, timeout=None)
    return made


@shared_task(acks_late=True, ignore_result=True)
def values_moved_task(run_id: int, before: list) -> int:
    from ingest.models import IngestRun

    from .checks import record_values_moved

    try:
        return record_values_moved(run_id, before)
    except IngestRun.DoesNotExist:
        log.warning("run %s no longer exists; its moved values are not recorded", run_id)
        return 0


def on_data_changed(sender, run_id: int, changed: dict, **kwargs) -> None:
    """Receiver for ingest.signals.data_changed: note the touched measures' values as they
    stand, and compare them with the re-checked ones on a worker once this run commits."""
    from .checks import values_before

    before = values_before(changed)
    if before:
        transaction.on_commit(lambda: values_moved_task.delay(run_id, before))


def on_run_succeeded(sender, run_id: int, **kwargs) -> None:
    """Receiver for ingest.signals.run_succeeded: after commit, on a worker, suggest evidence
    from a feed or arXiv run's items, batched with the runs finishing around it. (Measures
    re-check themselves on the same signal.)"""
    from ingest.models import DataSource

    from .suggest import SUGGESTING_KINDS

    if not DataSource.objects.filter(runs__pk=run_id, kind__in=SUGGESTING_KINDS).exists():
        return
    followups.queue_once_per_burst(BATCH_QUEUED, suggest_evidence_task)
