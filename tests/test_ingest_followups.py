"""Follow-ups of ingest runs are queued once per burst of runs (ingest/followups.py)."""

from ingest import followups
from measures import chart_warmup, tasks


def test_runs_finishing_together_queue_one_follow_up_each_and_the_next_burst_queues_again(
        db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        for run_id in (1, 2, 3):
            tasks.on_run_succeeded(None, run_id=run_id)
            chart_warmup.on_run_succeeded(None, run_id=run_id)
    # One re-check and one chart rebuild for the three runs.
    assert len(callbacks) == 2
    # The task clears its mark before it reads: a run finishing while it works queues anew.
    followups.clear_mark(tasks.RECHECK_QUEUED)
    with django_capture_on_commit_callbacks() as callbacks:
        tasks.on_run_succeeded(None, run_id=4)
        chart_warmup.on_run_succeeded(None, run_id=4)
    assert len(callbacks) == 1


def test_a_queued_follow_up_runs_after_commit_with_its_run_id(db, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.recheck_measures_task, "apply_async",
                        lambda args, countdown: queued.append((args, countdown)))
    with django_capture_on_commit_callbacks(execute=True):
        assert followups.queue_once_per_burst("test:mark", tasks.recheck_measures_task, 7)
        assert not followups.queue_once_per_burst("test:mark", tasks.recheck_measures_task, 8)
    assert queued == [((7,), followups.BURST_DELAY)]
