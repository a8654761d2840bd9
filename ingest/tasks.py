"""Celery tasks: thin wrappers that take IDs and call the tested domain functions."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .models import DataSource, IngestRun
from .runner import LOCK_TTL, SourceBusy, queue_run, run_ingest

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_ingest_task(run_id: int) -> str:
    try:
        run = run_ingest(run_id)
    except SourceBusy as exc:
        log.warning("run %s not started: %s", run_id, exc)
        return "busy"
    except IngestRun.DoesNotExist:
        log.warning("run %s no longer exists", run_id)
        return "missing"
    return run.status


def start_run(source: DataSource) -> IngestRun:
    """Queue a run and hand it to a worker once the row is committed."""
    run = queue_run(source)
    transaction.on_commit(lambda: run_ingest_task.delay(run.pk))
    return run


@shared_task(ignore_result=True)
def dispatch_due_sources() -> int:
    """Beat calls this every minute; each source keeps its own interval in the database."""
    now = timezone.now()
    # A run queued long ago whose message was lost must not block its source forever.
    busy = set(
        IngestRun.objects.filter(
            status__in=[IngestRun.Status.PENDING, IngestRun.Status.RUNNING], queued_at__gte=now - LOCK_TTL
        ).values_list("source_id", flat=True)
    )
    started = 0
    for source in DataSource.objects.filter(enabled=True):
        if source.pk not in busy and source.is_due(now):
            start_run(source)
            started += 1
    return started
