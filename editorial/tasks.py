"""Celery tasks: take IDs, call the domain functions in editorial/checks.py."""

import logging

from celery import shared_task
from django.db import transaction

log = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def recheck_tests_task(run_id: int) -> int:
    from ingest.models import IngestRun

    from .checks import evaluate_all

    # The run id says why we were woken; an unknown one is logged, the check still runs
    # because a test's outcome can also change with the calendar (deadlines).
    if not IngestRun.objects.filter(pk=run_id).exists():
        log.warning("run %s no longer exists; re-checking the tests anyway", run_id)
    return len(evaluate_all())


def on_run_succeeded(sender, run_id: int, **kwargs) -> None:
    """Receiver for ingest.signals.run_succeeded: re-check the tests on a worker, after commit."""
    transaction.on_commit(lambda: recheck_tests_task.delay(run_id))
