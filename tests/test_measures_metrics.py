"""The metric vocabulary on the real bundled data, each against a figure the test computes
on its own from the snapshot files (csv / yaml / statistics), not through measures code."""

import datetime as dt
import math
import statistics

import pytest
import yaml

from ingest.models import Benchmark
from measures import metrics
from measures.fit import fit_log_linear, t_quantile_95
from measures.records import DataCache, Group, Point, RecordRef, Target
from tests.measures_fixtures import METR_YAML, TODAY, day, eci, epoch_models, ingest, metr, read_csv  # noqa: F401

MONTH = 365.25 / 12


def _points(**target):
    if "benchmark" in target:
        bench = Benchmark.objects.get(slug=target.pop("benchmark"))
        return DataCache().points(Target(benchmark_id=bench.pk, name=bench.name, unit=bench.unit))
    return DataCache().points(Target(**target))


def _model_values(column: str) -> dict[str, tuple[dt.date, float]]:
    """name -> (date, value) as the two files give it, the all-models file read second."""
    values = {}
    for name in ("notable_ai_models.csv", "all_ai_models.csv"):
        for row in read_csv(name):
            if column in row and row[column] and day(row["Publication date"]):
                values[row["Model"].strip().casefold()] = (row["Model"].strip(), day(row["Publication date"]),
                                                            float(row[column]))
    return values


def _running_best(rows):
    """[(date, value, label)] -> the records that beat every earlier one."""
    best, steps = None, []
    for date, value, label in sorted(rows, key=lambda r: (r[0], -r[1])):
        if best is None or value > best:
            best = value
            steps.append((date, value, label))
    return steps


# ---------------------------------------------------------------- frontier and change since


def test_change_since_2022_in_training_compute_matches_the_csv(epoch_models):
    rows = _model_values("Training compute (FLOP)").values()
    then = max((r for r in rows if r[1] <= dt.date(2022, 1, 1)), key=lambda r: r[2])
    now = max((r for r in rows if r[1] <= TODAY), key=lambda r: r[2])
    change = metrics.change_since(_points(attribute="training_compute_flop"), dt.date(2022, 1, 1), TODAY)
    assert (change.then.label, change.then.value) == (then[0], then[2])
    assert (change.now.label, change.now.value) == (now[0], now[2])
    assert change.ratio == pytest.approx(now[2] / then[2])
    assert change.doublings == pytest.approx(math.log2(now[2] / then[2]))
    # The issue's own figures: FLAN 137B's 2.0e24 to Grok-3's 4.6e26, 227x, 7.8 doublings.
    assert (change.then.label, change.now.label) == ("FLAN 137B", "Grok-3")
    assert round(change.ratio) == 227 and round(change.doublings, 1) == 7.8
    assert {p.run_id for p in change.records} == set(change.run_ids)


def test_frontier_of_training_cost_survives_the_all_models_file_and_matches_the_csv(epoch_models):
    costs = [(d, v, n) for n, d, v in _model_values("Training compute cost (2023 USD)").values()]
    top = max(costs, key=lambda r: r[1])
    frontier = metrics.frontier_at(_points(attribute="training_compute_cost_usd"), TODAY)
    assert (frontier.best.label, frontier.value) == (top[2], top[1]) == ("GPT-4", pytest.approx(40586592.578, rel=1e-9))
    # The all-models file (read second) has no cost column: the notable values must stay.
    assert frontier.best.ref.kind == "ai_model" and frontier.records == (frontier.best,)


def test_frontier_at_a_date_counts_only_records_by_that_date(epoch_models):
    rows = _model_values("Training compute (FLOP)").values()
    cutoff = dt.date(2020, 6, 30)
    expected = max((r for r in rows if r[1] <= cutoff), key=lambda r: r[2])
    frontier = metrics.frontier_at(_points(attribute="training_compute_flop"), cutoff)
    assert (frontier.best.label, frontier.value) == (expected[0], expected[2])
    assert frontier.best.date <= cutoff


def _pt(day_, value, label="m", pk=1, **kw):
    return Point(date=day_, value=value, label=label, ref=RecordRef("benchmark_score", pk), run_id=1, **kw)


def test_lower_is_better_takes_the_lowest_and_the_running_minimum():
    points = [_pt(dt.date(2024, 1, 1), 0.3, "A", 1), _pt(dt.date(2024, 6, 1), 0.4, "B", 2),
              _pt(dt.date(2025, 1, 1), 0.1, "C", 3)]
    assert metrics.frontier_at(points, dt.date(2024, 12, 31), higher_is_better=False).best.label == "A"
    assert [p.label for p in metrics.frontier_records(points, higher_is_better=False)] == ["A", "C"]
    change = metrics.change_since(points, dt.date(2024, 2, 1), dt.date(2025, 6, 1), higher_is_better=False)
    assert change.difference == pytest.approx(-0.2)


def test_change_since_a_date_before_the_series_counts_from_its_first_record():
    points = [_pt(dt.date(2023, 3, 1), 0.36, "first", 1), _pt(dt.date(2025, 1, 1), 0.88, "later", 2)]
    change = metrics.change_since(points, dt.date(2022, 1, 1), dt.date(2026, 1, 1))
    assert change.started_later and change.then.label == "first"
    with pytest.raises(metrics.NoData, match="no records by"):
        metrics.change_since(points, dt.date(2020, 1, 1), dt.date(2021, 1, 1))


# ---------------------------------------------------------------- growth rate


def test_metr_50pct_horizon_doubling_time_since_2023_lands_inside_metrs_published_interval(metr):
    published = yaml.safe_load(METR_YAML.read_text())["doubling_time_in_days"]["from_2023_on"]
    assert (published["point_estimate"], published["ci_low"], published["ci_high"]) == (128.744, 105.26, 157.336)
    growth = metrics.growth_rate(_points(benchmark="metr-horizon-p50"), dt.date(2023, 1, 1), TODAY)
    assert published["ci_low"] <= growth.doubling_days <= published["ci_high"]
    assert growth.doubling_days == pytest.approx(published["point_estimate"], abs=0.5)
    low, high = growth.doubling_interval
    assert published["ci_low"] <= low < growth.doubling_days < high <= published["ci_high"]
    assert growth.fit.n == 14  # GPT-4 (Mar 2023) to Claude Opus 4.6: the records that beat all before them


def test_metr_speedup_since_2023_against_the_years_before(metr):
    results = yaml.safe_load(METR_YAML.read_text())["results"]
    rows = [(r["release_date"], r["metrics"]["p50_horizon_length"]["estimate"], k) for k, r in results.items()]
    before = [(d, v) for d, v, _ in _running_best(rows) if d <= dt.date(2022, 12, 31)]
    x0 = before[0][0]
    slope, _ = statistics.linear_regression([(d - x0).days for d, _ in before], [math.log2(v) for _, v in before])
    growth = metrics.growth_rate(_points(benchmark="metr-horizon-p50"), dt.date(2023, 1, 1), TODAY,
                                 baseline=(None, dt.date(2022, 12, 31)))
    assert growth.baseline.doubling_days == pytest.approx(1 / slope)
    assert growth.speedup == pytest.approx((1 / slope) / growth.doubling_days)
    assert growth.speedup > 2  # 289 days before 2023, 129 since
    slow, fast = growth.interval
    assert 1 < slow < growth.speedup < fast


def test_power_draw_doubling_time_matches_an_independent_least_squares_fit(epoch_models):
    rows = [(d, v, n) for n, d, v in _model_values("Training power draw (W)").values()]
    steps = [(d, v) for d, v, _ in _running_best(rows) if d >= dt.date(2015, 1, 1)]
    origin = dt.date(2015, 1, 1)
    slope, _ = statistics.linear_regression([(d - origin).days for d, _ in steps], [math.log2(v) for _, v in steps])
    growth = metrics.growth_rate(_points(attribute="training_power_draw_w"), origin, TODAY)
    assert growth.fit.n == len(steps)
    assert growth.doubling_days == pytest.approx(1 / slope)
    assert 200 < growth.doubling_days < 400


def test_t_quantiles_and_a_perfect_fit():
    assert t_quantile_95(12) == 1.782 and t_quantile_95(35) == 1.697 and t_quantile_95(500) == 1.645
    start = dt.date(2020, 1, 1)
    fit = fit_log_linear([(start + dt.timedelta(days=100 * i), 2.0**i) for i in range(5)], origin=start)
    assert fit.doubling_days == pytest.approx(100)
    assert fit.doubling_interval == (pytest.approx(100), pytest.approx(100))


def test_too_few_frontier_records_is_no_data_with_a_reason():
    points = [_pt(dt.date(2024, 1, 1), 1.0, pk=1), _pt(dt.date(2024, 6, 1), 2.0, pk=2)]
    with pytest.raises(metrics.NoData, match="at least 3"):
        metrics.growth_rate(points, None, dt.date(2025, 1, 1))


# ---------------------------------------------------------------- lag of a group


def test_chinese_open_weights_lag_on_the_eci_matches_the_csv(eci):
    rows = [(day(r["Release date"]), float(r["ECI Score"]), r["Country"], r["Model accessibility"])
            for r in read_csv("epoch_capabilities_index.csv") if day(r["Release date"]) and r["ECI Score"]]
    group = [(d, v, "") for d, v, country, access in rows if "China" in country and "open weights" in access.lower()]
    expected = []
    for d, v, _ in _running_best(group):
        first = min(other_day for other_day, score, *_ in rows if score >= v)
        expected.append(round((d - first).days / MONTH, 3))
    lag = metrics.group_lag(_points(benchmark="epoch-capabilities-index"), Group(country="China", accessibility="Open weights"),
                            None, TODAY)
    assert [round(s.months, 3) for s in lag.steps] == expected
    assert lag.latest == pytest.approx(expected[-1], abs=1e-3)
    assert lag.median == pytest.approx(statistics.median(expected), abs=1e-3)
    assert len(expected) == 13 and 7 < lag.latest < 8 and 5 < lag.median < 6
    assert lag.steps[-1].record.label == "Kimi K2.5"


# ---------------------------------------------------------------- gap


def test_meta_and_xai_trail_the_eci_frontier_by_what_the_csv_says(eci):
    rows = [r for r in read_csv("epoch_capabilities_index.csv") if day(r["Release date"]) and r["ECI Score"]]
    top = max(float(r["ECI Score"]) for r in rows)
    points = _points(benchmark="epoch-capabilities-index")
    for org in ("Meta", "xAI"):
        best = max(float(r["ECI Score"]) for r in rows if org.casefold() in r["Organization"].casefold())
        gap = metrics.gap(points, Group(organization=org), Group(), TODAY)
        assert gap.difference == pytest.approx(best - top)
        assert gap.other_best.value == pytest.approx(top)
    assert metrics.gap(points, Group(organization="Meta"), Group(), TODAY).difference < -20


def test_deepseek_r1_against_o1_at_r1s_release(eci):
    rows = [r for r in read_csv("epoch_capabilities_index.csv") if day(r["Release date"]) and r["ECI Score"]]
    at = dt.date(2025, 1, 31)

    def best(name):
        return max(float(r["ECI Score"]) for r in rows if r["Model name"] == name and day(r["Release date"]) <= at)

    gap = metrics.gap(_points(benchmark="epoch-capabilities-index"), Group(model_name="DeepSeek-R1"),
                      Group(model_name="o1"), at)
    assert gap.difference == pytest.approx(best("DeepSeek-R1") - best("o1"))
    assert (gap.best.label, gap.other_best.label) == ("DeepSeek-R1", "o1 (high)")


def test_the_cost_half_of_r1_against_o1_is_no_data_naming_what_is_missing(epoch_models):
    costs = _model_values("Training compute cost (2023 USD)")
    assert costs["deepseek-r1"][2] == 6.77e6 and "o1" not in costs  # Epoch estimates R1's cost, not o1's
    points = _points(attribute="training_compute_cost_usd")
    with pytest.raises(metrics.NoData, match="^the data has no training cost for o1 by 1 December 2026$"):
        metrics.gap(points, Group(model_name="DeepSeek-R1"), Group(model_name="o1"), TODAY, statistic="ratio",
                    what="training cost")


# ---------------------------------------------------------------- latest value and projected crossing


def test_series_latest_reads_the_newest_year_of_the_owid_csv(db):
    ingest("owid-affiliation-researchers-building-artificial-intelligence-systems-all")
    import csv

    from tests.measures_fixtures import ROOT

    path = ROOT / "ingest/snapshots/owid/affiliation-researchers-building-artificial-intelligence-systems-all.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Entity"] == "Affiliation" and r["all_Industry"]]
    newest = max(rows, key=lambda r: int(r["Year"]))
    from ingest.models import Series

    series = Series.objects.get(slug__endswith="--all_industry")
    latest = metrics.series_latest(DataCache().points(Target(series_id=series.pk, entity="Affiliation")), TODAY)
    assert (latest.point.date.year, latest.value) == (int(newest["Year"]), float(newest["all_Industry"]))


def test_projected_crossing_of_100m_training_cost_follows_the_fitted_trend(epoch_models):
    rows = [(d, v, n) for n, d, v in _model_values("Training compute cost (2023 USD)").values()]
    origin = dt.date(2016, 1, 1)
    steps = [(d, v) for d, v, _ in _running_best(rows) if d >= origin]
    slope, intercept = statistics.linear_regression([(d - origin).days for d, _ in steps],
                                                    [math.log2(v) for _, v in steps])
    expected = origin + dt.timedelta(days=round((math.log2(1e8) - intercept) / slope))
    crossing = metrics.projected_crossing(_points(attribute="training_compute_cost_usd"), 1e8, origin, TODAY)
    assert crossing.crossed is None and crossing.current.label == "GPT-4"
    assert abs((crossing.projected - expected).days) <= 1
    early, late = crossing.projected_interval
    assert early < crossing.projected < late


def test_projected_crossing_already_reached_names_the_record():
    points = [_pt(dt.date(2020, 1, 1), 1.0, "A", 1), _pt(dt.date(2021, 1, 1), 5.0, "B", 2)]
    crossing = metrics.projected_crossing(points, 4.0, None, dt.date(2022, 1, 1))
    assert crossing.crossed.label == "B" and crossing.projected == dt.date(2021, 1, 1)
