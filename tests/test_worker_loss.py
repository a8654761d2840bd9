"""Worker loss: a run whose worker dies is taken back, retried once or failed with the
reason; the source is never left blocked; no row is written twice.

The first half tests the domain functions (ingest/locking.py) directly. The second half
starts real Celery worker processes on the configured broker and kill -9s them in the
middle of ingesting the largest bundled file.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from ingest import locking
from ingest.models import AIModel, DataSource, IngestRun
from ingest.runner import SourceBusy, queue_run, run_ingest
from ingest.tasks import reap_stale_runs
from project.celery import app

from .ingest_fixtures import make_source
from .test_worker import _worker_env

ROOT = Path(__file__).resolve().parent.parent
NOTABLE = "ingest/snapshots/epoch/notable_ai_models.csv"
LARGEST = "ingest/snapshots/epoch/all_ai_models.csv"  # 4 MB, 2,228 models: the biggest snapshot
LARGEST_ROWS = 2228
LARGEST_MODELS = 2222  # six rows repeat a model already in the file


def _dead_pid() -> int:
    """A pid that certainly belonged to a process on this host and no longer does."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _as_if_running(run, *, worker, beat_ago=dt.timedelta(0), attempts=1):
    beat = timezone.now() - beat_ago
    IngestRun.objects.filter(pk=run.pk).update(
        status=IngestRun.Status.RUNNING, worker=worker, heartbeat_at=beat, attempts=attempts, started_at=beat
    )
    DataSource.objects.filter(pk=run.source_id).update(locked_by_run=run.pk, locked_at=beat)
    run.refresh_from_db()
    return run


@pytest.fixture
def source(db):
    return make_source("notable", "epoch-models", path=NOTABLE)


def test_a_redelivered_run_whose_worker_died_takes_itself_back(source):
    run = _as_if_running(queue_run(source), worker=f"{locking.socket.gethostname()}:{_dead_pid()}")
    done = run_ingest(run.pk)
    assert done.status == IngestRun.Status.OK, done.error
    assert done.attempts == 2 and done.created_count == 954
    assert AIModel.objects.count() == 954
    source.refresh_from_db()
    assert source.locked_by_run is None


def test_a_duplicate_delivery_of_a_live_run_is_dropped_not_failed(source):
    run = _as_if_running(queue_run(source), worker=f"{locking.socket.gethostname()}:{os.getppid()}")
    with pytest.raises(locking.RunInHands):
        run_ingest(run.pk)
    run.refresh_from_db()
    assert run.status == IngestRun.Status.RUNNING and run.error == ""
    assert AIModel.objects.count() == 0


def test_a_run_on_another_host_is_alive_until_its_heartbeat_goes_stale(source, settings):
    settings.CLAIMWATCH_INGEST_STALE_SECONDS = 60
    run = _as_if_running(queue_run(source), worker="elsewhere:123", beat_ago=dt.timedelta(seconds=30))
    assert locking.is_alive(run)
    run = _as_if_running(run, worker="elsewhere:123", beat_ago=dt.timedelta(seconds=90))
    assert not locking.is_alive(run)
    assert run_ingest(run.pk).status == IngestRun.Status.OK


def test_a_lock_whose_heartbeat_stopped_can_be_taken_by_another_run(source, settings):
    settings.CLAIMWATCH_INGEST_STALE_SECONDS = 60
    holder = queue_run(source)
    DataSource.objects.filter(pk=source.pk).update(locked_by_run=holder.pk, locked_at=timezone.now())
    blocked = queue_run(source)
    with pytest.raises(SourceBusy):
        run_ingest(blocked.pk)
    DataSource.objects.filter(pk=source.pk).update(locked_at=timezone.now() - dt.timedelta(seconds=61))
    assert run_ingest(queue_run(source).pk).status == IngestRun.Status.OK


def test_the_reaper_retries_a_dead_run_once(source, settings, django_capture_on_commit_callbacks):
    settings.CLAIMWATCH_INGEST_STALE_SECONDS = 60
    run = _as_if_running(queue_run(source), worker="elsewhere:1", beat_ago=dt.timedelta(minutes=5))
    assert reap_stale_runs() == 1  # eager in unit tests: the retry runs at once
    run.refresh_from_db()
    assert run.status == IngestRun.Status.OK and run.attempts == 2
    assert AIModel.objects.count() == 954


def test_the_reaper_fails_a_run_that_died_on_its_retry_with_the_reason(source, settings):
    settings.CLAIMWATCH_INGEST_STALE_SECONDS = 60
    run = _as_if_running(queue_run(source), worker="elsewhere:77", beat_ago=dt.timedelta(minutes=3), attempts=2)
    assert reap_stale_runs() == 0
    run.refresh_from_db()
    assert run.status == IngestRun.Status.FAILED and run.finished_at is not None
    assert run.error.startswith("the worker running it (elsewhere:77) stopped: no heartbeat since ")
    assert run.error.endswith("tried 2 times, not retried again")
    source.refresh_from_db()
    assert source.locked_by_run is None
    assert run_ingest(queue_run(source).pk).status == IngestRun.Status.OK  # the source runs again


def test_the_reaper_leaves_live_runs_alone(source, settings):
    settings.CLAIMWATCH_INGEST_STALE_SECONDS = 60
    run = _as_if_running(queue_run(source), worker="elsewhere:5", beat_ago=dt.timedelta(seconds=10))
    assert reap_stale_runs() == 0
    run.refresh_from_db()
    assert run.status == IngestRun.Status.RUNNING


def test_a_pending_run_whose_message_was_lost_is_failed_after_an_hour(source):
    run = queue_run(source)
    IngestRun.objects.filter(pk=run.pk).update(queued_at=timezone.now() - dt.timedelta(hours=2))
    reap_stale_runs()
    run.refresh_from_db()
    assert run.status == IngestRun.Status.FAILED and "no worker picked this run up within 60 minutes" in run.error


@pytest.fixture
def broker_down(transactional_db, monkeypatch):
    """The real publishing path, pointed at a port where no broker listens.

    transactional_db: as in production, on_commit runs as soon as the run row is saved,
    so the view sees what publishing does.
    """
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery prefers it to its own setting
    conf = app.conf
    saved = (conf.task_always_eager, conf.broker_url, app._pool)  # noqa: SLF001
    conf.task_always_eager = False
    conf.broker_url = "redis://127.0.0.1:9/0"
    app._pool = None  # noqa: SLF001 - a fresh connection pool for the new URL
    app.amqp._producer_pool = None  # noqa: SLF001
    yield
    conf.task_always_eager, conf.broker_url, app._pool = saved  # noqa: SLF001
    app.amqp._producer_pool = None  # noqa: SLF001


def test_run_now_with_the_broker_down_says_so_and_leaves_no_pending_run(broker_down, admin_client):
    source = make_source("notable", "epoch-models", path=NOTABLE)
    response = admin_client.post(f"/ingest/sources/{source.slug}/run/")
    assert response.status_code == 503
    assert "the task queue (Celery broker) could not be reached" in response.content.decode()
    run = source.runs.get()
    assert run.status == IngestRun.Status.FAILED and run.finished_at is not None
    assert not IngestRun.objects.filter(status=IngestRun.Status.PENDING).exists()
    source.refresh_from_db()
    assert source.locked_by_run is None


def test_run_now_by_htmx_with_the_broker_down_shows_the_failed_run_in_its_row(broker_down, admin_client):
    source = make_source("notable", "epoch-models", path=NOTABLE)
    response = admin_client.post(f"/ingest/sources/{source.slug}/run/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="source-{source.slug}">')
    assert "failed" in html and "could not be reached" in html


def test_the_dispatcher_stops_quietly_when_the_broker_is_down(broker_down):
    from ingest.tasks import dispatch_due_sources

    source = make_source("notable", "epoch-models", path=NOTABLE)
    assert dispatch_due_sources() == 0
    assert source.runs.get().status == IngestRun.Status.FAILED


def test_the_heartbeat_thread_beats_on_the_run_and_the_lock(transactional_db, settings):
    settings.CLAIMWATCH_INGEST_HEARTBEAT_SECONDS = 0.2
    source = make_source("beat", "epoch-models", path=NOTABLE)
    run = queue_run(source)
    DataSource.objects.filter(pk=source.pk).update(locked_by_run=run.pk, locked_at=timezone.now() - dt.timedelta(hours=1))
    with locking.Heartbeat(run.pk, source.pk):
        time.sleep(0.7)
        run.refresh_from_db()
        source.refresh_from_db()
        assert run.heartbeat_at > timezone.now() - dt.timedelta(seconds=1)
        assert source.locked_at > timezone.now() - dt.timedelta(seconds=1)
        assert locking.is_alive(run)


# --- Real workers, killed -------------------------------------------------------------


class Worker:
    """A Celery worker process on a private queue, with fast heartbeats and reaping."""

    def __init__(self, queue, *, pool="prefork", beat=False, tmp):
        env = {
            **_worker_env(queue),
            "CLAIMWATCH_INGEST_HEARTBEAT_SECONDS": "1",
            "CLAIMWATCH_INGEST_STALE_SECONDS": "5",
            "CLAIMWATCH_REAP_SECONDS": "2",
            "CLAIMWATCH_DISPATCH_SECONDS": "3600",
            "CLAIMWATCH_BROKER_VISIBILITY_SECONDS": "20",
        }
        args = [sys.executable, "-m", "celery", "-A", "project", "worker", "-Q", queue, "--pool", pool,
                "--concurrency", "1", "--without-heartbeat", "--without-gossip", "--without-mingle",
                "--loglevel", "INFO", "-n", f"{queue}-{uuid.uuid4().hex[:4]}@%h"]
        if beat:
            args += ["-B", "-s", str(tmp / f"beat-{uuid.uuid4().hex[:6]}")]
        self.log = open(tmp / f"worker-{uuid.uuid4().hex[:6]}.log", "w+")
        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in self.children():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.seek(0)
        print(self.log.read()[-3000:])
        self.log.close()


@pytest.fixture
def workers(transactional_db, tmp_path):
    started = []
    app.conf.task_always_eager = False  # conftest's autouse fixture restores it

    def start(queue, **kwargs):
        worker = Worker(queue, tmp=tmp_path, **kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _wait(run, until, timeout, poll=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if until(run):
            return run
        time.sleep(poll)
    raise AssertionError(f"run {run.pk} still {run.status} after {timeout} s: {run.error}")


def _queue_and_kill_mid_run(source, queue, kill, attempts=6, restart=lambda: None):
    """Queue a run of ``source`` and ``kill()`` its worker while the run is RUNNING.

    The largest snapshot ingests in a few tenths of a second, so a kill can land just after the
    run finished; such an attempt proves nothing, and the next one starts again from empty
    tables (``restart()`` first starts a worker again if the kill took the last one). Returns
    (run, killed_at) for the attempt whose kill provably landed mid-run.
    """
    from ingest.tasks import run_ingest_task

    for attempt in range(attempts):
        if attempt:
            restart()
        run = queue_run(source)
        run_ingest_task.apply_async(args=[run.pk], queue=queue)
        run = _wait(run, lambda r: r.status == IngestRun.Status.RUNNING or r.is_finished, 90, poll=0.005)
        if run.status == IngestRun.Status.RUNNING:
            kill()
            killed_at = time.monotonic()
            run.refresh_from_db()
            if run.status == IngestRun.Status.RUNNING:
                return run, killed_at
        # Too late: that run ended; start over with nothing ingested.
        _wait(run, lambda r: r.is_finished and not DataSource.objects.filter(pk=source.pk, locked_by_run__isnull=False)
              .exists(), 120)
        AIModel.objects.all().delete()
        IngestRun.objects.filter(source=source).delete()
    raise AssertionError(f"no kill landed mid-run in {attempts} attempts")


def _largest_source():
    # Disabled, so the worker's own dispatcher never starts another run of it.
    return DataSource.objects.create(slug="epoch-all-models", name="Epoch all models", kind="epoch-models",
                                     path=LARGEST, enabled=False)


def _assert_clean_finish(source, run, started):
    assert run.status == IngestRun.Status.OK, run.error
    assert time.monotonic() - started < 300, "the run must end within 5 minutes of the kill"
    assert run.progress == LARGEST_ROWS and run.created_count == LARGEST_MODELS
    assert AIModel.objects.count() == LARGEST_MODELS  # no duplicates, nothing half-written
    assert set(AIModel.objects.values_list("run_id", flat=True)) == {run.pk}
    # The lock is released just after the run's final save.
    deadline = time.monotonic() + 10
    while DataSource.objects.filter(pk=source.pk, locked_by_run__isnull=False).exists():
        assert time.monotonic() < deadline, "the source stayed locked after its run ended"
        time.sleep(0.2)


def _run_again(source, queue):
    from ingest.tasks import run_ingest_task

    again = queue_run(source)
    run_ingest_task.apply_async(args=[again.pk], queue=queue)
    again = _wait(again, lambda r: r.is_finished, 120)
    assert again.status == IngestRun.Status.UNCHANGED, again.error  # same bytes: nothing to change
    assert AIModel.objects.count() == LARGEST_MODELS


@pytest.mark.worker
def test_killing_the_pool_child_mid_run_the_redelivered_task_takes_the_run_back(workers):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = workers(queue, pool="prefork")
    source = _largest_source()

    def kill_the_child():
        children = worker.children()
        assert len(children) == 1
        os.kill(children[0], signal.SIGKILL)

    run, killed_at = _queue_and_kill_mid_run(source, queue, kill_the_child)
    run = _wait(run, lambda r: r.is_finished, 300)
    _assert_clean_finish(source, run, killed_at)
    assert run.attempts == 2
    _run_again(source, queue)


@pytest.mark.worker
def test_killing_the_main_worker_process_mid_run_the_run_is_retried_and_ends(workers):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    # solo pool: the main process runs the task itself, so kill -9 ends the run with it.
    current = [workers(queue, pool="solo")]
    source = _largest_source()

    def kill_the_worker():
        os.kill(current[0].process.pid, signal.SIGKILL)
        current[0].process.wait()
        current[0] = None

    def restart():
        if current[0] is None:  # the kill that came too late took the worker with it
            current[0] = workers(queue, pool="solo")

    run, killed_at = _queue_and_kill_mid_run(source, queue, kill_the_worker, restart=restart)
    # A replacement worker with beat: its reaper notices the silent run and retries it.
    workers(queue, pool="solo", beat=True)
    run = _wait(run, lambda r: r.is_finished, 300)
    _assert_clean_finish(source, run, killed_at)
    assert run.attempts == 2
    _run_again(source, queue)
