"""Which series a page charts, and which claims it marks: a claim's own measure decides, never
its topic. Pages without a deciding claim (dashboard, /data/) read measures.FeaturedChart."""

import datetime as dt

from claims.models import Claim

from .chart_config import FeaturedChart
from .charts import Chart, Threshold, build_chart
from .models import Measure
from .series import MAX_MARKERS, BenchmarkSeries, ModelAttributeSeries, OwidSeries, SeriesRef, data_version

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


def claims_on(ref: SeriesRef) -> list[Claim]:
    """The dated claims a chart of this series marks."""
    return list(claims_measured_against(ref).filter(date_made__isnull=False)[:MAX_MARKERS])


def dated(claims, limit: int = MAX_MARKERS) -> list[Claim]:
    """The claims a chart can place (those with a date), newest first."""
    return [c for c in claims if c.date_made is not None][:limit]


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


def topic_charts(topic, limit: int = 2) -> list[Chart]:
    """The series the topic's claims are measured against (most used first), each marking those
    claims; else the topic's configured chart. One query for measures and markers together."""
    measures = (Measure.objects.filter(claim__topics=topic,
                                       claim__editorial_state=Claim.EditorialState.PUBLISHED)
                .select_related("benchmark", "series", "claim", "claim__person")
                .order_by("-claim__date_made", "claim__title", "id"))
    claims_by_ref: dict = {}
    for measure in measures:
        ref = series_of(measure)
        if ref is not None:
            claims = claims_by_ref.setdefault(ref, [])
            if measure.claim not in claims:
                claims.append(measure.claim)
    refs = sorted(claims_by_ref, key=lambda r: -len(claims_by_ref[r]))[:limit]
    if not refs:
        refs = FeaturedChart.objects.refs(FeaturedChart.Place.TOPIC, topic)[:limit]
    version = data_version() if refs else 0
    charts = (build_chart(ref, dated(claims_by_ref.get(ref, [])), version=version) for ref in refs)
    return [chart for chart in charts if chart]
