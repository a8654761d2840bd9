"""The timeline is built and rendered once per claims and data generation and filter set (reader.timeline.timeline_html):
a warm request reads no claims, and the edit or ingest that changes what it draws shows on the next
request (issue #13)."""

import datetime as dt

import pytest

from ingest.models import Benchmark, BenchmarkScore, DataSource, IngestRun

from . import factories
from .page_queries import get_with_queries as _get

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: generations publish on commit


@pytest.fixture
def world():
    factories.ingested(40)
    ada, bo = factories.person(name="Ada Lane", slug="ada"), factories.person(name="Bo Quill", slug="bo")
    topic = factories.topic(slug="scaling", name="Scaling")
    claims = [factories.claim(person=ada if i % 2 else bo, topics=[topic], title=f"Timeline claim {i}",
                              date_made=dt.date(2021, 1, 1) + dt.timedelta(days=30 * i), date_precision="day")
              for i in range(8)]
    return {"ada": ada, "bo": bo, "topic": topic, "claims": claims}


def _lane_of(html, title):
    """The lane holding the claim titled ``title`` (its heading and markers)."""
    at = html.index(f": {title} <span")
    return html[html.rindex('<section class="tl-lane"', 0, at):at]


# Warm: no query (the selects' choices are cached too); a person filter validates its slug (a person with claims).
WARM = {"/timeline/": 0, "/timeline/?lanes=topic": 0, "/timeline/?person=ada&show=claims": 1}


@pytest.mark.parametrize("url", sorted(WARM))
def test_a_warm_timeline_reads_no_claims_and_no_data(client, world, url):
    cold, _ = _get(client, url)
    html, queries = _get(client, url)
    assert html[html.index('<div id="timeline"'):] == cold[cold.index('<div id="timeline"'):]  # not the nonce
    # The person check probes for one claim of theirs (EXISTS); nothing else reads claims.
    assert not [q for q in queries if 'FROM "claims_claim"' in q and not q.startswith('SELECT "claims_person"')], queries
    assert not [q for q in queries if "ingest_benchmarkscore" in q or "ingest_aimodel" in q], queries
    assert len(queries) == WARM[url], queries


def test_the_htmx_fragment_is_the_full_page_s_timeline_and_both_follow_an_edit(client, world):
    full = client.get("/timeline/?lanes=topic").content.decode()
    fragment = client.get("/timeline/?lanes=topic", headers={"HX-Request": "true"})
    assert "HX-Request" in fragment["Vary"]
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="timeline"') and body in full and "<html" not in body
    assert full.count('<div id="timeline"') == 1  # the partial is drawn once, where the page puts it
    world["claims"][2].title = "Timeline claim edited"
    world["claims"][2].save()
    assert "Timeline claim edited" in client.get("/timeline/?lanes=topic", headers={"HX-Request": "true"}).content.decode()
    assert "Timeline claim edited" in client.get("/timeline/?lanes=topic").content.decode()


def test_the_topic_select_follows_a_new_topic_and_keeps_the_selected_one(client, world):
    html = client.get("/timeline/?topic=scaling").content.decode()
    assert '<option value="scaling" selected>Scaling</option>' in html
    factories.topic(slug="agents", name="Agents")
    html = client.get("/timeline/").content.decode()
    select = html[html.index('<select name="topic"'):html.index("</select>", html.index('<select name="topic"'))]
    assert '<option value="agents">Agents</option>' in select
    assert select.index(">Agents<") < select.index(">Scaling<")  # by name


def test_the_newest_dated_claims_come_first_and_undated_ones_only_after_them(client, world, monkeypatch):
    # Newer rows with no date: PostgreSQL sorts NULL first in a descending order, so they once filled the
    # timeline's bound and the axis drew no claim at all.
    for i in range(3):
        factories.claim(title=f"Undated claim {i}", date_made=None)
    monkeypatch.setattr("reader.timeline.TIMELINE_CLAIMS", 5)
    html = _get(client, "/timeline/?show=claims")[0]
    assert "(5 dated)" in html and "Showing the newest" in html
    assert "Undated claim" not in html and "Date unknown" not in html
    assert all(f": Timeline claim {i} <" in html for i in range(3, 8))
    assert ": Timeline claim 2 <" not in html


def test_after_a_cache_flush_the_data_lanes_are_one_stored_row(client, world):
    from django.core.cache import cache

    _get(client, "/timeline/")
    cache.clear()
    html, queries = _get(client, "/timeline/")
    assert "Records in the data" in html
    stored = [q for q in queries if "claims_storedpayload" in q]
    assert len(stored) == 1 and "timeline-data-lanes" in stored[0], stored


def test_a_person_filter_draws_only_their_claims(client, world):
    html, _ = _get(client, "/timeline/?person=ada&show=claims")
    lane = _lane_of(html, "Timeline claim 1")
    assert '<a href="/people/ada/">Ada Lane</a>' in lane
    assert f'<a href="{world["claims"][1].get_absolute_url()}">' in html[html.index(": Timeline claim 1 <") - 300:]
    assert "Timeline claim 1" in html and "Timeline claim 0" not in html
    assert "(4 dated)" in html


def test_a_renamed_claim_and_a_moved_claim_show_on_the_next_request(client, world):
    claim = world["claims"][3]
    assert "Ada Lane" in _lane_of(_get(client, "/timeline/")[0], "Timeline claim 3")
    claim.title, claim.person = "Timeline claim renamed", world["bo"]
    claim.save()
    html = _get(client, "/timeline/")[0]
    assert "Timeline claim 3 <" not in html
    assert "Bo Quill" in _lane_of(html, "Timeline claim renamed")
    assert "(3 dated)" in _get(client, "/timeline/?person=ada&show=claims")[0]


def test_an_unpublished_claim_leaves_the_timeline_on_the_next_request(client, world):
    claim = world["claims"][5]
    assert "Timeline claim 5" in _get(client, "/timeline/?lanes=topic")[0]
    claim.editorial_state = "draft"
    claim.save()
    assert "Timeline claim 5" not in _get(client, "/timeline/?lanes=topic")[0]


def test_an_ingested_benchmark_record_shows_on_the_next_request(client, world):
    from ingest.aggregates import refresh_after_run
    from ingest.signals import run_succeeded

    assert "Record Model" not in _get(client, "/timeline/")[0]
    source = DataSource.objects.create(slug="later", name="Later run", kind="epoch-benchmarks")
    run = IngestRun.objects.create(source=source, status="ok", finished_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    BenchmarkScore.objects.create(key="record", benchmark=Benchmark.objects.get(slug="gpqa-diamond"),
                                  model_name="Record Model", score=0.995, date=dt.date(2024, 6, 1), run=run)
    refresh_after_run(run)
    run_succeeded.send(sender=IngestRun, run_id=run.pk)
    html = _get(client, "/timeline/")[0]
    assert "GPQA" in _lane_of(html, "Record Model")
    assert "Record Model" not in _get(client, "/timeline/?show=claims")[0]


def test_markers_escape_what_claims_say_and_topic_lanes_follow_a_new_tag(client, world):
    # The markers are drawn as formatted strings (reader.timeline._li), not by the template: they must
    # escape as autoescape does.
    claim = world["claims"][4]
    claim.title = 'Scores <b>"double"</b> & more'
    claim.save()
    html = _get(client, "/timeline/?lanes=topic")[0]
    assert ": Scores &lt;b&gt;&quot;double&quot;&lt;/b&gt; &amp; more <span class=\"tl-detail\">(Bo Quill; " in html
    assert "<b>\"double\"</b>" not in html
    lane = _lane_of(html, "Scores &lt;b&gt;&quot;double&quot;&lt;/b&gt; &amp; more")
    assert '<a href="/topics/scaling/">Scaling</a> <span class="muted">(8)</span>' in lane
    # A second topic on the claim opens its lane on the next request, the claim drawn in both.
    agents = factories.topic(slug="agents", name="Agents")
    claim.topics.add(agents)
    html = _get(client, "/timeline/?lanes=topic")[0]
    agents_lane = html[html.index('<section class="tl-lane" aria-labelledby="lane-claims-agents">'):]
    agents_lane = agents_lane[:agents_lane.index("</section>")]
    assert '<a href="/topics/agents/">Agents</a> <span class="muted">(1)</span>' in agents_lane
    assert agents_lane.count('class="tl-mark tl-claim"') == 1 and "Scores &lt;b&gt;" in agents_lane
    assert '<a href="/topics/scaling/">Scaling</a> <span class="muted">(8)</span>' in html


def _topic_newest(topic, limit):
    """A topic's newest published claims the plain way: the claims table, ordered by date then title."""
    from django.db.models import F

    from claims.models import Claim

    return list(Claim.objects.published().filter(topics=topic)
                .order_by(F("date_made").desc(nulls_last=True), "title").values_list("title", flat=True)[:limit])


def test_a_topic_s_newest_claims_are_the_plain_order_s_ties_and_edits_included(world, monkeypatch):
    """A topic's newest come from its facet rows (reader.timeline._of_topic), which hold dates but no
    titles: claims dated like the last place's all stay candidates, so the title tie-break is the
    plain order's; a new date, topic or state moves a claim in or out on the next read."""
    from reader.timeline import timeline_for

    monkeypatch.setattr("reader.timeline.TIMELINE_CLAIMS", 4)
    topic, other = world["topic"], factories.topic(slug="other", name="Other")
    tied = dt.date(2021, 1, 1) + dt.timedelta(days=30 * 5)  # claim 5's date: places 3 to 5 of 9 share it
    for title in ("Tied b", "Tied a"):
        factories.claim(topics=[topic], title=title, date_made=tied)
    factories.claim(topics=[other], title="Elsewhere", date_made=dt.date(2030, 1, 1))
    factories.claim(topics=[topic], title="Undated", date_made=None)

    def shown():
        timeline = timeline_for(topic).timeline
        drawn = sorted((m for lane in timeline.claim_lanes for m in lane.markers), key=lambda m: (-m.date.toordinal(), m.title))
        return [m.title for m in drawn] + [m.title for m in timeline.undated]

    expected = _topic_newest(topic, 4)
    assert expected == ["Timeline claim 7", "Timeline claim 6", "Tied a", "Tied b"]
    assert shown() == expected
    claims = world["claims"]
    claims[0].date_made = dt.date(2029, 1, 1)  # the oldest becomes the newest
    claims[0].save()
    claims[7].topics.set([other])  # the newest leaves the topic
    claims[6].editorial_state = "draft"
    claims[6].save()
    assert shown() == _topic_newest(topic, 4) == ["Timeline claim 0", "Tied a", "Tied b", "Timeline claim 5"]


def test_a_topic_with_few_dated_claims_shows_them_all_and_its_undated_ones(world, monkeypatch):
    from reader.timeline import timeline_for

    monkeypatch.setattr("reader.timeline.TIMELINE_CLAIMS", 10)
    for i in range(4):
        factories.claim(topics=[world["topic"]], title=f"Undated {i}", date_made=None)
    shown = timeline_for(world["topic"])
    assert shown.truncated and shown.timeline.claim_count == 8
    assert [m.title for m in shown.timeline.undated] == ["Undated 0", "Undated 1"]
