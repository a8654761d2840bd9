"""Feeds: content, validity (feedparser), Atom entry fields, conditional GET, 404/400, query counts."""

import datetime as dt
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, Evidence, Verdict

from . import factories

FORMATS = ("rss", "atom")
KINDS = ("claims", "verdicts", "topic", "person", "claim", "browse")
SITE = "https://claimwatch.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    # Ids and links come from the configured site URL, never from the request's Host.
    settings.CLAIMWATCH_SITE_URL = SITE


@pytest.fixture
def world(transactional_db):  # real commits: stamps are cached per claims generation, published on commit
    alice = factories.person(name="Ada Quoteworthy", slug="ada")
    scaling = factories.topic(name="Scaling walls", slug="scaling-walls")
    src = factories.source(title="An interview")
    claim = factories.claim(
        slug="walls-ahead",
        title="Scaling will hit a wall",
        statement="Scaling alone will stop paying off.",
        quote="We are going to hit a wall with pure scaling.",
        person=alice,
        source=src,
        topics=[scaling],
        status="open",
    )
    Evidence.objects.create(
        claim=claim, source=src, stance="contradicts", state="accepted", summary="Benchmarks kept rising."
    )
    Evidence.objects.create(claim=claim, source=src, state="rejected", summary="A rejected suggestion.")
    Evidence.objects.create(claim=claim, source=src, state="suggested", summary="A pending suggestion.")
    Verdict.objects.create(claim=claim, status="contradicted", rationale="Scores kept climbing through 2024.")
    draft = factories.claim(
        slug="secret-draft", title="An unpublished draft", person=alice, topics=[scaling], editorial_state="draft"
    )
    Verdict.objects.create(claim=draft, status="supported", rationale="Draft verdict nobody may read.")
    anonymous = factories.claim(slug="essay-claim", title="An essay's claim", quote="Said by nobody in particular.")
    return {"person": alice, "topic": scaling, "claim": claim, "draft": draft, "anonymous": anonymous}


def feed_url(kind, fmt, world):
    if kind in ("claims", "verdicts"):
        return reverse(f"reader:{kind}_{fmt}")
    if kind == "browse":
        return reverse(f"reader:browse_{fmt}") + "?status=open"
    obj = world[kind]
    return reverse(f"reader:{kind}_{fmt}", args=[obj.slug])


def fetch(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_feed_is_well_formed_and_has_entries(client, world, kind, fmt):
    response, parsed = fetch(client, feed_url(kind, fmt, world))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(f"application/{fmt}+xml")
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == ("atom10" if fmt == "atom" else "rss20")
    assert parsed.feed.title.startswith("Claimwatch")
    assert parsed.entries


@pytest.mark.parametrize("kind", KINDS)
def test_every_atom_entry_has_id_title_updated_author_and_link(client, world, kind):
    _, parsed = fetch(client, feed_url(kind, "atom", world))
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.id.startswith("tag:claimwatch.example,2025:")
        assert entry.title
        assert entry.updated_parsed is not None
        assert entry.author
        assert entry.link.startswith(f"{SITE}/claims/")


@pytest.mark.parametrize("kind", KINDS)
def test_atom_and_rss_of_a_feed_carry_the_same_entries(client, world, kind):
    _, atom = fetch(client, feed_url(kind, "atom", world))
    _, rss = fetch(client, feed_url(kind, "rss", world))
    assert [e.id for e in atom.entries] == [e.id for e in rss.entries]


def test_claims_feed_shows_quote_statement_person_and_topics(client, world):
    _, parsed = fetch(client, reverse("reader:claims_atom"))
    entry = next(e for e in parsed.entries if e.title == "Scaling will hit a wall")
    assert "We are going to hit a wall with pure scaling." in entry.summary
    assert "Scaling alone will stop paying off." in entry.summary
    assert entry.author == "Ada Quoteworthy"
    assert entry.author_detail.href == f"{SITE}/people/ada/"
    assert entry.link == f"{SITE}/claims/walls-ahead/"
    assert [t.term for t in entry.tags] == ["Scaling walls"]


def test_claims_feed_leaves_out_drafts(client, world):
    body = client.get(reverse("reader:claims_rss")).content.decode()
    assert "Scaling will hit a wall" in body
    assert "An unpublished draft" not in body


def test_claim_without_a_person_is_authored_by_claimwatch(client, world):
    _, parsed = fetch(client, reverse("reader:claims_atom"))
    entry = next(e for e in parsed.entries if e.title == "An essay's claim")
    assert entry.author == "Claimwatch"
    _, rss = fetch(client, reverse("reader:claims_rss"))
    assert next(e for e in rss.entries if e.title == "An essay's claim").author == "Claimwatch"


def test_feed_descriptions_escape_markup_in_quotes(client, world):
    factories.claim(title="Markup in a quote", quote='He wrote <script>alert("x")</script> & left.')
    root = ET.fromstring(client.get(reverse("reader:claims_rss")).content)
    description = next(
        item.findtext("description") for item in root.iter("item") if item.findtext("title") == "Markup in a quote"
    )
    # The description is HTML; the quote's own markup must arrive there as text.
    assert "He wrote &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; left." in description
    assert "<script>" not in description


def test_rss_guids_are_stable_tag_uris_not_permalinks(client, world):
    root = ET.fromstring(client.get(reverse("reader:claims_rss")).content)
    guids = {g.text: g.get("isPermaLink") for g in root.iter("guid")}
    assert f"tag:claimwatch.example,2025:claim/{world['claim'].pk}" in guids
    assert set(guids.values()) == {"false"}


def test_verdicts_feed_lists_changes_on_published_claims_only(client, world):
    _, parsed = fetch(client, reverse("reader:verdicts_atom"))
    assert [e.title for e in parsed.entries] == ["Scaling will hit a wall: contradicted so far"]
    entry = parsed.entries[0]
    assert "Scores kept climbing through 2024." in entry.summary
    assert "We are going to hit a wall with pure scaling." in entry.summary
    # The editors' judgement, not the claimant's words: no recorder known, so the desk.
    assert entry.author == "Claimwatch editors"
    assert "Draft verdict" not in client.get(reverse("reader:verdicts_rss")).content.decode()


def test_topic_feed_holds_only_that_topics_published_claims(client, world):
    _, parsed = fetch(client, reverse("reader:topic_atom", args=["scaling-walls"]))
    assert parsed.feed.title == "Claimwatch: claims on Scaling walls"
    assert [e.title for e in parsed.entries] == ["Scaling will hit a wall"]


def test_person_feed_holds_only_that_persons_published_claims(client, world):
    _, parsed = fetch(client, reverse("reader:person_rss", args=["ada"]))
    assert parsed.feed.title == "Claimwatch: claims by Ada Quoteworthy"
    assert [e.title for e in parsed.entries] == ["Scaling will hit a wall"]


def test_claim_feed_merges_accepted_evidence_and_verdicts_newest_first(client, world):
    claim = world["claim"]
    now = timezone.now()
    early = Evidence.objects.get(claim=claim, state="accepted")
    Evidence.objects.filter(pk=early.pk).update(updated=now - dt.timedelta(days=3))
    Verdict.objects.filter(claim=claim).update(created=now - dt.timedelta(days=2))
    late = Evidence.objects.create(
        claim=claim, stance="supports", state="accepted", summary="A newer accepted item."
    )
    Evidence.objects.filter(pk=late.pk).update(updated=now - dt.timedelta(days=1))

    _, parsed = fetch(client, reverse("reader:claim_atom", args=[claim.slug]))
    assert [e.id.rsplit(":", 1)[1] for e in parsed.entries] == [
        f"evidence/{late.pk}",
        f"verdict/{Verdict.objects.get(claim=claim).pk}",
        f"evidence/{early.pk}",
    ]
    assert "Benchmarks kept rising." in parsed.entries[2].summary
    assert parsed.entries[1].title == "Verdict: contradicted so far"
    body = client.get(reverse("reader:claim_rss", args=[claim.slug])).content.decode()
    assert "rejected suggestion" not in body and "pending suggestion" not in body


def test_browse_feed_applies_the_browse_filters(client, world):
    factories.claim(title="A resolved one", status="resolved_true")
    _, open_only = fetch(client, reverse("reader:browse_atom") + "?status=open&kind=assessment")
    titles = {e.title for e in open_only.entries}
    assert "Scaling will hit a wall" in titles and "A resolved one" not in titles
    assert "status “open”" in open_only.feed.title
    self_link = next(link.href for link in open_only.feed.links if link.rel == "self")
    assert self_link == f"{SITE}/feeds/browse.atom?status=open&kind=assessment"
    _, by_person = fetch(client, reverse("reader:browse_rss") + "?person=ada")
    assert [e.title for e in by_person.entries] == ["Scaling will hit a wall"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", ["status=nonsense", "kind=prophecy", "page=0", "topic=not%20a%20slug!"])
def test_browse_feed_with_bad_filters_is_a_400(client, world, fmt, query):
    response = client.get(reverse(f"reader:browse_{fmt}") + "?" + query)
    assert response.status_code == 400
    assert b"Invalid filter" in response.content


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "path", ["/feeds/topics/no-such-topic", "/feeds/people/no-such-person", "/feeds/claims/no-such-claim",
             "/feeds/claims/secret-draft"]
)
def test_unknown_or_unpublished_slug_is_a_404(client, world, path, fmt):
    response = client.get(f"{path}.{fmt}")
    assert response.status_code == 404
    assert not response.has_header("ETag")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_feed_answers_a_matching_etag_with_304(client, world, kind, fmt):
    url = feed_url(kind, fmt, world)
    first = client.get(url)
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_date.status_code == 304


def test_conditional_get_costs_no_query_while_nothing_changed(client, world, django_assert_num_queries):
    url = reverse("reader:claim_atom", args=["walls-ahead"])
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):  # the stamp is cached per claims generation
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_rss_and_atom_and_each_query_string_have_different_etags(client, world):
    etags = {
        client.get(url)["ETag"]
        for url in ["/feeds/claims.rss", "/feeds/claims.atom", "/feeds/browse.rss?status=open", "/feeds/browse.rss"]
    }
    assert len(etags) == 4


def test_editing_a_claim_changes_etag_and_last_modified(client, world):
    url = reverse("reader:claims_atom")
    first = client.get(url)
    Claim.objects.filter(pk=world["claim"].pk).update(title="Scaling will hit a wall, edited",
                                                      updated=timezone.now() + dt.timedelta(seconds=5))
    _bumped()  # as every update() of claims does (claims/generation.py)
    second = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert second["Last-Modified"] != first["Last-Modified"]
    assert b"Scaling will hit a wall, edited" in second.content


def _bumped():
    from django.db import transaction

    from claims.generation import bump_claims

    with transaction.atomic():
        bump_claims()


def test_unpublishing_a_claim_changes_the_etag(client, world):
    url = reverse("reader:claims_rss")
    first = client.get(url)["ETag"]
    Claim.objects.filter(pk=world["anonymous"].pk).update(editorial_state="draft")
    _bumped()
    response = client.get(url, headers={"If-None-Match": first})
    assert response.status_code == 200
    assert b"An essay's claim" not in response.content


def test_accepting_evidence_changes_the_claim_feed(client, world):
    url = reverse("reader:claim_rss", args=["walls-ahead"])
    first = client.get(url)["ETag"]
    pending = Evidence.objects.get(state="suggested")
    pending.state = "accepted"
    pending.save()
    response = client.get(url, headers={"If-None-Match": first})
    assert response.status_code == 200
    assert b"A pending suggestion." in response.content


# Queries per feed, whatever the data size: the stamp (conditional GET), then the items.
QUERIES = {
    "claims": 4,  # stamp (the entries' ids and dates; the last edit), claims with person and source, their topics
    "verdicts": 2,  # stamp (the entries), verdicts with claim and person
    "topic": 6,  # stamp (the topic; its entries' ids and dates; the last edit), topic, claims, their topics
    "person": 4,  # stamp, person, claims, their topics
    "claim": 4,  # stamp, claim with person, accepted evidence, verdicts
    "browse": 4,  # stamp (the entries' ids and dates; the last edit), claims, their topics
}


@pytest.fixture(params=[10, 100], ids=["10-claims", "100-claims"])
def corpus(request, transactional_db):
    claims, people, topics = factories.many_claims(request.param)
    for c in claims:
        Verdict.objects.create(claim=c, status="mixed", rationale="r")
    return {"claim": claims[0], "person": people[0], "topic": topics[0]}


@pytest.mark.parametrize("kind", sorted(QUERIES))
def test_each_feed_uses_a_fixed_number_of_queries(client, corpus, kind, django_assert_num_queries):
    url = feed_url(kind, "atom", corpus).replace("?status=open", "?kind=assessment")
    with django_assert_num_queries(QUERIES[kind]):
        response = client.get(url)
    assert response.status_code == 200
    assert feedparser.parse(response.content).entries


def test_feed_directory_lists_every_feed_with_a_how_to(client, world, django_assert_num_queries):
    with django_assert_num_queries(2):  # topics with counts, people with counts
        html = client.get(reverse("reader:feed_directory")).content.decode()
    for url in ["/feeds/claims.atom", "/feeds/claims.rss", "/feeds/verdicts.atom", "/feeds/verdicts.rss",
                "/feeds/topics/scaling-walls.atom", "/feeds/topics/scaling-walls.rss",
                "/feeds/people/ada.atom", "/feeds/people/ada.rss",
                "/feeds/browse.atom?status=open&amp;kind=prediction"]:
        assert f'href="{url}"' in html
    assert "How to subscribe" in html
    assert "Ada Quoteworthy" in html


def test_feed_directory_links_resolve_to_valid_feeds(client, seeded):
    import re

    html = client.get(reverse("reader:feed_directory")).content.decode()
    urls = sorted(set(re.findall(r'href="(/feeds/[^"]+\.(?:rss|atom)[^"]*)"', html)))
    assert len(urls) > 40  # two global feeds, each topic and person, in two formats
    for url in urls:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
        assert feedparser.parse(response.content).bozo == 0, url


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_in_text_do_not_break_a_feed(client, world, fmt):
    claim = factories.claim(slug="ctrl", title="Vertical\x0btab title", quote="Bell\x07 in a quote")
    Evidence.objects.create(claim=claim, state="accepted", summary="Escape \x1b in a summary")
    for url in (reverse(f"reader:claims_{fmt}"), reverse(f"reader:claim_{fmt}", args=["ctrl"])):
        response = client.get(url)
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
    entries = feedparser.parse(client.get(reverse(f"reader:claims_{fmt}")).content).entries
    assert "Verticaltab title" in [e.title for e in entries]


def test_an_empty_feed_has_an_etag_and_answers_304_without_a_made_up_date(client, db):
    factories.topic(slug="empty-topic")
    url = reverse("reader:topic_atom", args=["empty-topic"])
    response = client.get(url)
    assert response.status_code == 200
    assert feedparser.parse(response.content).entries == []
    # No claim, no honest modification date: the ETag alone carries the validation.
    assert not response.has_header("Last-Modified")
    assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304


@pytest.mark.parametrize("kind", KINDS)
def test_atom_ids_and_links_do_not_change_with_the_host_header(client, world, kind):
    url = feed_url(kind, "atom", world)
    seen = []
    for host in ("127.0.0.1", "localhost"):
        body = client.get(url, HTTP_HOST=host).content.decode()
        parsed = feedparser.parse(body)
        seen.append((parsed.feed.id, [e.id for e in parsed.entries], [e.link for e in parsed.entries]))
        assert host not in body
    assert seen[0] == seen[1]
    assert seen[0][0].startswith(f"{SITE}/feeds/")


def test_verdict_entries_are_authored_by_the_editor_who_recorded_them(client, world, django_user_model):
    editor = django_user_model.objects.create(username="edna", first_name="Edna", last_name="Mode")
    Verdict.objects.filter(claim=world["claim"]).update(recorded_by=editor)
    _, parsed = fetch(client, reverse("reader:verdicts_atom"))
    assert parsed.entries[0].author == "Edna Mode"
    _, claim_feed = fetch(client, reverse("reader:claim_atom", args=["walls-ahead"]))
    authors = {e.title.split(":")[0]: e.author for e in claim_feed.entries}
    assert authors == {"Verdict": "Edna Mode", "Evidence (contradicts)": "Claimwatch editors"}


def test_summaries_carry_no_internal_seed_document_ids(client, seeded):
    for url in ("/feeds/verdicts.atom", "/feeds/claims/marcus-deep-learning-hitting-a-wall.atom"):
        body = client.get(url).content.decode()
        assert "(000)" not in body and "(004)" not in body


def test_a_revert_reads_as_an_editorial_correction_in_the_feeds(client, world):
    Verdict.objects.filter(claim=world["claim"]).update(is_correction=True)
    _, parsed = fetch(client, reverse("reader:verdicts_atom"))
    assert parsed.entries[0].title == "Editorial correction: Scaling will hit a wall: contradicted so far"
    _, claim_feed = fetch(client, reverse("reader:claim_atom", args=["walls-ahead"]))
    assert "Editorial correction: verdict contradicted so far" in [e.title for e in claim_feed.entries]


def test_a_browse_feeds_etag_follows_its_entries_and_its_date_never_goes_back(client, world):
    url = reverse("reader:browse_atom") + "?person=ada"
    first = client.get(url)
    claim = world["claim"]
    claim.title = "Scaling will hit a wall, edited"
    claim.save()  # an entry edited
    edited = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert edited.status_code == 200 and b"Scaling will hit a wall, edited" in edited.content
    newer = factories.claim(title="Ada again", person=world["person"])  # a new match
    added = client.get(url, headers={"If-None-Match": edited["ETag"]})
    assert added.status_code == 200 and b"Ada again" in added.content
    newer.editorial_state = "draft"
    newer.save()  # an entry leaves the feed: the date stays at that last edit
    left = client.get(url, headers={"If-None-Match": added["ETag"], "If-Modified-Since": added["Last-Modified"]})
    assert left.status_code == 200 and b"Ada again" not in left.content
    assert parsedate_to_datetime(left["Last-Modified"]) >= parsedate_to_datetime(added["Last-Modified"])
    assert client.get(url, headers={"If-None-Match": left["ETag"]}).status_code == 304


def test_a_topic_feeds_etag_follows_its_entries_and_the_topics_own_text(client, world):
    url = reverse("reader:topic_atom", args=["scaling-walls"])
    first = client.get(url)
    topic = world["topic"]
    topic.description = "Claims that scaling stops paying."
    topic.save()  # the feed's subtitle
    described = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert described.status_code == 200 and b"Claims that scaling stops paying." in described.content
    claim = world["claim"]
    claim.quote = "An edited quote."
    claim.save()  # an entry edited
    edited = client.get(url, headers={"If-None-Match": described["ETag"]})
    assert edited.status_code == 200 and b"An edited quote." in edited.content
    assert parsedate_to_datetime(edited["Last-Modified"]) >= parsedate_to_datetime(described["Last-Modified"])
    claim.topics.remove(topic)  # its only entry leaves: empty, so undated
    left = client.get(url, headers={"If-None-Match": edited["ETag"]})
    assert left.status_code == 200 and b"An edited quote." not in left.content
    assert not left.has_header("Last-Modified")
    assert client.get(url, headers={"If-None-Match": left["ETag"]}).status_code == 304


def test_a_browse_feed_body_reads_the_entries_its_stamp_found_and_shows_none_edited_out_of_its_filters(
        client, world, django_assert_num_queries):
    url = reverse("reader:browse_rss") + "?person=ada&kind=assessment"
    newer = factories.claim(title="Ada on compute", person=world["person"], kind="assessment")
    _, first = fetch(client, url)
    assert [e.title for e in first.entries] == ["Ada on compute", "Scaling will hit a wall"]
    # Warm: the stamp (and the entries' ids in it) come from the cache; the form finds the person,
    # and the body reads those two claims by id and their topics: no filtered walk.
    with django_assert_num_queries(3):
        _, again = fetch(client, url)
    assert [e.title for e in again.entries] == ["Ada on compute", "Scaling will hit a wall"]
    # A write that did not advance the claims generation (a raw update): the ids are the cached
    # ones, but the filters are applied to them again, so the claim is not shown under them.
    Claim.objects.filter(pk=newer.pk).update(kind="prediction")
    _, after = fetch(client, url)
    assert [e.title for e in after.entries] == ["Scaling will hit a wall"]


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_browse_feeds_entries_are_the_newest_matches_and_their_index_covers_them():
    from django.db import connection

    from claims.feeds import browse_feed_entries
    from claims.forms import BrowseForm

    topic = factories.topic(slug="big")
    for i in range(30):
        factories.claim(topics=[topic] if i % 2 else [], status="open" if i % 3 else "mixed", kind="assessment")
    form = BrowseForm({"topic": "big", "status": "open", "kind": "assessment"})
    assert form.is_valid()
    expected = list(Claim.objects.published().filter(topics=topic, status="open", kind="assessment")
                    .order_by("-created", "-id").values_list("pk", "updated"))
    assert browse_feed_entries(form) == expected and len(expected) == 10
    # The index holds the order and every column the entries' query reads (the plan on the bench
    # data set: an index-only scan), so the walk needs no claim row.
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'claim_feed_newest'")
        (definition,) = cursor.fetchone()
    assert "(created DESC, id DESC) INCLUDE (status, kind, person_id, date_made, updated)" in definition
    assert "WHERE ((editorial_state)::text = 'published'::text)" in definition


@pytest.mark.django_db
def test_a_topic_s_browse_feed_entries_come_from_its_facet_rows_in_the_plain_order():
    """Under a topic the entries are read from the topic's facet rows (index facet_topic_created):
    the same claims, in the same order (ties in ``created`` by id), as the claims table gives, after
    a claim leaves the topic, is unpublished or changes status."""
    from claims.feeds import browse_feed_entries
    from claims.forms import BrowseForm
    from claims.models import ClaimFacet

    topic, other = factories.topic(slug="big"), factories.topic(slug="other")
    claims = [factories.claim(topics=[topic, other] if i % 4 == 0 else [topic], status="open" if i % 3 else "mixed")
              for i in range(24)]
    same = timezone.now()
    Claim.objects.filter(pk__in=[c.pk for c in claims[5:9]]).update(created=same)  # ties, broken by id
    # A claim's created never changes in the product (auto_now_add), so the triggers do not watch
    # it: the test's own rewrite of it stamps the facet rows' copy too.
    ClaimFacet.objects.filter(claim_id__in=[c.pk for c in claims[5:9]]).update(created=same)

    def check(filters):
        form = BrowseForm(filters)
        assert form.is_valid()
        plain = Claim.objects.published().filter(topics=topic)
        for name in ("status", "kind"):
            if name in filters:
                plain = plain.filter(**{name: filters[name]})
        expected = list(plain.order_by("-created", "-id").values_list("pk", "updated"))
        assert browse_feed_entries(form) == expected and expected
        return expected

    check({"topic": "big"})
    check({"topic": "big", "status": "open"})
    claims[8].topics.set([other])
    claims[12].editorial_state = "draft"
    claims[12].save()
    claims[13].status = "mixed"
    claims[13].save()
    for filters in ({"topic": "big"}, {"topic": "big", "status": "open"}, {"topic": "big", "status": "mixed"}):
        ids = [pk for pk, _ in check(filters)]
        assert claims[8].pk not in ids and claims[12].pk not in ids
