"""The metric vocabulary: pure functions over typed points (measures.records) that return
typed results carrying their value, the records they came from and those records' runs.

Nothing here queries the database or knows about Measure rows; measures.evaluation turns
a Measure into these calls, so each metric is tested on its own on real ingested data.
"""

import bisect
import dataclasses
import datetime as dt
import math
import statistics
from collections.abc import Sequence

from .fit import LogLinearFit, TooFewPoints, fit_log_linear
from .records import Group, Point, group_filter
from .running_best import better as _better
from .running_best import frontier_records

DAYS_PER_MONTH = 365.25 / 12


class NoData(ValueError):
    """The data cannot give this metric a value; the message says why, for readers."""


def _reaches(value: float, level: float, higher_is_better: bool) -> bool:
    return value >= level if higher_is_better else value <= level


@dataclasses.dataclass(frozen=True)
class MetricResult:
    records: tuple[Point, ...]

    @property
    def run_ids(self) -> list[int]:
        return sorted({p.run_id for p in self.records})

    @property
    def value(self) -> float | None:
        raise NotImplementedError

    @property
    def interval(self) -> tuple[float | None, float | None]:
        return None, None


# ---------------------------------------------------------------- frontier


def best_by(points: Sequence[Point], when: dt.date, higher_is_better: bool = True,
            steps=frontier_records) -> Point | None:
    """The best record dated on or before `when` (the earliest of equals): the last step of
    the running best by then."""
    frontier = steps(points, higher_is_better)
    i = bisect.bisect_right([p.date for p in frontier], when)
    return frontier[i - 1] if i else None


@dataclasses.dataclass(frozen=True)
class Frontier(MetricResult):
    best: Point
    at: dt.date

    @property
    def value(self) -> float:
        return self.best.value

    @property
    def interval(self):
        return self.best.low, self.best.high


def frontier_at(points: Sequence[Point], when: dt.date, higher_is_better: bool = True,
                steps=frontier_records) -> Frontier:
    best = best_by(points, when, higher_is_better, steps)
    if best is None:
        first = min((p.date for p in points), default=None)
        raise NoData("no records yet" if first is None else f"no records before {when:%-d %B %Y}; "
                     f"the first is dated {first:%-d %B %Y}")
    return Frontier(records=(best,), best=best, at=when)


# ---------------------------------------------------------------- change since


@dataclasses.dataclass(frozen=True)
class Change(MetricResult):
    start: dt.date
    end: dt.date
    then: Point
    now: Point
    # True when the series has no record by the start: "then" is its first record instead.
    started_later: bool

    @property
    def ratio(self) -> float | None:
        return self.now.value / self.then.value if self.then.value > 0 and self.now.value > 0 else None

    @property
    def difference(self) -> float:
        return self.now.value - self.then.value

    @property
    def doublings(self) -> float | None:
        return math.log2(self.ratio) if self.ratio else None

    @property
    def value(self) -> float | None:
        return self.ratio


def change_since(points: Sequence[Point], start: dt.date, end: dt.date, higher_is_better: bool = True,
                 steps=frontier_records) -> Change:
    """The frontier at `start` against the frontier at `end`."""
    now = best_by(points, end, higher_is_better, steps)
    if now is None:
        raise NoData(f"no records by {end:%-d %B %Y}")
    then = best_by(points, start, higher_is_better, steps)
    started_later = then is None
    if started_later:
        then = steps(points, higher_is_better)[0]  # the best of the series' first day
        if then.date > end:
            raise NoData(f"no records between {start:%-d %B %Y} and {end:%-d %B %Y}")
    return Change(records=(then, now), start=start, end=end, then=then, now=now, started_later=started_later)


# ---------------------------------------------------------------- growth rate


@dataclasses.dataclass(frozen=True)
class Growth(MetricResult):
    start: dt.date | None
    end: dt.date
    fit: LogLinearFit
    baseline: "Growth | None" = None

    @property
    def doubling_days(self) -> float:
        return self.fit.doubling_days

    @property
    def doubling_interval(self) -> tuple[float, float]:
        return self.fit.doubling_interval

    @property
    def speedup(self) -> float | None:
        """How many times faster than the baseline window (baseline doubling / this doubling)."""
        if self.baseline is None or self.doubling_days <= 0 or self.baseline.doubling_days <= 0:
            return None
        return self.baseline.doubling_days / self.doubling_days

    @property
    def value(self) -> float | None:
        return self.speedup if self.baseline is not None else self.doubling_days

    @property
    def interval(self):
        low, high = self.doubling_interval
        if self.baseline is None:
            return low, (None if math.isinf(high) else high)
        b_low, b_high = self.baseline.doubling_interval
        # The widest speed-up consistent with both intervals.
        slow = b_low / high if not math.isinf(high) else 0.0
        fast = b_high / low if not math.isinf(b_high) else None
        return slow, fast


def _window(points: Sequence[Point], start: dt.date | None, end: dt.date) -> list[Point]:
    return [p for p in points if (start is None or p.date >= start) and p.date <= end]


def growth_rate(points: Sequence[Point], start: dt.date | None, end: dt.date, higher_is_better: bool = True,
                baseline: tuple[dt.date | None, dt.date] | None = None, steps=frontier_records) -> Growth:
    """Doubling time from a log-linear fit of the frontier records inside the window.
    The frontier is the running best of *all* records, so a record counts only if it beat
    everything before it, including what came before the window."""
    window = _window(steps(points, higher_is_better), start, end)
    try:
        fit = fit_log_linear([(p.date, p.value) for p in window], origin=start)
    except TooFewPoints as exc:
        raise NoData(f"{exc} on the frontier{_between(start, end)}") from None
    base = growth_rate(points, baseline[0], baseline[1], higher_is_better, steps=steps) if baseline else None
    records = tuple(window) + (base.records if base else ())
    return Growth(records=records, start=start, end=end, fit=fit, baseline=base)


def _between(start, end) -> str:
    return f" between {start:%B %Y} and {end:%B %Y}" if start else f" up to {end:%B %Y}"


# ---------------------------------------------------------------- lag of a group


@dataclasses.dataclass(frozen=True)
class LagStep:
    record: Point  # the group's new best
    first: Point  # the first record of anyone that reached that level
    months: float


@dataclasses.dataclass(frozen=True)
class Lag(MetricResult):
    group: Group
    steps: tuple[LagStep, ...]
    statistic: str = "latest"

    @property
    def latest(self) -> float:
        return self.steps[-1].months

    @property
    def median(self) -> float:
        return statistics.median(s.months for s in self.steps)

    @property
    def value(self) -> float:
        return self.median if self.statistic == "median" else self.latest


def group_lag(points: Sequence[Point], group: Group, start: dt.date | None, end: dt.date,
              higher_is_better: bool = True, statistic: str = "latest", select=group_filter,
              steps=frontier_records) -> Lag:
    """For each time the group sets its own best (inside the window), how many months after
    the first record of anyone that reached the same level."""
    # Running bests are chronological, so "by `end`" is a prefix of each.
    own = [p for p in steps(select(points, group), higher_is_better)
           if p.date <= end and (start is None or p.date >= start)]
    if not own:
        raise NoData(f"no records of {group.describe()}{_between(start, end)}")
    # The first record of anyone to reach a level is a step of the overall frontier (every
    # record before it was below that level), so the steps are all that need searching.
    frontier = steps(points, higher_is_better)
    lags = []
    for record in own:
        first = next(p for p in frontier if _reaches(p.value, record.value, higher_is_better))
        lags.append(LagStep(record, first, (record.date - first.date).days / DAYS_PER_MONTH))
    records = tuple(dict.fromkeys(p for s in lags for p in (s.record, s.first)))
    return Lag(records=records, group=group, steps=tuple(lags), statistic=statistic or "latest")


# ---------------------------------------------------------------- gap


@dataclasses.dataclass(frozen=True)
class Gap(MetricResult):
    at: dt.date
    group: Group
    other: Group
    best: Point
    other_best: Point
    statistic: str = "difference"

    @property
    def difference(self) -> float:
        return self.best.value - self.other_best.value

    @property
    def ratio(self) -> float | None:
        return self.best.value / self.other_best.value if self.other_best.value else None

    @property
    def value(self) -> float | None:
        return self.ratio if self.statistic == "ratio" else self.difference


def gap(points: Sequence[Point], group: Group, other: Group, at: dt.date, higher_is_better: bool = True,
        statistic: str = "difference", what: str = "records", select=group_filter, steps=frontier_records) -> Gap:
    """The best of `group` against the best of `other` (the whole frontier if empty) by `at`.
    `select(points, group)` filters; a cache may pass a memoised one (and `steps`)."""
    best = best_by(select(points, group), at, higher_is_better, steps)
    other_best = best_by(select(points, other), at, higher_is_better, steps)
    missing = [g.describe() for g, b in ((group, best), (other, other_best)) if b is None]
    if missing:
        raise NoData(f"the data has no {what} for {' or '.join(missing)} by {at:%-d %B %Y}")
    return Gap(records=(best, other_best), at=at, group=group, other=other, best=best, other_best=other_best,
               statistic=statistic or "difference")


# ---------------------------------------------------------------- latest value


@dataclasses.dataclass(frozen=True)
class Latest(MetricResult):
    point: Point

    @property
    def value(self) -> float:
        return self.point.value


def series_latest(points: Sequence[Point], end: dt.date) -> Latest:
    dated = [p for p in points if p.date <= end]
    if not dated:
        raise NoData(f"no values by {end:%-d %B %Y}")
    return Latest(records=(max(dated, key=lambda p: (p.date, p.ref.id)),), point=max(dated, key=lambda p: p.date))


# ---------------------------------------------------------------- projected crossing


@dataclasses.dataclass(frozen=True)
class Crossing(MetricResult):
    threshold: float
    current: Point
    crossed: Point | None  # the first record that reached the threshold, if any
    fit: LogLinearFit | None
    projected: dt.date | None
    projected_interval: tuple[dt.date | None, dt.date | None]

    @property
    def value(self) -> float:
        return self.current.value


def _day(origin: dt.date, days: float | None) -> dt.date | None:
    if days is None or math.isinf(days) or abs(days) > 365 * 500:
        return None
    return origin + dt.timedelta(days=round(days))


def projected_crossing(points: Sequence[Point], threshold: float, start: dt.date | None, end: dt.date,
                       higher_is_better: bool = True, steps=frontier_records) -> Crossing:
    """When the frontier reaches `threshold`: the record that did, or when the fitted trend
    of the frontier records in the window will, with the 90% interval of the slope."""
    by_end = [p for p in steps(points, higher_is_better) if p.date <= end]
    if not by_end:
        raise NoData(f"no records by {end:%-d %B %Y}")
    current = by_end[-1]
    crossed = next((p for p in by_end if _reaches(p.value, threshold, higher_is_better)), None)
    if crossed is not None:
        return Crossing(records=(crossed, current), threshold=threshold, current=current, crossed=crossed,
                        fit=None, projected=crossed.date, projected_interval=(crossed.date, crossed.date))
    window = [p for p in by_end if start is None or p.date >= start]
    try:
        fit = fit_log_linear([(p.date, p.value) for p in window], origin=start)
    except TooFewPoints as exc:
        raise NoData(f"the threshold is not reached and {exc}{_between(start, end)}") from None
    towards = fit.slope > 0 if higher_is_better else fit.slope < 0
    if not towards:
        return Crossing(records=tuple(window), threshold=threshold, current=current, crossed=None, fit=fit,
                        projected=None, projected_interval=(None, None))
    low, high = fit.slope_interval
    steep, shallow = (high, low) if higher_is_better else (low, high)
    early = _day(fit.origin, fit.day_reaching(threshold, steep))
    late = _day(fit.origin, fit.day_reaching(threshold, shallow)) if shallow * fit.slope > 0 else None
    return Crossing(records=tuple(window), threshold=threshold, current=current, crossed=None, fit=fit,
                    projected=_day(fit.origin, fit.day_reaching(threshold)), projected_interval=(early, late))
