"""Seeded measures: loaded with the seed claims, re-checked when an ingest run succeeds, and
told on the claim pages of named seed claims as sentences and as data evidence."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from claims.models import Claim
from claims.seed import load_seed
from editorial.models import ProposedVerdict
from ingest.models import BenchmarkScore
from measures.backing import measure_backs
from measures.models import Measure, Untestable
from measures.results import recheck_all
from measures.seed import load_measures
from tests.measures_fixtures import ingest

NOW = timezone.make_aware(dt.datetime(2026, 12, 1, 12, 0))


@pytest.fixture
def seeded_and_ingested(db, django_capture_on_commit_callbacks):
    load_seed()
    # The re-check task runs on each run's commit, as on the worker (eager in tests).
    with django_capture_on_commit_callbacks(execute=True):
        for slug in ("epoch-notable-models", "epoch-all-models", "epoch-capabilities-index", "epoch-benchmark-runs",
                     "metr-horizons"):
            ingest(slug)
    recheck_all(today=NOW.date(), now=NOW)  # a fixed day, so the sentences' dates are known


def _measure(claim, key):
    return Measure.objects.get(claim__slug=claim, key=key)


def test_loading_the_seed_makes_the_measures_once_and_again_nothing(db):
    load_seed()
    made = Measure.objects.count()
    # Before any ingest, measures over a benchmark wait for it; those over model attributes exist.
    assert made > 0 and not Measure.objects.filter(benchmark__isnull=False).exists()
    assert Untestable.objects.filter(claim__slug="karpathy-intelligence-brownouts").exists()
    ingest("metr-horizons")
    counts = load_measures()
    assert counts.created == Measure.objects.count() - made > 0
    assert load_measures().created == 0 and load_measures().untestable == 0
    # Editors' changes survive a reload.
    m = _measure("clark-ai-progress-accelerating-stakes-higher", "metr-speedup-since-2023")
    Measure.objects.filter(pk=m.pk).update(rationale="edited")
    load_seed()
    m.refresh_from_db()
    assert m.rationale == "edited"


def test_a_seeded_measure_an_editor_removed_stays_removed(db):
    from editorial.checks import remove_test

    load_seed()
    measure = _measure("essay-frontier-training-costs-exceed-100m", "costliest-training-run")
    remove_test(measure, user=None)
    assert load_measures().created == 0
    load_seed()
    assert not Measure.objects.filter(key="costliest-training-run").exists()


def test_every_seeded_measure_names_an_existing_seed_claim(db):
    counts = load_measures_after_seed()
    assert counts.missing_claims == []


def load_measures_after_seed():
    load_seed()
    return load_measures()


def test_five_seed_claims_pages_tell_their_results_in_words(client, seeded_and_ingested):
    pages = {
        "marcus-deep-learning-hitting-a-wall": [
            "Since the claim (2022; counted from 1 January 2022, the start of that year) the best GPQA diamond score "
            "rose from 0.36 (GPT-4 (Mar 2023), its first record, on 14 March 2023: the series starts after that date) "
            "to 0.88 (GPT-5.1 (high), 13 November 2025) (+0.52).",
            "Since the claim (2022; counted from 1 January 2022, the start of that year) the largest training run grew "
            "from 2.0 × 10²⁴ FLOP (FLAN 137B) to 4.6 × 10²⁶ FLOP (Grok-3, 17 February 2025) (227×, 7.8 doublings).",
            "the series starts later, in March 2023",
        ],
        "mollick-chinese-open-weights-lag-by-months": [
            "Open weights models from China trail the frontier on Epoch Capabilities Index: their latest best, "
            "Kimi K2.5 (148, January 2026), came 7.6 months after",
            "median of 5.5 months",
        ],
        "mollick-meta-xai-failed-to-keep-parity": [
            "the best of Meta&#x27;s models was 133 (Llama 4 Maverick (FP8)): −25.1 points against the frontier",
            "the best of xAI&#x27;s models was 148 (Grok 4): −10.4 points",
        ],
        "constraints-deepseek-r1-o1-at-one-twentieth-cost": [
            "On Epoch Capabilities Index, by 31 January 2025, DeepSeek-R1 scored 140: −3.09 points against o1 (high) at 143.",
            "Not testable on the data yet: the data has no training compute cost (2023 USD) for o1",
        ],
        "clark-ai-progress-accelerating-stakes-higher": [
            "METR horizons as a proxy for AI progress: METR time horizon (50% success) on the frontier doubled every "
            "129 days from January 2023 to February 2026 (90% interval 113 days to 149 days",
            "Before that it doubled every 289 days",
            "2.2× as fast",
        ],
        "essay-frontier-training-costs-exceed-100m": [
            "the costliest training run was $40.6 M (GPT-4, 15 March 2023)",
            "No record in the data reaches it yet",
        ],
    }
    # The series each page charts (its primary measure's), with every dated record of it drawn.
    charted = {
        "marcus-deep-learning-hitting-a-wall": ("chart-gpqa-diamond", "GPQA diamond"),
        "mollick-chinese-open-weights-lag-by-months": ("chart-epoch-capabilities-index", "Epoch Capabilities Index"),
        "mollick-meta-xai-failed-to-keep-parity": ("chart-epoch-capabilities-index", "Epoch Capabilities Index"),
        "constraints-deepseek-r1-o1-at-one-twentieth-cost": ("chart-epoch-capabilities-index",
                                                             "Epoch Capabilities Index"),
        "clark-ai-progress-accelerating-stakes-higher": ("chart-metr-horizon-p50", "METR time horizon (50% success)"),
    }
    for slug, sentences in pages.items():
        html = client.get(f"/claims/{slug}/").content.decode()
        for sentence in sentences:
            assert sentence in html, (slug, sentence)
        assert "Not measured against data yet" not in html
        if slug in charted:
            chart_id, benchmark = charted[slug]
            points = _figure(html, chart_id)["data"][0]
            dated = BenchmarkScore.objects.filter(benchmark__name=benchmark, date__isnull=False)
            assert len(points["x"]) == dated.count() > 0, slug
            assert set(points["text"]) == {s.display_name or s.model_name for s in dated}, slug
    cost = _figure(client.get("/claims/essay-frontier-training-costs-exceed-100m/").content.decode(),
                   "chart-training_compute_cost_usd")
    assert [s["y0"] for s in cost["layout"]["shapes"] if s["meta"] == "threshold"] == [1e8]


def _figure(html, chart_id):
    match = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no chart {chart_id} on the page"
    return json.loads(match.group(1))


def test_results_are_data_evidence_with_stance_from_the_expectation(client, seeded_and_ingested):
    # Marcus: capability and compute kept rising, against the claim.
    html = client.get("/claims/marcus-deep-learning-hitting-a-wall/?tab=contradicts").content.decode()
    assert 'class="evidence stance-contradicts data-evidence"' in html
    assert "The best GPQA Diamond score rose by at least 0.10 since the claim" in html
    assert "argues against the claim" in html
    # Mollick: the lag is there, for the claim.
    html = client.get("/claims/mollick-chinese-open-weights-lag-by-months/?tab=supports").content.decode()
    assert 'class="evidence stance-supports data-evidence"' in html and 'tier-data' in html
    runs = _measure("mollick-chinese-open-weights-lag-by-months", "chinese-open-weights-lag").run_ids
    assert runs and f"ingest run #{runs[0]}; " in html
    assert 'records; checked <time datetime="2026-12-01">1 Dec 2026</time>' in html
    # A measure without a threshold gives context.
    html = client.get("/claims/sutskever-era-of-research-with-big-compute/?tab=context").content.decode()
    assert "The largest training run in Epoch&#x27;s data" in html and "stance-context data-evidence" in html


def test_robustness_is_said_or_what_flips_it_is_named(seeded_and_ingested):
    clark = _measure("clark-ai-progress-accelerating-stakes-higher", "metr-speedup-since-2023")
    assert (clark.outcome, clark.robustness) == ("met", "robust")
    assert clark.robustness_note == "Robust: the outcome holds on the lower interval bounds and the upper interval bounds."
    week = _measure("huszar-2026-llms-will-make-hard-programming-easy", "metr-reaches-work-week")
    assert (week.outcome, week.robustness) == ("not_met", "fragile")
    assert week.robustness_note == "Not robust: on the upper interval bounds it is met."


def test_outcome_changes_from_the_ingest_propose_verdicts_that_are_not_applied(seeded_and_ingested):
    meta = _measure("mollick-meta-xai-failed-to-keep-parity", "meta-gap")
    assert meta.outcome == "met" and meta.last_checked is not None
    proposal = ProposedVerdict.objects.get(measure=meta, state="pending")
    assert proposal.proposed_status == "supported"
    assert Claim.objects.get(slug="mollick-meta-xai-failed-to-keep-parity").status == "open"
    # Re-checking unchanged data proposes nothing new.
    before = ProposedVerdict.objects.count()
    assert recheck_all(today=NOW.date(), now=NOW) == []
    assert ProposedVerdict.objects.count() == before


def test_backing_is_a_stored_result(seeded_and_ingested):
    assert measure_backs(Claim.objects.get(slug="mollick-meta-xai-failed-to-keep-parity"))
    # Only the cost half pending would not back anything; untestable claims have no measure at all.
    assert not measure_backs(Claim.objects.get(slug="karpathy-intelligence-brownouts"))


def test_an_untestable_claim_says_so_and_an_unmeasured_one_says_not_yet(client, seeded_and_ingested):
    html = client.get("/claims/karpathy-intelligence-brownouts/").content.decode()
    assert "The shipped data cannot test this claim: About outages" in html
    html = client.get("/claims/essay-org-code-forkable/").content.decode()
    assert "Not measured against data yet." in html


def test_a_projected_crossing_is_stored_for_the_chart_to_draw(client, seeded_and_ingested):
    from measures.claim_charts import threshold_of

    measure = _measure("essay-frontier-training-costs-exceed-100m", "cost-trend-crosses-100m")
    crossing = dt.date.fromisoformat(measure.detail["crossing"])
    low, high = (dt.date.fromisoformat(measure.detail[k]) for k in ("crossing_low", "crossing_high"))
    # Not yet crossed in the data (the costliest run is $40.6 M), so the date is a projection
    # after the newest record, inside its own interval.
    assert low <= crossing <= high and crossing > dt.date(2023, 3, 15)
    line = threshold_of(measure)
    assert line.value == 1e8 and line.crossing == crossing


def test_the_compute_essay_and_the_search_claim_say_what_the_data_can_and_cannot_test(client, seeded_and_ingested):
    html = client.get("/claims/essay-compute-for-training-and-inference-grows-exponentially/").content.decode()
    measure = _measure("essay-compute-for-training-and-inference-grows-exponentially", "training-compute-growth")
    assert measure.outcome == "met" and measure.value < 730
    for sentence in (
        f"Training compute on the frontier doubled every {measure.value:.0f} days from January 2010 to",
        "Why this series: Exponential growth is a steady doubling time. The training half only: the shipped data "
        "has no inference compute.",
        "Test: the doubling time of the training compute frontier ≤ 730 days; the claim is borne out if the test is met.",
    ):
        assert sentence in html, sentence
    assert 'class="evidence stance-supports data-evidence"' in client.get(
        "/claims/essay-compute-for-training-and-inference-grows-exponentially/?tab=supports").content.decode()
    html = client.get("/claims/google-executive-ai-could-make-search-obsolete/").content.decode()
    assert "The shipped data cannot test this claim: The shipped data has no search-market series." in html
    assert not Measure.objects.filter(claim__slug="google-executive-ai-could-make-search-obsolete").exists()
