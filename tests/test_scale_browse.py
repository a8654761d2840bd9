"""Browse and timeline pages whose cost does not grow with the data: cached counts, bounded facets."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from claims.browse import FACET_TOP
from claims.forms import SORTS
from claims.models import Claim
from claims.pagination import DEFERRED_FROM
from claims.people_choices import TOP

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: generations publish on commit


@pytest.fixture
def crowd():
    """FACET_TOP + 10 people: person i has i + 1 claims, so the top values are known."""
    topics = [factories.topic() for _ in range(3)]
    people = []
    for i in range(FACET_TOP + 10):
        person = factories.person(name=f"Expert {i:02d}")
        for j in range(i % 4 + 1 if i < FACET_TOP + 5 else 1):
            factories.claim(person=person, topics=[topics[(i + j) % 3]])
        people.append(person)
    return people, topics


def _person_facet(response):
    return next(f for f in response.context["facets"] if f["name"] == "person")


def _sql(captured):
    return [q["sql"] for q in captured.captured_queries]


def test_a_repeated_browse_runs_no_count_and_no_facet_query(client, crowd):
    client.get("/claims/?kind=assessment")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/claims/?kind=assessment&page=2")
    total = Claim.objects.published().filter(kind="assessment").count()
    assert response.context["page"].paginator.count == total > 25
    assert not [sql for sql in _sql(captured) if "COUNT(" in sql.upper()]
    assert len(captured) == 2  # the page of claims and their topics; counts and facets come from the cache


def test_the_cached_count_follows_an_edit(client, crowd):
    people, _ = crowd
    url = f"/claims/?person={people[3].slug}"
    before = client.get(url).context["page"].paginator.count
    factories.claim(person=people[3])
    after = client.get(url)
    assert after.context["page"].paginator.count == before + 1
    assert f"{before + 1} claims" in after.content.decode()


def test_the_person_facet_shows_the_top_values_and_links_to_the_rest(client, crowd):
    people, _ = crowd
    response = client.get("/claims/")
    facet = _person_facet(response)
    counts = dict(Claim.objects.published().values_list("person__slug").annotate(n=Count("id")))
    shown = [(o["value"], o["n"]) for o in facet["options"]]
    assert len(shown) == FACET_TOP
    assert all(n == counts[slug] for slug, n in shown)
    assert [n for _, n in shown] == sorted((n for n in counts.values()), reverse=True)[:FACET_TOP]
    assert facet["more_href"] == "?expand=person"
    assert 'href="?expand=person"' in response.content.decode()

    expanded = _person_facet(client.get("/claims/?expand=person"))
    assert {o["value"] for o in expanded["options"]} == {p.slug for p in people}
    assert expanded["more_href"] == ""
    # Choosing a value folds the facet back: no expand in the option links.
    assert all("expand" not in o["href"] for o in expanded["options"])


def test_a_selected_person_outside_the_top_values_is_still_shown(client, crowd):
    people, _ = crowd
    rare = people[-1]  # one claim: far outside the top
    facet = _person_facet(client.get(f"/claims/?person={rare.slug}"))
    assert len(facet["options"]) == FACET_TOP + 1
    assert [o["n"] for o in facet["options"] if o["selected"]] == [1]


def test_facet_counts_are_exact_under_a_topic_filter(client, crowd):
    _, topics = crowd
    response = client.get(f"/claims/?topic={topics[0].slug}&expand=person")
    facet = _person_facet(response)
    expected = dict(Claim.objects.published().filter(topics=topics[0]).values_list("person__slug")
                    .annotate(n=Count("id", distinct=True)))
    assert {o["value"]: o["n"] for o in facet["options"]} == expected


def test_an_unknown_expand_value_is_a_400(client, crowd):
    response = client.get("/claims/?expand=everything")
    assert response.status_code == 400
    assert b"expand must be one of topic, person" in response.content


def test_the_timeline_person_select_is_bounded_and_keeps_the_selected_person(client):
    people = []
    for i in range(TOP + 15):
        person = factories.person(name=f"Speaker {i:03d}")
        for _ in range(3 if i < TOP else 1):
            factories.claim(person=person)
        people.append(person)
    html = client.get("/timeline/?show=claims").content.decode()
    select = re.search(r'<select name="person".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"', select)
    assert len(options) == TOP + 1  # "All people" and the TOP most prolific
    assert set(options[1:]) == {p.slug for p in people[:TOP]}

    rare = people[-1]
    html = client.get(f"/timeline/?person={rare.slug}").content.decode()
    select = re.search(r'<select name="person".*?</select>', html, re.S).group(0)
    assert f'<option value="{rare.slug}" selected>' in select
    assert "Speaker 064" in html  # the rare person's claim is on the timeline


@pytest.mark.parametrize("sort", ["", "oldest", "updated", "evidence"])
def test_a_deep_page_holds_the_same_claims_as_an_offset_would(client, sort):
    """Keyset pages: every deep page, reached by number or by the next link's cursor, holds what
    OFFSET would, with undated claims last and ties on date and title broken the same way."""
    people = [factories.person() for _ in range(3)]
    for i in range(DEFERRED_FROM + 60):
        tie = i % 10 == 0  # same date and title as each other: only the pk orders them
        factories.claim(person=people[i % 3], evidence_count=i % 7, title="Same title" if tie else f"Claim {i:03d}",
                        date_made=None if i % 13 == 0 else dt.date(2020, 1, 1) if tie else dt.date(2021, 1, 1)
                        + dt.timedelta(days=i // 2))
    order = SORTS[sort or "date"][1]
    expected = list(Claim.objects.published().order_by(*order).values_list("slug", flat=True))
    first_deep = DEFERRED_FROM // 25 + 1
    last = (len(expected) + 24) // 25
    response = None
    for number in range(first_deep, last + 1):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/claims/?sort={sort}&page={number}")
        shown = [c.slug for c in response.context["page"].object_list]
        assert shown == expected[(number - 1) * 25:number * 25], number
        if number > first_deep:  # the chunk's boundaries are cached: a seek, no OFFSET
            assert not [sql for sql in _sql(captured) if "OFFSET" in sql]
    walk = client.get(f"/claims/?sort={sort}&page={first_deep - 1}")
    for number in range(first_deep, last + 1):
        cursor = walk.context["page"].next_cursor
        assert cursor
        walk = client.get(f"/claims/?sort={sort}&page={number}&after={cursor}")
        assert [c.slug for c in walk.context["page"].object_list] == expected[(number - 1) * 25:number * 25], number
    assert walk.context["page"].next_cursor == ""  # the last page


def test_a_tampered_or_foreign_cursor_is_a_400(client):
    for _ in range(30):
        factories.claim()
    cursor = client.get("/claims/").context["page"].next_cursor
    assert client.get(f"/claims/?page=2&after={cursor}").status_code == 200
    assert client.get(f"/claims/?page=2&after={cursor[:-2]}xx").status_code == 400
    assert client.get(f"/claims/?page=2&sort=updated&after={cursor}").status_code == 400  # another sort's key
    assert client.get("/claims/?page=2&after=" + "x" * 501).status_code == 400


def test_a_deep_page_permalink_follows_a_new_claim_on_the_next_request(client):
    for _ in range(DEFERRED_FROM + 30):
        factories.claim()
    number = DEFERRED_FROM // 25 + 1
    before = [c.pk for c in client.get(f"/claims/?page={number}").context["page"].object_list]
    factories.claim(date_made=None)  # undated: last, so every page keeps its claims
    newest = factories.claim(date_made=dt.date(2100, 1, 1))  # first: every page shifts by one
    after = [c.pk for c in client.get(f"/claims/?page={number}").context["page"].object_list]
    expected = list(Claim.objects.published().order_by(*SORTS["date"][1])
                    .values_list("pk", flat=True))[(number - 1) * 25:number * 25]
    assert after == expected and after[1:] == before[:-1] and newest.pk not in after


def test_the_pager_links_carry_the_cursor_forward_and_the_page_back(client):
    for _ in range(60):
        factories.claim()
    html = client.get("/claims/?page=2").content.decode()
    assert re.search(r'href="\?page=3&amp;after=[^"]+" hx-get="[^"]+" rel="next"', html)
    assert 'href="?page=1" hx-get="?page=1" rel="prev"' in html
