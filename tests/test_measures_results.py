"""Results are stored when an ingest finishes (run_succeeded -> task on commit -> domain
function), in bulk with a fixed number of queries, with robustness and provenance."""

import datetime as dt

import pytest

from editorial.models import ProposedVerdict
from ingest.models import AIModel, Benchmark, DataSource, IngestRun
from measures import quantities as units
from measures.evaluation import evaluate
from measures.models import Measure
from measures.records import DataCache
from measures.results import recheck_all, refresh
from tests import factories
from tests.measures_fixtures import ingest

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def claim(db):
    return factories.claim(slug="progress-accelerates", title="Progress accelerates", kind="assessment")


def test_a_successful_ingest_stores_the_result_and_proposes_a_verdict(claim, django_capture_on_commit_callbacks):
    metr = ingest("metr-horizons")  # committed without its hooks: nothing re-checked yet
    measure = Measure.objects.create(
        claim=claim, description="METR doubles faster since 2023", kind="growth_rate",
        benchmark=Benchmark.objects.get(slug="metr-horizon-p50"), window_start=dt.date(2023, 1, 1),
        baseline_end=dt.date(2022, 12, 31), threshold=1, comparison="gt")
    assert (measure.outcome, measure.last_checked) == ("pending", None)
    # Any later successful run re-checks every measure, on commit, through the task.
    with django_capture_on_commit_callbacks(execute=True):
        ingest("epoch-external-metr")
    measure.refresh_from_db()
    assert (measure.outcome, measure.robustness) == ("met", "robust")
    assert measure.value == pytest.approx(288.734 / 128.744, rel=1e-3)
    assert measure.run_ids == [metr.pk]
    assert len(measure.record_ids) == 17 and measure.record_ids[0][0] == "benchmark_score"
    assert "doubled every 129 days" in measure.sentence and measure.last_checked is not None
    assert ProposedVerdict.objects.get(measure=measure).proposed_status == "supported"
    assert claim.status == "open"


def test_the_task_runs_on_run_succeeded(claim, django_capture_on_commit_callbacks):
    measure = Measure.objects.create(claim=claim, description="Largest run", kind="frontier_at",
                                     attribute="training_compute_flop", threshold=1e26)
    with django_capture_on_commit_callbacks(execute=True):
        run = ingest("epoch-notable-models")
    measure.refresh_from_db()
    assert measure.outcome == "met" and measure.run_ids == [run.pk]
    assert "Grok-3" in measure.sentence


def test_rechecking_many_measures_costs_the_same_queries_as_a_few(claim, django_assert_num_queries):
    run = IngestRun.objects.create(source=DataSource.objects.create(slug="s", name="s", kind="epoch-models"))
    for i, flop in enumerate([1e24, 3e24, 9e24, 2e25]):
        AIModel.objects.create(key=f"m{i}", name=f"M{i}", training_compute_flop=flop, parameters=flop / 1e13,
                               publication_date=dt.date(2021 + i, 1, 1), run=run)

    def make(n):
        Measure.objects.bulk_create(
            Measure(claim=claim, description=f"m{i}", kind=("frontier_at", "growth_rate")[i % 2],
                    attribute=("training_compute_flop", "parameters")[i % 3 == 0]) for i in range(n))
        recheck_all(today=TODAY)  # first pass: outcomes change (pending -> measured)

    make(3)
    # Steady state: read measures (+claims), one read per target, one bulk update, and the
    # transaction's savepoint pair.
    with django_assert_num_queries(6):
        recheck_all(today=TODAY)
    make(60)
    with django_assert_num_queries(6):
        assert recheck_all(today=TODAY) == []
    assert Measure.objects.filter(outcome="measured").count() == 63


def test_many_outcome_changes_propose_verdicts_in_the_same_queries_as_a_few(claim, django_assert_num_queries):
    run = IngestRun.objects.create(source=DataSource.objects.create(slug="s", name="s", kind="epoch-models"))
    AIModel.objects.create(key="big", name="Big", training_compute_flop=3e25, publication_date=dt.date(2024, 1, 1),
                           run=run)

    def changed_queries(n):
        Measure.objects.all().delete()
        Measure.objects.bulk_create(Measure(claim=claim, description=f"m{i}", kind="frontier_at",
                                            attribute="training_compute_flop", threshold=1e25) for i in range(n))
        # Measures, one data read, one bulk update; then the proposals: dismiss older ones,
        # create the new ones, their audit entries; and the savepoint pair.
        with django_assert_num_queries(8):
            assert len(recheck_all(today=TODAY)) == n
        assert ProposedVerdict.objects.pending().filter(measure__claim=claim).count() == n

    changed_queries(3)
    changed_queries(80)


def test_a_speculative_estimate_that_carries_the_outcome_is_named(claim):
    run = IngestRun.objects.create(source=DataSource.objects.create(slug="s", name="s", kind="epoch-models"))
    AIModel.objects.create(key="a", name="Solid", training_compute_cost_usd=5e7, confidence="Confident",
                           publication_date=dt.date(2023, 1, 1), run=run)
    AIModel.objects.create(key="b", name="Guess", training_compute_cost_usd=2e8, confidence="Speculative",
                           publication_date=dt.date(2024, 1, 1), run=run)
    measure = Measure.objects.create(claim=claim, description="Costs exceed $100M", kind="frontier_at",
                                     attribute="training_compute_cost_usd", threshold=1e8)
    refresh(measure, today=TODAY)
    assert (measure.outcome, measure.robustness) == ("met", "fragile")
    assert measure.robustness_note == ("Not robust: on the data without Epoch's Speculative estimates it is "
                                       "not met (yet).")
    assert measure.sentence == "By 1 December 2026 the costliest training run was $200 M (Guess, 1 January 2024)."


def test_an_unknown_claim_date_without_a_window_is_said_not_guessed(db):
    claim = factories.claim(slug="undated", date_made=None, date_precision="unknown")
    measure = Measure(claim=claim, description="since", kind="change_since", attribute="training_compute_flop")
    result = evaluate(measure, DataCache(), TODAY)
    assert result.outcome == "pending"
    assert result.sentence == ("Not testable on the data yet: the claim's date is unknown and the measure gives no "
                               "start date.")


def test_a_measure_without_target_is_pending_with_a_reason(claim):
    measure = Measure.objects.create(claim=claim, description="nothing", kind="frontier_at")
    refresh(measure, today=TODAY)
    assert measure.outcome == "pending"
    assert "names no benchmark, model attribute or series" in measure.sentence


@pytest.mark.parametrize("value, unit, text", [
    (2.05e24, "FLOP", "2.1 × 10²⁴ FLOP"), (4.64e26, "FLOP", "4.6 × 10²⁶ FLOP"), (9.96e24, "FLOP", "1.0 × 10²⁵ FLOP"),
    (40586592.58, "USD", "$40.6 M"), (6.77e6, "USD", "$6.77 M"), (1.5e9, "USD", "$1.5 bn"),
    (718.8, "minutes", "12 h"), (38.8, "minutes", "39 min"), (0.04, "minutes", "2.4 s"),
    (137435820, "W", "137 MW"), (1e9, "W", "1 GW"), (0.876, "fraction correct", "0.88"), (158.24, "ECI points", "158"),
])
def test_human_units(value, unit, text):
    assert units.quantity(value, unit) == text


def test_signed_differences_and_ratios():
    assert units.difference(0.519, "fraction correct") == "+0.52"
    assert units.difference(-25.09, "ECI points") == "−25.1 points"
    assert (units.ratio(226.67), units.ratio(2.2427), units.ratio(1221053)) == ("227×", "2.2×", "1,221,053×")
