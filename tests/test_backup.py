"""Backup and restore round-trip the whole database: every table, row for row.

On PostgreSQL that includes the trigger-filled search documents (not ORM fields, so
dumpdata never saw them) and microsecond timestamps; on SQLite the online backup API
copies the file while it is in use.
"""

import datetime as dt
import subprocess
import sqlite3

import pytest
from django.core.management import call_command
from django.db import connection

from claims.models import Claim, Evidence
from ingest.models import DataSource, IngestRun
from ingest.runner import queue_run, run_ingest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data(db):
    from claims.seed import load_seed

    load_seed()
    source = DataSource.objects.create(slug="notable", name="notable", kind="epoch-models",
                                       path="ingest/snapshots/epoch/notable_ai_models.csv")
    run = run_ingest(queue_run(source).pk)
    assert run.status == IngestRun.Status.OK
    claim = Claim.objects.published().first()
    Evidence.objects.create(claim=claim, stance="supports", state="accepted", summary="Scores kept rising sharply.")
    # A timestamp with microseconds: dumpdata/loaddata is where these got truncated.
    stamp = dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC)
    Claim.objects.filter(pk=claim.pk).update(updated=stamp)
    return {"claim": claim, "stamp": stamp}


def _sqlite_tables(path):
    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {name: sorted(map(repr, db.execute(f'SELECT * FROM "{name}"'))) for name in names}
    finally:
        db.close()


def _pg_tables(dbname):
    import psycopg

    params = {k: v for k, v in {"host": connection.settings_dict.get("HOST"), "port": connection.settings_dict.get("PORT"),
                                "user": connection.settings_dict.get("USER"),
                                "password": connection.settings_dict.get("PASSWORD")}.items() if v}
    with psycopg.connect(dbname=dbname, **params) as db:
        names = [r[0] for r in db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema='public' AND table_type='BASE TABLE' "
            "ORDER BY table_name")]
        # Each row as PostgreSQL's own text form: tsvectors and timestamps exactly as stored.
        return {name: [r[0] for r in db.execute(f'SELECT t::text FROM "{name}" t ORDER BY 1')] for name in names}


def _tables(target):
    return _pg_tables(target) if connection.vendor == "postgresql" else _sqlite_tables(target)


@pytest.fixture
def restore_target(tmp_path):
    if connection.vendor != "postgresql":
        yield str(tmp_path / "restored.sqlite3")
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    env_args = ["-h", connection.settings_dict.get("HOST") or "127.0.0.1", "-U", connection.settings_dict.get("USER") or "postgres"]
    subprocess.run(["dropdb", "--if-exists", *env_args, name], check=False, capture_output=True)
    yield name
    subprocess.run(["dropdb", "--if-exists", *env_args, name], check=False, capture_output=True)


def test_a_backup_restores_into_another_database_with_every_table_identical(data, tmp_path, restore_target):
    path = tmp_path / "claimwatch.backup"
    call_command("backup", str(path))
    assert path.stat().st_size > 100_000
    call_command("restore", str(path), into=restore_target)

    original, restored = _tables(connection.settings_dict["NAME"]), _tables(restore_target)
    assert set(original) == set(restored)
    for table in original:
        assert original[table] == restored[table], f"{table} differs after the round trip"
    # Not vacuous: the tables hold the seed, the 954 ingested models and their runs.
    assert len(original["ingest_aimodel"]) == 954 and len(original["claims_claim"]) >= 20
    assert "2024-05-06 07:08:09.123456" in "\n".join(restored["claims_claim"])
    if connection.vendor == "postgresql":
        # The stored search documents came back too, for claims and for evidence.
        assert "'sharpli':" in "\n".join(restored["claims_evidence"])  # the stemmed search text


def test_restoring_over_the_live_database_brings_back_what_was_backed_up(data, tmp_path):
    path = tmp_path / "claimwatch.backup"
    call_command("backup", str(path))
    claim = data["claim"]
    Claim.objects.filter(pk=claim.pk).update(title="Changed after the backup")
    Evidence.objects.all().delete()
    call_command("restore", str(path), yes=True)
    connection.close()
    claim.refresh_from_db()
    assert claim.title != "Changed after the backup"
    assert claim.updated == data["stamp"]
    assert Evidence.objects.filter(summary="Scores kept rising sharply.").exists()
    if connection.vendor == "postgresql":
        from claims.search import search_claims

        assert list(search_claims(Claim.objects.published(), claim.title.split()[0]))


def test_a_missing_backup_file_is_a_clear_error(db, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no backup file at"):
        call_command("restore", str(tmp_path / "nope.backup"), yes=True)
