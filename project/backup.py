"""Backup and restore of the whole database, byte for byte, with the database's own tools.

PostgreSQL: pg_dump's custom format and pg_restore. Every table comes back as it was,
including what the ORM does not know about (the stored, trigger-filled search documents)
and timestamps to the microsecond, which dumpdata/loaddata lose.

SQLite (the embedded default): SQLite's online backup API, a consistent copy taken while
the web server and the worker keep running (WAL mode), and restored the same way.

Used by `manage.py backup` and `manage.py restore` (claims/management/commands).
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path


class BackupError(Exception):
    """The backup or restore did not complete; the message says why."""


def vendor(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"no backup method for the database engine {engine}")


def _pg_env(settings_dict: dict) -> dict:
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def _run(args: list[str], env: dict) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise BackupError(f"{args[0]} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run([tool, *args[1:]], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def backup(settings_dict: dict, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if vendor(settings_dict) == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}",
              settings_dict["NAME"]], _pg_env(settings_dict))
        return path
    source = sqlite3.connect(settings_dict["NAME"])
    target = sqlite3.connect(str(path))
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()
    return path


def restore(settings_dict: dict, path: Path, *, into: str | None = None) -> str:
    """Restore ``path`` into the configured database, or into ``into`` (another database
    name on the same PostgreSQL server, or another SQLite file). Returns what was restored into."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    target = into or settings_dict["NAME"]
    if vendor(settings_dict) == "postgresql":
        env = _pg_env(settings_dict)
        if into:
            _run(["createdb", into], env)
        # --clean --if-exists: restoring over a live database replaces its tables in one go.
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              f"--dbname={target}", str(path)], env)
        return target
    source = sqlite3.connect(str(path))
    destination = sqlite3.connect(str(target))
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        source.close()
    return target
