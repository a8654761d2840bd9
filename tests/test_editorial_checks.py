"""Measures from the editors' side: measured on really ingested data, re-checked after each
successful ingest run (signal -> measures task on commit -> domain function), proposing
verdicts that only an editor can turn into a verdict."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from claims.models import Claim, Verdict
from editorial import checks
from editorial.models import AuditEntry, ProposedVerdict
from measures.models import Measure
from editorial.selectors import claims_tests_for_claim
from measures.selectors import claim_measures
from ingest.models import AIModel, Benchmark, BenchmarkScore, DataSource, IngestRun, Series, SeriesPoint
from ingest.runner import queue_run, run_ingest
from ingest.signals import run_succeeded
from tests import factories

pytestmark = pytest.mark.usefixtures("private_cache", "fast_passwords")

EPOCH_NOTABLE = "ingest/snapshots/epoch/notable_ai_models.csv"


def _ingest_epoch(capture):
    source = DataSource.objects.create(slug="epoch-notable", name="Epoch notable", kind="epoch-models",
                                       path=EPOCH_NOTABLE, options={"notable": True})
    run = queue_run(source)
    # The re-check hangs off transaction.on_commit twice (run committed -> signal -> task);
    # run the callbacks as a real commit would.
    with capture(execute=True):
        run_ingest(run.pk)
    run.refresh_from_db()
    assert run.status == IngestRun.Status.OK, run.error
    return run


def _compute_test(claim, **kw):
    return Measure.objects.create(
        claim=claim, description="Some AI model trained with at least 1e25 FLOP", kind="frontier_at", attribute="training_compute_flop",
        comparison="gte", threshold=1e25, **kw)


@pytest.fixture
def prediction(db):
    return factories.claim(slug="1e25-soon", title="A 1e25 FLOP model will be trained", kind="prediction")


def test_compute_test_flips_to_met_after_ingesting_epoch_and_a_verdict_is_proposed_not_applied(
        prediction, django_capture_on_commit_callbacks):
    op = _compute_test(prediction)
    assert op.outcome == "pending"
    _ingest_epoch(django_capture_on_commit_callbacks)
    op.refresh_from_db()
    assert op.outcome == "met"
    assert op.value == pytest.approx(4.64e26)
    assert "the largest training run was 4.6 × 10²⁶ FLOP (Grok-3, 17 February 2025)" in op.sentence
    assert op.last_checked is not None
    proposal = ProposedVerdict.objects.get()
    assert (proposal.claim, proposal.proposed_status, proposal.state) == (prediction, "resolved_true", "pending")
    assert "current value 4.6 × 10²⁶ FLOP" in proposal.reason and "Grok-3" in proposal.reason
    assert "Previous outcome: pending" in proposal.reason and "e+26" not in proposal.reason
    prediction.refresh_from_db()
    assert prediction.status == "open"  # never published automatically
    assert not Verdict.objects.exists()
    entry = AuditEntry.objects.get(action="test.outcome_changed")
    assert entry.actor is None and entry.data["to"] == "met"


def test_the_proposal_lands_in_the_queue_and_accepting_records_a_verdict(
        prediction, editor, editor_client, django_capture_on_commit_callbacks):
    _compute_test(prediction)
    _ingest_epoch(django_capture_on_commit_callbacks)
    proposal = ProposedVerdict.objects.get()
    queue = editor_client.get("/curate/").content.decode()
    assert f'id="proposal-{proposal.pk}"' in queue and "Grok-3" in queue
    response = editor_client.post(f"/curate/proposals/{proposal.pk}/accept/",
                                  {f"proposal-{proposal.pk}-rationale": "Grok-3 was trained with 4.6e26 FLOP."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    prediction.refresh_from_db()
    assert proposal.state == "accepted" and proposal.decided_by == editor
    assert prediction.status == "resolved_true"
    verdict = Verdict.objects.get()
    assert (verdict.status, verdict.recorded_by, verdict.rationale) == (
        "resolved_true", editor, "Grok-3 was trained with 4.6e26 FLOP.")
    assert proposal.verdict == verdict
    assert AuditEntry.objects.filter(action="verdict.changed", actor=editor).exists()


def test_accepting_a_proposal_without_rationale_changes_nothing(prediction, editor_client):
    op = _compute_test(prediction)
    proposal = ProposedVerdict.objects.create(claim=prediction, measure=op, proposed_status="resolved_true",
                                              outcome="met", reason="r")
    editor_client.post(f"/curate/proposals/{proposal.pk}/accept/", {f"proposal-{proposal.pk}-rationale": ""})
    proposal.refresh_from_db()
    prediction.refresh_from_db()
    assert proposal.state == "pending" and prediction.status == "open"


def test_dismissing_a_proposal_keeps_the_verdict(prediction, editor, editor_client):
    op = _compute_test(prediction)
    proposal = ProposedVerdict.objects.create(claim=prediction, measure=op, proposed_status="resolved_true",
                                              outcome="met", reason="r")
    editor_client.post(f"/curate/proposals/{proposal.pk}/dismiss/", {f"dismiss-{proposal.pk}-note": "Estimate only"})
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decision_note, proposal.decided_by) == ("dismissed", "Estimate only", editor)
    assert Claim.objects.get(pk=prediction.pk).status == "open"
    second = editor_client.post(f"/curate/proposals/{proposal.pk}/accept/",
                                {f"proposal-{proposal.pk}-rationale": "x"}, follow=True)
    assert "already dismissed" in second.content.decode()


def test_a_deadline_counts_only_earlier_data_and_expires_the_test(prediction, django_capture_on_commit_callbacks):
    op = _compute_test(prediction, deadline=dt.date(2022, 12, 31))
    _ingest_epoch(django_capture_on_commit_callbacks)
    op.refresh_from_db()
    assert op.outcome == "expired"
    assert op.value == pytest.approx(2.7415e24)
    assert op.sentence.startswith("By 31 December 2022 the largest training run was 2.7 × 10²⁴ FLOP (Minerva (540B)")
    assert ProposedVerdict.objects.get().proposed_status == "resolved_false"


def test_rechecking_unchanged_data_proposes_nothing_new(prediction, django_capture_on_commit_callbacks):
    _compute_test(prediction)
    _ingest_epoch(django_capture_on_commit_callbacks)
    assert checks.evaluate_all() == []
    assert ProposedVerdict.objects.count() == 1


def test_a_failed_run_does_not_trigger_a_recheck(prediction, django_capture_on_commit_callbacks):
    op = _compute_test(prediction)
    source = DataSource.objects.create(slug="broken", name="Broken", kind="epoch-models", path="no/such/file.csv")
    run = queue_run(source)
    with django_capture_on_commit_callbacks(execute=True):
        run_ingest(run.pk)
    op.refresh_from_db()
    assert op.last_checked is None


def test_run_succeeded_enqueues_the_recheck_only_after_commit(prediction, django_capture_on_commit_callbacks):
    op = _compute_test(prediction)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_succeeded.send(sender=IngestRun, run_id=12345)
    op.refresh_from_db()
    assert op.last_checked is None, "the task ran before the commit"
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()
    op.refresh_from_db()
    assert op.last_checked is not None


def _run(kind="epoch-benchmarks"):
    source = DataSource.objects.create(slug=f"s-{DataSource.objects.count()}", name="s", kind=kind)
    return IngestRun.objects.create(source=source, status="ok")


def test_benchmark_best_uses_the_best_score_by_the_deadline(prediction):
    run = _run()
    bench = Benchmark.objects.create(slug="gpqa-diamond", name="GPQA Diamond")
    for name, day, score in [("A", dt.date(2024, 1, 1), 0.55), ("B", dt.date(2025, 1, 1), 0.87),
                             ("C", dt.date(2026, 6, 1), 0.93)]:
        BenchmarkScore.objects.create(key=name, benchmark=bench, model_name=name, date=day, score=score, run=run)
    op = Measure.objects.create(claim=prediction, description="GPQA >= 0.9 before 2026",
                                           kind="frontier_at", benchmark=bench, comparison="gte",
                                           threshold=0.9, deadline=dt.date(2025, 12, 31))
    checks.evaluate(op, today=dt.date(2025, 6, 1))
    assert (op.outcome, op.value) == ("not_met", 0.87)
    assert op.sentence == "By 1 June 2025 the best GPQA Diamond score was 0.87 (B, 1 January 2025)."
    # "Still open" is what the claim already says: nothing to propose.
    assert not ProposedVerdict.objects.exists()
    op.deadline = None
    checks.evaluate(op)
    assert (op.outcome, op.value) == ("met", 0.93)


def test_benchmark_where_lower_is_better_takes_the_lowest_score(prediction):
    run = _run()
    bench = Benchmark.objects.create(slug="error-rate", name="Error rate", higher_is_better=False)
    for name, score in [("A", 0.3), ("B", 0.1)]:
        BenchmarkScore.objects.create(key=name, benchmark=bench, model_name=name, date=dt.date(2024, 1, 1),
                                      score=score, run=run)
    op = Measure.objects.create(claim=prediction, description="error < 0.2", kind="frontier_at",
                                           benchmark=bench, comparison="lt", threshold=0.2)
    checks.evaluate(op)
    assert (op.outcome, op.value) == ("met", 0.1)


def test_series_latest_reads_the_newest_point_for_the_entity(prediction):
    run = _run("owid")
    series = Series.objects.create(slug="investment", name="Private investment", source=run.source,
                                   date_precision="year")
    for entity, year, value in [("World", 2022, 90e9), ("World", 2024, 130e9), ("China", 2024, 9e9)]:
        SeriesPoint.objects.create(series=series, entity=entity, date=dt.date(year, 1, 1), value=value, run=run)
    op = Measure.objects.create(claim=prediction, description="World investment > $100bn",
                                           kind="series_latest", series=series, entity="World", comparison="gt",
                                           threshold=1e11)
    checks.evaluate(op)
    assert (op.outcome, op.value) == ("met", 130e9)
    assert op.sentence == "The latest figure for Private investment (World) is 1.3 × 10¹¹ (2024)."


@pytest.mark.parametrize("comparison, value, threshold, expected", [
    ("gte", 1.0, 1.0, "met"), ("gt", 1.0, 1.0, "not_met"), ("lte", 1.0, 1.0, "met"), ("lt", 0.9, 1.0, "met"),
    ("lt", 1.0, 1.0, "not_met")])
def test_comparisons(comparison, value, threshold, expected):
    op = Measure(comparison=comparison, threshold=threshold)
    assert checks.decide_outcome(op, value, dt.date(2025, 1, 1)) == expected


def test_no_data_is_pending_until_the_deadline_passes():
    op = Measure(comparison="gte", threshold=1, deadline=dt.date(2025, 1, 1))
    assert checks.decide_outcome(op, None, dt.date(2024, 12, 31)) == "pending"
    assert checks.decide_outcome(op, None, dt.date(2025, 1, 2)) == "expired"


@pytest.mark.parametrize("expects, outcome, kind, status", [
    ("met", "met", "prediction", "resolved_true"),
    ("met", "met", "assessment", "supported"),
    ("not_met", "met", "assessment", "contradicted"),
    ("not_met", "met", "prediction", "resolved_false"),
    ("met", "expired", "prediction", "resolved_false"),
    ("not_met", "expired", "prediction", "resolved_true"),
    ("met", "not_met", "prediction", "open"),
    ("not_met", "not_met", "assessment", "supported"),
    ("met", "pending", "prediction", None)])
def test_which_status_an_outcome_argues_for(expects, outcome, kind, status):
    assert checks.proposed_status(Measure(expects=expects), outcome, kind) == status


def test_a_newer_outcome_supersedes_the_older_pending_proposal(prediction):
    run = _run("epoch-models")
    op = _compute_test(prediction)
    AIModel.objects.create(key="big", name="Big", training_compute_flop=2e25, publication_date=dt.date(2025, 3, 1),
                           run=run)
    first = checks.evaluate(op)
    AIModel.objects.filter(key="big").update(training_compute_flop=5e24)  # upstream revised its estimate
    second = checks.evaluate(op)
    first.refresh_from_db()
    assert first.state == "dismissed" and "Superseded" in first.decision_note
    # Back below the threshold, the prediction is simply open again, as the claim says.
    assert (second, op.outcome) == (None, "not_met")
    assert not ProposedVerdict.objects.pending().exists()


def test_adding_a_test_on_the_tests_page_checks_it_at_once(prediction, editor, editor_client):
    run = _run("epoch-models")
    AIModel.objects.create(key="big", name="Big", organization="Lab", training_compute_flop=3e25,
                           publication_date=dt.date(2024, 5, 1), run=run)
    response = editor_client.post("/curate/claims/1e25-soon/tests/", {
        "description": "A model at 1e25 FLOP", "kind": "frontier_at", "attribute": "training_compute_flop", "comparison": "gte",
        "threshold": "1e25", "expects": "met"})
    assert response["Location"] == "/curate/claims/1e25-soon/tests/"
    op = Measure.objects.get()
    assert (op.outcome, op.created_by, op.benchmark, op.series) == ("met", editor, None, None)
    page = editor_client.get("/curate/claims/1e25-soon/tests/").content.decode()
    assert "1 × 10²⁵ FLOP" not in page and "3.0 × 10²⁵ FLOP (Big, 1 May 2024)" in page
    assert ProposedVerdict.objects.filter(claim=prediction, state="pending").count() == 1
    assert AuditEntry.objects.filter(action="test.created", actor=editor).exists()


@pytest.mark.parametrize("data, message", [
    ({"kind": "frontier_at"}, "Choose one benchmark or one model attribute"),
    ({"kind": "series_latest"}, "Choose the series"),
    ({"kind": "frontier_at", "attribute": "training_compute_flop", "threshold": "lots"}, "Enter a number"),
])
def test_an_incomplete_test_is_refused_with_a_reason(prediction, editor_client, data, message):
    base = {"description": "t", "comparison": "gte", "threshold": "1", "expects": "met"}
    response = editor_client.post("/curate/claims/1e25-soon/tests/", {**base, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Measure.objects.exists()


def test_a_series_test_needs_an_entity_the_series_has(prediction, editor_client):
    run = _run("owid")
    series = Series.objects.create(slug="s", name="S", source=run.source)
    SeriesPoint.objects.create(series=series, entity="World", date=dt.date(2024, 1, 1), value=1, run=run)
    base = {"description": "t", "kind": "series_latest", "series": series.pk, "comparison": "gte", "threshold": "1",
            "expects": "met"}
    response = editor_client.post("/curate/claims/1e25-soon/tests/", {**base, "entity": "Atlantis"})
    assert "“Atlantis” has no values in that series." in response.content.decode()
    assert editor_client.post("/curate/claims/1e25-soon/tests/", {**base, "entity": "World"}).status_code == 302


def test_removing_and_checking_a_test_are_scoped_to_its_claim(prediction, editor_client):
    op = _compute_test(prediction)
    other = factories.claim(slug="other")
    assert editor_client.post(f"/curate/claims/other/tests/{op.pk}/delete/").status_code == 404
    assert editor_client.post(f"/curate/claims/other/tests/{op.pk}/check/").status_code == 404
    assert other.measures.count() == 0
    assert editor_client.post(f"/curate/claims/1e25-soon/tests/{op.pk}/delete/").status_code == 302
    assert not Measure.objects.exists()
    assert AuditEntry.objects.filter(action="test.deleted").exists()


def test_public_results_show_the_sentence_outcome_and_when_it_was_last_checked(prediction):
    op = _compute_test(prediction)
    unmeasured = factories.claim()
    empty = render_to_string("measures/_results.html", {"claim": unmeasured, "claim_measures": claim_measures(unmeasured)})
    assert "Not measured against data yet." in empty
    op.value, op.outcome = 4.64e26, "met"
    op.sentence = "By 2 December 2026 the largest training run was 4.6 × 10²⁶ FLOP (Grok-3, 17 February 2025)."
    op.last_checked = timezone.make_aware(dt.datetime(2026, 1, 2, 3, 4))
    op.save()
    html = render_to_string("measures/_results.html", {"claim": prediction, "claim_measures": claim_measures(prediction)})
    assert "Some AI model trained with at least 1e25 FLOP" in html
    assert "4.6 × 10²⁶ FLOP (Grok-3, 17 February 2025)" in html
    assert "met: bears the claim out" in html
    assert "Test: the training compute frontier ≥ 1.0 × 10²⁵ FLOP; the claim is borne out if the test is met." in html
    assert '<time datetime="2026-01-02T03:04:00+00:00">2 January 2026, 03:04 UTC</time>' in html
    assert claims_tests_for_claim(prediction) == [op]


def test_the_claims_measures_cost_one_query(prediction, django_assert_num_queries):
    _compute_test(prediction)
    with django_assert_num_queries(1):
        measured = claim_measures(prediction)
    with django_assert_num_queries(0):
        render_to_string("measures/_results.html", {"claim": prediction, "claim_measures": measured})
