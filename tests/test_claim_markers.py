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


def _benchmark_page(client):
    from django.core.cache import cache

    from .page_queries import get_with_queries

    warm, _ = get_with_queries(client, "/data/benchmarks/gpqa-diamond/")
    cache.clear()  # stored rows stay, as in production after a flush or a restart
    html, queries = get_with_queries(client, "/data/benchmarks/gpqa-diamond/")
    return warm, html, queries


def _figure_claims(html):
    import json

    figure = json.loads(html.split('<script id="chart-gpqa-diamond-data" type="application/json">')[1]
                        .split("</script>")[0])
    return sorted(url for trace in figure["data"] if trace.get("meta") == "claims" for urls in trace["customdata"]
                  for url in urls)


def _listed(html):
    import re

    section = html[html.index('<section aria-labelledby="measured-h">'):]
    return re.findall(r'<li><a href="(/claims/[^"]+/)">([^<]+)</a>', section[:section.index("</section>")])


@pytest.mark.django_db(transaction=True)
def test_a_benchmark_page_reads_its_markers_and_measured_claims_from_stored_rows_and_follows_every_edit(client):
    # Real commits: the claims generation the stored rows are kept under advances on commit.
    factories.ingested(40)
    from measures.charts import build_chart

    gpqa = Benchmark.objects.get(slug="gpqa-diamond")
    view = build_chart(BenchmarkSeries("gpqa-diamond")).view
    span = view.last_date - view.first_date
    dates = [view.first_date + span * k / 10 for k in (2, 5, 7)]  # inside the series: drawn, not listed apart
    claims = [factories.claim(title=f"Held on GPQA {i}", date_made=d) for i, d in enumerate(dates)]
    for claim in claims:
        Measure.objects.create(claim=claim, kind="frontier_at", description="m", benchmark=gpqa)
    factories.claim(title="Not measured", date_made=dt.date(2023, 6, 1))

    warm, html, queries = _benchmark_page(client)
    urls = sorted(c.get_absolute_url() for c in claims)
    assert _figure_claims(html) == _figure_claims(warm) == urls
    # Newest first, every measured claim and no other.
    assert _listed(html) == _listed(warm) == [(c.get_absolute_url(), c.title) for c in reversed(claims)]
    # After the flush: the two lists are stored rows (and the chart), not a walk over the measured claims.
    assert not [q for q in queries if "measures_measure" in q], queries
    assert sum("claims_storedpayload" in q for q in queries) == 3, queries

    # A renamed claim: the next request (and the next after a flush) shows the new title.
    claims[1].title = "Held on GPQA, renamed"
    claims[1].save()
    html = client.get("/data/benchmarks/gpqa-diamond/").content.decode()
    assert ("/claims/" + claims[1].slug + "/", "Held on GPQA, renamed") in _listed(html)
    assert "Held on GPQA, renamed" in html.split('type="application/json">')[1].split("</script>")[0]
    _, html, _ = _benchmark_page(client)
    assert [title for _, title in _listed(html)] == ["Held on GPQA 2", "Held on GPQA, renamed", "Held on GPQA 0"]

    # A new measure on the series, and an unpublished claim: both show on the next request.
    newest = factories.claim(title="Held on GPQA, newest", date_made=view.first_date + span * 9 / 10)
    Measure.objects.create(claim=newest, kind="frontier_at", description="m", benchmark=gpqa)
    claims[0].editorial_state = Claim.EditorialState.DRAFT
    claims[0].save()
    for html in (client.get("/data/benchmarks/gpqa-diamond/").content.decode(), _benchmark_page(client)[1]):
        assert [title for _, title in _listed(html)] == ["Held on GPQA, newest", "Held on GPQA 2",
                                                          "Held on GPQA, renamed"]
        assert _figure_claims(html) == sorted(c.get_absolute_url() for c in (newest, claims[1], claims[2]))

    # A measure removed: its claim leaves both lists.
    Measure.objects.filter(claim=claims[2]).delete()
    html = client.get("/data/benchmarks/gpqa-diamond/").content.decode()
    assert [title for _, title in _listed(html)] == ["Held on GPQA, newest", "Held on GPQA, renamed"]
    assert _figure_claims(html) == sorted(c.get_absolute_url() for c in (newest, claims[1]))
