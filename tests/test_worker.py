"""A real Celery worker process, on the configured broker, finishes an ingest run."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from ingest.models import AIModel, DataSource, IngestRun
from ingest.runner import queue_run
from ingest.tasks import run_ingest_task
from project.celery import app

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.worker


def _worker_env(queue: str) -> dict:
    """Point the worker at the test database (not the development one) and a private queue."""
    env = {**os.environ, "CLAIMWATCH_CELERY_QUEUE": queue, "PYTHONUNBUFFERED": "1"}
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = str(name)
    else:
        parts = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return env


@pytest.fixture
def worker(transactional_db):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "project", "worker", "-Q", queue, "--pool", "solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
        cwd=ROOT, env=_worker_env(queue), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output[-4000:])


def test_a_real_worker_runs_an_ingest_to_completion(worker):
    app.conf.task_always_eager = False  # the autouse fixture in conftest.py restores it
    source = DataSource.objects.create(
        slug="epoch-notable-models", name="Epoch notable", kind="epoch-models",
        path="ingest/snapshots/epoch/notable_ai_models.csv", options={"notable": True},
    )
    run = queue_run(source)
    run_ingest_task.apply_async(args=[run.pk], queue=worker)

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_finished:
            break
        time.sleep(0.5)
    assert run.status == IngestRun.Status.OK, run.error
    assert run.created_count == 954 and run.rejected_count == 0
    assert len(run.sha256) == 64 and run.bytes > 1_000_000
    assert AIModel.objects.filter(run=run).count() == 954
    assert AIModel.objects.filter(name="Pangu Ultra", organization="Huawei").exists()


@pytest.fixture
def two_workers(transactional_db):
    """Two worker processes on one private queue: two runs really execute at the same time."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "project", "worker", "-Q", queue, "--pool", "solo",
             "-n", f"w{index}-{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle",
             "--loglevel", "INFO"],
            cwd=ROOT, env=_worker_env(queue), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        for index in (1, 2)
    ]
    try:
        yield queue
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                output, _ = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                output, _ = process.communicate()
            print(output[-3000:])


def _wait(runs, seconds=240):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for run in runs:
            run.refresh_from_db()
        if all(run.is_finished for run in runs):
            return
        time.sleep(0.5)


def _hold_models_lock() -> bool:
    """On PostgreSQL, take the models tables' advisory lock from the test's own session."""
    from ingest.table_lock import lock_key

    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock_key("models-and-scores")])
    return True


def _release_models_lock() -> None:
    from ingest.table_lock import lock_key

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key("models-and-scores")])


def _wait_started(runs, count, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if IngestRun.objects.filter(pk__in=[r.pk for r in runs], started_at__isnull=False).count() >= count:
            return
        time.sleep(0.2)
    _release_models_lock()
    raise AssertionError(f"fewer than {count} runs started within {timeout} s")


def test_two_workers_writing_the_models_table_at_once_never_fail_and_match_one_by_one(two_workers):
    """The three Epoch model sources all write AIModel; run concurrently, then one after another."""
    from ingest.bundled import register_bundled_sources
    from ingest.runner import run_ingest

    from .ingest_checksums import table_checksums
    from .test_ingest_merge import MODEL_SLUGS, wipe

    app.conf.task_always_eager = False
    sources = [s for s in register_bundled_sources() if s.slug in MODEL_SLUGS]
    runs = [queue_run(source) for source in sources]
    held = _hold_models_lock()
    for run in runs:
        run_ingest_task.apply_async(args=[run.pk], queue=two_workers)
    if held:
        # Both workers have started a run and wait on the lock this test holds: the runs
        # overlap for certain, however fast an ingest has become.
        _wait_started(runs, 2)
        _release_models_lock()
    _wait(runs)
    assert [(r.source.slug, r.status, r.error) for r in runs] == [(r.source.slug, "ok", "") for r in runs]
    if connection.vendor == "postgresql":
        # At least two runs overlapped in time (two workers), so the advisory lock was really
        # contended. On SQLite the database itself serialises writers, down to the write of
        # started_at, so the recorded times cannot overlap there.
        started = sorted((r.started_at, r.finished_at) for r in runs)
        assert any(later[0] < earlier[1] for earlier, later in zip(started, started[1:], strict=False))
    together = table_checksums()
    wipe()
    for source in register_bundled_sources():
        if source.slug in MODEL_SLUGS:
            assert run_ingest(queue_run(source).pk).status == IngestRun.Status.OK
    assert table_checksums() == together
    assert AIModel.objects.count() == 2301
