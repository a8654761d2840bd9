"""Ingest throughput on demand (not a test): `.venv/bin/python bench/ingest.py`.

For the largest Epoch table (all_ai_models.csv) it prints rows per second of a first
ingest through the real connector on SQLite and on PostgreSQL, next to PostgreSQL's own
COPY of the same file into a scratch table (the floor no ORM path will beat), plus the
time of an unchanged re-run (same bytes: the sha256 short-cut) and of a re-parse that
changes nothing (same rows, different bytes).

PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/claimwatch_bench);
the database is created if missing and its ingest tables emptied first.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "ingest" / "snapshots" / "epoch" / "all_ai_models.csv"
PG_URL = "postgres://postgres@127.0.0.1:5432/claimwatch_bench"


def measure() -> dict:
    """Runs inside a child process whose environment picks the database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ingest.models import AIModel, BenchmarkScore, DataSource, FeedItem, IngestRun, SeriesPoint
    from ingest.runner import queue_run, run_ingest

    call_command("migrate", verbosity=0)
    for model in (BenchmarkScore, AIModel, SeriesPoint, FeedItem, IngestRun, DataSource):
        model.objects.all().delete()
    source = DataSource.objects.create(slug="bench", name="bench", kind="epoch-models", path=str(FILE))

    def timed_run():
        started = time.perf_counter()
        run = run_ingest(queue_run(source).pk)
        assert run.status != "failed", run.error
        return time.perf_counter() - started, run

    first_s, first = timed_run()
    rows = first.created_count + first.updated_count + first.unchanged_count + first.rejected_count
    unchanged_s, unchanged = timed_run()
    # Same rows in different bytes: every row parsed and compared, nothing written.
    reparse_file = Path(tempfile.mkdtemp()) / "all_ai_models_crlf.csv"
    reparse_file.write_bytes(FILE.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    source.path = str(reparse_file)
    source.save()
    reparse_s, reparse = timed_run()
    result = {
        "vendor": connection.vendor, "rows": rows, "bytes": first.bytes,
        "first_s": first_s, "first_rows_per_s": rows / first_s, "created": first.created_count,
        "unchanged_s": unchanged_s, "unchanged_status": unchanged.status,
        "reparse_s": reparse_s, "reparse_rows_per_s": rows / reparse_s,
        "reparse_counts": [reparse.created_count, reparse.updated_count, reparse.unchanged_count],
    }
    if connection.vendor == "postgresql":
        result.update(_copy(connection))
    return result


def _copy(connection) -> dict:
    import csv
    import io

    header = next(csv.reader(io.StringIO(FILE.read_text(encoding="utf-8-sig"), newline="")))
    columns = ", ".join(f'c{i} text' for i in range(len(header)))
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor, for COPY
        raw.execute("DROP TABLE IF EXISTS bench_copy_scratch")
        raw.execute(f"CREATE UNLOGGED TABLE bench_copy_scratch ({columns})")
        started = time.perf_counter()
        with raw.copy("COPY bench_copy_scratch FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            copy.write(FILE.read_bytes().removeprefix(b"\xef\xbb\xbf"))
        elapsed = time.perf_counter() - started
        raw.execute("SELECT count(*) FROM bench_copy_scratch")
        copied = raw.fetchone()[0]
        raw.execute("DROP TABLE bench_copy_scratch")
    return {"copy_s": elapsed, "copy_rows": copied, "copy_rows_per_s": copied / elapsed}


def _ensure_pg_database(url: str) -> None:
    import psycopg
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def child(env: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child"], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"benchmark child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure()))
        return
    scratch = tempfile.mkdtemp(prefix="claimwatch-bench-")
    base = {**os.environ, "CLAIMWATCH_VAR_DIR": scratch, "DJANGO_LOG_LEVEL": "WARNING"}
    base.pop("DATABASE_URL", None)
    results = [child({**base, "SQLITE_PATH": f"{scratch}/bench.sqlite3"})]
    pg_url = os.environ.get("DATABASE_URL") or PG_URL
    _ensure_pg_database(pg_url)
    results.append(child({**base, "DATABASE_URL": pg_url}))
    print(f"{FILE.name}: {results[0]['rows']} rows, {results[0]['bytes']:,} bytes\n")
    print(f"{'':34}{'SQLite':>14}{'PostgreSQL':>14}")
    row = lambda label, key, fmt: print(f"{label:34}" + "".join(f"{fmt(r[key]):>14}" for r in results))  # noqa: E731
    row("first ingest (s)", "first_s", lambda v: f"{v:.2f}")
    row("first ingest (rows/s)", "first_rows_per_s", lambda v: f"{v:,.0f}")
    row("re-parse, nothing changes (s)", "reparse_s", lambda v: f"{v:.2f}")
    row("re-parse (rows/s)", "reparse_rows_per_s", lambda v: f"{v:,.0f}")
    row("unchanged re-run, same bytes (s)", "unchanged_s", lambda v: f"{v:.3f}")
    pg = results[1]
    print(f"\nPostgreSQL COPY into a scratch table: {pg['copy_rows']} rows in {pg['copy_s']:.3f} s "
          f"= {pg['copy_rows_per_s']:,.0f} rows/s")
    for r in results:
        assert r["unchanged_status"] == "unchanged" and r["reparse_counts"][:2] == [0, 0], r


if __name__ == "__main__":
    main()
