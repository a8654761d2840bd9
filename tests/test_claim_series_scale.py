"""Claim and series pages at scale: what they read per request does not grow with the data, and
what they precompute (related claims by topic, a series' entities) is current after the edit or
ingest that changes it.

Transactional: generation numbers publish on commit, as they do in production.
"""

import datetime as dt
import json
import re

import pytest

from claims.models import Claim
from ingest.models import DataSource, IngestRun, Series, SeriesPoint
from measures.models import Measure

from . import factories
from .page_queries import get_with_queries as _get

pytestmark = pytest.mark.django_db(transaction=True)


def _related(html):
    if 'id="related-h"' not in html:
        return []
    section = html.split('id="related-h"')[1].split("</section>")[0]
    return re.findall(r'<li><a href="/claims/([^/]+)/">', section)


@pytest.fixture
def topics():
    """Two topics: "big" of twelve claims a day apart, "small" of three older ones, one claim in both."""
    big, small = factories.topic(slug="big"), factories.topic(slug="small")
    start = dt.date(2024, 1, 1)
    in_big = [factories.claim(slug=f"big-{i}", topics=[big], date_made=start + dt.timedelta(days=i))
              for i in range(12)]
    in_small = [factories.claim(slug=f"small-{i}", topics=[small], date_made=dt.date(2020, 1, 1) + dt.timedelta(days=i))
                for i in range(3)]
    both = factories.claim(slug="both", topics=[big, small], date_made=dt.date(2019, 6, 1))
    return {"big": big, "small": small, "in_big": in_big, "in_small": in_small, "both": both}


def test_related_claims_are_the_newest_of_the_claims_topics_without_the_claim_itself(client, topics):
    html, _ = _get(client, "/claims/big-11/")
    assert _related(html) == ["big-10", "big-9", "big-8", "big-7", "big-6"]
    # A claim in both topics: the newest of both lists, merged in date order (the big topic's are newer).
    assert _related(_get(client, "/claims/both/")[0]) == ["big-11", "big-10", "big-9", "big-8", "big-7"]
    # The small topic's claims see the newest of their own topic first (the claim in both is older).
    assert _related(_get(client, "/claims/small-0/")[0]) == ["small-2", "small-1", "both"]


def test_related_claims_match_the_query_they_stand_in_for(client, topics):
    """What the page lists is what "published claims sharing a topic, newest first" asks the database."""
    for claim in Claim.objects.all():
        sharing = Claim.topics.through.objects.filter(topic__in=claim.topics.all()).values("claim_id")
        expected = list(Claim.objects.for_list().filter(pk__in=sharing).exclude(pk=claim.pk)
                        .values_list("slug", flat=True)[:5])
        assert _related(_get(client, claim.get_absolute_url())[0]) == expected, claim.slug


def test_a_new_claim_in_a_topic_is_related_on_the_next_request(client, topics):
    assert "big-new" not in _related(_get(client, "/claims/both/")[0])
    factories.claim(slug="big-new", topics=[topics["big"]], date_made=dt.date(2025, 6, 1))
    assert _related(_get(client, "/claims/both/")[0])[0] == "big-new"
    # Untagged from the topic, or unpublished, it is gone on the next request too.
    claim = Claim.objects.get(slug="big-new")
    claim.topics.remove(topics["big"])
    assert "big-new" not in _related(_get(client, "/claims/both/")[0])
    claim.topics.add(topics["big"])
    assert "big-new" in _related(_get(client, "/claims/both/")[0])
    claim.editorial_state = Claim.EditorialState.DRAFT
    claim.save()
    assert "big-new" not in _related(_get(client, "/claims/both/")[0])


def test_a_renamed_related_claim_is_renamed_on_the_next_request(client, topics):
    html, _ = _get(client, "/claims/big-11/")
    assert "A retitled claim" not in html
    claim = Claim.objects.get(slug="big-10")
    claim.title = "A retitled claim"
    claim.save()
    html, _ = _get(client, "/claims/big-11/")
    assert "A retitled claim" in html.split('id="related-h"')[1]


def test_a_first_visit_to_a_claim_reads_its_related_claims_by_id_once_its_topics_are_read(client, topics):
    _get(client, "/claims/big-11/")  # reads the newest of "big"
    _get(client, "/claims/small-0/")  # and of "small"
    html, queries = _get(client, "/claims/both/")  # never visited: its own list is not cached
    related = [q for q in queries if 'FROM "claims_claim"' in q and "claims_claim_topics" in q]
    assert not related, related  # no walk over a topic's claims: those were read once per topic
    by_id = [q for q in queries if 'FROM "claims_claim"' in q and '"claims_claim"."id" IN' in q]
    assert len(by_id) == 1, queries
    assert _related(html) == ["big-11", "big-10", "big-9", "big-8", "big-7"]


def test_claim_page_query_count_is_the_same_for_a_first_visit_in_a_big_topic_as_a_small_one(client, topics):
    for i in range(40):
        factories.claim(topics=[topics["big"]], date_made=dt.date(2023, 1, 1) + dt.timedelta(days=i))
    _get(client, "/claims/big-0/")
    _get(client, "/claims/small-0/")
    _, big = _get(client, "/claims/big-1/")
    _, small = _get(client, "/claims/small-1/")
    # claim, its topics, evidence, measures, verdicts, related (by id), attributions
    assert len(big) == len(small) == 7, (big, small)


# --- series pages -------------------------------------------------------------------------------

@pytest.fixture
def series():
    source = DataSource.objects.create(slug="owid-test", name="OWID test", kind="owid", publisher="Our World in Data")
    run = IngestRun.objects.create(source=source, status="ok")
    row = Series.objects.create(slug="ai-patents", name="AI patents", unit="patents", date_precision="year",
                                source=source)
    SeriesPoint.objects.bulk_create(
        SeriesPoint(series=row, entity=entity, date=dt.date(year, 1, 1), value=float(year - 2000), run=run)
        for entity in ("World", "China") for year in range(2010, 2020))
    claims = [factories.claim(slug=f"patents-{i}", date_made=dt.date(2015, 1, 1) + dt.timedelta(days=30 * i))
              for i in range(3)]
    for claim, entity in zip(claims, ("World", "World", "China"), strict=True):
        Measure.objects.create(claim=claim, kind="series_latest", description="m", is_primary=True, series=row,
                               entity=entity)
    return {"series": row, "run": run, "claims": claims}


def _entity_options(html):
    return re.findall(r'<option value="([^"]*)"', html.split('id="series-entity"')[1].split("</select>")[0])


def test_a_warm_series_page_reads_only_the_series_and_its_page_of_claims(client, series):
    url = "/data/series/ai-patents/?entity=World"
    _get(client, url)
    html, queries = _get(client, url)
    assert len(queries) == 2, queries  # the series, the page of claims measured on it (their order is cached)
    assert not [q for q in queries if "ingest_seriespoint" in q or "COUNT(" in q]
    assert _entity_options(html) == ["China", "World"]
    listed = html.split('id="measured-h"')[1]
    assert "patents-1" in listed and "patents-0" in listed and "patents-2" not in listed  # China's is not


def test_a_new_entity_is_offered_after_the_ingest_that_adds_it(client, series):
    from ingest import generation

    url = "/data/series/ai-patents/"
    assert _entity_options(_get(client, url)[0]) == ["China", "World"]
    SeriesPoint.objects.create(series=series["series"], entity="India", date=dt.date(2019, 1, 1), value=3.0,
                               run=series["run"])
    generation.bump(generation.DATA)  # what a finished ingest run does
    assert _entity_options(_get(client, url)[0]) == ["China", "India", "World"]
    assert client.get(url + "?entity=India").status_code == 200
    assert client.get(url + "?entity=Atlantis").status_code == 400


def test_an_admin_edit_of_the_points_is_shown_on_the_next_request(admin_client, client, series):
    point = SeriesPoint.objects.filter(series=series["series"], entity="China").order_by("date").first()
    response = admin_client.post(f"/admin/ingest/seriespoint/{point.pk}/change/", {
        "series": series["series"].pk, "entity": "Chile", "date": point.date.isoformat(), "value": point.value,
        "run": series["run"].pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Chile" in _entity_options(_get(client, "/data/series/ai-patents/")[0])


def test_the_claims_a_series_entity_marks_are_found_by_an_index_on_the_target(series):
    """Measure(series, entity): the entity is part of the index, not a filter over the series' measures."""
    from django.db import connection as conn

    names = {c for c, info in conn.introspection.get_constraints(conn.cursor(), Measure._meta.db_table).items()
             if info["index"]}
    assert {"measure_series_entity", "measure_attribute"} <= names


# --- chart previews: the series' part is shared, the page's part is its own ------------------------

def _paths(preview):
    return {name: getattr(preview, name) for name in ("points", "errors", "frontier", "claims", "own", "marks")}


def test_claim_previews_share_the_series_paths_but_not_the_domain_a_threshold_widens(db):
    from measures.charts import Threshold, build_chart
    from measures.series import BenchmarkSeries
    from reader.chart_preview import Preview

    factories.ingested(40)
    ref = BenchmarkSeries("gpqa-diamond")
    plain = build_chart(ref)
    first, last = plain.view.first_date, plain.view.last_date
    early = factories.claim(date_made=first + (last - first) / 3)
    late = factories.claim(date_made=first + (last - first) * 2 / 3)
    a, b = Preview.of(build_chart(ref, own=early), "linear", None), Preview.of(build_chart(ref, own=late), "linear", None)
    base = Preview.of(plain, "linear", None)
    # Inside the series' span the claim moves only its own mark: the series is drawn the same.
    assert a.points == b.points == base.points and a.frontier == b.frontier == base.frontier
    assert a.series_transform == b.series_transform == base.series_transform
    assert a.own and b.own and a.own != b.own and not base.own
    assert a.marks != b.marks
    # A threshold far above every score widens the value axis: the series' paths are the same (drawn
    # once, in the series' own box), placed lower by their transform.
    top = max(p.value for p in plain.records)
    high = Preview.of(build_chart(ref, own=early, threshold=Threshold(top * 3)), "linear", None)
    assert high.points == a.points and high.series_transform != a.series_transform

    def placed_ys(preview):
        sx, _, _, sy, tx, ty = map(float, preview.series_transform.removeprefix("matrix(").removesuffix(")").split())
        return [sy * float(m.split()[1].removesuffix("h0")) + ty for m in preview.points.split("M")[1:]]

    assert min(placed_ys(high)) > 600  # the top third of the box is the threshold's, empty of scores
    assert min(placed_ys(a)) < 100  # without it the best score is drawn near the top
    # Placed, each point is where drawing it in the page's own domain put it (to a tenth of a unit).
    from reader.chart_preview import _Plot, _x_domain, _y_domain, _series_part
    chart = build_chart(ref, own=early, threshold=Threshold(top * 3))
    part = _series_part(chart.base.traces_json)
    y_lo, y_hi = _y_domain(chart.traces, chart.layout, False, part.y_extent)
    x_lo, x_hi = _x_domain(chart.traces, None, part.x_extent)
    direct = _Plot(x_lo, x_hi, y_lo, y_hi, False).dots(
        next(t for t in json.loads(chart.base.traces_json) if t.get("meta") == "points"))
    direct_ys = [float(m.split()[1].removesuffix("h0")) for m in direct.split("M")[1:]]
    assert max(abs(p - q) for p, q in zip(placed_ys(high), direct_ys)) < 0.2
    # The log axis is another drawing of the series.
    assert Preview.of(build_chart(ref, own=early), "log", None).points != a.points
