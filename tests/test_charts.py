"""Chart building on the real bundled Epoch data: markers, merging, thresholds, units."""

import datetime as dt

import pytest
from django.db import models

from claims.models import Claim
from ingest.models import AIModel, DataSource, IngestRun
from ingest.runner import queue_run, run_ingest
from measures.chart_config import FeaturedChart
from measures.charts import ClaimMarker, Threshold, build_chart
from measures.series import COMPUTE, BenchmarkSeries, ModelAttributeSeries, OwidSeries, ref_from_config
from measures.quantities import Unit

SNAP = "ingest/snapshots/epoch"


@pytest.fixture
def epoch(db):
    runs = []
    for slug, kind, path, options in (
        ("epoch-notable-models", "epoch-models", f"{SNAP}/notable_ai_models.csv", {"notable": True}),
        ("epoch-benchmark-runs", "epoch-benchmarks", f"{SNAP}/benchmarks_runs.csv",
         {"model_versions": f"{SNAP}/model_versions.csv", "table": "runs"}),
    ):
        source = DataSource.objects.create(slug=slug, name=slug, kind=kind, path=path, options=options)
        run = run_ingest(queue_run(source).pk)
        assert run.status == IngestRun.Status.OK, run.error
        runs.append(run)
    return runs


def _marker(date, title="A claim", url=None):
    return ClaimMarker(date, title, "Someone", str(date.year), url or f"/claims/{title.lower().replace(' ', '-')}/")


@pytest.mark.parametrize("unit, value, text", [
    (Unit.FLOP, 2.1e24, "2.1 × 10²⁴ FLOP"),
    (Unit.FLOP, 9.96e25, "1.0 × 10²⁶ FLOP"),
    (Unit.USD, 40_612_345, "$40.6 M"),
    (Unit.USD, 1.93e9, "$1.93 bn"),
    (Unit.MINUTES, 720, "12 h"),
    (Unit.MINUTES, 8.5, "8.5 min"),
    (Unit.MINUTES, 0.5, "30 s"),
    (Unit.MINUTES, 4320, "72 h"),
    (Unit.WATTS, 2.5e7, "25 MW"),
    (Unit.FRACTION, 0.876, "0.88"),
    (Unit.PARAMETERS, 1.75e11, "1.8 × 10¹¹ parameters"),
])
def test_values_read_in_human_units(unit, value, text):
    assert unit.format(value) == text


def test_series_refs_name_their_series_without_string_parsing():
    assert ref_from_config("model", "training_compute_flop") == COMPUTE
    assert ref_from_config("benchmark", "gpqa-diamond") == BenchmarkSeries("gpqa-diamond")
    assert ref_from_config("owid", "investment", "World") == OwidSeries("investment", "World")
    assert COMPUTE.download_url("csv") == "/data/compute.csv"
    assert BenchmarkSeries("gpqa-diamond").page_url() == "/data/benchmarks/gpqa-diamond/"
    assert OwidSeries("investment", "World").download_url("json") == "/data/series/investment.json?entity=World"


def test_no_marker_is_drawn_before_the_series_starts(epoch):
    first_gpqa = BenchmarkSeries("gpqa-diamond").points()[0][0].date  # computed apart from the chart
    before = _marker(first_gpqa - dt.timedelta(days=1), "Too early")
    inside = _marker(first_gpqa + dt.timedelta(days=200), "In range")
    chart = build_chart(BenchmarkSeries("gpqa-diamond"), [before, inside])
    traces = {t["meta"]: t for t in chart.figure["data"]}
    assert traces["claims"]["x"] == [inside.date.isoformat()]
    assert chart.outside == [before] and chart.drawn_claims == 1


def test_a_marker_sits_on_the_state_of_the_art_at_its_date(epoch):
    when = dt.date(2024, 6, 1)
    chart = build_chart(COMPUTE, [_marker(when)])
    best = max(m.training_compute_flop for m in AIModel.objects.filter(
        notable=True, publication_date__lte=when, training_compute_flop__gt=0))
    assert {t["meta"]: t for t in chart.figure["data"]}["claims"]["y"] == [float(f"{best:.4g}")]


def test_overlapping_markers_merge_into_one_with_a_count_and_every_claim(epoch):
    base = dt.date(2024, 6, 1)
    markers = [_marker(base, "One"), _marker(base + dt.timedelta(days=3), "Two"),
               _marker(base + dt.timedelta(days=9), "Three"), _marker(dt.date(2025, 6, 1), "Apart")]
    chart = build_chart(BenchmarkSeries("gpqa-diamond"), markers)
    claims = {t["meta"]: t for t in chart.figure["data"]}["claims"]
    assert claims["text"] == ["3", ""]
    assert claims["customdata"][0] == ["/claims/one/", "/claims/two/", "/claims/three/"]
    assert claims["hovertext"][0].startswith("3 claims:<br>One (Someone, 2024)<br>Two")
    assert claims["customdata"][1] == ["/claims/apart/"]


def test_the_pages_own_claim_is_drawn_apart_and_not_twice(epoch, seeded):
    claim = Claim.objects.get(slug="marcus-deep-learning-hitting-a-wall")
    other = Claim.objects.get(slug="huszar-2016-low-hanging-fruit-disappearing")
    chart = build_chart(COMPUTE, [claim, other], own=claim)
    traces = {t["meta"]: t for t in chart.figure["data"]}
    assert traces["own"]["customdata"] == [[claim.get_absolute_url()]]
    assert traces["claims"]["customdata"] == [[other.get_absolute_url()]]
    assert chart.figure["layout"]["annotations"][0]["text"] == "claim made (2022)"


def test_a_threshold_is_a_line_with_its_projected_crossing(epoch):
    threshold = Threshold(1e27, crossing=dt.date(2027, 3, 1), crossing_low=dt.date(2026, 9, 1),
                          crossing_high=dt.date(2028, 1, 1))
    chart = build_chart(COMPUTE, threshold=threshold)
    shapes = {s["meta"]: s for s in chart.figure["layout"]["shapes"]}
    assert shapes["threshold"]["y0"] == 1e27 and shapes["threshold"]["xref"] == "paper"
    assert shapes["crossing-interval"]["x0"] == "2026-09-01" and shapes["crossing-interval"]["x1"] == "2028-01-01"
    crossing = {t["meta"]: t for t in chart.figure["data"]}["crossing"]
    assert crossing["x"] == ["2027-03-01"]
    assert "90% interval Sep 2026 to Jan 2028" in crossing["hovertext"][0]
    assert chart.figure["layout"]["annotations"][0]["text"] == "threshold: 1.0 × 10²⁷ FLOP"


def test_the_summary_sentence_states_real_figures(epoch):
    chart = build_chart(BenchmarkSeries("gpqa-diamond"))
    first, last = chart.records[0], chart.records[-1]
    assert chart.summary.startswith(f"From {first.date:%B %Y} to {last.date:%B %Y} the best GPQA diamond result "
                                    f"went from {first.value:.2f} ({first.label}) to {last.value:.2f}")
    assert chart.table_rows[0][0] == last and chart.table_rows[0][1] == f"{last.value:.2f}"


def test_cost_series_reads_training_cost_in_dollars(epoch):
    chart = build_chart(ModelAttributeSeries("training_compute_cost_usd"))
    assert chart.figure["unit"] == "usd" and chart.figure["layout"]["yaxis"]["type"] == "log"
    assert chart.records[-1].value == max(m.training_compute_cost_usd for m in AIModel.objects.filter(
        notable=True, training_compute_cost_usd__gt=0, publication_date__isnull=False))


def test_featured_chart_config_is_validated(epoch):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        FeaturedChart(place="dashboard", kind="benchmark", slug="no-such-benchmark").full_clean()
    with pytest.raises(ValidationError):
        FeaturedChart(place="dashboard", kind="model", slug="vibes").full_clean()
    FeaturedChart(place="dashboard", kind="benchmark", slug="gpqa-diamond", order=9).full_clean()
    assert FeaturedChart.objects.refs("dashboard") == [COMPUTE, BenchmarkSeries("gpqa-diamond")]


def test_models_are_labelled_with_epochs_display_names(epoch):
    from ingest.models import BenchmarkScore

    scores = BenchmarkScore.objects.filter(benchmark__slug="gpqa-diamond", date__isnull=False)
    renamed = scores.exclude(display_name="").exclude(display_name=models.F("model_name"))
    assert renamed.exists(), "the snapshot has display names that differ from the raw model ids"
    chart = build_chart(BenchmarkSeries("gpqa-diamond"))
    points = chart.figure["data"][0]
    drawn = sorted(zip(points["x"], points["text"]))
    expected = sorted((s.date.isoformat(), s.display_name or s.model_name) for s in scores)
    assert drawn == expected


def test_record_intervals_read_in_the_same_human_units_as_the_values(epoch):
    chart = build_chart(BenchmarkSeries("gpqa-diamond"))
    point, text, interval = chart.record_rows[0]
    assert (point, text) == chart.table_rows[0]
    assert interval == f"{point.low:.2f}–{point.high:.2f}"
    assert all(interval == "" for p, _, interval in chart.record_rows if p.low is None)
