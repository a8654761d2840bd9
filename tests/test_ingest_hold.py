"""Suspicious payloads are held, not applied; every run keeps a diff with anomaly flags."""

import csv
import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from ingest.models import AIModel, HeldPayload, IngestRun, RunChange

from .ingest_checksums import table_checksums
from .ingest_fixtures import make_source, run_once, snapshot

pytestmark = pytest.mark.django_db
NOTABLE = snapshot("epoch/notable_ai_models.csv")


def real_text() -> str:
    return NOTABLE.read_bytes().decode("utf-8-sig")


def truncated_at_60_percent() -> bytes:
    data = NOTABLE.read_bytes()
    return data[: int(len(data) * 0.6)]


def unterminated_quote() -> bytes:
    text = real_text()
    middle = text.index("\n", len(text) // 2) + 1  # the start of a line half way down
    return (text[:middle] + '"' + text[middle:]).encode()


def short_last_row() -> bytes:
    rows = list(csv.reader(io.StringIO(real_text(), newline="")))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([*rows[:-1], rows[-1][:5]])
    return out.getvalue().encode()


@pytest.fixture
def loaded(tmp_path):
    path = tmp_path / "notable_ai_models.csv"
    path.write_bytes(NOTABLE.read_bytes())
    source = make_source("notable", "epoch-models", path=str(path), notable=True)
    first = run_once(source)
    assert first.status == IngestRun.Status.OK and first.record_count == 954
    return source, path


@pytest.mark.parametrize("damage, reason", [
    (truncated_at_60_percent, "in the last good run"),
    (unterminated_quote, "unterminated quote"),
    (short_last_row, "fewer fields than the header"),
])
def test_damaged_real_files_are_held_and_change_no_stored_value(loaded, damage, reason):
    source, path = loaded
    before = table_checksums()
    vespa_like = {m.key: (m.confidence, m.country) for m in AIModel.objects.all()}
    path.write_bytes(damage())
    run = run_once(source)
    assert run.status == IngestRun.Status.HELD, (run.status, run.error)
    assert any(reason in r for r in run.hold_reasons), run.hold_reasons
    assert table_checksums() == before
    assert {m.key: (m.confidence, m.country) for m in AIModel.objects.all()} == vespa_like
    assert not AIModel.objects.filter(run=run).exists()
    assert bytes(HeldPayload.objects.get(run=run).data) == path.read_bytes()


def test_the_short_last_row_is_rejected_with_its_reason_and_the_rest_would_be_unchanged(loaded):
    source, path = loaded
    path.write_bytes(short_last_row())
    run = run_once(source)
    assert run.status == IngestRun.Status.HELD
    assert run.rejected_rows[-1]["reason"] == "row has 5 fields but the header has 40: the row is cut short"
    assert (run.created_count, run.updated_count, run.changed_values) == (0, 0, 0)


def write_models(path, rows):
    header = ["Model", "Publication date", "Parameters", "Training compute (FLOP)"]
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    path.write_text(out.getvalue())


def test_the_diff_flags_tenfold_changes_moved_dates_and_disappeared_records(tmp_path):
    path = tmp_path / "models.csv"
    write_models(path, [["Foo", "2023-01-01", "1000", "1e20"], ["Bar", "2023-06-01", "5", "1e18"],
                        ["Baz", "2023-02-01", "7", "2e18"]])
    source = make_source("models", "epoch-models", path=str(path))
    run_once(source)
    write_models(path, [["Foo", "2024-06-01", "10000", "1.5e20"], ["Baz", "2023-02-01", "7", "2e18"]])
    run = run_once(source)
    # One of three records gone: a 33% drop holds the run, with its diff.
    assert run.status == IngestRun.Status.HELD
    flags = {(c.record, c.field, c.flag) for c in run.changes.exclude(flag="")}
    assert flags == {("foo", "parameters", "10x"), ("foo", "publication_date", "date-moved"),
                     ("bar", "", "disappeared")}
    changed = run.changes.get(record="foo", field="training_compute_flop")
    assert (changed.before, changed.after, changed.flag) == ("1e+20", "1.5e+20", "")
    assert (run.changed_values, run.disappeared_count, run.flagged_count) == (3, 1, 3)
    assert AIModel.objects.get(key="foo").parameters == 1000  # held: nothing stored


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_user("staff", password="x", is_staff=True))
    return client


@pytest.fixture
def held(tmp_path):
    path = tmp_path / "models.csv"
    write_models(path, [["Foo", "2023-01-01", "1000", "1e20"], ["Bar", "2023-06-01", "5", "1e18"]])
    source = make_source("models", "epoch-models", path=str(path))
    run_once(source)
    write_models(path, [["Foo", "2024-01-02", "10000", "1e20"]])
    run = run_once(source)
    assert run.status == IngestRun.Status.HELD
    return run


def test_run_page_shows_hold_reasons_diff_and_the_two_decisions(staff, held, django_assert_num_queries):
    # session, user, run + source, 4 "still pointing" counts, diff lines, values the run moved
    # (editorial's reporter), 2 permission lookups (base), earlier runs
    with django_assert_num_queries(12):
        response = staff.get(reverse("ingest:run", args=[held.pk]))
    html = response.content.decode()
    assert "Held for review" in html and "a drop of 50%, over 20%" in html
    assert "changed 10× or more" in html and "record disappeared" in html
    assert "1000.0" in html and "10000.0" in html
    assert reverse("ingest:apply", args=[held.pk]) in html and reverse("ingest:discard", args=[held.pk]) in html
    assert "Data as of" in html and "newest &#x27;Publication date&#x27; in the data" in html


def test_the_diff_downloads_as_csv_and_json_with_the_same_lines(staff, held):
    csv_response = staff.get(reverse("ingest:run_diff_csv", args=[held.pk]))
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    body = json.loads(staff.get(reverse("ingest:run_diff_json", args=[held.pk])).content)
    assert body["changes"] == lines
    assert body["counts"] == {"created": 0, "changed values": 2, "conflicts": 0, "disappeared": 1, "flagged": 3}
    assert {(r["record"], r["field"], r["before"], r["after"]) for r in lines if r["kind"] == "changed"} == {
        ("foo", "parameters", "1000.0", "10000.0"), ("foo", "publication_date", "2023-01-01", "2024-01-02")}


def test_staff_apply_a_held_run_and_its_values_land(staff, held):
    response = staff.post(reverse("ingest:apply", args=[held.pk]))
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == IngestRun.Status.OK and held.decided_by == "staff"
    foo = AIModel.objects.get(key="foo")
    assert (foo.parameters, foo.publication_date, foo.run_id) == (10000, dt.date(2024, 1, 2), held.pk)
    assert AIModel.objects.get(key="bar").parameters == 5  # gone upstream, never deleted
    assert not HeldPayload.objects.exists()
    assert staff.post(reverse("ingest:apply", args=[held.pk])).status_code == 409


def test_staff_discard_a_held_run_and_nothing_changes(staff, held):
    before = table_checksums()
    assert staff.post(reverse("ingest:discard", args=[held.pk])).status_code == 302
    held.refresh_from_db()
    assert held.status == IngestRun.Status.DISCARDED and not HeldPayload.objects.exists()
    assert table_checksums() == before


def test_only_staff_decide_and_only_by_post(client, held):
    url = reverse("ingest:apply", args=[held.pk])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(User.objects.create_user("reader", password="x"))
    assert client.post(url).status_code == 403
    assert client.get(reverse("ingest:run_diff_csv", args=[held.pk])).status_code == 403
    held.refresh_from_db()
    assert held.status == IngestRun.Status.HELD
    assert RunChange.objects.filter(run=held).count() == 3


def test_data_changed_names_exactly_the_records_a_run_created_changed_or_lost(tmp_path, django_capture_on_commit_callbacks):
    from ingest.signals import data_changed

    seen = []

    def receiver(sender, run_id, changed, **kwargs):
        seen.append((run_id, changed))

    path = tmp_path / "models.csv"
    write_models(path, [["Foo", "2023-01-01", "1000", "1e20"], ["Bar", "2023-06-01", "5", "1e18"],
                        ["Baz", "2023-02-01", "7", "2e18"], ["Qux", "2023-03-01", "9", "3e18"],
                        ["Quux", "2023-04-01", "11", "4e18"]])
    source = make_source("models", "epoch-models", path=str(path))
    data_changed.connect(receiver, dispatch_uid="test-data-changed")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = run_once(source)
            # Foo changes, Quux disappears (a 20% drop, not over it), the rest stay as they were.
            write_models(path, [["Foo", "2023-05-01", "1200", "1e20"], ["Bar", "2023-06-01", "5", "1e18"],
                                ["Baz", "2023-02-01", "7", "2e18"], ["Qux", "2023-03-01", "9", "3e18"]])
            second = run_once(source)
            third = run_once(source)  # unchanged: no signal
    finally:
        data_changed.disconnect(dispatch_uid="test-data-changed")
    assert second.status == IngestRun.Status.OK, second.hold_reasons
    assert third.status == IngestRun.Status.UNCHANGED
    assert seen == [(first.pk, {"AIModel": frozenset({"foo", "bar", "baz", "qux", "quux"})}),
                    (second.pk, {"AIModel": frozenset({"foo", "quux"})})]
