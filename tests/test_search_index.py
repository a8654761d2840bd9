"""The stored search documents (PostgreSQL tsvector columns, SQLite FTS5 tables) follow every
write on the next search, and the search page's bounded candidate set counts honestly."""

import pytest
from django.db import connection
from django.urls import reverse

from claims import fts, search
from claims.models import Claim, Evidence
from ingest.models import DataSource, FeedItem, IngestRun

from . import factories

URL = reverse("reader:search")
BROWSE = reverse("claims:claim_list")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Writes as a committed transaction would make them: the claims generation follows on commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def found(client, q, href):
    return f'href="{href}"' in client.get(URL, {"q": q}).content.decode()


def browsed(client, q, href):
    return f'href="{href}"' in client.get(BROWSE, {"q": q}).content.decode()


def test_a_new_claim_is_found_on_the_next_search_and_browse(client, db, committed):
    assert not found(client, "pangolin", "/claims/new-one/")
    assert not browsed(client, "pangolin", "/claims/new-one/")
    with committed():
        factories.claim(slug="new-one", title="Pangolin economics")
    assert found(client, "pangolin", "/claims/new-one/")
    assert browsed(client, "pangolin", "/claims/new-one/")


def test_an_edited_claim_is_found_by_its_new_words_and_no_longer_by_its_old(client, db, committed):
    claim = factories.claim(slug="edited", title="Tapir scaling", quote="The tapir says so.")
    assert found(client, "tapir", "/claims/edited/") and browsed(client, "tapir", "/claims/edited/")
    claim.title, claim.quote = "Okapi scaling", "The okapi says so."
    with committed():
        claim.save()
    assert found(client, "okapi", "/claims/edited/") and browsed(client, "okapi", "/claims/edited/")
    assert not found(client, "tapir", "/claims/edited/") and not browsed(client, "tapir", "/claims/edited/")


def test_a_statement_changed_by_a_queryset_update_is_searched_too(client, db):
    claim = factories.claim(slug="updated", title="Plain title")
    Claim.objects.filter(pk=claim.pk).update(statement="Mentions the capybara now.")
    assert found(client, "capybara", "/claims/updated/")


def test_a_deleted_claim_is_not_found(client, db, committed):
    claim = factories.claim(slug="gone", title="Quoll forecasts")
    assert found(client, "quoll", "/claims/gone/")
    with committed():
        claim.delete()
    assert not found(client, "quoll", "/claims/gone/")
    assert not browsed(client, "quoll", "/claims/gone/")


def test_a_claim_is_found_under_its_persons_new_name(client, db):
    person = factories.person(name="Ada Marmoset")
    factories.claim(slug="said", title="Something", person=person)
    assert found(client, "marmoset", "/claims/said/")
    person.name = "Ada Wallaby"
    person.save()
    assert found(client, "wallaby", "/claims/said/")
    assert not found(client, "marmoset", "/claims/said/")


def _evidence_html(client, q):
    html = client.get(URL, {"q": q}).content.decode()
    return html.split('id="results-evidence"')[1].split("</section>")[0] if 'id="results-evidence"' in html else ""


def test_evidence_is_found_once_accepted_when_edited_and_not_once_deleted(client, db):
    claim = factories.claim(slug="host", title="Host claim")
    evidence = Evidence.objects.create(claim=claim, state="suggested", summary="A gecko benchmark result.")
    assert _evidence_html(client, "gecko") == ""  # suggestions are not public
    evidence.state = "accepted"
    evidence.save()
    assert "<mark>gecko</mark>" in _evidence_html(client, "gecko").lower()
    evidence.summary = "An iguana benchmark result."
    evidence.save()
    assert _evidence_html(client, "gecko") == ""
    assert "iguana" in _evidence_html(client, "iguana").lower()
    evidence.delete()
    assert _evidence_html(client, "iguana") == ""


def test_evidence_is_found_under_its_sources_and_feed_items_new_titles(client, db):
    claim = factories.claim(slug="host", title="Host claim")
    src = factories.source(title="Report on herons")
    data_source = DataSource.objects.create(slug="blog", name="A lab blog", kind="feed")
    item = FeedItem.objects.create(source=data_source, guid="1", title="Post about egrets", link="https://example.org/p",
                                   run=IngestRun.objects.create(source=data_source, status="ok"))
    Evidence.objects.create(claim=claim, source=src, state="accepted", summary="By source.")
    Evidence.objects.create(claim=claim, feed_item=item, state="accepted", summary="By item.")
    assert "By source." in _evidence_html(client, "herons") and "By item." in _evidence_html(client, "egrets")
    src.title = "Report on ibises"
    src.save()
    item.title = "Post about storks"
    item.save()
    assert "By source." in _evidence_html(client, "ibises") and "By item." in _evidence_html(client, "storks")
    assert _evidence_html(client, "herons") == "" and _evidence_html(client, "egrets") == ""


def test_short_words_still_match_with_the_indexed_ones(client, db):
    """A one- or two-letter prefix is matched with LIKE, not FTS5; it must still be required."""
    factories.claim(slug="ai-winter", title="An AI winter is coming")
    factories.claim(slug="winter-only", title="A long winter")
    html = client.get(URL, {"q": "AI winter"}).content.decode()
    assert 'href="/claims/ai-winter/"' in html and 'href="/claims/winter-only/"' not in html
    assert found(client, "AI", "/claims/ai-winter/")


def test_search_counts_stop_at_the_candidate_bound_and_say_so(client, db, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 3)
    for i in range(5):
        factories.claim(title=f"Dugong claim {i}")
    html = client.get(URL, {"q": "dugong"}).content.decode()
    assert 'Claims <span class="muted">(3+)</span>' in html
    assert "3+ results for <strong>dugong</strong>" in html
    assert html.count("<mark>Dugong</mark> claim") == 3
    assert "Showing the best 3 of the first 3 matches" in html


def test_search_ranks_within_the_candidates_best_first(db):
    body = factories.claim(title="Other", statement="A manatee appears.", slug="body")
    title = factories.claim(title="Manatee", statement="Nothing.", slug="title")
    base = Claim.objects.published()
    ranked = list(search.best_of(base, "manatee", search.CLAIM_FIELDS, search.ORDERS["claims"]))
    assert ranked == [title, body]
    assert [r.search_total for r in ranked] == [2, 2]


def test_the_index_is_rebuilt_when_its_triggers_went_missing(client, db):
    """A migration that rebuilds a table on SQLite drops its triggers; after migrate they come
    back and the index is refilled, rows written meanwhile included."""
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM claims_claim WHERE search_document IS NULL")
            assert cursor.fetchone()[0] == 0
        factories.claim(slug="meanwhile", title="Written while rebuilding")
        assert found(client, "rebuilding", "/claims/meanwhile/")
        return
    fts.drop_triggers(connection)
    factories.claim(slug="meanwhile", title="Written while rebuilding")
    assert not found(client, "rebuilding", "/claims/meanwhile/")
    fts.after_migrate(sender=None, using="default")
    assert found(client, "rebuilding", "/claims/meanwhile/")
    assert not fts.install(connection)  # nothing missing: no second refill


def test_sqlite_ranks_by_weighted_bm25_from_its_fts_tables(db):
    factories.claim(title="Walrus", slug="walrus")
    query = search.search_claims(Claim.objects.published(), "walrus")
    sql = str(query.query)
    if connection.vendor == "sqlite":
        assert "claims_claim_fts" in sql and "MATCH" in sql and "bm25" in sql and "LIKE" not in sql
    else:
        assert "search_document @@" in sql and "ts_rank" in sql
    assert [c.slug for c in query] == ["walrus"]


@pytest.mark.parametrize("q", ['"', 'a"b', "x AND y", "NEAR(a b)", "col:value", "^start", "a*", "(", "-", "OR"])
def test_fts_syntax_in_a_query_is_taken_literally(client, db, q):
    factories.claim(title="Anything")
    assert client.get(URL, {"q": q}).status_code == 200
    assert client.get(BROWSE, {"q": q}).status_code == 200


def test_a_quoted_phrase_needs_its_words_in_order_and_a_word_matches_its_longer_forms(db):
    factories.claim(slug="phrase", title="Reaching human level soon")
    factories.claim(slug="reversed", title="The level of human effort")
    published = Claim.objects.published()
    assert [c.slug for c in search.search_claims(published, '"human level"')] == ["phrase"]
    assert {c.slug for c in search.search_claims(published, "human level")} == {"phrase", "reversed"}
