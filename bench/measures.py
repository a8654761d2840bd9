"""Measures benchmark: re-checking 10,000 measures after an ingest, on PostgreSQL.

Ingests the real bundled snapshots (Epoch models, Capabilities Index, benchmark runs, METR,
one OWID series) through the production connectors, makes 10,000 claims with 10,000
measures cycling through every metric kind (varied thresholds, windows and groups), then
times measures.results.recheck_all() twice: the first re-check after the ingest (every
outcome changes, so editorial proposes verdicts too) and a steady-state one (no change).
Prints the figures. Not a test: run on demand.

    .venv/bin/python bench/measures.py            # postgres://postgres@127.0.0.1:5432/cw_measures_bench
    .venv/bin/python bench/measures.py --reset    # drop the generated claims and measures first

It only ever uses a database it created itself (marked with a COMMENT): it refuses any other.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cw_measures_bench")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/6")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/5")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

MARK = "claimwatch bench/measures.py scratch database"
MEASURES = 10_000
SOURCES = ("epoch-notable-models", "epoch-all-models", "epoch-capabilities-index", "epoch-benchmark-runs",
           "metr-horizons", "owid-affiliation-researchers-building-artificial-intelligence-systems-all")


def ensure_database() -> None:
    import psycopg

    parts = urlsplit(DB_URL)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit("bench/measures.py runs on PostgreSQL only")
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                           [name]).fetchone()
        if row is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{MARK}'")
            print(f"created database {name}")
        elif row[0] != MARK:
            sys.exit(f"refusing to use database {name!r}: bench/measures.py did not create it")


def ingest_real_data() -> None:
    from ingest.bundled import BUNDLED_SOURCES
    from ingest.models import DataSource, IngestRun
    from ingest.runner import queue_run, run_ingest
    from ingest.signals import run_succeeded

    # No worker listens on the bench's broker: keep the after-run hooks from queueing tasks there.
    run_succeeded.disconnect(dispatch_uid="measures.recheck")
    run_succeeded.disconnect(dispatch_uid="ingest.suggest_evidence")
    for slug in SOURCES:
        spec = dict(next(s for s in BUNDLED_SOURCES if s["slug"] == slug))
        source, _ = DataSource.objects.get_or_create(slug=spec.pop("slug"), defaults=spec)
        if source.runs.filter(status=IngestRun.Status.OK).exists():
            continue
        started = time.perf_counter()
        run = queue_run(source)
        run_ingest(run.pk)
        run.refresh_from_db()
        print(f"ingested {slug}: {run.status}, {run.created_count} rows in {time.perf_counter() - started:.1f} s")


def _specs(ids):
    """Measure templates over the real data, one per kind (and a few variants)."""
    eci, metr, gpqa, industry = ids
    return [
        dict(kind="frontier_at", attribute="training_compute_cost_usd", threshold=1e8),
        dict(kind="frontier_at", benchmark_id=metr),
        dict(kind="change_since", benchmark_id=gpqa, statistic="difference", threshold=0.1, expects="not_met"),
        dict(kind="change_since", attribute="training_compute_flop", threshold=2),
        dict(kind="growth_rate", benchmark_id=metr, threshold=1, comparison="gt", baseline_end="2022-12-31",
             window_start="2023-01-01"),
        dict(kind="growth_rate", attribute="training_power_draw_w", threshold=730, comparison="lte",
             window_start="2015-01-01"),
        dict(kind="group_lag", benchmark_id=eci, country="China", accessibility="Open weights", threshold=2),
        dict(kind="gap", benchmark_id=eci, organization="Meta", threshold=-5, comparison="lt"),
        dict(kind="gap", benchmark_id=eci, model_name="DeepSeek-R1", other_model_name="o1", threshold=-5,
             window_end="2025-01-31"),
        dict(kind="series_latest", series_id=industry, entity="Affiliation", threshold=10),
        dict(kind="projected_crossing", benchmark_id=metr, threshold=2400, window_start="2023-01-01"),
    ]


def generate(rng: random.Random) -> None:
    import datetime as dt

    from django.db import transaction

    from claims.models import Claim, Source
    from ingest.models import Benchmark, Series
    from measures.models import Measure

    if Measure.objects.count() >= MEASURES:
        return
    ids = (Benchmark.objects.get(slug="epoch-capabilities-index").pk, Benchmark.objects.get(slug="metr-horizon-p50").pk,
           Benchmark.objects.get(slug="gpqa-diamond").pk, Series.objects.get(slug__endswith="--all_industry").pk)
    specs = _specs(ids)
    started = time.perf_counter()
    with transaction.atomic():
        source = Source.objects.create(title="Bench source")
        claims = Claim.objects.bulk_create(
            Claim(slug=f"bench-claim-{i}", title=f"Bench claim {i}", statement="s", quote="q", source=source,
                  date_made=dt.date(2016 + i % 10, 1 + i % 12, 1), date_precision="month", kind="assessment",
                  editorial_state="published")
            for i in range(MEASURES)
        )
        rows = []
        for i, claim in enumerate(claims):
            spec = dict(specs[i % len(specs)])
            if spec.get("threshold") is not None:
                spec["threshold"] *= rng.choice((0.5, 1, 1, 2))  # some outcomes differ between measures
            for name in ("window_start", "window_end", "baseline_end"):
                if name in spec:
                    spec[name] = dt.date.fromisoformat(spec[name])
            rows.append(Measure(claim=claim, key=f"bench-{i}", description=f"Bench measure {i}", is_primary=True,
                                **spec))
        Measure.objects.bulk_create(rows, batch_size=2000)
    print(f"generated {len(claims)} claims and {len(rows)} measures in {time.perf_counter() - started:.1f} s")


def reset() -> None:
    from claims.models import Claim
    from editorial.models import AuditEntry, ProposedVerdict

    ProposedVerdict.objects.filter(claim__slug__startswith="bench-claim-").delete()
    AuditEntry.objects.filter(claim__slug__startswith="bench-claim-").delete()
    deleted = Claim.objects.filter(slug__startswith="bench-claim-").delete()
    print(f"reset: {deleted}")


def time_recheck(label: str) -> None:
    from django.db import connection

    from editorial.models import ProposedVerdict
    from measures.models import Measure
    from measures.results import recheck_all

    proposals = ProposedVerdict.objects.count()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        changes = recheck_all()
        seconds = time.perf_counter() - started
    n = Measure.objects.count()
    print(f"{label}: re-checked {n} measures in {seconds:.2f} s ({n / seconds:,.0f} measures/s); "
          f"{len(changes)} outcome changes, {ProposedVerdict.objects.count() - proposals} new proposals, "
          f"{len(queries)} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reset", action="store_true", help="drop the generated claims and measures first")
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.reset:
        reset()
    ingest_real_data()
    generate(random.Random(8))
    from measures.models import Measure

    # As if a new ingest changed every result: all outcomes start pending (the worst case).
    Measure.objects.filter(key__startswith="bench-").update(outcome="pending", last_checked=None)
    time_recheck("first re-check after the ingest")
    time_recheck("steady-state re-check (nothing changed)")


if __name__ == "__main__":
    main()
