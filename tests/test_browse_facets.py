"""Browse facet counts from the facet table (claims.ClaimFacet): exact under any filter
combination, and current on the next request after any edit, whichever way it was written."""

import datetime as dt
import itertools
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import facet_table
from claims.generation import bump_claims
from claims.models import Claim, ClaimFacet, FacetCount

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: generations publish on commit


@pytest.fixture
def world():
    """Claims over three topics (some with two, one with none), three people and the essays,
    every status and kind, dated over four years and undated."""
    topics = [factories.topic(slug=f"t{i}", name=f"Topic {i}") for i in range(3)]
    people = [factories.person(slug=f"p{i}", name=f"Person {i}") for i in range(3)]
    statuses = [s for s, _ in Claim.Status.choices]
    kinds = [k for k, _ in Claim.Kind.choices]
    claims = []
    for i in range(40):
        topic_set = [] if i % 11 == 0 else [topics[i % 3]] + ([topics[(i + 1) % 3]] if i % 4 == 0 else [])
        claims.append(factories.claim(
            topics=topic_set, person=None if i % 7 == 0 else people[i % 3], status=statuses[i % len(statuses)],
            kind=kinds[i % 3], date_made=None if i % 9 == 0 else dt.date(2019 + i % 4, 1 + i % 12, 1)))
    factories.claim(topics=[topics[0]], person=people[0], editorial_state=Claim.EditorialState.DRAFT)
    return claims, topics, people


def _values(claim):
    """A claim's facet values as browse links spell them."""
    return {
        "topic": {t.slug for t in claim.topics.all()},
        "person": claim.person.slug if claim.person else "none",
        "status": claim.status,
        "kind": claim.kind,
        "year": str(claim.date_made.year) if claim.date_made else "unknown",
    }


def expected_counts(filters: dict) -> dict:
    """Each facet counted under every filter but its own, the slow way: every claim, in Python."""
    return counted([_values(c) for c in Claim.objects.published().select_related("person").prefetch_related("topics")],
                   filters)


def counted(rows, filters: dict):
    """({facet: {value: n}}, total) of ``rows`` (_values() dicts), each facet under every filter but its own."""

    def matches(row, skip):
        return all(value in row[name] if name == "topic" else row[name] == value
                   for name, value in filters.items() if name != skip)

    counts = {}
    for name in ("topic", "person", "status", "kind", "year"):
        counter = Counter()
        for row in rows:
            if matches(row, name):
                counter.update(row[name] if name == "topic" else [row[name]])
        counts[name] = dict(counter)
    total = sum(1 for row in rows if matches(row, None))
    return counts, total


def page_counts(client, filters: dict):
    response = client.get(f"/claims/?{urlencode(filters)}")
    assert response.status_code == 200
    facets = {f["name"]: {o["value"]: o["n"] for o in f["options"]} for f in response.context["facets"]}
    return facets, response.context["page"].paginator.count


COMBINATIONS = [
    {},
    {"status": "open"},
    {"kind": "prediction"},
    {"topic": "t1"},
    {"person": "none"},
    {"year": "unknown"},
    {"topic": "t0", "kind": "assessment"},
    {"person": "p1", "year": "2020"},
    {"topic": "t2", "person": "p2", "status": "mixed"},
    {"status": "open", "kind": "prediction", "person": "p0", "year": "2019"},
    {"topic": "t0", "status": "open", "kind": "prediction", "person": "p0", "year": "2019"},
]


@pytest.mark.parametrize("filters", COMBINATIONS, ids=lambda f: "&".join(f"{k}={v}" for k, v in f.items()) or "none")
def test_facet_counts_and_the_page_count_are_exact_under_any_filter_combination(client, world, filters):
    assert page_counts(client, filters) == expected_counts(filters)


def test_every_pair_of_facet_filters_counts_exactly(client, world):
    values = {"topic": "t0", "person": "p1", "status": "supported", "kind": "recommendation", "year": "2021"}
    for a, b in itertools.combinations(values, 2):
        filters = {a: values[a], b: values[b]}
        assert page_counts(client, filters) == expected_counts(filters), filters


def _check(client, filters=None):
    filters = filters or {}
    assert page_counts(client, filters) == expected_counts(filters)


def test_an_edited_status_topic_or_person_shows_in_the_counts_on_the_next_request(client, world):
    claims, topics, people = world
    for filters in ({}, {"topic": "t0"}, {"person": "p1"}, {"status": "open"}):
        _check(client, filters)  # cached now, under this claims generation
    claim = claims[1]
    claim.status = Claim.Status.RESOLVED_TRUE
    claim.person = people[1]
    claim.date_made = None
    claim.save()
    claim.topics.add(topics[0])
    claims[2].topics.remove(*claims[2].topics.all())  # now topic-less
    claims[3].topics.set([topics[2], topics[0]])  # its lead row changes
    for filters in ({}, {"topic": "t0"}, {"person": "p1"}, {"status": "open"}, {"year": "unknown"},
                    {"topic": "t0", "status": "resolved_true"}, {"kind": claim.kind, "year": "unknown"}):
        _check(client, filters)


def test_unpublishing_or_deleting_a_claim_leaves_the_counts(client, world):
    claims, _, _ = world
    _check(client)
    claims[4].editorial_state = Claim.EditorialState.IN_REVIEW
    claims[4].save()
    claims[5].delete()
    _check(client)
    _check(client, {"topic": claims[6].topics.first().slug})
    claims[4].editorial_state = Claim.EditorialState.PUBLISHED
    claims[4].save()
    _check(client)


def test_a_bulk_update_reaches_the_facet_table_without_signals(client, world):
    """QuerySet.update() sends no signal: the triggers still rewrite the rows (the writer bumps)."""
    claims, _, people = world
    _check(client, {"person": "p2"})
    Claim.objects.filter(pk__in=[c.pk for c in claims[:10]]).update(person=people[2], kind="prediction")
    bump_claims()
    _check(client, {"person": "p2"})
    _check(client, {"kind": "prediction"})


def test_a_deleted_topic_leaves_its_claims_counted_once(client, world):
    _, topics, _ = world
    topics[0].delete()
    bump_claims()  # deleting a topic is a Topic signal too; explicit so the test says why it is fresh
    _check(client)
    _check(client, {"topic": "t1"})


def test_the_refill_rebuilds_what_the_triggers_keep(world):
    def rows():
        return sorted(ClaimFacet.objects.values_list("claim_id", "topic_id", "person_id", "status", "kind", "year",
                                                     "date_made", "lead"))

    def counts():
        return sorted(FacetCount.objects.filter(n__gt=0).values_list("facet", "value", "under", "under_value", "n"))

    kept, counted = rows(), counts()
    assert len({r[0] for r in kept}) == Claim.objects.published().count()
    assert sum(r[-1] for r in kept) == Claim.objects.published().count()  # one lead row per claim
    assert not FacetCount.objects.filter(n__lt=0).exists()
    facet_table.refill()
    assert rows() == kept and counts() == counted
    claim = Claim.objects.published().first()
    claim.status = Claim.Status.MIXED if claim.status != Claim.Status.MIXED else Claim.Status.OPEN
    claim.save()  # the triggers are on again after a refill
    assert counts() != counted


def test_a_page_with_one_filter_reads_every_count_from_the_pre_aggregated_table(client, world):
    client.get("/claims/")
    with CaptureQueriesContext(connection) as captured:
        facets, total = page_counts(client, {"kind": "prediction"})
    assert (facets, total) == expected_counts({"kind": "prediction"})
    sql = [q["sql"] for q in captured.captured_queries]
    assert len([q for q in sql if "claims_facetcount" in q]) == 1
    assert not [q for q in sql if "claims_claimfacet" in q]


@pytest.mark.parametrize("filters", [{"topic": "t1", "kind": "prediction"}, {"status": "open", "year": "2020"},
                                     {"kind": "assessment", "year": "unknown"}], ids=lambda f: "&".join(f))
def test_a_page_with_two_filters_but_a_person_reads_every_count_from_the_pre_aggregated_table(client, world, filters):
    """Counts under two filters of topic, status, kind and year are pre-aggregated too (migration
    0022_facet_pair_counts): such a page counts no facet rows, whatever the number of claims."""
    client.get("/claims/")
    with CaptureQueriesContext(connection) as captured:
        facets, total = page_counts(client, filters)
    assert (facets, total) == expected_counts(filters)
    sql = [q["sql"] for q in captured.captured_queries]
    assert len([q for q in sql if "claims_facetcount" in q]) == 1
    assert not [q for q in sql if "claims_claimfacet" in q]


def test_three_filters_count_two_facets_over_the_rows_and_read_the_rest_pre_aggregated(client, world):
    """Three filters: the three filtered facets are each under a pair (pre-aggregated, one query);
    person and kind are under all three, a grouped count of the facet rows each."""
    client.get("/claims/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/claims/?topic=t1&status=open&year=2020")
    facet_queries = [q for q in captured.captured_queries if "claims_claimfacet" in q["sql"]]
    assert len(facet_queries) == 2
    assert len([q for q in captured.captured_queries if "claims_facetcount" in q["sql"]]) == 1
    assert not [q["sql"] for q in captured.captured_queries if "COUNT(*) AS" in q["sql"] and "GROUP BY" not in q["sql"]]
    assert not [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"] and q not in facet_queries]


def test_counts_under_a_search_are_exact_alone_and_with_facet_filters(client, world):
    """Under q every facet is counted from the matched claims' rows read once: the same
    numbers as counting each facet over the claims the search and the other filters match."""
    claims, _, _ = world
    for claim in claims[::3]:
        claim.title = f"Brownout ahead, claim {claim.pk}"
        claim.save()
    matched = {c.pk for c in claims[::3]}

    def expected(filters):
        rows = [(_values(c), c.pk in matched) for c in
                Claim.objects.published().select_related("person").prefetch_related("topics")]
        counts = {}
        for name in ("topic", "person", "status", "kind", "year"):
            counter = Counter()
            for row, hit in rows:
                if hit and all(value in row[k] if k == "topic" else row[k] == value
                               for k, value in filters.items() if k != name):
                    counter.update(row[name] if name == "topic" else [row[name]])
            counts[name] = dict(counter)
        total = sum(1 for row, hit in rows if hit and all(value in row[k] if k == "topic" else row[k] == value
                                                          for k, value in filters.items()))
        return counts, total

    for filters in ({}, {"topic": "t0"}, {"kind": "prediction"}, {"topic": "t1", "person": "p1"},
                    {"person": "none", "year": "unknown"}, {"status": "open", "topic": "t2", "kind": "assessment"}):
        assert page_counts(client, {"q": "brownout", **filters}) == expected(filters), filters


def test_a_flush_leaves_no_facet_rows_or_counts_behind(world):
    """A flush deletes the tables in whatever order Django's set of table names gives, under the
    triggers; post_migrate, which follows every flush, refills the facet tables from the claims."""
    from django.core.management import call_command

    assert ClaimFacet.objects.exists() and FacetCount.objects.filter(n__gt=0).exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not ClaimFacet.objects.exists() and not FacetCount.objects.exists()
