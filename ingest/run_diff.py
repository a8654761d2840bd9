"""A run's diff: records created, fields changed (before -> after), conflicts, records gone.

Counts are exact; the stored lines (``RunChange``) are bounded, flagged lines first, so a
run that rewrites a whole table still leaves a readable page and a small database row set.
"""

import datetime as dt
import math

from .bulk_sql import insert_rows
from .models import RunChange

# Lines kept per kind (and for flagged lines): an anomaly or a conflict must never be
# crowded out by a thousand routine "created" lines.
MAX_KEPT = 1000
DATE_MOVE = dt.timedelta(days=365)


def flag_for(before, after) -> str:
    """The anomaly a single change shows, if any (see RunChange.Flag)."""
    if isinstance(before, bool) or isinstance(after, bool):
        return ""
    if isinstance(before, int | float) and isinstance(after, int | float):
        low, high = sorted((abs(before), abs(after)))
        if low > 0 and math.isfinite(high) and high / low >= 10:
            return RunChange.Flag.TENFOLD
        return ""
    if isinstance(before, dt.date) and isinstance(after, dt.date):
        if isinstance(before, dt.datetime) != isinstance(after, dt.datetime):
            return ""
        if abs(after - before) > DATE_MOVE:
            return RunChange.Flag.DATE_MOVED
    return ""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:2000]


class DiffRecorder:
    def __init__(self):
        self.created = self.changed_values = self.conflicts = self.disappeared = self.flagged = 0
        # Shares for the hold rule: of the stored non-empty values this run compared, how
        # many it would change, and how many its own source had set that it now leaves empty.
        self.compared_values = self.blanked_values = 0
        self._kept: dict[str, list[RunChange]] = {}
        # Exact, unbounded: which records of which table this run created, changed or lost,
        # for receivers of ingest.signals.data_changed (measures, re-checks).
        self.touched: dict[str, set[str]] = {}

    def _keep(self, kind: str, table: str, record: str, flag: str = "", **fields) -> None:
        # Lines are plain dicts until saved, and only the kept ones are built at all: a run
        # that creates a whole table records thousands of lines and keeps MAX_KEPT.
        if flag:
            self.flagged += 1
        bucket = self._kept.setdefault("flagged" if flag else kind, [])
        if len(bucket) < MAX_KEPT:
            # Plain str, not the choices' enum members: the bulk insert passes a plain str
            # to the driver as it is, and an enum member through the field's conversions.
            bucket.append({"kind": str(kind), "table": table, "record": record[:500], "flag": str(flag), **fields})

    def _touch(self, table: str, record: str) -> None:
        self.touched.setdefault(table, set()).add(record)

    def record_created(self, table: str, record: str) -> None:
        self.created += 1
        self._touch(table, record)
        self._keep(RunChange.Kind.CREATED, table, record)

    def record_field(self, table: str, record: str, field: str, before, after, *, conflict: str = "") -> None:
        if conflict:
            self.conflicts += 1
            self._keep(RunChange.Kind.CONFLICT, table, record, field=field, before=_text(before), after=_text(after),
                       note=conflict[:300])
            return
        self.changed_values += 1
        self._touch(table, record)
        self._keep(RunChange.Kind.CHANGED, table, record, flag=flag_for(before, after), field=field,
                   before=_text(before), after=_text(after))

    def record_disappeared(self, table: str, record: str) -> None:
        self.disappeared += 1
        self._touch(table, record)
        self._keep(RunChange.Kind.DISAPPEARED, table, record, flag=RunChange.Flag.DISAPPEARED,
                   note="carried by this source before, not in this payload")

    def lines(self) -> list[dict]:
        order = ["flagged", RunChange.Kind.CONFLICT, RunChange.Kind.CHANGED, RunChange.Kind.DISAPPEARED,
                 RunChange.Kind.CREATED]
        return [line for kind in order for line in self._kept.get(kind, [])]

    def save(self, run) -> None:
        RunChange.objects.filter(run=run).delete()
        insert_rows(RunChange, [{**line, "run_id": run.pk} for line in self.lines()])
