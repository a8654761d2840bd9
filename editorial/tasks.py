"""Celery tasks: take IDs, call the domain functions in editorial/suggest.py."""

import logging

from celery import shared_task
from django.db import transaction

log = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def suggest_evidence_task(run_id: int) -> int:
    from ingest.models import IngestRun

    from .suggest import suggest_for_run

    try:
        return suggest_for_run(run_id)
    except IngestRun.DoesNotExist:
        log.warning("run %s no longer exists; no suggestions", run_id)
        return 0


@shared_task(acks_late=True, ignore_result=True)
def values_moved_task(run_id: int, before: list) -> int:
    from ingest.models import IngestRun

    from .checks import record_values_moved

    try:
        return record_values_moved(run_id, before)
    except IngestRun.DoesNotExist:
        log.warning("run %s no longer exists; its moved values are not recorded", run_id)
        return 0


def on_run_succeeded(sender, run_id: int, **kwargs) -> None:
    """Receiver for ingest.signals.run_succeeded: after commit, on a worker, suggest evidence
    from a feed or arXiv run's items. (Measures re-check themselves on the same signal.)"""
    from ingest.models import DataSource

    from .suggest import SUGGESTING_KINDS

    if DataSource.objects.filter(runs__pk=run_id, kind__in=SUGGESTING_KINDS).exists():
        transaction.on_commit(lambda: suggest_evidence_task.delay(run_id))
