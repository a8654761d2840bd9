"""Which series a page charts, and which claims it marks: a claim's own measure decides, never
its topic. Pages without a deciding claim (dashboard, /data/) read measures.FeaturedChart."""

import datetime as dt

from django.core.cache import cache
from django.db.models import Count, F

from claims import payload_store
from claims.generation import claims_generation
from claims.models import Claim
from ingest.models import Benchmark, Series

from .chart_config import FeaturedChart
from .charts import Chart, ClaimMarker, Threshold, build_chart
from .models import Measure
from .series import MAX_MARKERS, BenchmarkSeries, ModelAttributeSeries, OwidSeries, SeriesRef, data_version

# Marker lists and topic series are cached per claims generation, which every claim, topic and
# measure edit advances (measures/invalidation.py), so a cached list is never older than the last edit.
MARKERS_TTL = 24 * 3600

# Kinds whose value is read on the series' own axis, so their threshold is a line on the chart
# (a ratio, a doubling time or a lag in months is not).
ON_AXIS = {Measure.Kind.FRONTIER_AT, Measure.Kind.SERIES_LATEST, Measure.Kind.PROJECTED_CROSSING}


def series_of(measure: Measure) -> SeriesRef | None:
    """The series a measure reads (its benchmark, model attribute or OWID series)."""
    if measure.benchmark_id:
        return BenchmarkSeries(measure.benchmark.slug)
    if measure.series_id:
        return OwidSeries(measure.series.slug, measure.entity)
    if measure.attribute:
        return ModelAttributeSeries(measure.attribute)
    return None


def _measuring(ref: SeriesRef):
    """Measures on this series, as a filter on Measure."""
    if isinstance(ref, BenchmarkSeries):
        return Measure.objects.filter(benchmark__slug=ref.slug)
    if isinstance(ref, OwidSeries):
        rows = Measure.objects.filter(series__slug=ref.slug)
        return rows.filter(entity=ref.entity) if ref.entity else rows
    return Measure.objects.filter(attribute=ref.attribute, benchmark__isnull=True, series__isnull=True)


def claims_measured_against(ref: SeriesRef):
    """Published claims with a measure on this series, newest first (one query when listed)."""
    return (Claim.objects.published().filter(pk__in=_measuring(ref).values("claim_id"))
            .select_related("person").order_by("-date_made", "title"))


def _stored_markers(key: str, claims) -> list[ClaimMarker]:
    """``claims`` (a queryset, or a callable called on a miss) as markers, cached and stored
    (claims.payload_store) per claims generation, which every claim, topic and measure edit
    advances (measures/invalidation.py): never older than the last edit.

    Stored, not only cached, because a page of any series reads them whatever the request, and
    after a cache flush or on a series' first visit they cost a row's read, not the walk for the
    newest claims measured on it (25 ms a series at 100k for a topic's; for a series' own, a walk
    down the date index that grows with the claims when few are measured on it). The rows are
    keyed by series (and topic): bounded by the data, never by request input."""
    def build():
        rows = claims() if callable(claims) else claims
        return [m for m in map(ClaimMarker.of, rows) if m is not None]

    return payload_store.stored(f"markers:{key}", claims_generation(), build)


def _measured_by_id(ref: SeriesRef):
    """_measuring(ref) with the benchmark or series named by its id, read first (None: none such).

    By the id the planner reads the measure statistics for that benchmark (2,500 of 34,000 at
    100k); a join on the slug it guesses at 95 rows, and so joins every measured claim and sorts them."""
    if isinstance(ref, BenchmarkSeries):
        pk = Benchmark.objects.filter(slug=ref.slug).values_list("pk", flat=True).first()
        return None if pk is None else Measure.objects.filter(benchmark_id=pk)
    if isinstance(ref, OwidSeries):
        pk = Series.objects.filter(slug=ref.slug).values_list("pk", flat=True).first()
        rows = None if pk is None else Measure.objects.filter(series_id=pk)
        return rows.filter(entity=ref.entity) if rows is not None and ref.entity else rows
    return _measuring(ref)


def newest_measured(ref: SeriesRef) -> list[Claim]:
    """The newest MAX_MARKERS dated published claims measured on ``ref``, with their people.

    The ids first, in a subquery the rows are then read by: it walks the claims' date index (index
    only) until MAX_MARKERS are measured on ref, about 3,600 entries for a benchmark measured on
    2.5% of claims at 10k as at 100k. Selecting the rows directly read and sorted every claim a
    common benchmark measures (2,500 at 100k: 70 ms warm, 300 ms with cold buffers)."""
    measured = _measured_by_id(ref)
    if measured is None:
        return []
    order = (F("date_made").desc(nulls_last=True), "title")
    newest = (Claim.objects.published().filter(date_made__isnull=False, pk__in=measured.values("claim_id"))
              .order_by(*order).values("pk")[:MAX_MARKERS])
    return list(Claim.objects.filter(pk__in=newest).select_related("person").order_by(*order))


def claims_on(ref: SeriesRef) -> list[ClaimMarker]:
    """The dated claims a chart of this series marks (the newest MAX_MARKERS), as markers."""
    return _stored_markers(f"series:{ref.key}", lambda: newest_measured(ref))


def featured_charts(place: str) -> list[Chart]:
    refs = FeaturedChart.objects.refs(place)
    version = data_version() if refs else 0
    charts = (build_chart(ref, claims_on(ref), version=version) for ref in refs)
    return [chart for chart in charts if chart]


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def threshold_of(measure: Measure) -> Threshold | None:
    """The measure's threshold as a line, with the projected crossing its stored result names
    (``detail["crossing"]``, ``["crossing_low"]``, ``["crossing_high"]``: ISO dates)."""
    if measure.threshold is None or measure.kind not in ON_AXIS or measure.statistic not in ("", "latest"):
        return None
    detail = measure.detail if isinstance(measure.detail, dict) else {}
    return Threshold(measure.threshold, "threshold", _date(detail.get("crossing")),
                     _date(detail.get("crossing_low")), _date(detail.get("crossing_high")))


def claim_chart(claim: Claim, measure: Measure | None) -> Chart | None:
    """The chart of the claim's primary measure (measures.selectors.ClaimMeasures.primary), with
    the other claims on that series; None (no chart: the page says so) for a claim with no measure."""
    ref = series_of(measure) if measure else None
    if ref is None:
        return None
    return build_chart(ref, claims_on(ref), own=claim, threshold=threshold_of(measure))


def ref_of_target(benchmark: str | None, series: str | None, entity: str, attribute: str) -> SeriesRef | None:
    """series_of() for a grouped row of measure targets."""
    if benchmark:
        return BenchmarkSeries(benchmark)
    if series:
        return OwidSeries(series, entity)
    return ModelAttributeSeries(attribute) if attribute else None


def _series_by_topic() -> dict[int, list[SeriesRef]]:
    """Every topic's series, most published claims first: one grouped query for all topics,
    stored per claims generation (claims.payload_store), so a cache flush costs one row's read.

    Per topic, the count joined a topic's claims with their measures on its first request after
    every edit (60 ms for a topic of 45,000 claims at 100k, paid again by each of 21 topics); for
    all of them at once it is one hash join of the 34,000 measures (180 ms), paid once.
    """
    def build():
        rows = (Measure.objects.filter(claim__editorial_state=Claim.EditorialState.PUBLISHED)
                .values_list("claim__topics", "benchmark__slug", "series__slug", "entity", "attribute")
                .annotate(n=Count("claim_id", distinct=True)).order_by())
        counts: dict[int, dict] = {}
        for topic_id, benchmark, series, entity, attribute, n in rows:
            ref = ref_of_target(benchmark, series, entity, attribute)
            if ref is not None and topic_id is not None:  # a claim with no topic joins as NULL
                per_topic = counts.setdefault(topic_id, {})
                per_topic[ref] = per_topic.get(ref, 0) + n
        return {topic_id: sorted(refs, key=lambda r: (-refs[r], r.key)) for topic_id, refs in counts.items()}

    return payload_store.stored(TOPIC_SERIES_KEY, claims_generation(), build)


TOPIC_SERIES_KEY = "topic-series"


def topic_series(topic, limit: int = 2) -> list[SeriesRef]:
    """The series the topic's published claims are measured against, most claims first.

    The topic's first ``limit`` are cached as well: unpickling every topic's series (3,000 at 100k)
    cost 2.4 ms a warm request, and one topic's whole list (150) 5 ms."""
    return cache.get_or_set(f"topic-series:v2:{topic.pk}:{limit}:{claims_generation()}",
                            lambda: _series_by_topic().get(topic.pk, [])[:limit], MARKERS_TTL)


def topic_charts(topic, limit: int = 2) -> list[Chart]:
    """The series the topic's claims are measured against (most used first), each marking those
    claims (the newest MAX_MARKERS); else the topic's configured chart."""
    refs = topic_series(topic, limit)
    markers = {ref: _stored_markers(f"topic:{topic.pk}:{ref.key}", claims_measured_against(ref).filter(
        topics=topic, date_made__isnull=False)[:MAX_MARKERS]) for ref in refs}
    if not refs:
        refs = FeaturedChart.objects.refs(FeaturedChart.Place.TOPIC, topic)[:limit]
    version = data_version() if refs else 0
    charts = (build_chart(ref, markers.get(ref, []), version=version) for ref in refs)
    return [chart for chart in charts if chart]
