"""The data series claims are held against, read from the ingested tables.

A series is named by a small value object (``ModelAttributeSeries``, ``BenchmarkSeries``,
``OwidSeries``) that knows its own query, title, unit, axis and URLs, so no caller parses a
string key and branches on it. Each query is one statement returning plain values, so pages
stay at a fixed number of queries and the chart builders (measures/charts.py) stay free of
the ORM.
"""

import bisect
import dataclasses
import datetime as dt
from urllib.parse import quote

from django.db.models import Count, F, Max
from django.urls import reverse

from ingest.models import AIModel, Benchmark, BenchmarkScore, IngestRun, Series, SeriesPoint

from .quantities import Unit

# Claim markers one chart draws at most (the newest): more would hide the data they sit on.
MAX_MARKERS = 80
DISPLAY_POINTS = 2000
# Benchmarks measured in time (METR horizons) span four orders of magnitude: linear hides
# everything before the latest models at zero.
LOG_UNITS = {"minutes", "hours", "seconds"}


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


def provenance_for(run_ids) -> Provenance:
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


@dataclasses.dataclass(frozen=True)
class Meta:
    """What a series is, for titles, axes and downloads."""

    title: str
    unit: Unit
    higher_is_better: bool = True
    log: bool = False
    description: str = ""
    publisher: str = ""


# --- the series a chart can draw -----------------------------------------------------------

# AIModel columns that form a series over publication dates, with how they read.
MODEL_ATTRIBUTES = {
    "training_compute_flop": ("Training compute of notable AI models", Unit.FLOP, "training compute",
                              "Largest training run so far"),
    "training_compute_cost_usd": ("Training compute cost of notable AI models", Unit.USD, "training cost",
                                  "Costliest training run so far"),
    "training_power_draw_w": ("Training power draw of notable AI models", Unit.WATTS, "training power draw",
                              "Largest training power draw so far"),
    "parameters": ("Parameters of notable AI models", Unit.PARAMETERS, "parameters", "Largest model so far"),
}


@dataclasses.dataclass(frozen=True)
class ModelAttributeSeries:
    """One numeric attribute of Epoch's notable models, by publication date."""

    attribute: str = "training_compute_flop"
    kind = "model"

    @property
    def key(self) -> str:
        return f"model:{self.attribute}"

    @property
    def chart_id(self) -> str:
        return "chart-compute" if self.attribute == "training_compute_flop" else f"chart-{self.attribute}"

    @property
    def available(self) -> bool:
        # training_power_draw_w arrives with the ingest work on Epoch's extra columns.
        return self.attribute in MODEL_ATTRIBUTES and any(
            f.name == self.attribute for f in AIModel._meta.get_fields())

    def meta(self) -> Meta:
        title, unit, _, _ = MODEL_ATTRIBUTES[self.attribute]
        return Meta(title, unit, True, log=True, publisher="Epoch AI")

    @property
    def measure_name(self) -> str:
        return MODEL_ATTRIBUTES[self.attribute][2]

    @property
    def frontier_name(self) -> str:
        return MODEL_ATTRIBUTES[self.attribute][3]

    def points(self) -> tuple[list[Point], Provenance]:
        """Every notable model with the attribute, by publication date (2 queries)."""
        if not self.available:
            return [], Provenance()
        rows = (
            AIModel.objects.filter(notable=True, publication_date__isnull=False, **{f"{self.attribute}__gt": 0})
            .order_by("publication_date", "name")
            .values_list("publication_date", self.attribute, "name", "organization", "run_id")
        )
        points, runs = [], set()
        for date, value, name, org, run_id in rows:
            points.append(Point(date, value, name, extra=org))
            runs.add(run_id)
        return points, provenance_for(runs)

    def fingerprint(self) -> str:
        """What moves whenever points() would return something else (1 query; see _fingerprint)."""
        if not self.available:
            return "unavailable"
        rows = AIModel.objects.filter(notable=True, publication_date__isnull=False, **{f"{self.attribute}__gt": 0})
        return _fingerprint(rows)

    def page_url(self) -> str:
        return reverse("claims:models")

    def embed_url(self) -> str:
        return reverse("claims:embed", args=[self.kind, self.attribute])

    def download_url(self, fmt: str) -> str:
        if self.attribute == "training_compute_flop":
            return reverse("claims:compute_data", args=[fmt])
        return reverse("claims:models_data", args=[fmt]) + "?notable=on"


COMPUTE = ModelAttributeSeries("training_compute_flop")


@dataclasses.dataclass(frozen=True)
class BenchmarkSeries:
    slug: str
    kind = "benchmark"

    @property
    def key(self) -> str:
        return f"benchmark:{self.slug}"

    @property
    def chart_id(self) -> str:
        return f"chart-{self.slug}"

    def benchmark(self) -> Benchmark | None:
        return Benchmark.objects.filter(slug=self.slug).first()

    def meta(self, benchmark: Benchmark | None = None) -> Meta | None:
        benchmark = benchmark or self.benchmark()
        if benchmark is None:
            return None
        unit = Unit.for_benchmark(benchmark.unit)
        return Meta(benchmark.name, unit, benchmark.higher_is_better, log=benchmark.unit in LOG_UNITS,
                    description=benchmark.description, publisher=benchmark.publisher)

    def points(self, benchmark: Benchmark | None = None) -> tuple[list[Point], Provenance]:
        """All dated scores of one benchmark with their uncertainty (2 queries)."""
        rows = (
            BenchmarkScore.objects.filter(benchmark__slug=self.slug, date__isnull=False)
            .order_by("date", "-score")
            .values_list("date", "score", "display_name", "model_name", "stderr", "ci_low", "ci_high", "run_id")
        )
        points, runs = [], set()
        for date, score, name, raw_name, stderr, low, high, run_id in rows:
            if low is None and stderr is not None:
                low, high = score - stderr, score + stderr
            points.append(Point(date, score, name or raw_name, low, high))
            runs.add(run_id)
        return points, provenance_for(runs)

    def fingerprint(self) -> str:
        """The benchmark's own fields and its scores' count and newest run (1 query; see _fingerprint)."""
        row = (Benchmark.objects.filter(slug=self.slug)
               .annotate(n=Count("scores"), last_run=Max("scores__run_id"))
               .values_list("name", "unit", "higher_is_better", "description", "publisher", "n", "last_run").first())
        return repr(row)

    def page_url(self) -> str:
        return reverse("claims:benchmark", args=[self.slug])

    def embed_url(self) -> str:
        return reverse("claims:embed", args=[self.kind, self.slug])

    def download_url(self, fmt: str) -> str:
        return reverse("claims:benchmark_data", args=[self.slug, fmt])


@dataclasses.dataclass(frozen=True)
class OwidSeries:
    """An Our World in Data series, for one entity or (entity "") for every entity."""

    slug: str
    entity: str = ""
    kind = "owid"

    @property
    def key(self) -> str:
        return f"owid:{self.slug}:{self.entity}"

    @property
    def chart_id(self) -> str:
        return "chart-series"

    def series(self) -> Series | None:
        return Series.objects.filter(slug=self.slug).select_related("source").first()

    def meta(self, series: Series | None = None) -> Meta | None:
        series = series or self.series()
        if series is None:
            return None
        unit = Unit.for_series(series.unit)
        title = f"{series.name}, {self.entity}" if self.entity else series.name
        return Meta(title, unit, True, log=unit is Unit.FLOP, description=series.unit_note,
                    publisher=series.source.publisher)

    def points(self) -> tuple[list[Point], Provenance]:
        """The series' values, each labelled with its entity (2 queries)."""
        rows = SeriesPoint.objects.filter(series__slug=self.slug)
        if self.entity:
            rows = rows.filter(entity=self.entity)
        points, runs = [], set()
        for date, value, entity, run_id in rows.order_by("date", "entity").values_list(
                "date", "value", "entity", "run_id"):
            points.append(Point(date, value, entity))
            runs.add(run_id)
        return points, provenance_for(runs)

    def fingerprint(self) -> str:
        """The series' own fields and its points' count and newest run (2 queries; see _fingerprint)."""
        series = (Series.objects.filter(slug=self.slug)
                  .values_list("name", "unit", "unit_note", "date_precision", "source__publisher").first())
        rows = SeriesPoint.objects.filter(series__slug=self.slug)
        if self.entity:
            rows = rows.filter(entity=self.entity)
        return f"{series!r}:{_fingerprint(rows)}"

    def page_url(self) -> str:
        url = reverse("claims:series", args=[self.slug])
        return f"{url}?entity={quote(self.entity)}" if self.entity else url

    def embed_url(self) -> str:
        url = reverse("claims:embed", args=[self.kind, self.slug])
        return f"{url}?entity={quote(self.entity)}" if self.entity else url

    def download_url(self, fmt: str) -> str:
        url = reverse("claims:series_data", args=[self.slug, fmt])
        return f"{url}?entity={quote(self.entity)}" if self.entity else url


SeriesRef = ModelAttributeSeries | BenchmarkSeries | OwidSeries


def _fingerprint(rows) -> str:
    """How many rows, and the newest run among them: ingest connectors stamp a row with the run
    that changed any of its values (ingest/connectors/base.py), and a removed row lowers the count,
    so any run that changes a series moves one of the two. (Edits in the admin stamp no run: they
    send ingest.signals.data_edited, on which every stored payload is marked for rebuilding.)"""
    figures = rows.order_by().aggregate(n=Count("pk"), last_run=Max("run_id"))
    return f"{figures['n']}:{figures['last_run']}"


def ref_from_config(kind: str, slug: str, entity: str = "") -> SeriesRef:
    """The series a stored configuration row names (measures.models.FeaturedChart)."""
    if kind == "model":
        return ModelAttributeSeries(slug)
    if kind == "benchmark":
        return BenchmarkSeries(slug)
    return OwidSeries(slug, entity)


# --- the state of the art -------------------------------------------------------------------

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


def benchmark_summaries():
    """Every benchmark with its number of scores and best score (1 query).

    Read from ingest's precomputed summaries (refreshed by each run), not Max() over every score.
    """
    return Benchmark.objects.annotate(best=F("summary__best"), latest=F("summary__latest")).order_by("name")


def series_summaries():
    """Every Our World in Data series with its span (1 query)."""
    from django.db.models import Count, Min

    return (Series.objects.select_related("source")
            .annotate(n=Count("points"), first=Min("points__date"), last=Max("points__date"),
                      entities=Count("points__entity", distinct=True))
            .order_by("name", "slug"))


# --- what charts draw: a cached, display-sized view of a series -------------------------

@dataclasses.dataclass
class SeriesView:
    """A series ready to draw: every record, and the scores thinned to a drawable number.

    Downloads read the full series; pages read this, cached until the next ingest run.
    """

    ref: SeriesRef
    meta: Meta
    points: list  # for display: all records plus an even sample of the rest
    records: list  # the full state-of-the-art frontier
    total: int
    provenance: Provenance

    @property
    def is_sampled(self):
        return len(self.points) < self.total

    @property
    def first_date(self) -> dt.date:
        return self.points[0].date

    @property
    def last_date(self) -> dt.date:
        return self.points[-1].date


def _thin(points: list[Point], records: list[Point], limit: int) -> list[Point]:
    if len(points) <= limit:
        return points
    keep = set(map(id, records))
    others = [p for p in points if id(p) not in keep]
    step = len(others) / max(1, limit - len(records))
    sample = [others[int(i * step)] for i in range(limit - len(records)) if int(i * step) < len(others)]
    return sorted(records + sample, key=lambda p: p.date)


def data_version() -> int:
    """Changes whenever an ingest run writes data: the cache key for everything derived from it.

    A generation number bumped by each successful run (ingest/generation.py): no query when warm.
    """
    from ingest.generation import data_generation

    return data_generation()


def build_view(ref: SeriesRef, loaded: tuple[list[Point], Provenance] | None = None) -> SeriesView | None:
    """``loaded`` is ``ref.points()`` when the caller has read them already (the post-ingest
    warm-up reads a series once for its chart and its downloads)."""
    if isinstance(ref, ModelAttributeSeries) and not ref.available:
        return None
    meta = ref.meta()
    if meta is None:
        return None
    points, provenance = loaded if loaded is not None else ref.points()
    if not points:
        return None
    # An OWID series of many entities has no single frontier: its records are the points.
    records = points if isinstance(ref, OwidSeries) else frontier(points, meta.higher_is_better)
    return SeriesView(ref, meta, _thin(points, records, DISPLAY_POINTS), records, len(points), provenance)
