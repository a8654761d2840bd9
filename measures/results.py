"""Storing measure results: after each ingest (recheck_all, in bulk) or for one measure at
an editor's request (refresh). Pages read the stored result; nothing is computed per request."""

import dataclasses
import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from .evaluation import Evaluation, evaluate
from .models import Measure
from .records import DataCache
from .signals import outcome_changed

log = logging.getLogger(__name__)

RESULT_FIELDS = ["value", "value_low", "value_high", "sentence", "outcome", "robustness", "robustness_note",
                 "detail", "record_ids", "run_ids", "last_checked"]


@dataclasses.dataclass(frozen=True)
class OutcomeChange:
    measure_id: int
    previous: str
    outcome: str


def _apply(measure: Measure, result: Evaluation, now) -> OutcomeChange | None:
    previous = measure.outcome
    measure.value, measure.value_low, measure.value_high = result.value, result.low, result.high
    measure.sentence, measure.outcome = result.sentence, result.outcome
    measure.robustness, measure.robustness_note = result.robustness, result.robustness_note[:500]
    measure.detail, measure.record_ids, measure.run_ids = result.detail, result.record_ids, result.run_ids
    measure.last_checked = now
    return None if previous == result.outcome else OutcomeChange(measure.pk, previous, result.outcome)


def refresh(measure: Measure, *, today: dt.date | None = None, now=None, cache: DataCache | None = None,
            ) -> OutcomeChange | None:
    """Re-evaluate one measure and store its result; the caller decides what a change means."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    change = _apply(measure, evaluate(measure, cache or DataCache(), today), now)
    measure.save(update_fields=RESULT_FIELDS)
    return change


def recheck_all(*, today: dt.date | None = None, now=None, batch_size: int = 1000) -> list[OutcomeChange]:
    """Re-evaluate every measure (deadlines pass with time, so all of them), write results in
    bulk, and announce each change of outcome."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    cache, changes, done = DataCache(), [], 0
    measures = Measure.objects.select_related("claim", "benchmark", "series").order_by("pk")
    with transaction.atomic():
        pending: list[Measure] = []
        for measure in measures.iterator(chunk_size=batch_size):
            change = _apply(measure, evaluate(measure, cache, today), now)
            pending.append(measure)
            if change:
                changes.append((measure, change))
            if len(pending) >= batch_size:
                Measure.objects.bulk_update(pending, RESULT_FIELDS)
                done += len(pending)
                pending = []
        Measure.objects.bulk_update(pending, RESULT_FIELDS)
        done += len(pending)
        for measure, change in changes:
            outcome_changed.send(sender=Measure, measure=measure, previous=change.previous,
                                 outcome=change.outcome, actor=None)
    log.info("re-checked %d measure(s) over %d data read(s); %d outcome change(s)", done, cache.queries, len(changes))
    return [c for _, c in changes]
