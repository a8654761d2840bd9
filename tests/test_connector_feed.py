"""RSS, RDF, Atom and JSON feeds over HTTP -> feed items, including every odd feed in SOURCES.md."""

import datetime as dt
import json
import re

import feedparser
import pytest

from ingest.models import FeedItem, IngestRun

from .ingest_fixtures import Answer, SNAPSHOTS, http_server, make_source, rejected_reasons, run_once, snapshot  # noqa: F401

pytestmark = pytest.mark.django_db
BUNDLED = sorted(str(p.relative_to(SNAPSHOTS)) for p in SNAPSHOTS.glob("feeds/*/*") if "/odd/" not in str(p))
ODD_XML = ["bio.rdf", "scriptingNews.rss", "manton.rss", "macworld.rss", "monkeydom.rss", "aktuality.rss",
           "kc0011.rss", "livemint.xml", "cloudblog.rss", "DaringFireball.rss", "allthis.atom", "natasha.xml",
           "EMarley.rss", "phpxml.rss", "donthitsave.xml", "rubenerd.rss", "expertopinionent.atom",
           "cn-chat-arxiv_cs.LG_2026-06-25.xml"]


def load(http_server, relative=None, body=None, slug="feed"):
    data = body if body is not None else snapshot(relative).read_bytes()
    url = http_server.answer(f"/{slug}", Answer(body=data))
    source = make_source(slug, "feed", url=url)
    return source, run_once(source)


def entries(relative) -> int:
    return len(feedparser.parse(snapshot(relative).read_bytes()).entries)


@pytest.mark.parametrize("relative", BUNDLED)
def test_bundled_lab_blog_and_substack_feeds_load_every_item(http_server, relative):
    _, run = load(http_server, relative)
    assert run.status == IngestRun.Status.OK, run.error
    assert (run.created_count, run.rejected_count) == (entries(relative), 0)
    for item in FeedItem.objects.all():
        assert item.title and item.guid and item.link.startswith(("http://", "https://"))
        assert item.published is not None


@pytest.mark.parametrize("name", ODD_XML)
def test_every_odd_xml_feed_loads_with_each_item_accepted_or_rejected_with_a_reason(http_server, name):
    relative = f"feeds/odd/{name}"
    _, run = load(http_server, relative)
    assert run.status == IngestRun.Status.OK, run.error
    assert run.created_count + run.rejected_count == entries(relative)
    assert all(r for r in rejected_reasons(run))
    assert not FeedItem.objects.filter(title="").exists()


def test_items_without_titles_get_one_derived_from_their_summary(http_server):
    _, run = load(http_server, "feeds/odd/scriptingNews.rss")
    # 39 of 50 have no <title>; two items repeat another item's guid and are rejected as such.
    assert (run.created_count, run.rejected_count) == (48, 2)
    assert all("duplicate of guid" in r for r in rejected_reasons(run))
    item = FeedItem.objects.get(guid="http://scripting.com/2017/06/26.html#a080605")
    assert item.title == "Good morning students and teachers! 🍏"
    long_one = FeedItem.objects.get(guid="http://scripting.com/2017/06/26.html#a020604")
    assert long_one.title.startswith("Interesting Politico piece") and len(long_one.title) <= 120
    assert "<" not in long_one.title


def test_manton_items_without_titles_are_kept_with_derived_titles(http_server):
    _, run = load(http_server, "feeds/odd/manton.rss")
    assert run.created_count == 10
    raw = feedparser.parse(snapshot("feeds/odd/manton.rss").read_bytes())
    untitled = [e.link for e in raw.entries if not e.get("title")]
    assert len(untitled) == 4
    assert all(FeedItem.objects.get(link=link).title for link in untitled)


def test_an_item_with_neither_title_nor_summary_is_rejected_with_a_reason(http_server):
    body = b"""<rss version="2.0"><channel><title>t</title>
<item><link>https://example.org/a</link></item>
<item><title>Kept</title><link>https://example.org/b</link></item></channel></rss>"""
    _, run = load(http_server, body=body)
    assert (run.created_count, run.rejected_count) == (1, 1)
    assert rejected_reasons(run) == ["no title and no summary to derive one from"]


def test_items_without_guid_use_their_link(http_server):
    _, run = load(http_server, "feeds/odd/macworld.rss")
    assert run.created_count == 30
    assert not FeedItem.objects.exclude(guid=models_link()).exists()


def models_link():
    from django.db.models import F

    return F("link")


def test_items_without_guid_or_link_get_a_stable_content_hash(http_server):
    stripped = re.sub(rb"<link>[^<]*</link>", b"", snapshot("feeds/odd/cn-chat-arxiv_cs.LG_2026-06-25.xml").read_bytes())
    source, run = load(http_server, body=stripped)
    assert run.created_count == 2
    guids = set(FeedItem.objects.values_list("guid", flat=True))
    assert all(g.startswith("sha256:") and len(g) == 71 for g in guids)
    http_server.answer("/feed", Answer(body=stripped + b"\n"))
    again = run_once(source)
    assert (again.status, again.created_count, again.unchanged_count) == (IngestRun.Status.OK, 0, 2)
    assert set(FeedItem.objects.values_list("guid", flat=True)) == guids


def test_guids_marked_permalink_that_are_not_urls_stay_ids_and_the_link_comes_from_link(http_server):
    load(http_server, "feeds/odd/monkeydom.rss")
    item = FeedItem.objects.get(guid="cocoa-dom:tcmportmapper")
    assert item.link == "https://github.com/monkeydom/TCMPortMapper"


def test_gb2312_feed_is_decoded_and_its_slash_dates_read_as_written(http_server):
    _, run = load(http_server, "feeds/odd/kc0011.rss")
    assert run.created_count == 20
    item = FeedItem.objects.get(link="http://www.kc0011.net/dispbbs.asp?BoardID=10&ID=25164257&Page=1")
    assert item.title == "建国35周年纪念，华表，和平鸽"
    assert item.authors == ["大鱼儿"]
    # feedparser alone reads '2020/1/10 14:33:00' as 1 November 2020.
    assert item.published == dt.datetime(2020, 1, 10, 14, 33, tzinfo=dt.UTC)


def test_default_namespace_on_rss_element_still_yields_titles_links_and_categories(http_server):
    _, run = load(http_server, "feeds/ai_blogs/fair_blog.xml")
    assert run.created_count == 3
    item = FeedItem.objects.get(guid="https://engineering.fb.com/?p=23617")
    assert item.title == "RCCLX: Innovating GPU Communications on AMD Platforms"
    assert item.link.startswith("https://engineering.fb.com/2026/02/24/")
    assert "AI Research" in item.categories
    assert item.authors == []  # <dc:creator /> is empty, not an author called ''


def test_empty_channel_is_a_successful_run_with_no_rows(http_server):
    _, run = load(http_server, "feeds/odd/cn-chat-arxiv_cs.LG_empty-channel.xml")
    assert (run.status, run.created_count, run.rejected_count, run.error) == (IngestRun.Status.OK, 0, 0, "")


def test_atom_named_rss_and_rss_named_atom_are_read_by_content(http_server):
    _, atom = load(http_server, "feeds/odd/DaringFireball.rss", slug="df")
    _, rss = load(http_server, "feeds/odd/allthis.atom", slug="allthis")
    assert (atom.created_count, rss.created_count) == (47, 12)


def test_rdf_feed_from_biorxiv_loads(http_server):
    _, run = load(http_server, "feeds/odd/bio.rdf")
    assert run.created_count == 30
    assert FeedItem.objects.filter(published__date=dt.date(2019, 8, 27)).exists()


def test_image_inside_item_does_not_become_the_link(http_server):
    load(http_server, "feeds/odd/aktuality.rss")
    assert not FeedItem.objects.exclude(link__startswith="https://www.aktuality.sk/").exists()


def test_json_feed_loads(http_server):
    data = json.loads(snapshot("feeds/odd/inessential.json").read_text())
    _, run = load(http_server, "feeds/odd/inessential.json")
    assert run.status == IngestRun.Status.OK, run.error
    assert run.created_count == len(data["items"])
    first = data["items"][0]
    item = FeedItem.objects.get(guid=first["id"])
    assert item.link == first["url"]
    assert item.published == dt.datetime.fromisoformat(first["date_published"].replace("Z", "+00:00"))


def test_truncated_json_feed_fails_the_run_with_a_clear_message(http_server):
    _, run = load(http_server, "feeds/odd/allthis-partial.json")
    assert run.status == IngestRun.Status.FAILED
    assert run.error.startswith("the JSON feed is not valid JSON (")
    assert "cut off" in run.error
    assert not FeedItem.objects.exists()


@pytest.mark.parametrize("body, message", [
    (b"<!DOCTYPE html><html><head><title>Not found</title></head><body><p>Sorry</p></body></html>",
     "this is an HTML page, not a feed"),
    (b"id,task\n1,2\n", "not RSS, Atom or JSON Feed"),
    (b'{"items": []}', "not a JSON Feed"),
    (b"   ", "empty"),
])
def test_a_body_that_is_not_a_feed_fails_with_a_message(http_server, body, message):
    _, run = load(http_server, body=body)
    assert run.status == IngestRun.Status.FAILED
    assert message in run.error


def test_bozo_feed_that_still_parses_is_accepted(http_server):
    body = b"""<rss version="2.0"><channel><title>t &nbsp; x</title>
<item><title>One & two</title><link>https://example.org/1</link><description>ok</description></item>
</channel></rss>"""
    assert feedparser.parse(body).bozo
    _, run = load(http_server, body=body)
    assert (run.status, run.created_count) == (IngestRun.Status.OK, 1)


def test_html_from_feeds_is_sanitised_before_it_is_stored(http_server):
    body = b"""<rss version="2.0"><channel><title>t</title><item>
<title>&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;claim</title>
<link>javascript:alert(1)</link><guid isPermaLink="false">x1</guid>
<description><![CDATA[<p onclick="steal()">Hi <a href="javascript:alert(1)">bad</a> <a href="https://example.org/ok" target="_blank">good</a>
<img src="https://tracker.example/p.gif" onerror="x()"><script>alert(2)</script><iframe src="https://e.org"></iframe>
<style>body{}</style><div style="color:red">plain</div></p>]]></description></item></channel></rss>"""
    _, run = load(http_server, body=body)
    item = FeedItem.objects.get(guid="x1")
    assert item.title == "Bold & claim"
    assert item.link == ""
    assert item.summary.startswith('<p>Hi <a rel="nofollow noopener">bad</a> '
                                   '<a href="https://example.org/ok" rel="nofollow noopener">good</a>')
    assert "plain" in item.summary
    for gone in ("onclick", "javascript", "<img", "onerror", "<script", "alert(2)", "<iframe", "<style", "body{}",
                 "style=", "target="):
        assert gone not in item.summary


def test_nothing_executable_survives_in_any_real_feed(http_server):
    for index, relative in enumerate(BUNDLED + [f"feeds/odd/{n}" for n in ODD_XML]):
        load(http_server, relative, slug=f"feed-{index}")
    assert FeedItem.objects.count() > 500
    danger = re.compile(r"<(script|iframe|object|embed|style|img|form|input)\b|\son\w+\s*=|javascript:|style=", re.I)
    for summary, title in FeedItem.objects.values_list("summary", "title"):
        assert not danger.search(summary), summary[:300]
        assert "<" not in title or not re.search(r"<\w", title), title
    for href in re.findall(r'href="([^"]*)"', "".join(FeedItem.objects.values_list("summary", flat=True))):
        assert href.startswith(("http://", "https://"))


def test_second_run_is_unchanged_and_reformatted_feed_updates_nothing(http_server):
    relative = "feeds/ai_labs/feed_anthropic_news.xml"
    source, first = load(http_server, relative)
    assert run_once(source).status == IngestRun.Status.UNCHANGED
    http_server.answer("/feed", Answer(body=snapshot(relative).read_bytes() + b"\n<!-- fetched again -->\n"))
    third = run_once(source)
    assert third.status == IngestRun.Status.OK
    assert (third.created_count, third.updated_count, third.unchanged_count) == (0, 0, 22)
    assert set(FeedItem.objects.values_list("run_id", flat=True)) == {first.pk}
