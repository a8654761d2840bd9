"""Storing measure results: after each ingest (recheck_all, in bulk) or for one measure at
an editor's request (refresh). Pages read the stored result; nothing is computed per request."""

import dataclasses
import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone

from .evaluation import Evaluation, evaluate
from .models import Measure
from .records import DataCache
from .signals import outcomes_changed

log = logging.getLogger(__name__)

RESULT_FIELDS = ["value", "value_low", "value_high", "sentence", "outcome", "robustness", "robustness_note",
                 "detail", "record_ids", "run_ids", "last_checked"]


@dataclasses.dataclass(frozen=True)
class OutcomeChange:
    measure_id: int
    previous: str
    outcome: str


def _apply(measure: Measure, result: Evaluation, now) -> tuple[bool, OutcomeChange | None]:
    """Set the result on the row; (did anything but last_checked change, the outcome change).

    `detail` is left out of the comparison (and not even read by recheck_all): it is the
    serialised form of the same records, so the records' ids, the value and the sentence
    say whether it changed."""
    previous = measure.outcome
    values = {
        "value": result.value, "value_low": result.low, "value_high": result.high, "sentence": result.sentence,
        "outcome": result.outcome, "robustness": result.robustness, "robustness_note": result.robustness_note[:500],
        "record_ids": result.record_ids, "run_ids": result.run_ids,
    }
    changed = any(getattr(measure, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(measure, name, value)
    if changed:
        measure.detail = result.detail
    measure.last_checked = now
    return changed, (None if previous == result.outcome else OutcomeChange(measure.pk, previous, result.outcome))


def refresh(measure: Measure, *, today: dt.date | None = None, now=None, cache: DataCache | None = None,
            ) -> OutcomeChange | None:
    """Re-evaluate one measure and store its result; the caller decides what a change means."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    result = evaluate(measure, cache or DataCache(), today)
    _, change = _apply(measure, result, now)
    measure.detail = result.detail
    measure.save(update_fields=RESULT_FIELDS)
    return change


def _write(changed: list[Measure], unchanged_ids: list[int], now) -> None:
    """Changed results row by row in one executemany (psycopg pipelines it; Django's
    bulk_update builds a CASE per field and row, far slower at 10,000 rows); the rest only
    get their last_checked, in one UPDATE per thousand."""
    if changed:
        fields = [Measure._meta.get_field(name) for name in RESULT_FIELDS]
        sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
        sql = f"UPDATE {connection.ops.quote_name(Measure._meta.db_table)} SET {sets} WHERE id = %s"
        rows = [[f.get_db_prep_save(getattr(m, f.attname), connection) for f in fields] + [m.pk] for m in changed]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    for start in range(0, len(unchanged_ids), 1000):
        Measure.objects.filter(pk__in=unchanged_ids[start:start + 1000]).update(last_checked=now)


def recheck_all(*, today: dt.date | None = None, now=None, batch_size: int = 1000) -> list[OutcomeChange]:
    """Re-evaluate every measure (deadlines pass with time, so all of them), write results in
    bulk, and announce the changes of outcome in one signal."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    cache, changes, changed, unchanged = DataCache(), [], [], []
    # Claims' long texts are not needed to re-check (only dates, kind, status and title are).
    measures = (Measure.objects.select_related("claim", "benchmark", "series")
                .defer("detail", "claim__statement", "claim__quote", "claim__verdict_rationale").order_by("pk"))
    with transaction.atomic():
        for measure in measures.iterator(chunk_size=batch_size):
            differs, change = _apply(measure, evaluate(measure, cache, today), now)
            if differs:
                changed.append(measure)
            else:
                unchanged.append(measure.pk)
            if change:
                changes.append((measure, change))
        _write(changed, unchanged, now)
        if changes:
            outcomes_changed.send(sender=Measure, changes=[(m, c.previous, c.outcome) for m, c in changes],
                                  actor=None)
    done = len(changed) + len(unchanged)
    log.info("re-checked %d measure(s) over %d data read(s); %d outcome change(s)", done, cache.queries, len(changes))
    return [c for _, c in changes]
