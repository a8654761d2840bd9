"""Measures seen from the editors' side: when a measure's outcome changes, propose (never
apply) a verdict; editors add, check and remove measures.

The numbers come from measures.results (re-checked after each ingest run by the measures
app's task); this module only reacts to outcome changes and records who did what.
"""

import dataclasses
import datetime as dt
import logging
import math

from django.db import models, transaction
from django.utils import timezone

from claims.models import Claim
from measures import results, seed
from measures.evaluation import decide_outcome  # noqa: F401  (re-exported for callers and tests)
from measures.evaluation import evaluate as evaluate_measure
from measures.models import Measure
from measures.records import DataCache

from . import audit
from .models import AuditEntry, ProposedVerdict

log = logging.getLogger(__name__)


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


def _value_text(op: Measure) -> str:
    """The stored value in the units of its test ("4.6 × 10²⁶ FLOP", "129 days")."""
    return op.value_display or _fmt(op.value)


def _entry(actor, action: str, *, target, claim, summary: str, data: dict) -> AuditEntry:
    """The AuditEntry audit.record would write, unsaved: many changes arrive at once after an
    ingest, and their entries go in with one bulk_create."""
    return AuditEntry(actor=actor if (actor is not None and actor.is_authenticated) else None, action=action,
                      target_type=target._meta.model_name, target_id=target.pk, claim=claim, summary=summary[:500],
                      data=data)


def _outcome_entry(op: Measure, previous: str, outcome: str, actor=None) -> AuditEntry:
    return _entry(
        actor, "test.outcome_changed", target=op, claim=op.claim,
        summary=f"Measure “{op.description}”: {previous} → {outcome} (value {_value_text(op)})",
        data={"from": previous, "to": outcome, "value": op.value, "sentence": op.sentence},
    )


def _proposal(op: Measure, previous: str, outcome: str) -> ProposedVerdict | None:
    """The proposal a change argues for (unsaved), or None."""
    claim = op.claim
    status = proposed_status(op, outcome, claim.kind)
    if status is None or status == claim.status:
        return None
    verb = {"met": "is now met", "not_met": "is not met", "expired": "expired unmet"}[outcome]
    condition = f": {op.test_display}" if op.test_display else ""
    reason = (
        f"Measure “{op.description}” ({op.get_kind_display()}{condition}"
        f"{', by ' + op.deadline.isoformat() if op.deadline else ''}) {verb}: current value {_value_text(op)}"
        f"{' — ' + op.sentence if op.sentence else ''} Previous outcome: {previous}. "
        f"The claim is {op.get_expects_display().removeprefix('the claim is ')}."
    )
    return ProposedVerdict(claim=claim, measure=op, proposed_status=status, outcome=outcome, reason=reason)


def propose_for(changes, actor=None) -> list[ProposedVerdict]:
    """Record outcome changes [(measure, previous, outcome)] and queue the proposals they
    argue for, in a few bulk queries whatever their number (the caller holds the transaction).
    Older pending proposals of the same measures are out of date: one live proposal each."""
    if not changes:
        return []
    ids = [op.pk for op, _, _ in changes]
    for start in range(0, len(ids), 1000):
        ProposedVerdict.objects.pending().filter(measure_id__in=ids[start:start + 1000]).update(
            state=ProposedVerdict.State.DISMISSED, decided_at=timezone.now(),
            decision_note="Superseded by a newer outcome of the same measure.",
        )
    entries = [_outcome_entry(op, previous, outcome, actor) for op, previous, outcome in changes]
    proposals = [p for p in (_proposal(op, previous, outcome) for op, previous, outcome in changes) if p]
    ProposedVerdict.objects.bulk_create(proposals, batch_size=1000)
    entries += [
        _entry(actor, "proposal.created", target=p, claim=p.claim,
                    summary=f"Proposed verdict “{p.get_proposed_status_display()}” for “{p.claim.title}”",
                    data={"status": p.proposed_status, "outcome": p.outcome, "measure": p.measure_id})
        for p in proposals
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return proposals


def on_outcomes_changed(sender, changes, actor=None, **kwargs) -> None:
    """Receiver for measures.signals.outcomes_changed (the ingest-driven re-check)."""
    propose_for(changes, actor)


def evaluate(op: Measure, *, today: dt.date | None = None, now=None, actor=None) -> ProposedVerdict | None:
    """Re-check one measure now and store its result; on a change of outcome, queue a proposal.

    `actor` is the editor who asked for the check; None when an ingest run triggered it.
    """
    with transaction.atomic():
        change = results.refresh(op, today=today, now=now)
        if change is None:
            return None
        proposals = propose_for([(op, change.previous, change.outcome)], actor)
        return proposals[0] if proposals else None


def evaluate_all(*, today: dt.date | None = None) -> list[ProposedVerdict]:
    """Re-check every measure; proposals arrive through the outcomes_changed receiver, in bulk."""
    before = set(ProposedVerdict.objects.values_list("pk", flat=True))
    results.recheck_all(today=today)
    return list(ProposedVerdict.objects.exclude(pk__in=before).order_by("pk"))


@transaction.atomic
def add_test(claim: Claim, *, user, form) -> Measure:
    """Attach a validated MeasureForm's measure to a claim and check it at once."""
    op = form.save(commit=False)
    op.claim, op.created_by = claim, user
    op.save()
    audit.record(user, "test.created", target=op, claim=claim,
                 summary=f"Added measure “{op.description}” to “{claim.title}”",
                 data={"kind": op.kind, "comparison": op.comparison, "threshold": op.threshold,
                       "deadline": op.deadline.isoformat() if op.deadline else None})
    evaluate(op, actor=user)
    return op


@transaction.atomic
def change_test(op: Measure, *, user, form) -> Measure:
    """Save an edited measure and re-check it at once."""
    op = form.save()
    audit.record(user, "test.changed", target=op, claim=op.claim,
                 summary=f"Edited measure “{op.description}” of “{op.claim.title}”",
                 data={"changed": sorted(form.changed_data)})
    evaluate(op, actor=user)
    return op


@transaction.atomic
def check_now(op: Measure, *, user) -> ProposedVerdict | None:
    """An editor's "check now": re-evaluate at once instead of waiting for the next run."""
    proposal = evaluate(op, actor=user)
    audit.record(user, "test.checked", target=op, claim=op.claim,
                 summary=f"Checked measure “{op.description}”: {op.get_outcome_display()}, value {_value_text(op)}",
                 data={"outcome": op.outcome, "value": op.value})
    return proposal


@transaction.atomic
def remove_test(op: Measure, *, user) -> None:
    audit.record(user, "test.deleted", target=op, claim=op.claim,
                 summary=f"Removed measure “{op.description}” from “{op.claim.title}”",
                 data={"kind": op.kind, "threshold": op.threshold, "outcome": op.outcome})
    seed.forget(op)
    op.delete()


# ---------------------------------------------------------------- a run's blast radius
# Ingest announces which records a run created, changed or lost (ingest.signals.data_changed,
# sent before the run's follow-up re-checks are queued). Here that becomes, per run, the
# measures whose value it moved, before → after, for the editors' queue. Ingest never learns
# that measures exist.

VALUE_MOVED = "ingest.value_moved"


def measures_touched(changed: dict) -> "models.QuerySet[Measure]":
    """Measures that read a record of ``changed`` ({model name: record keys, as in the run's diff})."""
    from ingest.models import BenchmarkScore

    reads = models.Q(pk__in=[])
    if changed.get("AIModel"):
        reads |= ~models.Q(attribute="")
    scores = sorted(changed.get("BenchmarkScore", ()))
    benchmarks = set()
    for start in range(0, len(scores), 5000):
        benchmarks.update(BenchmarkScore.objects.filter(key__in=scores[start:start + 5000])
                          .values_list("benchmark_id", flat=True).distinct())
    if benchmarks:
        reads |= models.Q(benchmark_id__in=sorted(benchmarks))
    # A series point's key is "series id / entity / date".
    series = {int(key.split(" / ", 1)[0]) for key in changed.get("SeriesPoint", ()) if key.split(" / ", 1)[0].isdigit()}
    if series:
        reads |= models.Q(series_id__in=sorted(series))
    return Measure.objects.filter(reads)


def _same(before, after) -> bool:
    if before is None or after is None:
        return before is after
    return math.isclose(before, after, rel_tol=1e-9, abs_tol=0.0)


def record_values_moved(run_id: int, before: list) -> int:
    """Compare ``before`` ([[measure id, stored value], ...] when the run committed) with each
    measure's value on the data now; write one audit line per measure whose value moved.

    The value is evaluated here rather than read back from the measures' own re-check, which
    runs on another task in no set order with this one. Returns the number of lines written.
    """
    from ingest.models import IngestRun

    run = IngestRun.objects.select_related("source").get(pk=run_id)
    was = {int(pk): value for pk, value in before}
    cache, today, entries = DataCache(), timezone.localdate(), []
    measures = Measure.objects.filter(pk__in=sorted(was)).select_related("claim", "benchmark", "series").order_by("pk")
    for op in measures:
        after = evaluate_measure(op, cache, today).value
        if _same(was[op.pk], after):
            continue
        entries.append(_entry(
            None, VALUE_MOVED, target=op, claim=op.claim,
            summary=f"Run {run.pk} of {run.source.name} moved “{op.description}”: {_fmt(was[op.pk])} → {_fmt(after)}",
            data={"run": run.pk, "source": run.source.name, "as_of": run.as_of.isoformat() if run.as_of else None,
                  "measure": op.description, "before": was[op.pk], "after": after},
        ))
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


def values_before(changed: dict) -> list[list]:
    """[[measure pk, value]] of the measures a run's changed records touch, as they stand now
    (before any re-check of that run): what record_values_moved compares against.

    Only measures that had a value: a first value is the measure starting to work (every
    measure on the first load), not a run moving what editors have seen.
    """
    touched = measures_touched(changed).filter(value__isnull=False).order_by("pk")
    return [[pk, value] for pk, value in touched.values_list("pk", "value")]


@dataclasses.dataclass(frozen=True)
class MovedValue:
    claim: Claim | None
    measure: str
    before: float | None
    after: float | None

    @property
    def before_display(self) -> str:
        return _fmt(self.before)

    @property
    def after_display(self) -> str:
        return _fmt(self.after)


@dataclasses.dataclass(frozen=True)
class RunImpact:
    """One ingest run and the measure values it moved, for the editors' queue."""

    run_id: int
    source: str
    as_of: dt.datetime | None
    moved: tuple[MovedValue, ...]


RUNS_SHOWN = 5
# Lines read for those runs: a run that moves more shows its first ones and links its diff.
MOVED_LINES_READ = 200


def recent_impacts(runs: int = RUNS_SHOWN) -> list[RunImpact]:
    """The latest runs that moved measure values, newest first (one query)."""
    entries = (AuditEntry.objects.filter(action=VALUE_MOVED).select_related("claim")
               .only("data", "claim__slug", "claim__title").order_by("-created", "-id")[:MOVED_LINES_READ])
    grouped: dict[int, list[AuditEntry]] = {}
    for entry in entries:
        run = entry.data.get("run")
        if run in grouped or len(grouped) < runs:
            grouped.setdefault(run, []).append(entry)
    impacts = []
    for run, lines in grouped.items():
        first = lines[0].data
        as_of = dt.datetime.fromisoformat(first["as_of"]) if first.get("as_of") else None
        moved = tuple(MovedValue(e.claim, e.data.get("measure", ""), e.data.get("before"), e.data.get("after"))
                      for e in reversed(lines))
        impacts.append(RunImpact(run, first.get("source", ""), as_of, moved))
    return impacts


def moved_by_run(run_id: int) -> list:
    """ingest.blast_radius reporter: the measures whose value the run moved (one query)."""
    from django.urls import reverse

    from ingest.blast_radius import Moved

    entries = (AuditEntry.objects.filter(action=VALUE_MOVED, data__run=run_id).select_related("claim")
               .only("data", "claim__slug", "claim__title").order_by("id"))
    return [Moved(what=f"{e.claim.title if e.claim else '(claim removed)'}: “{e.data.get('measure', '')}”",
                  before=_fmt(e.data.get("before")), after=_fmt(e.data.get("after")),
                  url=reverse("editorial:claim_tests", args=[e.claim.slug]) if e.claim else "")
            for e in entries]

