"""Ingest throughput on demand (not a test): `.venv/bin/python bench/ingest.py`.

Prints, on SQLite and on PostgreSQL:
- the whole bundled ingest (every bundled source, in-process, in `ingest --all` order)
  and an unchanged re-run of all of them (same bytes: the sha256 short-cut);
- all_ai_models.csv (the largest Epoch table) through the real connector with the
  field-level merge on: into empty tables, and on top of the notable and large-scale
  tables (the merge has stored values to compare), next to PostgreSQL's COPY of the same
  file into a scratch table (the floor no ORM path will beat).

Safety: the benchmark only ever writes to a database it created itself, under a name of
its own (``claimwatch_bench_<random>``, dropped at the end), and the measuring process
refuses any other. ``DATABASE_URL`` is ignored; ``--pg-server`` names the server only.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "ingest" / "snapshots" / "epoch" / "all_ai_models.csv"
PREFIX = "claimwatch_bench_"
MARK = "created by bench/ingest.py"
REPEAT = int(os.environ.get("CLAIMWATCH_BENCH_REPEAT", "3"))


def _refuse_foreign_database(connection) -> None:
    """The child writes only to the database its parent created for it, and says so first."""
    name = str(connection.settings_dict["NAME"])
    wanted = os.environ.get("CLAIMWATCH_BENCH_DB", "")
    if not wanted or Path(name).name != wanted or not wanted.startswith(PREFIX):
        raise SystemExit(f"refusing to write to {name!r}: not a database this benchmark created")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
            comment = (cursor.fetchone() or [""])[0] or ""
        if comment != MARK:
            raise SystemExit(f"refusing to write to {name!r}: it does not carry this benchmark's mark")


def measure() -> dict:
    """Runs inside a child process whose environment picks the database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    _refuse_foreign_database(connection)
    call_command("migrate", verbosity=0)
    from ingest.bundled import register_bundled_sources
    from ingest.connectors import REGISTRY
    from ingest.models import AIModel, Benchmark, BenchmarkScore, DataSource, FeedItem, IngestRun, RunChange, Series
    from ingest.models import SeriesPoint
    from ingest.runner import queue_run, run_ingest

    def wipe():
        tables = (BenchmarkScore, SeriesPoint, FeedItem, AIModel, Series, Benchmark, RunChange, IngestRun, DataSource)
        for model in tables:
            model.objects.all().delete()
        if connection.vendor == "postgresql":
            # Every measured run starts from the same tables: without this the deleted rows of
            # the runs before stay until autovacuum comes round (on a live database it does), and
            # each repeat scans and indexes around more of them than the one before.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE " + ", ".join(model._meta.db_table for model in tables))

    def timed(source):
        started = time.perf_counter()
        run = run_ingest(queue_run(source).pk)
        assert run.status in ("ok", "unchanged"), (source.slug, run.status, run.error)
        return time.perf_counter() - started, run

    result = {"vendor": connection.vendor}
    backend_cpu = _backend_cpu_clock(connection)
    order = {kind: index for index, kind in enumerate(REGISTRY)}
    sources = sorted(register_bundled_sources(), key=lambda s: (order.get(s.kind, 99), s.name))
    started = time.perf_counter()
    runs = [timed(source)[1] for source in sources]
    result["bundled_s"] = time.perf_counter() - started
    result["bundled_sources"] = len(runs)
    result["bundled_rows"] = sum(r.record_count or 0 for r in runs)
    started = time.perf_counter()
    again = [timed(source)[1] for source in sources]
    result["rerun_s"] = time.perf_counter() - started
    result["rerun_unchanged"] = sum(r.status == "unchanged" for r in again)

    wipe()
    alone = DataSource.objects.create(slug="epoch-all-models", name="all", kind="epoch-models", path=str(FILE))
    result["empty_s"], run = timed(alone)
    result["rows"], result["bytes"] = run.record_count, run.bytes
    # The merge and COPY are measured REPEAT times each and the best is kept: on a shared
    # machine one measurement is mostly how long the process waited for a core.
    merged_runs = []
    for _ in range(REPEAT):
        wipe()
        sources = {s.slug: s for s in register_bundled_sources()}
        for slug in ("epoch-notable-models", "epoch-large-scale-models"):
            timed(sources[slug])
        cpu, db_cpu = time.process_time(), backend_cpu()
        elapsed, merged = timed(sources["epoch-all-models"])
        merged_runs.append((elapsed, time.process_time() - cpu, backend_cpu() - db_cpu))
    result["merged_s"], result["merged_cpu_s"], result["merged_db_cpu_s"] = min(merged_runs)
    # CPU figures as minima of their own: on a shared machine they are the steadier measure.
    result["merged_min_cpu_s"] = min(r[1] for r in merged_runs)
    result["merged_min_db_cpu_s"] = min(r[2] for r in merged_runs)
    result["merged_counts"] = [merged.created_count, merged.updated_count, merged.unchanged_count,
                               merged.conflict_count]
    if connection.vendor == "postgresql":
        copies = [_copy(connection, backend_cpu) for _ in range(REPEAT)]
        result.update(min(copies, key=lambda c: c["copy_s"]))
        result["copy_min_cpu_s"] = min(c["copy_cpu_s"] for c in copies)
        result["copy_min_db_cpu_s"] = min(c["copy_db_cpu_s"] for c in copies)
    return result


def _backend_cpu_clock(connection):
    """Seconds of CPU the database server process serving ``connection`` has used, when it is on this host.

    Wall time on a shared machine is mostly waiting for a core; the CPU both processes
    spent is the work itself, so the ratio of the two sums is steadier than the wall ratio.
    Linux only (/proc/<pid>/schedstat); elsewhere, or for SQLite, it reads 0.
    """
    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")

    def clock() -> float:
        try:
            return int(stat.read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            return 0.0

    return clock


def _copy(connection, backend_cpu) -> dict:
    import csv
    import io

    header = next(csv.reader(io.StringIO(FILE.read_text(encoding="utf-8-sig"), newline="")))
    columns = ", ".join(f"c{i} text" for i in range(len(header)))
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor, for COPY
        raw.execute(f"CREATE TABLE bench_copy_scratch ({columns})")
        started, cpu, db_cpu = time.perf_counter(), time.process_time(), backend_cpu()
        with raw.copy("COPY bench_copy_scratch FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            copy.write(FILE.read_bytes().removeprefix(b"\xef\xbb\xbf"))
        elapsed = time.perf_counter() - started
        cpu, db_cpu = time.process_time() - cpu, backend_cpu() - db_cpu
        raw.execute("SELECT count(*) FROM bench_copy_scratch")
        copied = raw.fetchone()[0]
        raw.execute("DROP TABLE bench_copy_scratch")
    return {"copy_s": elapsed, "copy_rows": copied, "copy_cpu_s": cpu, "copy_db_cpu_s": db_cpu}


def _pg_admin(server: str):
    import psycopg

    parts = urlsplit(server)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def child(env: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child"], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"benchmark child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_sqlite(base: dict) -> dict:
    name = PREFIX + secrets.token_hex(4)
    scratch = tempfile.mkdtemp(prefix="claimwatch-bench-")
    return child({**base, "CLAIMWATCH_VAR_DIR": scratch, "SQLITE_PATH": f"{scratch}/{name}",
                  "CLAIMWATCH_BENCH_DB": name})


def run_postgres(base: dict, server: str) -> dict:
    name = PREFIX + secrets.token_hex(4)
    with _pg_admin(server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{MARK}'")
    try:
        url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
        return child({**base, "DATABASE_URL": url, "CLAIMWATCH_BENCH_DB": name,
                      "CLAIMWATCH_VAR_DIR": tempfile.mkdtemp(prefix="claimwatch-bench-")})
    finally:
        with _pg_admin(server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=REPEAT,
                        help="measure the merge and COPY this many times each and keep the best (default %(default)s)")
    parser.add_argument("--pg-server", default="postgres://postgres@127.0.0.1:5432/",
                        help="PostgreSQL server to create the scratch database on (its path is ignored)")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure()))
        return
    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is ignored: the benchmark writes only to databases it creates.\n")
    # The after-ingest tasks go to a filesystem broker in the scratch directory: measured
    # is the ingest, not the evidence suggestions or re-checks it queues.
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH", "CELERY_BROKER_URL")}
    base.update({"DJANGO_LOG_LEVEL": "WARNING", "CLAIMWATCH_BENCH_REPEAT": str(max(1, args.repeat))})
    results = [run_sqlite(base), run_postgres(base, args.pg_server)]
    sqlite, pg = results
    print(f"bundled ingest: {sqlite['bundled_sources']} sources, {sqlite['bundled_rows']:,} records")
    print(f"{FILE.name} over notable + large-scale, and COPY: best of {max(1, args.repeat)} runs each\n")
    print(f"{'':44}{'SQLite':>12}{'PostgreSQL':>12}")

    def row(label, value):
        print(f"{label:44}" + "".join(f"{value(r):>12}" for r in results))

    row("whole bundled ingest (s)", lambda r: f"{r['bundled_s']:.2f}")
    row("unchanged re-run of every source (s)", lambda r: f"{r['rerun_s']:.2f}")
    row(f"{FILE.name} into empty tables (s)", lambda r: f"{r['empty_s']:.2f}")
    row("  rows/s", lambda r: f"{r['rows'] / r['empty_s']:,.0f}")
    row(f"{FILE.name} over notable + large-scale (s)", lambda r: f"{r['merged_s']:.2f}")
    row("  rows/s", lambda r: f"{r['rows'] / r['merged_s']:,.0f}")
    # On a shared machine the wall time includes waiting for a core: this process's own CPU
    # time shows how much of it is the ingest's work (the rest is the database or the wait).
    row("  of which this process's CPU (s)", lambda r: f"{r['merged_cpu_s']:.2f}")
    copy_rate = pg["copy_rows"] / pg["copy_s"]
    print(f"\nPostgreSQL COPY of {FILE.name} (best of {max(1, args.repeat)}): {pg['copy_rows']} rows in "
          f"{pg['copy_s']:.3f} s = {copy_rate:,.0f} rows/s")
    print(f"merge-on ingest vs COPY on PostgreSQL: {pg['empty_s'] / pg['copy_s']:.1f}x (empty tables), "
          f"{pg['merged_s'] / pg['copy_s']:.1f}x (over notable + large-scale)")
    if pg["copy_min_db_cpu_s"]:
        work = pg["merged_min_cpu_s"] + pg["merged_min_db_cpu_s"]
        copy_work = pg["copy_min_cpu_s"] + pg["copy_min_db_cpu_s"]
        print(f"CPU spent (this process + its PostgreSQL server process, least of {max(1, args.repeat)}): "
              f"merge-on ingest {pg['merged_min_cpu_s']:.3f} + {pg['merged_min_db_cpu_s']:.3f} s, "
              f"COPY {pg['copy_min_cpu_s']:.3f} + {pg['copy_min_db_cpu_s']:.3f} s: {work / copy_work:.1f}x")
    print(f"over notable + large-scale: created, updated, unchanged, conflicts = {pg['merged_counts']}")
    for r in results:
        assert r["rerun_unchanged"] == r["bundled_sources"], r


if __name__ == "__main__":
    main()
