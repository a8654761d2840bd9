"""The claim page as a citable record: canonical link, Open Graph and citation_* tags,
BibTeX (page and .bib download), JSON-LD that only reviews what has a rating, copy
buttons as progressive enhancement, and an Edit link for editors only."""

import datetime as dt
import json
import re

import pytest

from claims.citation import bibtex, structured_data
from claims.models import Claim
from tests.editorial_fixtures import client_for

from . import factories

SITE = "https://claimwatch.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.CLAIMWATCH_SITE_URL = SITE


def _jsonld(html):
    raw = re.search(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S).group(1)
    return json.loads(raw)


def test_open_claim_is_described_as_a_claim_not_a_review(client, seeded):
    html = client.get("/claims/lecun-llms-are-a-dead-end/").content.decode()
    data = _jsonld(html)
    assert data["@type"] == "Claim"
    assert "reviewRating" not in data and "claimReviewed" not in data
    assert data["author"] == {"@type": "Person", "name": "Yann LeCun"}
    # The seed gives LeCun's claim no date: no datePublished at all rather than an empty one.
    assert "datePublished" not in data
    assert data["url"] == f"{SITE}/claims/lecun-llms-are-a-dead-end/"


def test_rated_claim_is_a_claimreview_with_its_rating(client, seeded):
    data = _jsonld(client.get("/claims/huszar-2016-learn-generative-modelling/").content.decode())
    assert data["@type"] == "ClaimReview"
    assert data["reviewRating"]["ratingValue"] == 5 and data["reviewRating"]["alternateName"] == "resolved true"
    assert data["itemReviewed"]["@type"] == "Claim" and data["itemReviewed"]["datePublished"] == "2016"
    assert data["datePublished"] and data["dateModified"]


def test_essay_claim_author_falls_back_to_the_sources_publisher(db):
    src = factories.source(title="Deep Learning's Next Phase", publisher="The Gradient")
    claim = factories.claim(source=src, date_made=None, date_precision="unknown")
    data = structured_data(claim, f"{SITE}/claims/{claim.slug}/")
    assert data["author"] == {"@type": "Organization", "name": "The Gradient"}
    assert "datePublished" not in data
    text = bibtex(claim, f"{SITE}/claims/{claim.slug}/", dt.date(2026, 12, 2))
    assert "  author = {{The Gradient}}," in text


def test_claim_with_no_author_anywhere_names_none(db):
    claim = factories.claim(source=factories.source(), date_made=None, date_precision="unknown")
    text = bibtex(claim, "u", dt.date(2026, 12, 2))
    assert "author" not in text and "n.d." not in text and "year" not in text
    assert "author" not in structured_data(claim, "u")


def test_bibtex_has_a_url_field_and_the_date_at_its_real_precision(db):
    person = factories.person(name="Gary Marcus")
    claim = factories.claim(person=person, title="Deep learning is hitting a wall", date_made=dt.date(2022, 3, 1),
                            date_precision="month", source=factories.source(title="Nautilus essay", publisher="Nautilus"))
    text = bibtex(claim, f"{SITE}/claims/{claim.slug}/", dt.date(2026, 12, 2))
    assert text.startswith(f"@misc{{claimwatch:{claim.slug},\n")
    assert "  author = {Gary Marcus},\n" in text
    assert "  year = {2022},\n  month = {mar},\n" in text
    assert f"  url = {{{SITE}/claims/{claim.slug}/}},\n" in text
    assert "  urldate = {2026-12-02},\n" in text
    assert "  note = {Quoted from: Nautilus essay, Nautilus}\n}" in text


def test_bib_download_is_a_file_for_reference_managers(client, seeded):
    response = client.get("/claims/huszar-2016-learn-generative-modelling.bib")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="huszar-2016-learn-generative-modelling.bib"'
    body = response.content.decode()
    assert "  author = {Ferenc Huszár}," in body and "  year = {2016}," in body
    assert f"  url = {{{SITE}/claims/huszar-2016-learn-generative-modelling/}}," in body
    assert client.get("/claims/no-such-claim.bib").status_code == 404


def test_claim_page_head_has_canonical_open_graph_and_citation_tags(client, seeded):
    html = client.get("/claims/huszar-2016-learn-generative-modelling/", HTTP_HOST="localhost").content.decode()
    url = f"{SITE}/claims/huszar-2016-learn-generative-modelling/"
    # The configured site URL, not the Host header the request happened to carry.
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert re.search(r'<meta property="og:title" content="[^"]+">', html)
    assert '<meta name="citation_author" content="Ferenc Huszár">' in html
    assert '<meta name="citation_publication_date" content="2016">' in html
    assert f'<meta name="citation_public_url" content="{url}">' in html
    assert "localhost" not in html.split("</head>")[0]


def test_undated_claim_has_no_publication_date_tag(client, seeded):
    html = client.get("/claims/lecun-llms-are-a-dead-end/").content.decode()
    assert "citation_publication_date" not in html and "citation_title" in html


def test_copy_buttons_are_hidden_until_the_script_runs(client, seeded):
    html = client.get("/claims/lecun-llms-are-a-dead-end/").content.decode()
    buttons = re.findall(r'<button type="button" class="copy-button"[^>]*>', html)
    assert len(buttons) == 2 and all(" hidden" in b for b in buttons)
    assert re.search(r'<script src="/static/js/copy\.js" nonce="[^"]+" defer></script>', html)
    assert 'href="/claims/lecun-llms-are-a-dead-end.bib" download' in html


def test_edit_link_is_shown_to_editors_only(client, seeded, editor, reader):
    url = "/claims/lecun-llms-are-a-dead-end/"
    edit = 'href="/curate/claims/lecun-llms-are-a-dead-end/edit/"'
    assert edit in client_for(editor).get(url).content.decode()
    assert edit not in client_for(reader).get(url).content.decode()
    assert edit not in client.get(url).content.decode()
    assert Claim.objects.filter(slug="lecun-llms-are-a-dead-end").exists()
