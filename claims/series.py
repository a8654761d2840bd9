"""The data series claims are held against, read from the ingested tables.

Each function is one query and returns plain values, so pages stay at a fixed number
of queries and the chart builders (claims/charts.py) stay free of the ORM.
"""

import bisect
import dataclasses
import datetime as dt

from django.db.models import Max

from ingest.models import AIModel, Benchmark, BenchmarkScore, IngestRun

# Which chart a topic's claims are best held against. Unlisted topics get the compute chart.
TOPIC_CHARTS = {
    "scaling-walls": "compute",
    "compute-and-energy": "compute",
    "architecture-innovation": "compute",
    "abstraction-and-accessibility": "compute",
    "llm-dead-ends": "benchmark:gpqa-diamond",
    "frontier-lab-race": "benchmark:epoch-capabilities-index",
    "agents-vs-autocomplete": "benchmark:metr-horizon-p50",
    "ai-infrastructure-reliability": "benchmark:swe-bench-verified",
    "alphafold-and-science": "benchmark:frontiermath-2025-02-28-private",
    "research-careers": "benchmark:math-level-5",
    "probabilistic-programming": "compute",
}
HEADLINE_BENCHMARK = "gpqa-diamond"
# Claim markers one chart draws at most (the newest): more would hide the data they sit on.
MAX_MARKERS = 80


@dataclasses.dataclass(frozen=True)
class Point:
    date: dt.date
    value: float
    label: str
    low: float | None = None
    high: float | None = None
    extra: str = ""


@dataclasses.dataclass
class Provenance:
    """Where a series' numbers came from: shown under every chart and in every download."""

    publisher: str = ""
    licence: str = ""
    runs: list = dataclasses.field(default_factory=list)  # [(run id, source name, finished)]
    # The data's own newest date over these runs (ingest.asof), not when they were fetched.
    data_as_of: dt.datetime | None = None

    @property
    def latest(self):
        return max((r[2] for r in self.runs if r[2]), default=None)


def _provenance(run_ids) -> Provenance:
    runs = list(
        IngestRun.objects.filter(pk__in=set(run_ids))
        .select_related("source")
        .order_by("-finished_at")
        .values_list("pk", "source__name", "finished_at", "source__publisher", "source__licence", "as_of")
    )
    return Provenance(
        publisher=", ".join(sorted({r[3] for r in runs if r[3]})),
        licence=", ".join(sorted({r[4] for r in runs if r[4]})),
        runs=[(r[0], r[1], r[2]) for r in runs],
        data_as_of=max((r[5] for r in runs if r[5]), default=None),
    )


def compute_points() -> tuple[list[Point], Provenance]:
    """Training compute of notable models, by publication date (2 queries)."""
    rows = (
        AIModel.objects.filter(notable=True, training_compute_flop__gt=0, publication_date__isnull=False)
        .order_by("publication_date")
        .values_list("publication_date", "training_compute_flop", "name", "organization", "run_id")
    )
    points, runs = [], set()
    for date, flop, name, org, run_id in rows:
        points.append(Point(date, flop, name, extra=org))
        runs.add(run_id)
    return points, _provenance(runs)


def benchmark_points(benchmark: Benchmark) -> tuple[list[Point], Provenance]:
    """All dated scores of one benchmark with their uncertainty (2 queries)."""
    rows = (
        BenchmarkScore.objects.filter(benchmark=benchmark, date__isnull=False)
        .order_by("date", "-score")
        .values_list("date", "score", "model_name", "stderr", "ci_low", "ci_high", "run_id")
    )
    points, runs = [], set()
    for date, score, name, stderr, low, high, run_id in rows:
        if low is None and stderr is not None:
            low, high = score - stderr, score + stderr
        points.append(Point(date, score, name, low, high))
        runs.add(run_id)
    return points, _provenance(runs)


def frontier(points: list[Point], higher_is_better: bool = True) -> list[Point]:
    """The state of the art over time: each point that beat every earlier one."""
    best, records = None, []
    for point in sorted(points, key=lambda p: p.date):
        better = best is None or (point.value > best if higher_is_better else point.value < best)
        if better:
            best = point.value
            records.append(point)
    return records


def value_at(records: list[Point], when: dt.date | None) -> Point | None:
    """The state of the art as it stood on a date (the last record on or before it)."""
    if when is None:
        return None
    index = bisect.bisect_right([p.date for p in records], when)
    return records[index - 1] if index else None


def chart_key_for(claim_topics) -> str:
    for topic in claim_topics:
        if topic.slug in TOPIC_CHARTS:
            return TOPIC_CHARTS[topic.slug]
    return "compute"


def benchmark_summaries():
    """Every benchmark with its number of scores and best score (1 query)."""
    return Benchmark.objects.annotate(best=Max("scores__score"), latest=Max("scores__date")).order_by("name")


# --- what charts draw: a cached, display-sized view of a series -------------------------

DISPLAY_POINTS = 2000


@dataclasses.dataclass
class SeriesView:
    """A series ready to draw: every record, and the scores thinned to a drawable number.

    Downloads read the full series; pages read this, cached until the next ingest run.
    """

    key: str
    title: str
    unit: str
    higher_is_better: bool
    points: list  # for display: all records plus an even sample of the rest
    records: list  # the full state-of-the-art frontier
    total: int
    provenance: Provenance
    benchmark_slug: str = ""
    benchmark_name: str = ""
    version: int = 0  # the data version it was built from (see data_version)

    @property
    def is_sampled(self):
        return len(self.points) < self.total


def _thin(points: list[Point], records: list[Point], limit: int) -> list[Point]:
    if len(points) <= limit:
        return points
    keep = set(map(id, records))
    others = [p for p in points if id(p) not in keep]
    step = len(others) / max(1, limit - len(records))
    sample = [others[int(i * step)] for i in range(limit - len(records)) if int(i * step) < len(others)]
    return sorted(records + sample, key=lambda p: p.date)


def data_version() -> int:
    """Changes whenever an ingest run writes data: the cache key for everything derived from it."""
    from django.db.models import Max

    return IngestRun.objects.filter(status=IngestRun.Status.OK).aggregate(v=Max("id"))["v"] or 0


def load_view(key: str) -> SeriesView | None:
    """The view for "compute" or "benchmark:<slug>", from the cache when the data has not changed."""
    from django.core.cache import cache

    version = data_version()
    cache_key = f"series-view:v1:{key}:{version}"
    view = cache.get(cache_key)
    if view is None:
        view = _build_view(key)
        if view is not None:
            view.version = version
        cache.set(cache_key, view or "missing", 24 * 3600)
    return view if isinstance(view, SeriesView) else None


def _build_view(key: str) -> SeriesView | None:
    if key == "compute":
        points, provenance = compute_points()
        title, unit, higher, slug, name = "Training compute of notable AI models", "FLOP", True, "", ""
    else:
        benchmark = Benchmark.objects.filter(slug=key.split(":", 1)[1]).first()
        if benchmark is None:
            return None
        points, provenance = benchmark_points(benchmark)
        title, unit, higher = benchmark.name, benchmark.unit, benchmark.higher_is_better
        slug, name = benchmark.slug, benchmark.name
    if not points:
        return None
    records = frontier(points, higher)
    return SeriesView(key, title, unit, higher, _thin(points, records, DISPLAY_POINTS), records, len(points),
                      provenance, slug, name)
