"""The page benchmark's own databases: it reuses its own, rebuilds a half-built one, refuses others."""

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import _benchdb  # noqa: E402


@pytest.fixture
def size(tmp_path, monkeypatch):
    monkeypatch.setattr(_benchdb, "SQLITE_DIR", tmp_path)
    return _benchdb.Size(123, 456, "sqlite")


def test_a_new_database_is_marked_before_anything_goes_in(size):
    assert _benchdb.prepare(size) is True
    assert _benchdb.state(size) == "ours-partial"
    _benchdb.mark_complete(size)
    assert _benchdb.state(size) == "ours-complete"
    assert _benchdb.prepare(size) is False  # generated once per size, then reused


def test_a_half_built_data_set_is_dropped_and_rebuilt(size):
    _benchdb.prepare(size)
    with sqlite3.connect(size.sqlite_path) as conn:
        conn.execute("CREATE TABLE leftover (x)")
    assert _benchdb.prepare(size) is True
    with sqlite3.connect(size.sqlite_path) as conn:
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'leftover'").fetchone()


def test_a_database_it_did_not_create_is_refused_and_left_intact(size):
    with sqlite3.connect(size.sqlite_path) as conn:
        conn.execute("CREATE TABLE claims_claim (id integer)")
        conn.execute("INSERT INTO claims_claim VALUES (1)")
    with pytest.raises(SystemExit, match="was not created by this benchmark"):
        _benchdb.prepare(size, regenerate=True)
    with pytest.raises(_benchdb.NotOurs):
        _benchdb.drop(size)
    with sqlite3.connect(size.sqlite_path) as conn:
        assert conn.execute("SELECT count(*) FROM claims_claim").fetchone() == (1,)


def test_a_marker_for_another_size_is_not_ours(size, tmp_path):
    _benchdb.prepare(size)
    other = _benchdb.Size(123, 457, "sqlite")
    size.sqlite_path.rename(other.sqlite_path)
    assert _benchdb.state(other) == "foreign"


def test_a_suffix_names_a_copy_of_its_own_and_the_unsuffixed_one_is_left_alone(size, monkeypatch):
    _benchdb.prepare(size)
    _benchdb.mark_complete(size)
    monkeypatch.setenv("BENCH_DB_SUFFIX", "_mine")
    assert size.name == "cwbench_c123_s456_mine"
    assert _benchdb.state(size) == "missing"  # the copy is another database
    assert _benchdb.prepare(size) is True
    monkeypatch.delenv("BENCH_DB_SUFFIX")
    assert _benchdb.state(size) == "ours-complete"
