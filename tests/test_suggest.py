"""Evidence suggestions after feed and arXiv runs: reasons given, never accepted, never duplicated."""

import pytest

from claims.models import Claim, Evidence
from ingest.models import FeedItem, IngestRun
from ingest.suggest import is_about_ai, stem, suggest_for_run, terms, topic_hits
from ingest.topic_keywords import TOPIC_KEYWORDS

from .ingest_fixtures import Answer, make_source, run_once

pytestmark = pytest.mark.django_db

WALL = b"""<rss version="2.0"><channel><title>Notes on AI</title>
<item><title>Is deep learning hitting a wall?</title><link>https://example.org/wall</link>
<guid>wall</guid><description>New scaling laws for large language models show diminishing returns:
deep learning keeps improving on benchmarks, but the wall critics predicted has not appeared.</description></item>
<item><title>Regional football results</title><link>https://example.org/football</link><guid>football</guid>
<description>FC Utrecht beat FC Twente 2-1 on Sunday after a late goal.</description></item>
<item><title>Proton mirror modes in the solar wind</title><link>https://example.org/plasma</link><guid>plasma</guid>
<description>Energy transfer and compute-intensive simulations of electron temperature anisotropy.</description></item>
</channel></rss>"""


def feed_run(http_server, body=WALL, slug="notes"):
    url = http_server.answer(f"/{slug}.xml", Answer(body=body))
    return run_once(make_source(slug, "feed", url=url))


def test_every_seed_topic_has_keywords(seeded):
    from claims.models import Topic

    assert set(Topic.objects.values_list("slug", flat=True)) == set(TOPIC_KEYWORDS)
    assert all(len(words) >= 5 for words in TOPIC_KEYWORDS.values())


def test_keyword_matching_respects_word_boundaries_and_acronym_case():
    assert "llm-dead-ends" in topic_hits("Why LLMs will not reason")
    assert "agents-vs-autocomplete" not in topic_hits("a good idea for the IDEs' sake".lower())
    assert topic_hits("Scaling-laws and compute")["scaling-walls"] == ["scaling law*"]
    assert is_about_ai("A new LLM benchmark") and not is_about_ai("FC Utrecht won on Sunday")
    assert stem("scaling") == stem("scale") and stem("agents") == stem("agent") and stem("llms") == stem("llm")
    assert terms("The AI will make the wall higher") == ["wall", "higher"]


def test_a_relevant_item_is_suggested_for_the_matching_claim_with_a_reason(seeded, http_server,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = feed_run(http_server)
    assert run.status == IngestRun.Status.OK
    wall = FeedItem.objects.get(guid="wall")
    suggestion = Evidence.objects.get(claim__slug="marcus-deep-learning-hitting-a-wall", feed_item=wall)
    assert suggestion.state == Evidence.State.SUGGESTED
    assert "Scaling walls" in suggestion.match_reason
    assert "deep" in suggestion.match_reason and "wall" in suggestion.match_reason
    assert suggestion.added_by is None


def test_off_topic_items_get_no_suggestions(seeded, http_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        feed_run(http_server)
    assert not Evidence.objects.filter(feed_item__guid__in=["football", "plasma"]).exists()


def test_suggestions_are_never_accepted_and_never_duplicated(seeded, http_server):
    run = feed_run(http_server)
    first = suggest_for_run(run.pk)
    assert first >= 1
    assert suggest_for_run(run.pk) == 0
    assert Evidence.objects.count() == first
    assert set(Evidence.objects.values_list("state", flat=True)) == {Evidence.State.SUGGESTED}
    suggestion = Evidence.objects.first()
    suggestion.state = Evidence.State.REJECTED
    suggestion.save()
    assert suggest_for_run(run.pk) == 0  # an editor's rejection is not undone by a re-run
    assert Evidence.objects.get(pk=suggestion.pk).state == Evidence.State.REJECTED


def test_unpublished_claims_are_not_suggested(seeded, http_server):
    Claim.objects.filter(slug="marcus-deep-learning-hitting-a-wall").update(editorial_state=Claim.EditorialState.DRAFT)
    run = feed_run(http_server)
    suggest_for_run(run.pk)
    assert not Evidence.objects.filter(claim__slug="marcus-deep-learning-hitting-a-wall").exists()


def test_a_real_lab_feed_yields_a_bounded_set_of_suggestions(seeded, http_server):
    from .ingest_fixtures import snapshot

    run = feed_run(http_server, snapshot("feeds/ai_labs/feed_openai_research.xml").read_bytes(), slug="openai")
    created = suggest_for_run(run.pk)
    assert 1 <= created <= 3 * run.created_count
    per_item = Evidence.objects.values_list("feed_item_id", flat=True)
    assert max(list(per_item).count(i) for i in set(per_item)) <= 3
    assert all(e.match_reason.startswith("Topic “") for e in Evidence.objects.all())


def test_runs_of_other_kinds_or_failed_runs_suggest_nothing(seeded):
    models_run = run_once(make_source("notable", "epoch-models", path="ingest/snapshots/epoch/notable_ai_models.csv"))
    failed = run_once(make_source("cut", "feed", path="ingest/snapshots/feeds/odd/allthis-partial.json"))
    assert suggest_for_run(models_run.pk) == 0 and suggest_for_run(failed.pk) == 0
    assert not Evidence.objects.exists()
