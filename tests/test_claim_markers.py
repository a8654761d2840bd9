"""The claims a chart marks (measures.claim_charts.newest_measured): the newest MAX_MARKERS dated,
published claims measured on the series, in two queries whatever their number, never stale."""

import datetime as dt

import pytest

from claims.models import Claim
from ingest.models import Benchmark, DataSource, Series
from measures.charts import ClaimMarker
from measures.claim_charts import claims_on, newest_measured
from measures.models import Measure
from measures.series import MAX_MARKERS, BenchmarkSeries, ModelAttributeSeries, OwidSeries

from . import factories


def _measure(claim, **target):
    return Measure(claim=claim, kind="frontier_at", description="m", **target)


@pytest.fixture
def measured(db):
    """MAX_MARKERS + 40 claims on one benchmark (some undated, some drafts, two with the same date),
    others on a second benchmark, an OWID series' two entities and an attribute."""
    on, off = (Benchmark.objects.create(slug=slug, name=slug) for slug in ("bench-on", "bench-off"))
    source = DataSource.objects.create(slug="owid-src", name="owid", kind="owid", path="x.csv")
    series = Series.objects.create(slug="owid-thing", name="Thing", source=source)
    claims, measures = [], []
    for i in range(MAX_MARKERS + 40):
        extra = {}
        if i % 17 == 0:
            extra = {"date_made": None}
        elif i % 13 == 0:
            extra = {"editorial_state": Claim.EditorialState.DRAFT}
        elif i == 50:
            extra = {"date_made": claims[49].date_made, "title": "A tie on the date"}
        claim = factories.claim(**extra)
        claims.append(claim)
        measures.append(_measure(claim, benchmark=on))
        if i % 3 == 0:  # a second measure on the same benchmark: still one marker
            measures.append(_measure(claim, benchmark=on, statistic="latest"))
        measures.append(_measure(claim, series=series, entity="World" if i % 2 else "France"))
    newer = [factories.claim(date_made=dt.date(2030, 1, 1) + dt.timedelta(days=i)) for i in range(5)]
    measures += [_measure(c, benchmark=off) for c in newer]
    measures += [_measure(c, attribute="parameters") for c in newer[:3]]
    Measure.objects.bulk_create(measures)
    return claims


def _expected(claims):
    shown = [c for c in claims if c.date_made and c.editorial_state == Claim.EditorialState.PUBLISHED]
    shown.sort(key=lambda c: c.title)
    shown.sort(key=lambda c: c.date_made, reverse=True)
    return [c.pk for c in shown[:MAX_MARKERS]]


def test_the_newest_dated_published_claims_on_the_benchmark_in_two_queries(measured, django_assert_num_queries):
    with django_assert_num_queries(2):  # the benchmark's id; the claims (their ids a subquery) with people
        found = newest_measured(BenchmarkSeries("bench-on"))
    assert [c.pk for c in found] == _expected(measured)
    assert len(found) == MAX_MARKERS
    assert {c.title for c in found} >= {"A tie on the date"}


def test_an_owid_series_marks_the_claims_on_its_entity_and_all_of_them_without_one(measured):
    world = [c for i, c in enumerate(measured) if i % 2]
    assert [c.pk for c in newest_measured(OwidSeries("owid-thing", "World"))] == _expected(world)
    assert [c.pk for c in newest_measured(OwidSeries("owid-thing"))] == _expected(measured)


def test_other_series_and_unknown_ones(measured, django_assert_num_queries):
    off = newest_measured(BenchmarkSeries("bench-off"))
    assert [c.date_made for c in off] == [dt.date(2030, 1, 1) + dt.timedelta(days=i) for i in (4, 3, 2, 1, 0)]
    assert len(newest_measured(ModelAttributeSeries("parameters"))) == 3
    with django_assert_num_queries(1):  # no such benchmark: its id is all it reads
        assert newest_measured(BenchmarkSeries("no-such-bench")) == []
    assert newest_measured(OwidSeries("no-such-series", "World")) == []


@pytest.mark.django_db(transaction=True)
def test_the_cached_markers_follow_a_new_measure():
    # Real commits: the claims generation the markers are cached under advances on commit.
    bench = Benchmark.objects.create(slug="bench-live", name="Live")
    old = factories.claim(date_made=dt.date(2021, 5, 1))
    Measure.objects.create(claim=old, kind="frontier_at", description="m", benchmark=bench)
    assert [m.url for m in claims_on(BenchmarkSeries("bench-live"))] == [old.get_absolute_url()]
    new = factories.claim(date_made=dt.date(2024, 5, 1))
    Measure.objects.create(claim=new, kind="frontier_at", description="m", benchmark=bench)
    assert claims_on(BenchmarkSeries("bench-live")) == [ClaimMarker.of(new), ClaimMarker.of(old)]
