"""Celery tasks: take IDs, call the domain functions in measures/results.py."""

import logging

from celery import shared_task

from ingest import followups

log = logging.getLogger(__name__)

# Once per burst of runs, not once per run (ingest/followups.py): a re-check reads every
# measure's data whatever run woke it.
RECHECK_QUEUED = "measures:recheck-queued"


@shared_task(acks_late=True, ignore_result=True)
def recheck_measures_task(run_id: int | None = None) -> int:
    from ingest.models import IngestRun

    from .results import recheck_all
    from .seed import load_measures

    followups.clear_mark(RECHECK_QUEUED)
    # The run id says which run woke us; an unknown one is logged, the re-check still runs
    # because an outcome can also change with the calendar (deadlines).
    if run_id is not None and not IngestRun.objects.filter(pk=run_id).exists():
        log.warning("run %s no longer exists; re-checking the measures anyway", run_id)
    # Seeded measures over a benchmark or series wait for its first ingest; this is it.
    load_measures(quiet=True)
    return len(recheck_all())


def on_run_succeeded(sender, run_id: int, **kwargs) -> None:
    """Receiver for ingest.signals.run_succeeded: one re-check on a worker per burst of runs."""
    followups.queue_once_per_burst(RECHECK_QUEUED, recheck_measures_task, run_id)


def on_data_edited(sender, **kwargs) -> None:
    """Receiver for ingest.signals.data_edited: an admin edit of the data re-checks the measures too."""
    followups.queue_once_per_burst(RECHECK_QUEUED, recheck_measures_task, None)
