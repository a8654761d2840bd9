"""Ingested records as typed points, the only shape the metric functions see.

A `Target` says what is measured (a benchmark, an AI model attribute, or an OWID series
for one entity); `DataCache.points(target)` reads its records once per re-check, so ten
thousand measures over a few dozen targets cost a few dozen queries.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable

from ingest.models import AIModel, Benchmark, BenchmarkScore, Series, SeriesPoint

from .running_best import frontier_records

SPECULATIVE = "speculative"


@dataclasses.dataclass(frozen=True)
class RecordRef:
    kind: str  # "benchmark_score" | "ai_model" | "series_point"
    id: int

    def as_json(self) -> list:
        return [self.kind, self.id]


@dataclasses.dataclass(frozen=True)
class Point:
    """One ingested number at a date, with where it came from."""

    date: dt.date
    value: float
    label: str
    ref: RecordRef
    run_id: int
    low: float | None = None
    high: float | None = None
    organization: str = ""
    country: str = ""
    accessibility: str = ""
    confidence: str = ""

    @property
    def speculative(self) -> bool:
        return self.confidence.strip().lower() == SPECULATIVE


ATTRIBUTE_UNITS = {
    "training_compute_flop": "FLOP",
    "training_compute_cost_usd": "USD",
    "training_power_draw_w": "W",
    "parameters": "parameters",
}
ATTRIBUTE_NAMES = {
    "training_compute_flop": "training compute",
    "training_compute_cost_usd": "training compute cost (2023 USD)",
    "training_power_draw_w": "training power draw",
    "parameters": "parameter count",
}


@dataclasses.dataclass(frozen=True)
class Target:
    """What a measure reads; hashable, so it keys the per-re-check cache."""

    benchmark_id: int | None = None
    attribute: str = ""
    series_id: int | None = None
    entity: str = ""
    name: str = ""
    unit: str = ""
    higher_is_better: bool = True

    @classmethod
    def of(cls, measure) -> "Target":
        if measure.benchmark_id:
            bench: Benchmark = measure.benchmark
            return cls(benchmark_id=bench.pk, name=bench.name, unit=bench.unit, higher_is_better=bench.higher_is_better)
        if measure.series_id:
            series: Series = measure.series
            return cls(series_id=series.pk, entity=measure.entity, name=series.name, unit=series.unit)
        if measure.attribute:
            return cls(attribute=measure.attribute, name=ATTRIBUTE_NAMES[measure.attribute],
                       unit=ATTRIBUTE_UNITS[measure.attribute])
        raise NoTarget("the measure names no benchmark, model attribute or series")

    @property
    def is_models(self) -> bool:
        return bool(self.attribute)


class NoTarget(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Group:
    """A filter on records: substring matches on country, organisation and accessibility,
    or one named model (its label, or its label followed by a variant in brackets)."""

    country: str = ""
    organization: str = ""
    accessibility: str = ""
    model_name: str = ""

    @property
    def is_everyone(self) -> bool:
        return not (self.country or self.organization or self.accessibility or self.model_name)

    def matches(self, point: Point) -> bool:
        if self.model_name:
            label, name = point.label.casefold(), self.model_name.casefold()
            if not (label == name or label.startswith(name + " (")):
                return False
        for wanted, have in ((self.country, point.country), (self.organization, point.organization),
                             (self.accessibility, point.accessibility)):
            if wanted and wanted.casefold() not in have.casefold():
                return False
        return True

    def describe(self) -> str:
        if self.model_name:
            return self.model_name
        if self.is_everyone:
            return "the frontier"
        words = []
        if self.organization:
            words.append(f"{self.organization}'s")
        if self.accessibility:
            words.append(self.accessibility.lower())
        words.append("models")
        if self.country:
            words.append(f"from {self.country}")
        return " ".join(words)


def group_filter(points: Iterable[Point], group: Group) -> list[Point]:
    return [p for p in points if group.matches(p)]


class DataCache:
    """Each target's points, read once. Make one per re-check (data changes between runs)."""

    def __init__(self):
        self._points: dict[Target, tuple[Point, ...]] = {}
        self._variants: dict[tuple[Target, str], tuple[Point, ...] | None] = {}
        self._groups: dict[tuple[int, Group], tuple[Point, ...]] = {}
        self._owned: dict[int, tuple[Point, ...]] = {}
        self._steps: dict[tuple[int, bool], list[Point]] = {}
        self.queries = 0

    def steps(self, points, higher_is_better: bool = True):
        """frontier_records, memoised like `select`."""
        if self._owned.get(id(points)) is not points:
            return frontier_records(points, higher_is_better)
        key = (id(points), higher_is_better)
        if key not in self._steps:
            self._steps[key] = frontier_records(points, higher_is_better)
        return self._steps[key]

    def select(self, points, group: Group) -> tuple[Point, ...] | list[Point]:
        """group_filter, memoised for the point tuples this cache made (keyed by identity,
        which is stable because the cache keeps them alive)."""
        if group.is_everyone:
            return points
        if self._owned.get(id(points)) is not points:
            return group_filter(points, group)
        key = (id(points), group)
        if key not in self._groups:
            self._groups[key] = tuple(group_filter(points, group))
            self._owned[id(self._groups[key])] = self._groups[key]
        return self._groups[key]

    def variant(self, target: Target, name: str, transform) -> tuple[Point, ...] | None:
        """Another reading of a target's points (interval bounds, no Speculative rows), made
        once per target: ten thousand measures share a few dozen of them."""
        key = (target, name)
        if key not in self._variants:
            changed = transform(self.points(target))
            self._variants[key] = None if changed is None else tuple(changed)
            if changed is not None:
                self._owned[id(self._variants[key])] = self._variants[key]
        return self._variants[key]

    def points(self, target: Target) -> tuple[Point, ...]:
        if target not in self._points:
            self.queries += 1
            self._points[target] = tuple(sorted(_load(target), key=lambda p: (p.date, p.ref.id)))
            self._owned[id(self._points[target])] = self._points[target]
        return self._points[target]


def _load(target: Target) -> Iterable[Point]:
    if target.benchmark_id:
        return _benchmark_points(target.benchmark_id)
    if target.series_id:
        return _series_points(target.series_id, target.entity)
    return _model_points(target.attribute)


def _benchmark_points(benchmark_id: int) -> Iterable[Point]:
    rows = BenchmarkScore.objects.filter(benchmark_id=benchmark_id, date__isnull=False).values_list(
        "id", "date", "score", "ci_low", "ci_high", "stderr", "model_name", "display_name", "organization",
        "country", "accessibility", "run_id", "ai_model__organization", "ai_model__country",
        "ai_model__accessibility", "ai_model__confidence",
    )
    for (pk, day, score, ci_low, ci_high, stderr, name, display, org, country, access, run_id,
         m_org, m_country, m_access, m_confidence) in rows.iterator(chunk_size=5000):
        low, high = ci_low, ci_high
        if low is None and high is None and stderr:
            # A 90% interval, as the doubling-time fits use: 1.645 standard errors.
            low, high = score - 1.645 * stderr, score + 1.645 * stderr
        yield Point(
            date=day, value=score, label=display or name, ref=RecordRef("benchmark_score", pk), run_id=run_id,
            low=low, high=high, organization=org or m_org or "", country=country or m_country or "",
            accessibility=access or m_access or "", confidence=m_confidence or "",
        )


def _model_points(attribute: str) -> Iterable[Point]:
    if attribute not in ATTRIBUTE_UNITS:
        raise NoTarget(f"unknown model attribute {attribute!r}")
    rows = AIModel.objects.filter(**{f"{attribute}__isnull": False}, publication_date__isnull=False).values_list(
        "id", "publication_date", attribute, "name", "organization", "country", "accessibility", "confidence",
        "run_id",
    )
    for pk, day, value, name, org, country, access, confidence, run_id in rows.iterator(chunk_size=5000):
        yield Point(date=day, value=value, label=name, ref=RecordRef("ai_model", pk), run_id=run_id,
                    organization=org, country=country, accessibility=access, confidence=confidence)


def _series_points(series_id: int, entity: str) -> Iterable[Point]:
    rows = SeriesPoint.objects.filter(series_id=series_id, entity=entity).values_list("id", "date", "value", "run_id")
    for pk, day, value, run_id in rows.iterator(chunk_size=5000):
        yield Point(date=day, value=value, label=entity, ref=RecordRef("series_point", pk), run_id=run_id)
