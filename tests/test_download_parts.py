"""Browse downloads in parts: a file per PART_SIZE claims, Link headers to the others, and a
cursor that neither misses nor repeats a claim edited between two parts."""

import csv
import datetime as dt
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from claims import download_parts, pagination
from claims.forms import BrowseForm
from claims.models import Claim

from . import factories

SIZE = 7  # 30 claims: four parts of 7 and one of 2


@pytest.fixture
def claims(db, monkeypatch):
    monkeypatch.setattr(download_parts, "PART_SIZE", SIZE)
    made, _, _ = factories.many_claims(30, evidence_per_claim=0)
    for i, claim in enumerate(made):
        # Ties on the date (the title and then the pk decide), and undated claims (last).
        claim.date_made = None if i % 9 == 0 else dt.date(2020 + i % 3, 1, 1)
        claim.title = f"Claim {i % 4}"
        claim.kind = ("prediction", "assessment")[i % 2]
        claim.save()
    return made


def body(response):
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def slugs(response):
    if response["Content-Type"].startswith("application/json"):
        return [c["slug"] for c in json.loads(body(response))["data"]]
    return [row["slug"] for row in csv.DictReader(io.StringIO(body(response), newline=""))]


def links(response) -> dict:
    """rel -> the linked URL's path and query string, from the Link header."""
    found = {}
    for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response["Link"]):
        parts = urlsplit(url)
        assert parts.netloc == "testserver"
        found[rel] = parts.path + (f"?{parts.query}" if parts.query else "")
    return found


def follow(client, url):
    """Every part from ``url`` on, by the next links: (slugs per part, responses)."""
    parts, responses = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        parts.append(slugs(response))
        responses.append(response)
        url = links(response).get("next")
    return parts, responses


def browse_order(query: dict) -> list:
    form = BrowseForm(query)
    assert form.is_valid()
    return list(form.sorted(form.filter(Claim.objects.for_list())).values_list("slug", flat=True))


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("query", [{}, {"kind": "prediction"}, {"sort": "evidence"}, {"sort": "updated"}, {"sort": "oldest", "kind": "assessment"}])
def test_the_next_links_give_every_match_once_in_the_browse_order(client, claims, fmt, query):
    expected = browse_order(query)
    parts, responses = follow(client, reverse(f"reader:claims_{fmt}") + "?" + "&".join(f"{k}={v}" for k, v in query.items()))
    assert [slug for part in parts for slug in part] == expected
    assert all(len(part) == SIZE for part in parts[:-1]) and 0 < len(parts[-1]) <= SIZE
    total = len(parts)
    assert total == -(-len(expected) // SIZE) > 1
    for number, response in enumerate(responses, 1):
        assert response["X-Total-Count"] == str(len(expected))
        name = re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)
        assert name.startswith(f"claimwatch-claims-part-{number}-of-{total}-") and name.endswith(f".{fmt}")
        rels = links(response)
        assert ("next" in rels) == (number < total) and ("prev" in rels) == (number > 1)
        assert parse_qs(urlsplit(rels["last"]).query).get("part") == [str(total)]
        if "next" in rels:  # the next part by a cursor, with its number for its name
            assert parse_qs(urlsplit(rels["next"]).query)["part"] == [str(number + 1)]
            assert "after" in parse_qs(urlsplit(rels["next"]).query)


@pytest.mark.parametrize("deferred_from", [pagination.DEFERRED_FROM, 0], ids=["offset", "boundary"])
def test_a_part_by_number_is_the_part_the_links_reach(client, claims, monkeypatch, deferred_from):
    # From DEFERRED_FROM on, a part's first key comes from the boundary table, not an OFFSET.
    monkeypatch.setattr(pagination, "DEFERRED_FROM", deferred_from)
    parts, _ = follow(client, reverse("reader:claims_csv"))
    for number, part in enumerate(parts, 1):
        response = client.get(reverse("reader:claims_csv"), {"part": number})
        assert slugs(response) == part
        rels = links(response)
        if number > 1:
            assert slugs(client.get(rels["prev"])) == parts[number - 2]
        assert slugs(client.get(rels["first"])) == parts[0]
        assert slugs(client.get(rels["last"])) == parts[-1]


def test_a_cursor_neither_misses_nor_repeats_a_claim_edited_between_two_parts(client, claims):
    first = client.get(reverse("reader:claims_csv"))
    seen = slugs(first)
    rest = browse_order({})[SIZE:]
    # Meanwhile an editor adds a claim that sorts first and unpublishes one of the first part: by
    # part number the rest would shift by one; the cursor carries on after the last claim read.
    factories.claim(slug="newest", title="Newest", date_made=dt.date(2026, 1, 1))
    Claim.objects.filter(slug=seen[0]).update(editorial_state="draft")
    later, _ = follow(client, links(first)["next"])
    assert [slug for part in later for slug in part] == rest
    assert slugs(client.get(reverse("reader:claims_csv")))[0] == "newest"


def test_parts_under_q_follow_the_browse_pages_ranked_order(client, claims):
    for claim in claims[:20]:
        claim.statement = f"Scaling hits a wall, {'again ' * (claim.pk % 5)}"
        claim.save()
    on_page = [c.slug for c in client.get("/claims/", {"q": "wall"}).context["page"]]
    assert len(on_page) == 20
    parts, _ = follow(client, reverse("reader:claims_json") + "?q=wall")
    assert [slug for part in parts for slug in part] == on_page
    meta = json.loads(body(client.get(reverse("reader:claims_json"), {"q": "wall", "part": 2})))["meta"]
    assert meta["part"] == {"number": 2, "of": 3, "claims": SIZE, "size": SIZE, "matching": 20,
                            "next": "http://testserver/claims.json?q=wall&part=3",
                            "previous": "http://testserver/claims.json?q=wall"}
    assert meta["query"] == {"q": "wall", "part": 2}


def test_the_json_meta_names_the_part_and_the_next_by_its_cursor(client, claims):
    response = client.get(reverse("reader:claims_json"), {"kind": "prediction"})
    meta = json.loads(body(response))["meta"]
    assert meta["part"]["number"] == 1 and meta["part"]["of"] == 3 and meta["part"]["matching"] == 15
    assert meta["part"]["claims"] == SIZE and meta["part"]["previous"] is None
    assert meta["part"]["next"] == "http://testserver" + links(response)["next"]
    last = json.loads(body(client.get(reverse("reader:claims_json"), {"kind": "prediction", "part": 3})))["meta"]
    assert last["part"]["claims"] == 1 and last["part"]["next"] is None


@pytest.mark.parametrize("name", ["claims_csv", "claims_json"])
def test_past_the_last_part_is_a_404_that_says_how_many_there_are(client, claims, name):
    response = client.get(reverse(f"reader:{name}"), {"part": 6})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "Not found: there is no part 6: these filters match 30 claims, in 5 parts of up to 7."
    assert client.get(reverse(f"reader:{name}"), {"part": 5}).status_code == 200


@pytest.mark.parametrize("query", ["part=0", "part=two", "after=forged", "part=2&after=forged"])
def test_a_bad_part_or_cursor_is_a_400(client, claims, query):
    response = client.get(reverse("reader:claims_csv") + "?" + query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert b"part" in response.content or b"cursor" in response.content


def test_a_cursor_of_another_sort_is_a_400(client, claims):
    cursor = parse_qs(urlsplit(links(client.get(reverse("reader:claims_csv")))["next"]).query)["after"][0]
    response = client.get(reverse("reader:claims_csv"), {"sort": "oldest", "after": cursor})
    assert response.status_code == 400
    assert b"another sort" in response.content


def test_the_browse_page_offers_the_parts_when_its_claims_need_more_than_one(client, claims):
    page = client.get("/claims/", {"kind": "prediction", "page": 2}).content.decode()
    # The links hold the filters, not the page: a download is of these claims, not this page.
    assert 'href="/claims.csv?kind=prediction"' in page
    assert 'class="downloads download-parts" action="/claims.csv"' in page
    assert '<input type="hidden" name="kind" value="prediction">' in page
    assert 'max="3"' in page and "these come in 3 parts: the links above give the first" in page
    few = client.get("/claims/", {"kind": "prediction", "year": "2021"}).content.decode()
    assert "download-parts" not in few and 'href="/claims.csv?kind=prediction&amp;year=2021"' in few


def test_a_deep_part_costs_a_fixed_number_of_queries(client, claims, monkeypatch, django_assert_num_queries):
    from django.db import connection

    monkeypatch.setattr(pagination, "DEFERRED_FROM", 0)
    body(client.get(reverse("reader:claims_csv"), {"part": 4}))  # the boundary table and the lines, once
    joined = connection.vendor == "postgresql"
    # The part's ids: a seek from its cached first key, one query per branch of the key it needs.
    # Part 4 starts on a tie of date and title, so it takes all four (same date and title, later
    # pk; same date, later title; earlier dates; no date). Then (the claims' slugs, their
    # measures,) the stored lines.
    with django_assert_num_queries(5 if joined else 7):
        assert len(slugs(client.get(reverse("reader:claims_csv"), {"part": 4}))) == SIZE
