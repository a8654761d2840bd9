"""A run's diff: records created, fields changed (before -> after), conflicts, records gone.

Counts are exact; the stored lines (``RunChange``) are bounded, flagged lines first, so a
run that rewrites a whole table still leaves a readable page and a small database row set.
"""

import datetime as dt
import math

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

    def _keep(self, line: RunChange) -> None:
        if line.flag:
            self.flagged += 1
        bucket = self._kept.setdefault("flagged" if line.flag else line.kind, [])
        if len(bucket) < MAX_KEPT:
            bucket.append(line)

    def record_created(self, table: str, record: str) -> None:
        self.created += 1
        self._keep(RunChange(kind=RunChange.Kind.CREATED, table=table, record=record[:500]))

    def record_field(self, table: str, record: str, field: str, before, after, *, conflict: str = "") -> None:
        if conflict:
            self.conflicts += 1
            self._keep(RunChange(kind=RunChange.Kind.CONFLICT, table=table, record=record[:500], field=field,
                                 before=_text(before), after=_text(after), note=conflict[:300]))
            return
        self.changed_values += 1
        self._keep(RunChange(kind=RunChange.Kind.CHANGED, table=table, record=record[:500], field=field,
                             before=_text(before), after=_text(after), flag=flag_for(before, after)))

    def record_disappeared(self, table: str, record: str) -> None:
        self.disappeared += 1
        self._keep(RunChange(kind=RunChange.Kind.DISAPPEARED, table=table, record=record[:500],
                             flag=RunChange.Flag.DISAPPEARED, note="carried by this source before, not in this payload"))

    def lines(self) -> list[RunChange]:
        order = ["flagged", RunChange.Kind.CONFLICT, RunChange.Kind.CHANGED, RunChange.Kind.DISAPPEARED,
                 RunChange.Kind.CREATED]
        return [line for kind in order for line in self._kept.get(kind, [])]

    def save(self, run) -> None:
        lines = self.lines()
        for line in lines:
            line.run = run
        RunChange.objects.filter(run=run).delete()
        RunChange.objects.bulk_create(lines, batch_size=500)
