"""Metric results told in words, the way the claim page shows them."""

import datetime as dt
import math

from claims.dates import Precision, format_partial_date

from . import quantities as units
from .metrics import Change, Crossing, Frontier, Gap, Growth, Lag, Latest, MetricResult
from .records import Group, Target


def _day(value: dt.date | None) -> str:
    return f"{value:%-d %B %Y}" if value else "an unknown date"


def _month(value: dt.date | None) -> str:
    return f"{value:%B %Y}" if value else "never"


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _q(value, target: Target) -> str:
    return units.quantity(value, target.unit)


def _best_word(target: Target) -> str:
    if target.is_models:
        return {"training compute": "the largest training run", "parameter count": "the largest model",
                "training power draw": "the largest training power draw",
                "training compute cost (2023 USD)": "the costliest training run"}.get(target.name, "the frontier")
    return f"the best {target.name} score" if target.unit != "minutes" else f"the longest {target.name}"


def start_phrase(start: dt.date, precision: str | None) -> str:
    """'Since the claim (2022, counted from 1 January 2022)'; an explicit window says its date."""
    if precision in (Precision.YEAR, Precision.MONTH):
        period = "year" if precision == Precision.YEAR else "month"
        return (f"Since the claim ({format_partial_date(start, precision)}; counted from {_day(start)}, "
                f"the start of that {period})")
    if precision == Precision.DAY:
        return f"Since the claim ({_day(start)})"
    return f"Since {_day(start)}"


def frontier(result: Frontier, target: Target) -> str:
    best = result.best
    return (f"By {_day(result.at)} {_best_word(target)} was {_q(best.value, target)} "
            f"({best.label}, {_day(best.date)}).")


_SIZES = ("FLOP", "USD", "W", "parameters", "minutes")


def change(result: Change, target: Target, precision: str | None) -> str:
    lead = start_phrase(result.start, precision)
    then, now = result.then, result.now
    then_part = f"{_q(then.value, target)} ({then.label}"
    if result.started_later:
        then_part += f", its first record, on {_day(then.date)}: the series starts after that date"
    then_part += ")"
    if now == then:
        return f"{lead} {_best_word(target)} has not moved: still {then_part}."
    if target.unit in _SIZES and result.ratio:
        verb, amount = "grew", f"{units.ratio(result.ratio)}, {result.doublings:.1f} doublings"
    else:
        verb, amount = ("rose" if result.difference > 0 else "fell"), units.difference(result.difference, target.unit)
    return (f"{lead} {_best_word(target)} {verb} from {then_part} to {_q(now.value, target)} "
            f"({now.label}, {_day(now.date)}) ({amount}).")


def _days(value: float) -> str:
    if math.isinf(value):
        return "unbounded"
    return f"{abs(value):.0f} days"


def growth(result: Growth, target: Target) -> str:
    low, high = result.doubling_interval
    verb = "doubled" if result.doubling_days > 0 else "halved"
    window = f"from {_month(result.start)}" if result.start else "over all its records"
    # The fit ends at the newest record it used, not at today: months without data are not fitted.
    last = max((p.date for p in result.records), default=result.end)
    text = (f"{_upper(target.name)} on the frontier {verb} every {_days(result.doubling_days)} {window} "
            f"to {_month(last)} (90% interval {_days(low)} to {_days(high)}; "
            f"log-linear fit of {result.fit.n} frontier records).")
    if result.baseline is not None:
        base = result.baseline
        b_low, b_high = base.doubling_interval
        speed = (f"{units.ratio(result.speedup)} as fast" if result.speedup else "no faster")
        text += (f" Before that it doubled every {_days(base.doubling_days)} (90% interval {_days(b_low)} to "
                 f"{_days(b_high)}, {base.fit.n} records): {speed}.")
    return text


def lag(result: Lag, target: Target) -> str:
    last = result.steps[-1]
    who = result.group.describe()
    text = (f"{_upper(who)} trail the frontier on {target.name}: their latest best, {last.record.label} "
            f"({_q(last.record.value, target)}, {_month(last.record.date)}), came {last.months:.1f} months after "
            f"{last.first.label} first reached that level ({_month(last.first.date)}).")
    if len(result.steps) > 1:
        text += (f" Over their {len(result.steps)} new bests the lag had a median of {result.median:.1f} months "
                 f"(range {min(s.months for s in result.steps):.1f} to {max(s.months for s in result.steps):.1f}).")
    return text


def gap(result: Gap, target: Target) -> str:
    a, b = result.best, result.other_best
    who, other = result.group.describe(), result.other.describe()
    other_part = f"{b.label}" if result.other.model_name else f"{other} ({b.label})"
    if result.statistic == "ratio" and result.ratio:
        compare = f"{units.ratio(result.ratio)} of"
    else:
        compare = f"{units.difference(result.difference, target.unit)} against"
    lead = (f"{a.label} scored {_q(a.value, target)}" if result.group.model_name
            else f"the best of {who} was {_q(a.value, target)} ({a.label})")
    return f"On {target.name}, by {_day(result.at)}, {lead}: {compare} {other_part} at {_q(b.value, target)}."


def latest(result: Latest, target: Target, precision: str = "day") -> str:
    when = str(result.point.date.year) if precision == "year" else _day(result.point.date)
    # The entity in brackets: series names may hold colons and commas of their own.
    return f"The latest figure for {target.name} ({result.point.label}) is {_q(result.value, target)} ({when})."


def crossing(result: Crossing, target: Target, as_of: dt.date) -> str:
    level = _q(result.threshold, target)
    if result.crossed is not None:
        return (f"{_upper(_best_word(target))} reached {level} with {result.crossed.label} "
                f"({_day(result.crossed.date)}); now {_q(result.current.value, target)} ({result.current.label}).")
    now = f"The frontier is at {_q(result.current.value, target)} ({result.current.label}, {_day(result.current.date)})"
    if result.projected is None:
        return f"{now}; its trend does not head towards {level}, so no crossing is projected."
    early, late = result.projected_interval
    text = (f"{now}; the fitted trend of {result.fit.n} frontier records reaches {level} around "
            f"{_month(result.projected)} (90% interval {_month(early)} to {_month(late) if late else 'never'}).")
    if result.projected <= as_of:
        text += f" No record in the data reaches it yet: the newest figure is {result.current.label}'s."
    return text


def describe(result: MetricResult, target: Target, *, as_of: dt.date, start_precision: str | None = None,
             series_precision: str = "day") -> str:
    if isinstance(result, Change):
        return change(result, target, start_precision)
    if isinstance(result, Frontier):
        return frontier(result, target)
    if isinstance(result, Growth):
        return growth(result, target)
    if isinstance(result, Lag):
        return lag(result, target)
    if isinstance(result, Gap):
        return gap(result, target)
    if isinstance(result, Latest):
        return latest(result, target, series_precision)
    if isinstance(result, Crossing):
        return crossing(result, target, as_of)
    raise TypeError(f"no sentence for {type(result).__name__}")


def _compared(measure, target: Target):
    """What a measure's threshold is compared with, in words, and how to write that number:
    a doubling time is in days, a lag in months, a gap in the target's units, a ratio as a multiple."""
    kind, stat = measure.kind, measure.statistic
    if kind == "growth_rate" and measure.baseline_end:
        return f"the speed-up of the {target.name} doubling time over the earlier window", units.ratio
    if kind == "growth_rate":
        return f"the doubling time of the {target.name} frontier", lambda v: units.quantity(v, "days")
    if kind == "group_lag":
        what = f"the {'median' if stat == 'median' else 'latest'} lag behind the frontier on {target.name}"
        return what, lambda v: units.quantity(v, "months")
    if kind == "gap":
        first = Group(measure.country, measure.organization, measure.accessibility, measure.model_name).describe()
        second = Group(measure.other_country, measure.other_organization, measure.other_accessibility,
                       measure.other_model_name).describe()
        if stat == "ratio":
            return f"{first} as a multiple of {second} on {target.name}", units.ratio
        return f"the gap of {first} to {second} on {target.name}", lambda v: units.difference(v, target.unit)
    if kind == "change_since" and stat == "doublings":
        return f"the growth of the {target.name} frontier since the claim", lambda v: f"{v:.1f} doublings"
    if kind == "change_since" and stat == "difference":
        return (f"the change of the {target.name} frontier since the claim",
                lambda v: units.difference(v, target.unit))
    if kind == "change_since":
        return f"the growth of the {target.name} frontier since the claim", units.ratio
    if kind == "projected_crossing":
        return f"the {target.name} frontier, or its fitted trend,", lambda v: units.quantity(v, target.unit)
    what = f"the {target.name} frontier" if kind == "frontier_at" else target.name
    return what, lambda v: units.quantity(v, target.unit)


def test_phrase(measure) -> str:
    """A measure's threshold test in words and units ("the doubling time of ... ≤ 730 days")."""
    if measure.threshold is None:
        return ""
    what, write = _compared(measure, Target.of(measure))
    return f"{what} {measure.get_comparison_display()} {write(measure.threshold)}"


def value_phrase(measure) -> str:
    """A measure's stored value in the same units as its test ("" before it has one)."""
    if measure.value is None:
        return ""
    return _compared(measure, Target.of(measure))[1](measure.value)
