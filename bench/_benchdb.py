"""The benchmark's own PostgreSQL databases: created, marked and reused per data size.

A benchmark database is named after its size (``cwbench_c100000_s10000000``) and holds a
marker table written before anything else (on SQLite: a file of that name under var/bench/).
The scripts only ever migrate, fill or drop a database that carries the marker; any other
database of that name is refused, so pointing BENCH_DATABASE_URL at a real database can never
flush it. The marker also names the generator's version (_dataset.VERSION): a data set an older
generator built is one of ours, half-built for today's benchmark, and is rebuilt.
"""

import os
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SQLITE_DIR = ROOT / "var" / "bench"

MARKER = "cwbench_marker"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


class NotOurs(SystemExit):
    pass


@dataclass(frozen=True)
class Size:
    claims: int
    scores: int
    engine: str = "postgresql"  # or "sqlite"

    @property
    def people(self) -> int:
        return max(50, self.claims // 50)  # 2,000 at 100k claims

    @property
    def evidence(self) -> int:
        return self.claims * 10  # 1,000,000 at 100k claims

    @property
    def name(self) -> str:
        # BENCH_DB_SUFFIX: a copy of its own for each of several people measuring on one server
        # (CREATE DATABASE ... TEMPLATE the unsuffixed one); a migration run on one copy then
        # changes no one else's figures.
        return f"cwbench_c{self.claims}_s{self.scores}{os.environ.get('BENCH_DB_SUFFIX', '')}"

    @property
    def sqlite_path(self) -> Path:
        return SQLITE_DIR / f"{self.name}.sqlite3"

    @property
    def label(self) -> str:
        return f"{self.name}{'_sqlite' if self.engine == 'sqlite' else ''}"


def server_url() -> str:
    """BENCH_DATABASE_URL names the server (its database part is ignored: each size has its own)."""
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER)


def database_url(size: Size) -> str:
    return urlsplit(server_url())._replace(path=f"/{size.name}").geturl()


def _admin_url() -> str:
    return urlsplit(server_url())._replace(path="/postgres").geturl()


def state(size: Size) -> str:
    """"missing", "ours-complete", "ours-partial" or "foreign"."""
    if size.engine == "sqlite":
        if not size.sqlite_path.exists():
            return "missing"
        with sqlite3.connect(size.sqlite_path) as conn:
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [MARKER]).fetchone():
                return "foreign"
            columns = {r[1] for r in conn.execute(f"PRAGMA table_info({MARKER})")}
            row = conn.execute(f"SELECT claims, scores, complete, {_version_column(columns)} FROM {MARKER}").fetchone()
        return _judge(size, row)
    import psycopg

    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [size.name]).fetchone():
            return "missing"
    with psycopg.connect(database_url(size), autocommit=True) as conn:
        if not conn.execute("SELECT to_regclass(%s)", [MARKER]).fetchone()[0]:
            return "foreign"
        columns = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [MARKER])}
        row = conn.execute(f"SELECT claims, scores, complete, {_version_column(columns)} FROM {MARKER}").fetchone()
    return _judge(size, row)


def _version_column(columns) -> str:
    return "dataset" if "dataset" in columns else "0"  # markers from before the version column


def _judge(size: Size, row) -> str:
    if not row or (row[0], row[1]) != (size.claims, size.scores):
        return "foreign"
    return "ours-complete" if row[2] and row[3] == _dataset_version() else "ours-partial"


def _dataset_version() -> int:
    from _dataset import VERSION

    return VERSION


def create(size: Size) -> None:
    """Create the database and mark it ours before any table goes in."""
    if size.engine == "sqlite":
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(size.sqlite_path) as conn:
            conn.execute(f"CREATE TABLE {MARKER} (claims integer, scores integer, complete boolean, created text, "
                         "dataset integer)")
            conn.execute(f"INSERT INTO {MARKER} VALUES (?, ?, 0, datetime('now'), ?)",
                         [size.claims, size.scores, _dataset_version()])
        return
    import psycopg

    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{size.name}"')
    with psycopg.connect(database_url(size), autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {MARKER} (claims bigint, scores bigint, complete boolean, created timestamptz, "
                     "dataset integer)")
        conn.execute(f"INSERT INTO {MARKER} VALUES (%s, %s, false, now(), %s)",
                     [size.claims, size.scores, _dataset_version()])


def mark_complete(size: Size) -> None:
    if size.engine == "sqlite":
        with sqlite3.connect(size.sqlite_path) as conn:
            conn.execute(f"UPDATE {MARKER} SET complete = 1")
        return
    import psycopg

    with psycopg.connect(database_url(size), autocommit=True) as conn:
        conn.execute(f"UPDATE {MARKER} SET complete = true")


def drop(size: Size) -> None:
    """Drop a database, only if it carries our marker for this size."""
    if state(size) not in ("ours-complete", "ours-partial"):
        raise NotOurs(f"refusing to drop {size.name}: it is not a benchmark database of this size")
    if size.engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{size.sqlite_path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{size.name}" WITH (FORCE)')


def prepare(size: Size, *, regenerate: bool = False) -> bool:
    """Make sure the database exists and is ours; True when it still needs its data set."""
    current = state(size)
    if current == "foreign":
        sys.exit(f"refusing to use {size.name}: that database exists but was not created by this benchmark "
                 f"(no {MARKER} table for this size). Drop it yourself or point BENCH_DATABASE_URL elsewhere.")
    if current == "ours-partial" or (regenerate and current == "ours-complete"):
        drop(size)
        current = "missing"
    if current == "missing":
        create(size)
        return True
    return False


def configure_django(size: Size, cache_url: str | None) -> None:
    """Point Django at the size's database and a cache of the benchmark's own, emptied first."""
    if size.engine == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(size.sqlite_path)
    else:
        os.environ["DATABASE_URL"] = database_url(size)
    os.environ.update(production_env())
    os.environ.pop("CACHE_URL", None)
    import django
    from django.conf import settings

    if cache_url:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": cache_url}}
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                       "LOCATION": "bench", "OPTIONS": {"MAX_ENTRIES": 100000}}}
    django.setup()
    from django.core.cache import cache

    cache.clear()  # a leftover cache once changed one page's figure 3x
    collect_static()


def settle() -> None:
    """VACUUM ANALYZE the benchmark's own database before measuring (PostgreSQL).

    A live server's autovacuum keeps dead rows and planner statistics in hand; a benchmark
    server may run with it off (this machine's does), and then a migration's backfill or a
    refresh of the facet tables leaves them several times their live size, read by every
    facet count. Measured is the steady state a live site is in, so it is made here.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE before measuring: {time.perf_counter() - started:.1f} s (server autovacuum: {autovacuum})",
          flush=True)


def production_env() -> dict:
    """Production settings (DEBUG off, manifest static files), over plain HTTP on loopback."""
    return {
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_STATIC_ROOT": str(SQLITE_DIR / "static"),
    }


def collect_static() -> None:
    """Production pages name hashed static files: collect them once into var/bench/static."""
    if not (SQLITE_DIR / "static" / "staticfiles.json").exists():
        from django.core.management import call_command

        call_command("collectstatic", "--noinput", verbosity=0)
