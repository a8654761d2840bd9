"""arXiv API Atom responses and arXiv RSS listings over HTTP -> feed items with arXiv ids."""

import datetime as dt
import re

import feedparser
import pytest

from ingest.models import FeedItem, IngestRun

from .ingest_fixtures import Answer, make_source, run_once, snapshot

pytestmark = pytest.mark.django_db
API = "arxiv/api_query_all-electron-AND-all-proton_2025-11.xml"
PARTLY = "arxiv/api_query_id_list_partly_missing_2025-11.xml"
EMPTY = "arxiv/api_query_empty_2025-11.xml"
RSS = ["arxiv/rss_arxiv_cs_ai.xml", "arxiv/rss_arxiv_cs_lg.xml", "arxiv/rss_arxiv_cs_cl.xml"]


def load(http_server, relative=None, body=None, slug="arxiv"):
    data = body if body is not None else snapshot(relative).read_bytes()
    url = http_server.answer(f"/{slug}.xml", Answer(body=data, headers={"Content-Type": "application/atom+xml"}))
    source = make_source(slug, "arxiv", url=url)
    return source, run_once(source)


def test_api_response_gives_unversioned_ids_versioned_links_and_full_metadata(http_server):
    _, run = load(http_server, API)
    assert run.status == IngestRun.Status.OK, run.error
    assert run.created_count == len(feedparser.parse(snapshot(API).read_bytes()).entries) == 10
    old_style = FeedItem.objects.get(arxiv_id="nucl-ex/0408020")
    assert old_style.guid == "arxiv:nucl-ex/0408020"
    assert old_style.link == "https://arxiv.org/abs/nucl-ex/0408020v1"
    assert old_style.published == dt.datetime(2004, 8, 18, 23, 13, 32, tzinfo=dt.UTC)
    assert old_style.updated == dt.datetime(2005, 9, 17, 15, 4, 24, tzinfo=dt.UTC)
    assert old_style.authors[0] == "J. Arrington" and len(old_style.authors) > 3
    assert old_style.categories[:2] == ["nucl-ex", "hep-ph"]
    for item in FeedItem.objects.all():
        assert re.fullmatch(r"(\d{4}\.\d{4,5}|[a-z-]+/\d{7})", item.arxiv_id)
        assert re.fullmatch(rf"https://arxiv\.org/abs/{re.escape(item.arxiv_id)}v\d+", item.link)


def test_id_list_answer_with_missing_ids_loads_the_one_that_exists(http_server):
    _, run = load(http_server, PARTLY)
    assert (run.status, run.created_count, run.rejected_count) == (IngestRun.Status.OK, 1, 0)
    assert FeedItem.objects.get().arxiv_id == "2201.13452"


def test_empty_api_result_is_a_successful_run_with_no_rows(http_server):
    _, run = load(http_server, EMPTY)
    assert run.status == IngestRun.Status.OK and run.error == ""
    assert (run.created_count, run.rejected_count) == (0, 0)


@pytest.mark.parametrize("relative", RSS)
def test_rss_listing_splits_authors_and_keeps_the_abstract_only(http_server, relative):
    _, run = load(http_server, relative)
    assert (run.status, run.created_count) == (IngestRun.Status.OK, 3)
    for item in FeedItem.objects.all():
        assert item.arxiv_id.count(".") == 1 and "v" not in item.arxiv_id
        assert item.link == f"https://arxiv.org/abs/{item.arxiv_id}v1"
        assert "Announce Type" not in item.summary and not item.summary.startswith("arXiv:")
        assert len(item.authors) >= 1 and all("," not in name for name in item.authors)
        assert item.published == dt.datetime(2026, 4, 27, 4, 0, tzinfo=dt.UTC)
        assert item.updated is None  # RSS gives no update time; none is invented


def test_rss_dc_creator_becomes_a_list_of_authors(http_server):
    load(http_server, RSS[0])
    item = FeedItem.objects.get(arxiv_id="2604.21935")
    assert item.authors == ["Michael Cooper", "Samuel Cooper"]
    assert item.categories == ["cs.AI", "cs.LG"]
    assert item.summary.startswith("Although language models demonstrate")


def test_second_run_is_unchanged_and_reformatted_xml_updates_nothing(http_server):
    source, first = load(http_server, API)
    assert run_once(source).status == IngestRun.Status.UNCHANGED
    reformatted = snapshot(API).read_bytes().replace(b"\n  <entry>", b"\n\n    <entry>")
    http_server.answer("/arxiv.xml", Answer(body=reformatted))
    third = run_once(source)
    assert third.status == IngestRun.Status.OK and third.sha256 != first.sha256
    assert (third.created_count, third.updated_count, third.unchanged_count) == (0, 0, 10)


def test_a_new_version_of_a_paper_updates_its_item_instead_of_adding_one(http_server):
    source, _ = load(http_server, PARTLY)
    bumped = snapshot(PARTLY).read_bytes().replace(b"2201.13452v1", b"2201.13452v2")
    http_server.answer("/arxiv.xml", Answer(body=bumped))
    run = run_once(source)
    assert (run.created_count, run.updated_count) == (0, 1)
    assert FeedItem.objects.get().link == "https://arxiv.org/abs/2201.13452v2"


def test_an_api_error_answer_fails_the_run_with_arxivs_message(http_server):
    error = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>arXiv Query: search_query=&amp;id_list=bad</title>
<id>http://arxiv.org/api/x</id><updated>2025-11-11T00:00:00Z</updated>
<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_bad</id><title>Error</title>
<summary>incorrect id format for bad</summary><updated>2025-11-11T00:00:00Z</updated></entry></feed>"""
    _, run = load(http_server, body=error)
    assert run.status == IngestRun.Status.FAILED
    assert run.error == "the arXiv API answered with an error: incorrect id format for bad"


def test_a_feed_of_blog_posts_is_not_an_arxiv_feed(http_server):
    _, run = load(http_server, "feeds/ai_blogs/bair_blog.xml")
    assert run.status == IngestRun.Status.FAILED
    assert "none of the 3 entries is an arXiv paper" in run.error
    assert run.rejected_count == 3 and not FeedItem.objects.exists()
