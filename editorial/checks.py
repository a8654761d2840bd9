"""Operationalised claims: measure a test against ingested data, decide its outcome,
and propose (never apply) a verdict when the outcome changes.

The domain functions here are what the Celery task calls after each ingest run; they
are tested on their own, on really ingested data.
"""

import dataclasses
import datetime as dt
import logging
import operator

from django.db import transaction
from django.utils import timezone

from claims.models import Claim
from ingest.models import AIModel, BenchmarkScore, SeriesPoint

from . import audit
from measures.models import Measure

from .models import ProposedVerdict

log = logging.getLogger(__name__)

_COMPARE = {
    Measure.Comparison.GTE: operator.ge,
    Measure.Comparison.GT: operator.gt,
    Measure.Comparison.LTE: operator.le,
    Measure.Comparison.LT: operator.lt,
}


@dataclasses.dataclass(frozen=True)
class Measurement:
    value: float
    detail: str


def measure(op: Measure) -> Measurement | None:
    """The metric's current value from ingested data (only data dated by the deadline), or None."""
    Kind = Measure.Kind
    if op.kind == Kind.FRONTIER_AT and op.benchmark_id is not None:
        scores = BenchmarkScore.objects.filter(benchmark_id=op.benchmark_id)
        if op.deadline:
            scores = scores.filter(date__lte=op.deadline)
        best = scores.order_by("-score" if op.benchmark.higher_is_better else "score", "date", "id").first()
        if best is None:
            return None
        when = best.date.isoformat() if best.date else "date unknown"
        return Measurement(best.score, f"{best.model_name} on {op.benchmark.name}, {when}")
    if op.kind == Kind.FRONTIER_AT and op.attribute == Measure.Attribute.TRAINING_COMPUTE_FLOP:
        models = AIModel.objects.filter(training_compute_flop__isnull=False)
        if op.deadline:
            models = models.filter(publication_date__lte=op.deadline)
        top = models.order_by("-training_compute_flop", "publication_date", "id").first()
        if top is None:
            return None
        when = top.publication_date.isoformat() if top.publication_date else "date unknown"
        org = f" ({top.organization})" if top.organization else ""
        return Measurement(top.training_compute_flop, f"{top.name}{org}, published {when}")
    if op.kind == Kind.SERIES_LATEST:
        if op.series_id is None:
            return None
        points = SeriesPoint.objects.filter(series_id=op.series_id, entity=op.entity)
        if op.deadline:
            points = points.filter(date__lte=op.deadline)
        latest = points.order_by("-date", "-id").first()
        if latest is None:
            return None
        when = str(latest.date.year) if op.series.date_precision == "year" else latest.date.isoformat()
        return Measurement(latest.value, f"{op.series.name}, {op.entity}, {when}")
    raise ValueError(f"unsupported measure {op.kind!r}")


def decide_outcome(op: Measure, measurement: Measurement | None, today: dt.date) -> str:
    Outcome = Measure.Outcome
    if op.threshold is None:
        # Without a threshold a measure reports a figure; it argues for no outcome.
        return Outcome.PENDING if measurement is None else Outcome.MEASURED
    holds = measurement is not None and _COMPARE[op.comparison](measurement.value, op.threshold)
    if holds:
        return Outcome.MET
    if op.deadline and today > op.deadline:
        # Later data cannot help: measure() only counts data dated by the deadline.
        return Outcome.EXPIRED
    return Outcome.PENDING if measurement is None else Outcome.NOT_MET


def proposed_status(op: Measure, outcome: str, claim_kind: str) -> str | None:
    """Which claim status a new outcome argues for; None when it argues for nothing."""
    Outcome, Status = Measure.Outcome, Claim.Status
    if outcome in (Outcome.PENDING, Outcome.MEASURED):
        return None
    borne_out = (outcome == Outcome.MET) == (op.expects == Measure.Expects.MET)
    final = outcome == Outcome.EXPIRED or (outcome == Outcome.MET and claim_kind == Claim.Kind.PREDICTION)
    if final:
        return Status.RESOLVED_TRUE if borne_out else Status.RESOLVED_FALSE
    if outcome == Outcome.NOT_MET and claim_kind == Claim.Kind.PREDICTION:
        # A prediction whose deadline has not passed is simply still open.
        return Status.OPEN
    return Status.SUPPORTED if borne_out else Status.CONTRADICTED


def _fmt(value: float | None) -> str:
    if value is None:
        return "no value"
    return f"{value:.3g}" if abs(value) >= 1e6 or (value and abs(value) < 1e-3) else f"{value:g}"


def evaluate(op: Measure, *, today: dt.date | None = None, now=None, actor=None) -> ProposedVerdict | None:
    """Re-check one test and store its value; on a change of outcome, queue a proposal.

    `actor` is the editor who asked for the check; None when an ingest run triggered it.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    measurement = measure(op)
    outcome = decide_outcome(op, measurement, today)
    previous = op.outcome
    with transaction.atomic():
        op.value = measurement.value if measurement else None
        op.sentence = measurement.detail[:500] if measurement else ""
        op.outcome = outcome
        op.last_checked = now
        op.save(update_fields=["value", "sentence", "outcome", "last_checked"])
        if outcome == previous:
            return None
        audit.record(
            actor, "test.outcome_changed", target=op, claim=op.claim,
            summary=f"Test “{op.description}”: {previous} → {outcome} (value {_fmt(op.value)})",
            data={"from": previous, "to": outcome, "value": op.value, "detail": op.sentence},
        )
        return _propose(op, previous, outcome, actor)


def _propose(op: Measure, previous: str, outcome: str, actor=None) -> ProposedVerdict | None:
    claim = op.claim
    status = proposed_status(op, outcome, claim.kind)
    # Older proposals from this test are out of date now; one live proposal per test.
    ProposedVerdict.objects.pending().filter(measure=op).update(
        state=ProposedVerdict.State.DISMISSED, decided_at=timezone.now(),
        decision_note="Superseded by a newer outcome of the same test.",
    )
    if status is None or status == claim.status:
        return None
    verb = {"met": "is now met", "not_met": "is not met", "expired": "expired unmet"}[outcome]
    reason = (
        f"Test “{op.description}” ({op.get_kind_display()} {op.get_comparison_display()} {_fmt(op.threshold)}"
        f"{', by ' + op.deadline.isoformat() if op.deadline else ''}) {verb}: current value {_fmt(op.value)}"
        f"{' — ' + op.sentence if op.sentence else ''}. Previous outcome: {previous}. "
        f"The claim is {op.get_expects_display().removeprefix('the claim is ')}."
    )
    proposal = ProposedVerdict.objects.create(
        claim=claim, measure=op, proposed_status=status, outcome=outcome, reason=reason
    )
    audit.record(
        actor, "proposal.created", target=proposal, claim=claim,
        summary=f"Proposed verdict “{proposal.get_proposed_status_display()}” for “{claim.title}”",
        data={"status": status, "outcome": outcome, "measure": op.pk},
    )
    return proposal


def evaluate_all(*, today: dt.date | None = None) -> list[ProposedVerdict]:
    """Re-check every test (after an ingest run); deadlines pass with time, so all of them."""
    proposals = []
    tests = Measure.objects.select_related("claim", "benchmark", "series").order_by("pk")
    for op in tests:
        proposal = evaluate(op, today=today)
        if proposal is not None:
            proposals.append(proposal)
    log.info("re-checked %d test(s), %d new proposal(s)", len(tests), len(proposals))
    return proposals


@transaction.atomic
def add_test(claim: Claim, *, user, form) -> Measure:
    """Attach a validated MeasureForm's test to a claim and check it at once."""
    op = form.save(commit=False)
    op.claim, op.created_by = claim, user
    op.save()
    audit.record(user, "test.created", target=op, claim=claim,
                 summary=f"Added test “{op.description}” to “{claim.title}”",
                 data={"kind": op.kind, "comparison": op.comparison, "threshold": op.threshold,
                       "deadline": op.deadline.isoformat() if op.deadline else None})
    evaluate(op, actor=user)
    return op


@transaction.atomic
def check_now(op: Measure, *, user) -> ProposedVerdict | None:
    """An editor's "check now": re-evaluate at once instead of waiting for the next run."""
    proposal = evaluate(op, actor=user)
    audit.record(user, "test.checked", target=op, claim=op.claim,
                 summary=f"Checked test “{op.description}”: {op.get_outcome_display()}, value {_fmt(op.value)}",
                 data={"outcome": op.outcome, "value": op.value})
    return proposal


@transaction.atomic
def remove_test(op: Measure, *, user) -> None:
    audit.record(user, "test.deleted", target=op, claim=op.claim,
                 summary=f"Removed test “{op.description}” from “{op.claim.title}”",
                 data={"kind": op.kind, "threshold": op.threshold, "outcome": op.outcome})
    op.delete()
