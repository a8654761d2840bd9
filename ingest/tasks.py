"""Celery tasks: thin wrappers that take IDs and call the tested domain functions."""

import logging

from celery import shared_task
from kombu.exceptions import OperationalError as KombuOperationalError
from django.db import transaction
from django.utils import timezone

from .locking import LOCK_TTL, RunInHands, reap_dead_runs
from .models import DataSource, IngestRun
from .runner import SourceBusy, queue_run, run_ingest

log = logging.getLogger(__name__)

# What publishing raises when the broker cannot be reached (kombu wraps most of them).
BROKER_ERRORS = (KombuOperationalError, ConnectionError, OSError)


class QueueUnavailable(Exception):
    """The broker could not take the task; the run was recorded as failed, not left pending."""


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_ingest_task(run_id: int) -> str:
    try:
        run = run_ingest(run_id)
    except RunInHands as exc:
        log.info("%s", exc)
        return "in-hands"
    except SourceBusy as exc:
        log.warning("run %s not started: %s", run_id, exc)
        return "busy"
    except IngestRun.DoesNotExist:
        log.warning("run %s no longer exists", run_id)
        return "missing"
    return run.status


def send_run(run_id: int) -> None:
    """Hand a run to a worker; if the broker is down, fail the run with the reason and raise."""
    try:
        # retry=False: a person is waiting on "Run now"; an unreachable broker is an answer.
        run_ingest_task.apply_async(args=[run_id], retry=False)
    except BROKER_ERRORS as exc:
        reason = ("not started: the task queue (Celery broker) could not be reached; "
                  "the run can be started again once it is back")
        log.error("run %s %s (%s: %s)", run_id, reason, type(exc).__name__, exc)
        IngestRun.objects.filter(pk=run_id, status=IngestRun.Status.PENDING).update(
            status=IngestRun.Status.FAILED, error=reason, finished_at=timezone.now()
        )
        raise QueueUnavailable(reason) from None


def start_run(source: DataSource) -> IngestRun:
    """Queue a run and hand it to a worker once the row is committed.

    Raises QueueUnavailable (after recording the run as failed) when the broker is down.
    """
    run = queue_run(source)
    transaction.on_commit(lambda: send_run(run.pk))
    return run


@shared_task(ignore_result=True)
def reap_stale_runs() -> int:
    """Beat calls this every minute: runs whose worker died are retried once or failed."""
    retried = 0
    for run in reap_dead_runs():
        try:
            send_run(run.pk)
        except QueueUnavailable:
            continue
        retried += 1
    return retried


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
            try:
                start_run(source)
            except QueueUnavailable:
                return started  # the broker is down for every source alike; try again next minute
            started += 1
    return started
