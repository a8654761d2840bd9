"""Claims and data events on one time axis: what was said, and what the data did."""

import dataclasses
import datetime as dt
from itertools import groupby

from ingest.models import BenchmarkScore

from .series import Point, compute_points, frontier

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
    """New state-of-the-art scores on the timeline benchmarks (1 query)."""
    rows = (
        BenchmarkScore.objects.filter(benchmark__slug__in=TIMELINE_BENCHMARKS, date__isnull=False)
        .order_by("benchmark__slug", "date")
        .values_list("benchmark__slug", "benchmark__name", "benchmark__unit", "benchmark__higher_is_better",
                     "date", "score", "model_name")
    )
    events = []
    for (slug, name, unit, higher), group in groupby(rows, key=lambda r: r[:4]):
        points = [Point(r[4], r[5], r[6]) for r in group]
        for record in frontier(points, higher):
            events.append(Event(record.date, "benchmark", f"{name} record: {record.label}",
                                f"{record.value:.3g} {unit}", f"/data/benchmarks/{slug}/"))
    return events


def _compute_records() -> list[Event]:
    points, _ = compute_points()
    return [
        Event(p.date, "compute", f"Largest training run so far: {p.label}",
              f"{p.value:.2e} FLOP" + (f" ({p.extra})" if p.extra else ""), "/data/models/")
        for p in frontier(points)
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


