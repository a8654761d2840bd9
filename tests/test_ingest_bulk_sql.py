"""The bulk writes and the stored-row loading under the merge: values survive as written on either database."""

import datetime as dt

import pytest
from django.db import DataError, transaction

from ingest.bulk_sql import insert_rows, write_fields
from ingest.models import AIModel, DataSource, IngestRun
from ingest.stored import StoredRows

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    source = DataSource.objects.create(slug="bulk-test", name="bulk test", kind="epoch-models")
    return IngestRun.objects.create(source=source, status=IngestRun.Status.RUNNING)


def _row(key, run, **values):
    return {"key": key, "name": key.upper(), "run_id": run.pk, **values}


def test_inserted_rows_read_back_as_written_with_defaults_for_what_they_leave_out(run):
    insert_rows(AIModel, [
        _row("a", run, publication_date=dt.date(2024, 2, 29), parameters=1.5e12, notable=True, frontier_model=False,
             country='Tab\there, "quotes", back\\slash, ünïcode', provenance={"fields": {"name": run.pk}}),
        _row("b", run),
    ])
    a, b = AIModel.objects.get(key="a"), AIModel.objects.get(key="b")
    assert (a.publication_date, a.parameters, a.notable, a.frontier_model) == (dt.date(2024, 2, 29), 1.5e12, True, False)
    assert a.country == 'Tab\there, "quotes", back\\slash, ünïcode'
    assert a.provenance == {"fields": {"name": run.pk}}
    # Left out: each field's default, as Model() would give it.
    assert (b.publication_date, b.parameters, b.notable, b.frontier_model, b.country, b.provenance) == (
        None, None, False, None, "", {})


def test_written_fields_replace_values_with_new_ones_and_with_none(run):
    insert_rows(AIModel, [_row("a", run, parameters=2.0, frontier_model=True), _row("b", run, parameters=3.0)])
    rows = {row.key: row for row in StoredRows(AIModel).load("key", ["a", "b"])}
    rows["a"].parameters, rows["a"].frontier_model, rows["a"].provenance = None, False, {"carried_by": {"x": 1}}
    rows["b"].parameters, rows["b"].publication_date = 4.0, dt.date(2025, 1, 31)
    write_fields(AIModel, list(rows.values()), ["frontier_model", "parameters", "provenance", "publication_date"])
    a, b = AIModel.objects.get(key="a"), AIModel.objects.get(key="b")
    assert (a.parameters, a.frontier_model, a.provenance) == (None, False, {"carried_by": {"x": 1}})
    assert (b.parameters, b.publication_date, b.frontier_model) == (4.0, dt.date(2025, 1, 31), None)


def test_a_value_too_long_for_its_column_is_never_cut_silently(run):
    insert_rows(AIModel, [_row("a", run)])
    [row] = StoredRows(AIModel).load("key", ["a"])
    row.name = "n" * 301  # the column holds 300
    try:
        with transaction.atomic():
            write_fields(AIModel, [row], ["name"])
    except DataError:
        assert AIModel.objects.get(key="a").name == "A"  # PostgreSQL refuses it
    else:
        assert AIModel.objects.get(key="a").name == "n" * 301  # SQLite keeps it whole


def test_stored_rows_come_by_key_and_with_the_sources_carried_rows_in_one_query(run, django_assert_num_queries):
    insert_rows(AIModel, [
        _row("named", run),
        _row("carried", run, provenance={"carried_by": {"bulk-test": run.pk}}),
        _row("other", run, provenance={"carried_by": {"another-source": run.pk}}),
    ])
    with django_assert_num_queries(1):
        rows = list(StoredRows(AIModel).load("key", ["named", "not-stored"], carried_by="bulk-test"))
    assert sorted(row.key for row in rows) == ["carried", "named"]
    assert all(row.pk == row.id and row.run_id == run.pk for row in rows)


def test_stored_rows_read_back_every_column_as_the_model_gives_it(run):
    insert_rows(AIModel, [_row("a", run, publication_date=dt.date(2024, 2, 29), parameters=1.5e12, notable=True,
                               frontier_model=None, provenance={"fields": {"name": run.pk}, "carried_by": {"x": 2}})])
    [row] = StoredRows(AIModel).load("key", ["a"])
    model = AIModel.objects.get(key="a")
    for field in AIModel._meta.concrete_fields:
        assert getattr(row, field.attname) == getattr(model, field.attname), field.attname
        assert type(getattr(row, field.attname)) is type(getattr(model, field.attname)), field.attname


def test_a_merge_into_one_of_two_rows_with_the_same_provenance_leaves_the_other_as_stored(run):
    # Rows with the same provenance text share one decoded value (ingest.stored): a merge
    # must replace it, never change it in place.
    from ingest import merge

    same = {"fields": {"name": run.pk, "country": run.pk}, "carried_by": {"bulk-test": run.pk}}
    insert_rows(AIModel, [_row("a", run, country="X", provenance=same), _row("b", run, country="X", provenance=same)])
    rows = {row.key: row for row in StoredRows(AIModel).load("key", ["a", "b"])}
    newer = IngestRun.objects.create(source=run.source, status=IngestRun.Status.RUNNING, as_of=dt.datetime(2030, 1, 1,
                                     tzinfo=dt.UTC))
    merger = merge.Merger(merge.Stamp.of_run(newer), newer.pk, merge.owner_stamps(list(rows.values())), ("key",))
    merger.merge(rows["a"], {"key": "a", "country": "Y"})
    merge.mark_carried(rows["a"], "another", newer.pk)
    assert rows["a"].provenance == {"fields": {"name": run.pk, "country": newer.pk},
                                    "carried_by": {"bulk-test": run.pk, "another": newer.pk}}
    assert rows["b"].provenance == same


def test_records_that_had_one_provenance_share_the_marked_one_and_later_changes_stay_apart(run):
    # A run marks the records it carries through Merger.mark_carried, which hands records
    # that had the same provenance one marked dict; the bulk writes encode it once. Both
    # records must read back marked, and a later change to one must leave the other alone.
    from ingest import merge

    same = {"fields": {"name": run.pk}, "carried_by": {"bulk-test": run.pk}}
    insert_rows(AIModel, [_row("a", run, provenance=same), _row("b", run, provenance=same), _row("c", run)])
    other = DataSource.objects.create(slug="another", name="another", kind="epoch-models")
    newer = IngestRun.objects.create(source=other, status=IngestRun.Status.RUNNING)
    rows = {row.key: row for row in StoredRows(AIModel).load("key", ["a", "b", "c"])}
    merger = merge.Merger(merge.Stamp.of_run(newer), newer.pk, merge.owner_stamps(list(rows.values())), ("key",))
    assert all(merger.mark_carried(row) for row in rows.values())
    assert not merger.mark_carried(rows["a"])  # already carried by this source
    marked = {"fields": {"name": run.pk}, "carried_by": {"bulk-test": run.pk, "another": newer.pk}}
    assert rows["a"].provenance == rows["b"].provenance == marked
    assert rows["c"].provenance == {"carried_by": {"another": newer.pk}}
    merge.unmark_carried(rows["a"], "bulk-test")
    write_fields(AIModel, list(rows.values()), ["provenance"])
    stored = dict(AIModel.objects.values_list("key", "provenance"))
    assert stored == {"a": {"fields": {"name": run.pk}, "carried_by": {"another": newer.pk}}, "b": marked,
                      "c": {"carried_by": {"another": newer.pk}}}
    assert same == {"fields": {"name": run.pk}, "carried_by": {"bulk-test": run.pk}}  # never changed in place
