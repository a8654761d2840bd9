"""A Measure row -> its metric over the data -> an outcome, a sentence, robustness.

`evaluate(measure, cache, today)` is pure with respect to the Measure row: it reads the
data through the cache and returns an `Evaluation`; measures.results stores it.
"""

import dataclasses
import datetime as dt
import math
import operator
from collections.abc import Callable, Sequence

from . import metrics, sentences
from .metrics import MetricResult, NoData, frontier_records
from .models import Measure
from .records import DataCache, Group, NoTarget, Point, Target, group_filter

_COMPARE = {
    Measure.Comparison.GTE: operator.ge,
    Measure.Comparison.GT: operator.gt,
    Measure.Comparison.LTE: operator.le,
    Measure.Comparison.LT: operator.lt,
}
Outcome = Measure.Outcome


@dataclasses.dataclass(frozen=True)
class Evaluation:
    value: float | None
    low: float | None
    high: float | None
    sentence: str
    outcome: str
    robustness: str
    robustness_note: str
    record_ids: list
    run_ids: list
    records: tuple[Point, ...] = ()
    target: Target | None = None
    reason: str = ""
    # A projected crossing's date and its 90% interval (ISO dates), for the chart to draw.
    crossing: tuple = ()

    @property
    def detail(self) -> dict:
        """The records behind the value, serialised (built only when a result is written)."""
        if self.target is None:
            return {"reason": self.reason}
        detail = {"unit": self.target.unit, "target": self.target.name,
                  "records": [_record(p) for p in self.records[:50]]}
        detail.update(zip(("crossing", "crossing_low", "crossing_high"), self.crossing))
        return detail


def decide_outcome(measure: Measure, value: float | None, today: dt.date) -> str:
    if measure.threshold is None:
        # Without a threshold a measure reports a figure; it argues for no outcome.
        return Outcome.PENDING if value is None else Outcome.MEASURED
    holds = value is not None and _COMPARE[measure.comparison](value, measure.threshold)
    if holds:
        return Outcome.MET
    if measure.deadline and today > measure.deadline:
        # Later data cannot help: only data dated by the deadline counts.
        return Outcome.EXPIRED
    return Outcome.PENDING if value is None else Outcome.NOT_MET


def _end(measure: Measure, today: dt.date) -> dt.date:
    end = today
    for cap in (measure.deadline, measure.window_end):
        if cap and cap < end:
            end = cap
    return end


def _group(measure: Measure, other: bool = False) -> Group:
    if other:
        return Group(measure.other_country, measure.other_organization, measure.other_accessibility,
                     measure.other_model_name)
    return Group(measure.country, measure.organization, measure.accessibility, measure.model_name)


def _change_start(measure: Measure) -> tuple[dt.date, str | None]:
    if measure.window_start:
        return measure.window_start, None
    claim = measure.claim
    if claim.date_made is None:
        raise NoData("the claim's date is unknown and the measure gives no start date")
    return claim.date_made, claim.date_precision


def compute(measure: Measure, points: Sequence[Point], target: Target, today: dt.date,
            cache: DataCache | None = None) -> MetricResult:
    """The measure's metric over these points (raises NoData with a reason)."""
    Kind = Measure.Kind
    select = cache.select if cache else group_filter
    steps = cache.steps if cache else frontier_records
    end, hib = _end(measure, today), target.higher_is_better
    if measure.kind == Kind.FRONTIER_AT:
        return metrics.frontier_at(points, end, hib, steps=steps)
    if measure.kind == Kind.CHANGE_SINCE:
        start, _ = _change_start(measure)
        return metrics.change_since(points, start, end, hib, steps=steps)
    if measure.kind == Kind.GROWTH_RATE:
        baseline = (measure.baseline_start, measure.baseline_end) if measure.baseline_end else None
        return metrics.growth_rate(points, measure.window_start, end, hib, baseline=baseline, steps=steps)
    if measure.kind == Kind.GROUP_LAG:
        return metrics.group_lag(points, _group(measure), measure.window_start, end, hib,
                                 statistic=measure.statistic or "latest", select=select, steps=steps)
    if measure.kind == Kind.GAP:
        return metrics.gap(points, _group(measure), _group(measure, other=True), end, hib,
                           statistic=measure.statistic or "difference", what=target.name, select=select, steps=steps)
    if measure.kind == Kind.SERIES_LATEST:
        return metrics.series_latest(points, end)
    if measure.kind == Kind.PROJECTED_CROSSING:
        if measure.threshold is None:
            raise NoData("a projected crossing needs a threshold")
        return metrics.projected_crossing(points, measure.threshold, measure.window_start, end, hib, steps=steps)
    raise NoData(f"unknown metric kind {measure.kind!r}")


def statistic_value(measure: Measure, result: MetricResult) -> float | None:
    """The number the threshold is compared with (the measure's chosen statistic)."""
    stat = measure.statistic
    if isinstance(result, metrics.Change):
        return {"difference": result.difference, "doublings": result.doublings}.get(stat, result.ratio)
    value = result.value
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


# Other readings of uncertain data: each returns new points, or None when it changes nothing.
def _bound(points: Sequence[Point], which: str) -> list[Point] | None:
    changed = [dataclasses.replace(p, value=getattr(p, which)) if getattr(p, which) is not None else p
               for p in points]
    return changed if any(getattr(p, which) is not None for p in points) else None


def _without_speculative(points: Sequence[Point]) -> list[Point] | None:
    kept = [p for p in points if not p.speculative]
    return kept if len(kept) != len(points) else None


VARIANTS: list[tuple[str, Callable[[Sequence[Point]], list[Point] | None]]] = [
    ("the lower interval bounds", lambda points: _bound(points, "low")),
    ("the upper interval bounds", lambda points: _bound(points, "high")),
    ("the data without Epoch's Speculative estimates", _without_speculative),
]


def robustness(measure: Measure, cache: DataCache, target: Target, today: dt.date,
               outcome: str) -> tuple[str, str]:
    if outcome in (Outcome.PENDING, Outcome.MEASURED):
        return Measure.Robustness.UNCHECKED, ""
    tried, flips = [], []
    for name, transform in VARIANTS:
        variant = cache.variant(target, name, transform)
        if variant is None:
            continue
        tried.append(name)
        try:
            value = statistic_value(measure, compute(measure, variant, target, today, cache))
        except NoData:
            value = None
        other = decide_outcome(measure, value, today)
        if other != outcome:
            flips.append(f"on {name} it is {Measure.Outcome(other).label}")
    if flips:
        return Measure.Robustness.FRAGILE, "Not robust: " + "; ".join(flips) + "."
    if not tried:
        return Measure.Robustness.ROBUST, "Robust: the records carry no intervals or confidence labels to vary."
    readings = tried[0] if len(tried) == 1 else f"{', '.join(tried[:-1])} and {tried[-1]}"
    return Measure.Robustness.ROBUST, f"Robust: the outcome holds on {readings}."


def _record(point: Point) -> dict:
    return {"label": point.label, "date": point.date.isoformat(), "value": point.value,
            "ref": point.ref.as_json(), "run": point.run_id}


def evaluate(measure: Measure, cache: DataCache, today: dt.date) -> Evaluation:
    try:
        target = Target.of(measure)
        points = cache.points(target)
        result = compute(measure, points, target, today, cache)
    except (NoData, NoTarget) as exc:
        outcome = decide_outcome(measure, None, today)
        note = f"Not testable on the data yet: {exc}."
        return Evaluation(None, None, None, note, outcome, "", "", [], [], reason=str(exc))
    value = statistic_value(measure, result)
    low, high = result.interval if measure.kind in (Measure.Kind.GROWTH_RATE, Measure.Kind.FRONTIER_AT) else (None, None)
    outcome = decide_outcome(measure, value, today)
    precision = _change_start(measure)[1] if measure.kind == Measure.Kind.CHANGE_SINCE else None
    sentence = sentences.describe(result, target, as_of=today, start_precision=precision,
                                  series_precision=measure.series.date_precision if measure.series_id else "day")
    if measure.proxy:
        sentence = f"{measure.proxy_label or 'As a proxy'}: {sentence}"
    state, note = robustness(measure, cache, target, today, outcome)
    crossing = ()
    if isinstance(result, metrics.Crossing) and result.projected and result.crossed is None:
        crossing = tuple(d.isoformat() if d else None for d in (result.projected, *result.projected_interval))
    return Evaluation(
        value=value, low=low, high=high, sentence=sentence, outcome=outcome, robustness=state,
        robustness_note=note, record_ids=[p.ref.as_json() for p in result.records], run_ids=result.run_ids,
        records=result.records, target=target, crossing=crossing,
    )
