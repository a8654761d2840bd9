"""Field-level merge by the data's own as-of date: any run order gives the same data."""

import datetime as dt
import random

import pytest
from django.core.management import call_command

from ingest.bundled import register_bundled_sources
from ingest.models import AIModel, Benchmark, BenchmarkScore, DataSource, FeedItem, IngestRun, RunChange, Series, SeriesPoint

from .ingest_checksums import table_checksums
from .ingest_fixtures import make_source, newer, notable_rows, run_once, snapshot, write_notable

pytestmark = pytest.mark.django_db

MODEL_SLUGS = ["epoch-notable-models", "epoch-large-scale-models", "epoch-all-models"]
# Every source that writes models or scores, plus one chart and one feed: the tables that
# more than one source writes, and one of each kind that only its own source writes.
SLUGS = MODEL_SLUGS + [
    "epoch-benchmark-runs", "epoch-capabilities-index", "epoch-external-mmlu", "epoch-external-arc-agi",
    "epoch-external-metr", "epoch-external-terminal-bench", "metr-horizons",
    "owid-artificial-intelligence-training-computation", "bair-blog",
]


def wipe():
    for model in (BenchmarkScore, SeriesPoint, FeedItem, AIModel, Series, Benchmark, RunChange, IngestRun, DataSource):
        model.objects.all().delete()


def ingest_in_order(slugs) -> dict:
    wipe()
    sources = {s.slug: s for s in register_bundled_sources()}
    for slug in slugs:
        run = run_once(sources[slug])
        assert run.status == IngestRun.Status.OK, (slug, run.status, run.error)
    return table_checksums()


def assert_epoch_facts():
    gpt4 = AIModel.objects.get(key="gpt-4")
    assert round(gpt4.training_compute_cost_usd) == 40586593
    assert AIModel.objects.get(key="o3-mini").publication_date == dt.date(2025, 1, 31)


def test_bundled_sources_in_several_orders_give_identical_tables():
    orders = [SLUGS, list(reversed(SLUGS))]
    for seed in (1, 2):
        shuffled = list(SLUGS)
        random.Random(seed).shuffle(shuffled)
        orders.append(shuffled)
    results = []
    for order in orders:
        results.append(ingest_in_order(order))
        assert_epoch_facts()
    assert all(result == results[0] for result in results[1:]), [
        {t: r[t] for t in r if r[t] != results[0][t]} for r in results[1:]]
    assert (AIModel.objects.count(), BenchmarkScore.objects.count()) == (2301, 1276)


@pytest.mark.parametrize("order", [
    MODEL_SLUGS, MODEL_SLUGS[::-1],
    ["epoch-large-scale-models", "epoch-notable-models", "epoch-all-models"],
    ["epoch-all-models", "epoch-notable-models", "epoch-large-scale-models"],
])
def test_gpt4_cost_and_o3_mini_date_survive_every_order_of_the_model_files(order):
    ingest_in_order(order)
    assert_epoch_facts()
    # all-models lists o3-mini a year early; its older data must not move the date.
    assert AIModel.objects.filter(notable=True).count() == 954


def test_an_older_payload_is_recorded_as_a_conflict_not_applied():
    ingest_in_order(["epoch-notable-models", "epoch-all-models"])
    run = IngestRun.objects.get(source__slug="epoch-all-models")
    notable = IngestRun.objects.get(source__slug="epoch-notable-models")
    assert run.as_of.date() == dt.date(2025, 3, 14) and "Publication date" in run.as_of_rule
    assert notable.as_of.date() == dt.date(2025, 4, 10)
    conflict = run.changes.get(kind=RunChange.Kind.CONFLICT, record="o3-mini", field="publication_date")
    assert (conflict.before, conflict.after) == ("2025-01-31", "2024-01-31")
    assert "newer data" in conflict.note
    assert run.conflict_count == run.changes.filter(kind=RunChange.Kind.CONFLICT).count() > 0


def test_every_field_knows_the_run_that_set_it():
    ingest_in_order(["epoch-all-models", "epoch-notable-models"])
    notable = IngestRun.objects.get(source__slug="epoch-notable-models")
    everything = IngestRun.objects.get(source__slug="epoch-all-models")
    gpt4 = AIModel.objects.get(key="gpt-4")
    fields = gpt4.provenance["fields"]
    assert fields["training_compute_cost_usd"] == notable.pk
    assert set(gpt4.provenance["carried_by"]) == {"epoch-all-models", "epoch-notable-models"}
    # Something only all-models knows stays owned by its run.
    only_all = AIModel.objects.exclude(provenance__carried_by__has_key="epoch-notable-models").first()
    assert set(only_all.provenance["fields"].values()) == {everything.pk}


def test_equal_dates_are_settled_by_the_declared_precedence(tmp_path):
    header = "Model,Publication date,Parameters,Training compute (FLOP),Organization\n"
    (tmp_path / "notable_ai_models.csv").write_text(header + "Foo,2025-01-01,1000,1e20,Lab A\n")
    (tmp_path / "all_ai_models.csv").write_text(header + "Foo,2025-01-01,2000,1e20,Lab B\n")
    for first, second in (("notable_ai_models", "all_ai_models"), ("all_ai_models", "notable_ai_models")):
        wipe()
        for name in (first, second):
            run = run_once(make_source(name.replace("_", "-"), "epoch-models", path=str(tmp_path / f"{name}.csv")))
            assert run.status == IngestRun.Status.OK, run.error
        foo = AIModel.objects.get(key="foo")
        assert (foo.parameters, foo.organization) == (1000, "Lab A")
    # The last order ran notable second: all-models lost nothing there, notable replaced it.
    losing = IngestRun.objects.get(source__slug="all-ai-models")
    assert losing.precedence < IngestRun.objects.get(source__slug="notable-ai-models").precedence


def test_a_missing_column_or_empty_cell_never_blanks_a_value(tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("Model,Publication date,Parameters,Training compute (FLOP),Confidence,Country\n"
                     "Foo,2025-01-01,1000,1e20,Likely,France\n")
    second = tmp_path / "b.csv"
    second.write_text("Model,Publication date,Parameters,Confidence\nFoo,2025-02-01,,Speculative\n")
    source = make_source("models", "epoch-models", path=str(first))
    run_once(source)
    source.path = str(second)
    source.save()
    run = run_once(source)
    assert run.status == IngestRun.Status.OK, run.error
    foo = AIModel.objects.get(key="foo")
    assert (foo.parameters, foo.training_compute_flop, foo.country, foo.confidence) == (1000, 1e20, "France", "Speculative")
    assert foo.publication_date == dt.date(2025, 2, 1)


def test_ingest_command_with_a_file_follows_the_same_rule(capsys):
    ingest_in_order(["epoch-notable-models"])
    call_command("ingest", kind="epoch-models", file=str(snapshot("epoch/all_ai_models.csv")))
    assert "status=ok" in capsys.readouterr().out
    assert_epoch_facts()
    run = IngestRun.objects.get(source__slug="file-epoch-models")
    assert run.changes.filter(kind=RunChange.Kind.CONFLICT, record="o3-mini").exists()


# ---------------------------------------------------------------- flags: True -> False
# Variants of the real notable export. Its as-of date is its newest publication date
# (2025-04-10), so a newer export is the real one plus a model published after it, and an
# older one is the real one without its models from 2025.

def clear_frontier(rows, model="GPT-4") -> list[dict]:
    return [{**row, "Frontier model": ""} if row["Model"] == model else row for row in rows]


def rerun_notable(path) -> IngestRun:
    source = DataSource.objects.get(slug="epoch-notable-models")
    source.path = path
    source.save()
    run = run_once(source)
    assert run.status == IngestRun.Status.OK, (run.status, run.error, run.hold_reasons)
    return run


def test_a_newer_export_with_the_frontier_box_unticked_clears_the_flag(tmp_path):
    ingest_in_order(["epoch-notable-models"])
    assert AIModel.objects.get(key="gpt-4").frontier_model is True
    header, rows = notable_rows()
    run = rerun_notable(write_notable(tmp_path / "notable.csv", header, clear_frontier(newer(header, rows))))
    assert run.as_of.date() == dt.date(2025, 6, 2)
    assert AIModel.objects.get(key="gpt-4").frontier_model is False
    change = run.changes.get(kind=RunChange.Kind.CHANGED, record="gpt-4", field="frontier_model")
    assert (change.before, change.after) == ("True", "False")
    # Every other ticked box is still ticked.
    assert AIModel.objects.filter(frontier_model=True).count() == 152


def test_an_older_export_with_the_box_unticked_leaves_the_flag_and_records_the_conflict(tmp_path):
    ingest_in_order(["epoch-notable-models"])
    header, rows = notable_rows()
    older = [row for row in rows if not row["Publication date"].startswith("2025")]
    run = rerun_notable(write_notable(tmp_path / "notable.csv", header, clear_frontier(older)))
    assert run.as_of.date() < dt.date(2025, 1, 1)
    assert AIModel.objects.get(key="gpt-4").frontier_model is True
    conflict = run.changes.get(kind=RunChange.Kind.CONFLICT, record="gpt-4", field="frontier_model")
    assert "newer data" in conflict.note


def test_a_newer_export_without_the_frontier_column_leaves_every_flag(tmp_path):
    ingest_in_order(["epoch-notable-models"])
    header, rows = notable_rows()
    header = [name for name in header if name != "Frontier model"]
    rows = [{name: row[name] for name in header} for row in rows]
    run = rerun_notable(write_notable(tmp_path / "notable.csv", header, newer(header, rows)))
    assert run.as_of.date() == dt.date(2025, 6, 2)
    assert AIModel.objects.filter(frontier_model=True).count() == 153
    assert not run.changes.filter(field="frontier_model").exists()
    # A model no notable export has flagged either way is unknown, not "not frontier".
    assert AIModel.objects.get(key="later model").frontier_model is None


def test_exports_that_are_not_the_notable_table_never_clear_the_notable_flag():
    # All-models lists notable and other models alike: it does not say a model is not notable.
    ingest_in_order(["epoch-notable-models", "epoch-all-models", "epoch-large-scale-models"])
    assert AIModel.objects.filter(notable=True).count() == 954
    assert not RunChange.objects.filter(field="notable").exclude(run__source__slug="epoch-notable-models").exists()
    only_all = AIModel.objects.exclude(provenance__carried_by__has_key="epoch-notable-models")
    assert only_all.exists() and not only_all.filter(notable=True).exists()
    assert not only_all.filter(frontier_model__isnull=False).exists()
