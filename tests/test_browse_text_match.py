"""Browse under ?q=: q's match read once per claims generation (claims/text_match.py), and every
page, count and facet under it the same as a plain ranked query says, before and after edits."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.forms import SORTS
from claims.models import Claim
from claims.search import search_claims

from . import factories
from .test_browse_facets import expected_counts, page_counts

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: generations publish on commit


@pytest.fixture
def walls():
    """60 published claims that say "wall" (in the title, the quote, or only the person's name),
    over two topics, two people and the essays, every kind, three years and undated; others
    that do not; and a draft that does."""
    topics = [factories.topic(slug=f"t{i}", name=f"Topic {i}") for i in range(2)]
    people = [factories.person(slug="p0", name="Ann Wall"), factories.person(slug="p1", name="Bo Stone")]
    kinds = [k for k, _ in Claim.Kind.choices]
    statuses = [s for s, _ in Claim.Status.choices]
    for i in range(60):
        where = i % 3
        factories.claim(
            title=f"Scaling hits a wall {i}" if where == 0 else f"Claim {i:02d} on scaling",
            quote=f"We see a wall ahead ({i})." if where == 1 else f"Plain words {i}.",
            person=people[0] if where == 2 else (None if i % 5 == 0 else people[1]),
            topics=[topics[i % 2]] + ([topics[1]] if i % 7 == 0 and i % 2 == 0 else []),
            kind=kinds[i % len(kinds)], status=statuses[i % len(statuses)],
            date_made=None if i % 8 == 0 else dt.date(2021 + i % 3, 1 + i % 12, 1 + i % 28))
    for i in range(10):
        factories.claim(title=f"Unrelated {i}", quote="Nothing to see.", person=people[1], topics=[topics[0]])
    factories.claim(title="A draft wall", editorial_state=Claim.EditorialState.DRAFT)
    return topics, people


def plain_ranked(q: str, **filters) -> list[int]:
    """The published claims q matches under ``filters`` (claims-table lookups), ranked here in
    Python: best rank, then newest (undated last), then title, then id."""
    rows = search_claims(Claim.objects.published().filter(**filters), q).order_by()
    rows = rows.values_list("pk", "search_rank", "date_made", "title")

    def key(row):
        pk, rank, date, title = row
        return (-rank, -date.toordinal() if date else float("inf"), title, pk)

    return [row[0] for row in sorted(rows, key=key)]


def matches_text(sql: str) -> bool:
    """Whether a statement matches text: a tsquery against a document (the claims' or the search
    rows'), or SQLite's FTS5. A join on the search rows for titles (claims/lexeme_match.py) is no match."""
    return "@@" in sql or "MATCH" in sql or "to_tsquery" in sql


def plain_sorted(q: str, sort: str, **filters) -> list[int]:
    """The published claims q matches under ``filters``, in browse's ``sort`` over the claims table."""
    return list(search_claims(Claim.objects.published().filter(**filters), q).order_by(*SORTS[sort][1])
                .values_list("pk", flat=True))


def listed(client, params: dict) -> list[int]:
    """Every claim browse lists for ``params``, page by page, in order."""
    found, number = [], 1
    while True:
        response = client.get(f"/claims/?{urlencode({**params, 'page': number})}")
        assert response.status_code == 200
        page = response.context["page"]
        found += [claim.pk for claim in page.object_list]
        if not page.has_next():
            return found
        number += 1


CASES = [
    ({}, {}),
    ({"kind": "prediction"}, {"kind": "prediction"}),
    ({"topic": "t1"}, {"topics__slug": "t1"}),
    ({"person": "none", "year": "2022"}, {"person__isnull": True, "date_made__year": 2022}),
    ({"year": "unknown", "topic": "t0"}, {"date_made__isnull": True, "topics__slug": "t0"}),
    ({"status": "open", "kind": "assessment", "person": "p1", "year": "2021"},
     {"status": "open", "kind": "assessment", "person__slug": "p1", "date_made__year": 2021}),
]


@pytest.mark.parametrize("params, lookups", CASES)
def test_every_page_under_q_lists_what_a_plain_ranked_query_does(client, walls, params, lookups):
    expected = plain_ranked("wall", **lookups)
    assert listed(client, {"q": "wall", **params}) == expected
    response = client.get(f"/claims/?{urlencode({'q': 'wall', **params})}")
    assert response.context["page"].paginator.count == len(expected)
    assert f"{len(expected)} claim" in response.content.decode()


def test_the_best_matches_come_first_and_drafts_never(client, walls):
    response = client.get("/claims/?q=wall")
    titles = [claim.title for claim in response.context["page"].object_list]
    assert len(titles) == 25 and response.context["page"].paginator.count == 60
    assert all(title.startswith("Scaling hits a wall") for title in titles[:20])  # title matches rank first
    assert "A draft wall" not in response.content.decode()


@pytest.mark.parametrize("filters", [{"q": "wall"}, {"q": "wall", "kind": "prediction"},
                                     {"q": "wall", "topic": "t1", "person": "p0"}])
def test_facet_counts_under_q_equal_a_recount(client, walls, filters):
    matched = set(plain_ranked("wall"))
    counts, total = page_counts(client, filters)
    unfiltered = Claim.objects.exclude(pk__in=matched).values_list("pk", flat=True)
    # The recount's own world: the claims q matches, counted the slow way in Python.
    Claim.objects.filter(pk__in=list(unfiltered)).update(editorial_state=Claim.EditorialState.DRAFT)
    expected, expected_total = expected_counts({k: v for k, v in filters.items() if k != "q"})
    assert (counts, total) == (expected, expected_total)


def test_a_new_facet_combination_under_a_known_q_matches_no_text_again(client, walls):
    client.get("/claims/?q=wall")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/claims/?q=wall&kind=prediction")
    assert response.status_code == 200
    sql = [query["sql"] for query in captured.captured_queries]
    # The facets' topic and person names, the page's claims and their topics; no text match.
    assert not [s for s in sql if matches_text(s)]
    if connection.vendor == "postgresql":
        # One word: the new combination's counts (one statement over the stored lexeme rows) and
        # its page's ids, both from the lexeme's index; no document read, no count of the claims.
        assert len(sql) == 6, sql
        lexeme_reads = [s for s in sql if "claims_claimlexeme" in s]
        assert len(lexeme_reads) == 2 and "GROUP BY" in lexeme_reads[0] and "ORDER BY l.rank DESC" in lexeme_reads[1], sql
        assert not [s for s in sql if "COUNT(" in s.upper() and "claims_claimlexeme" not in s]
    else:  # the TextMatch, read for q alone, answers the combination in Python
        assert len(sql) == 4, sql
        assert not [s for s in sql if "COUNT(" in s.upper()]
    assert [c.pk for c in response.context["page"].object_list] == plain_ranked("wall", kind="prediction")


def test_a_repeated_page_under_q_reads_its_rows_by_id_without_ranking_again(client, walls):
    client.get("/claims/?q=wall&page=2")
    with CaptureQueriesContext(connection) as captured:
        client.get("/claims/?q=wall&page=2")
    sql = [query["sql"] for query in captured.captured_queries]
    assert len(sql) == 2, sql  # the page's claims and their topics
    assert not [s for s in sql if matches_text(s)]


def test_the_match_follows_an_edit_on_the_next_request(client, walls):
    before = listed(client, {"q": "wall"})
    claim = Claim.objects.get(title="Unrelated 3")
    claim.title = "Now a wall too"
    claim.save()
    gone = Claim.objects.get(pk=before[0])
    gone.title, gone.quote = "No longer matching", "Quiet."
    gone.save()
    after = listed(client, {"q": "wall"})
    assert after == plain_ranked("wall")
    assert claim.pk in after and gone.pk not in after and len(after) == len(before)
    counts, total = page_counts(client, {"q": "wall", "topic": "t0"})
    assert total == len(plain_ranked("wall", topics__slug="t0"))


def test_unpublishing_a_claim_takes_it_out_of_the_match(client, walls):
    first = Claim.objects.get(pk=listed(client, {"q": "wall"})[0])
    first.editorial_state = Claim.EditorialState.DRAFT
    first.save()
    assert listed(client, {"q": "wall"}) == plain_ranked("wall") and first.pk not in plain_ranked("wall")


@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize("params, lookups", CASES[:4])
def test_every_sorted_page_under_q_lists_what_a_sort_of_the_claims_table_does(client, walls, sort, params, lookups):
    Claim.objects.filter(title__startswith="Scaling hits").update(evidence_count=3)  # "evidence" has ties to break
    expected = plain_sorted("wall", sort, **lookups)
    assert expected
    if not lookups:  # the sort is not the rank order in disguise
        assert expected != plain_ranked("wall")
    assert listed(client, {"q": "wall", "sort": sort, **params}) == expected
    response = client.get(f"/claims/?{urlencode({'q': 'wall', 'sort': sort, **params})}")
    assert response.context["page"].paginator.count == len(expected)
    assert f"{len(expected)} claim" in response.content.decode()


def test_another_page_or_facet_under_a_known_q_and_sort_sorts_no_match_again(client, walls):
    client.get("/claims/?q=wall&sort=oldest")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/claims/?q=wall&sort=oldest&page=2")
    sql = [query["sql"] for query in captured.captured_queries]
    assert len(sql) == 2, sql  # the page's claims and their topics
    assert not [s for s in sql if matches_text(s)]
    assert [c.pk for c in response.context["page"].object_list] == plain_sorted("wall", "oldest")[25:50]
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/claims/?q=wall&sort=oldest&kind=assessment")
    assert not [query["sql"] for query in captured.captured_queries if matches_text(query["sql"])]
    assert [c.pk for c in response.context["page"].object_list] == plain_sorted("wall", "oldest", kind="assessment")


def test_a_sorted_match_follows_an_edit_on_the_next_request(client, walls):
    before = listed(client, {"q": "wall", "sort": "date"})
    claim = Claim.objects.get(title="Unrelated 3")
    claim.title, claim.date_made = "Now a wall too", dt.date(2030, 1, 1)
    claim.save()
    Claim.objects.filter(pk=before[-1]).update(date_made=dt.date(2031, 1, 1))  # no save(), no signal
    after = listed(client, {"q": "wall", "sort": "date"})
    assert after == plain_sorted("wall", "date")
    assert after[:2] == [before[-1], claim.pk] and len(after) == len(before) + 1


def counts_under_q(q: str, filters: dict):
    """Each facet's counts under q and every filter but its own, the slow way: the claims a plain
    ranked query matches, their facet values read one by one in Python."""
    from .test_browse_facets import _values, counted

    matched = set(plain_ranked(q))
    return counted([_values(c) for c in Claim.objects.filter(pk__in=matched).prefetch_related("topics")
                    .select_related("person")], filters)


@pytest.mark.parametrize("q", ["Walls", "wall ahead", '"hits a wall"', "wall -ahead", "WALL"])
def test_any_form_of_q_one_word_or_several_lists_and_counts_what_a_plain_ranked_query_does(client, walls, q):
    """One word in another form ("Walls", "WALL": the stored lexeme rows on PostgreSQL), and
    several words, a phrase or a negation (the whole TextMatch): the same pages and counts."""
    expected = plain_ranked(q)
    assert expected or (q == "Walls" and connection.vendor == "sqlite")  # SQLite's FTS5 here does not stem
    assert listed(client, {"q": q}) == expected
    assert page_counts(client, {"q": q}) == counts_under_q(q, {})
    assert page_counts(client, {"q": q, "kind": "prediction"}) == counts_under_q(q, {"kind": "prediction"})


def test_a_word_no_claim_holds_lists_nothing_and_counts_nothing(client, walls):
    response = client.get("/claims/?q=zyzzyva")
    assert response.status_code == 200 and response.context["page"].paginator.count == 0
    assert all(not facet["options"] for facet in response.context["facets"])


def test_counts_and_pages_under_one_word_follow_every_kind_of_write_at_once(client, walls):
    """Topic links, a person's rename (their claims now say "wall"), a queryset update of a facet
    value, an unpublish and a delete: the next request's counts and pages are a recount's."""
    from claims.generation import bump_claims
    from claims.models import Person, Topic

    topics, people = walls

    def same():
        for filters in ({}, {"topic": "t1"}, {"person": "p1", "kind": "prediction"}):
            assert page_counts(client, {"q": "wall", **filters}) == counts_under_q("wall", filters)
        assert listed(client, {"q": "wall", "topic": "t1"}) == plain_ranked("wall", topics__slug="t1")

    same()
    first = Claim.objects.get(pk=plain_ranked("wall")[0])
    first.topics.add(topics[1])
    same()
    bo = Person.objects.get(slug="p1")
    bo.name = "Bo Wall"  # every claim of Bo's now matches
    bo.save()
    assert len(plain_ranked("wall")) > 60
    same()
    Claim.objects.filter(pk__in=plain_ranked("wall")[:5]).update(kind="prediction")
    bump_claims()  # what a writer with QuerySet.update() does (claims/generation.py)
    same()
    first.editorial_state = Claim.EditorialState.DRAFT
    first.save()
    Claim.objects.filter(pk=plain_ranked("wall")[-1]).delete()
    Topic.objects.filter(slug="t1").first().claims.remove(*Claim.objects.filter(pk__in=plain_ranked("wall")[:3]))
    same()
