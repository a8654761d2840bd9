"""Claims and data events on one time axis: what was said, and what the data did."""

import dataclasses
import datetime as dt
from itertools import groupby

from measures.series import COMPUTE, BenchmarkSeries, load_view

# Benchmarks whose records make the timeline: the ones the seed claims are held against.
TIMELINE_BENCHMARKS = ("gpqa-diamond", "swe-bench-verified", "metr-horizon-p50", "frontiermath-2025-02-28-private")


@dataclasses.dataclass
class Event:
    date: dt.date
    kind: str  # "claim", "compute", "benchmark"
    title: str
    detail: str = ""
    url: str = ""
    claim: object = None
    precision: str = "day"


def _benchmark_records() -> list[Event]:
    """New state-of-the-art scores on the timeline benchmarks."""
    events = []
    for slug in TIMELINE_BENCHMARKS:
        view = load_view(BenchmarkSeries(slug))
        if view is None:
            continue
        events += [
            Event(r.date, "benchmark", f"{view.meta.title} record: {r.label}", view.meta.unit.format(r.value),
                  f"/data/benchmarks/{slug}/")
            for r in view.records
        ]
    return events


def _compute_records() -> list[Event]:
    view = load_view(COMPUTE)
    return [
        Event(p.date, "compute", f"Largest training run so far: {p.label}",
              f"{p.value:.2e} FLOP" + (f" ({p.extra})" if p.extra else ""), "/data/models/")
        for p in (view.records if view else [])
    ]


def timeline_events(claims, *, with_data: bool = True) -> list[tuple[str, list[Event]]]:
    """Events grouped by year, newest year first; undated claims in a final group."""
    events = [
        Event(c.date_made, "claim", c.title, c.person.name if c.person else "essay", c.get_absolute_url(), c,
              c.date_precision)
        for c in claims if c.date_made
    ]
    if with_data:
        events += _compute_records() + _benchmark_records()
    events.sort(key=lambda e: (e.date, e.kind != "claim"), reverse=True)
    years = [(str(year), list(group)) for year, group in groupby(events, key=lambda e: e.date.year)]
    undated = [Event(dt.date.min, "claim", c.title, c.person.name if c.person else "essay", c.get_absolute_url(), c,
                     "unknown") for c in claims if not c.date_made]
    if undated:
        years.append(("Date unknown", undated))
    return years


