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
