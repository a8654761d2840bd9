"""Topic pages at scale: what they read from stored, precomputed rows, and that none of it is stale
after the edit that changes it (issue #13).

A topic page's count comes from the trigger-kept facet counts, its first pages' ids and its charts'
series and markers are stored per claims generation; a cache flush costs row reads, not a count,
a sort or a grouped join over the topic's claims and measures.
"""

import datetime as dt
import re

import pytest
from django.core.cache import cache

from ingest.models import Benchmark
from measures.models import Measure
from reader import id_pages

from . import factories
from .page_queries import get_with_queries as _get

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: generations publish on commit


@pytest.fixture
def world():
    factories.ingested(40)
    gpqa = Benchmark.objects.get(slug="gpqa-diamond")
    topic, other = factories.topic(slug="scaling", name="Scaling"), factories.topic(slug="energy", name="Energy")
    claims = [factories.claim(topics=[topic], title=f"Scaling claim {i:02}", date_made=dt.date(2023, 3, 1)
                              + dt.timedelta(days=10 * i), date_precision="day") for i in range(60)]
    factories.claim(topics=[other], title="An energy claim", date_made=dt.date(2024, 1, 1), date_precision="day")
    for claim in claims[:3]:
        Measure.objects.create(claim=claim, kind="frontier_at", description="m", is_primary=True, benchmark=gpqa)
    return {"topic": topic, "other": other, "claims": claims, "gpqa": gpqa}


def _titles(html):
    return re.findall(r'<h3 class="claim-title"><a href="[^"]+">([^<]+)</a>', html)


def _newest_first(claims):
    return [c.title for c in sorted(claims, key=lambda c: c.date_made, reverse=True)]


def test_every_page_of_a_topic_lists_its_claims_newest_first_across_the_chunk_boundary(client, world, monkeypatch):
    # 30 ids read on their own: page 1 comes from them, page 2 (rows 25-50) from the whole order.
    monkeypatch.setattr(id_pages, "CHUNK_ROWS", 30)
    expected = _newest_first(world["claims"])
    pages = [_titles(_get(client, f"/topics/scaling/?page={n}")[0]) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [25, 25, 10]
    assert sum(pages, []) == expected
    assert "An energy claim" not in sum(pages, [])


def test_a_topic_page_after_a_cache_flush_reads_stored_rows_not_a_count_sort_or_grouped_join(client, world):
    cold, _ = _get(client, "/topics/scaling/?page=2")
    cache.clear()
    html, queries = _get(client, "/topics/scaling/?page=2")
    assert _titles(html) == _titles(cold) == _newest_first(world["claims"])[25:50]
    assert "60 claims" in html
    assert not [q for q in queries if "COUNT(" in q], queries  # no count of claims nor of measures per series
    # The page's ids come from the stored first chunk: no ordered read of the topic's claim ids.
    assert not [q for q in queries if q.startswith('SELECT "claims_claim"."id" AS "pk"')], queries
    assert not [q for q in queries if "measures_measure" in q], queries  # series and markers are stored


def test_a_warm_topic_page_costs_three_queries(client, world):
    _get(client, "/topics/scaling/?page=2")
    _, queries = _get(client, "/topics/scaling/?page=2")
    assert len(queries) == 3, queries  # the topic, the page's claims, their topics


def test_the_count_and_first_page_follow_an_unpublished_claim_on_the_next_request(client, world):
    newest = world["claims"][-1]
    html = _get(client, "/topics/scaling/")[0]
    assert "60 claims" in html and _titles(html)[0] == newest.title
    newest.editorial_state = "draft"
    newest.save()
    html = _get(client, "/topics/scaling/")[0]
    assert "59 claims" in html
    assert _titles(html) == _newest_first(world["claims"][:-1])[:25]
    assert "1 claim<" in _get(client, "/topics/energy/")[0]


def test_a_claim_moved_to_another_topic_leaves_one_page_and_joins_the_other(client, world):
    moved = world["claims"][-1]
    _get(client, "/topics/scaling/"), _get(client, "/topics/energy/")
    moved.topics.set([world["other"]])
    scaling, energy = _get(client, "/topics/scaling/")[0], _get(client, "/topics/energy/")[0]
    assert "59 claims" in scaling and moved.title not in _titles(scaling)
    assert "2 claims" in energy and _titles(energy) == [moved.title, "An energy claim"]


def test_a_new_measure_charts_its_series_on_the_topic_page_and_a_removed_one_takes_it_off(client, world):
    claim = world["claims"][10]
    html = _get(client, "/topics/energy/")[0]
    assert 'id="chart-gpqa-diamond"' not in html  # the energy topic has no measured claims yet
    world["other"].claims.add(claim)
    measure = Measure.objects.get(claim=world["claims"][0])
    Measure.objects.create(claim=claim, kind="frontier_at", description="m", benchmark=world["gpqa"])
    html = _get(client, "/topics/energy/")[0]
    assert 'id="chart-gpqa-diamond"' in html
    assert claim.title in html.split('id="chart-gpqa-diamond-data"')[1].split("</script>")[0]
    for m in Measure.objects.filter(claim=claim):
        m.delete()
    assert 'id="chart-gpqa-diamond"' not in _get(client, "/topics/energy/")[0]
    assert measure.claim.title in _get(client, "/topics/scaling/")[0]


def test_a_topic_chart_is_rendered_in_the_state_each_url_asks_for_and_follows_an_ingest(client, world):
    from ingest.aggregates import refresh_after_run
    from ingest.models import BenchmarkScore, DataSource, IngestRun
    from ingest.signals import run_succeeded

    chart = _get(client, "/topics/scaling/")[0]
    table = _get(client, "/topics/scaling/?gpqa-diamond.view=table")[0]
    assert '<details class="chart-table">' in chart and '<details class="chart-table" open>' in table
    assert '<details class="chart-table">' in _get(client, "/topics/scaling/")[0]  # the two stay apart
    assert "Record Model" not in chart
    source = DataSource.objects.create(slug="later", name="Later run", kind="epoch-benchmarks")
    run = IngestRun.objects.create(source=source, status="ok", finished_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    BenchmarkScore.objects.create(key="record", benchmark=world["gpqa"], model_name="Record Model", score=0.995,
                                  date=dt.date(2024, 6, 1), run=run)
    refresh_after_run(run)
    run_succeeded.send(sender=IngestRun, run_id=run.pk)
    assert "Record Model" in _get(client, "/topics/scaling/")[0]
