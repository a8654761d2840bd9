"""Really ingested bundled data for the measures tests: the same connectors `make run` uses,
over the snapshot files, so every figure a test checks comes from the shipped data."""

import csv
import datetime as dt
from pathlib import Path

import pytest

from ingest.bundled import BUNDLED_SOURCES
from ingest.models import DataSource, IngestRun
from ingest.runner import queue_run, run_ingest

ROOT = Path(__file__).resolve().parent.parent
EPOCH = ROOT / "ingest" / "snapshots" / "epoch"
METR_YAML = ROOT / "ingest" / "snapshots" / "metr" / "benchmark_results_1_1.yaml"
TODAY = dt.date(2026, 12, 1)


def ingest(slug: str) -> IngestRun:
    spec = dict(next(s for s in BUNDLED_SOURCES if s["slug"] == slug))
    source, _ = DataSource.objects.get_or_create(slug=spec.pop("slug"), defaults=spec)
    run = queue_run(source)
    run_ingest(run.pk)
    run.refresh_from_db()
    assert run.status == IngestRun.Status.OK, run.error
    return run


@pytest.fixture
def epoch_models(db):
    # Notable first, then the all-models file, as `make run` does: the second must not blank
    # the cost and power columns it lacks.
    return [ingest("epoch-notable-models"), ingest("epoch-all-models")]


@pytest.fixture
def eci(db):
    return ingest("epoch-capabilities-index")


@pytest.fixture
def benchmark_runs(db):
    return ingest("epoch-benchmark-runs")


@pytest.fixture
def metr(db):
    return ingest("metr-horizons")


def read_csv(name: str) -> list[dict]:
    with open(EPOCH / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def day(text: str) -> dt.date | None:
    text = (text or "").strip()
    return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else None
