"""Reader pages: content, access and pinned query counts (the same with 10 or 200 claims)."""

import pytest
from django.urls import reverse

from claims.models import Claim

from . import factories

# Queries per page, whatever the data size. A change here must be deliberate.
# Cold cache (the worst case); the first generation read costs its row, later ones the cache;
# a chart costs (on a miss) its series.
QUERIES = {
    # claims generation, status counts, dated claims for markers, latest claims (+topics), verdicts,
    # evidence, topics, data generation, model count, last run, compute chart (points, runs), GPQA
    # chart (benchmark, points, runs)
    "home": 16,
    "claim_list": 9,  # claims version, 5 facet counts (cold cache), page count, claims, their topics
    # claim, topics, evidence, chart (version, points, runs), verdicts, measurable tests, related (+topics)
    "claim": 10,
    "person_list": 2,  # claims generation, people with claim counts
    "person": 3,  # person, claims, their topics
    "topic_list": 2,  # claims generation, topics with claim counts
    "topic": 8,  # topic, claim count, page of claims (+topics), markers, chart (version, points, runs)
    # form choices (topics; claims generation, top people), claims (+topics), compute records
    # (version, points, runs), four timeline benchmarks (benchmark, and for GPQA, the only one
    # here: points, runs)
    "timeline": 14,
    "data": 5,  # claims for markers, compute chart (version, points, runs), benchmark summaries
    "benchmark": 6,  # benchmark, claims for markers, chart (version, benchmark, points, runs)
    "models": 2,  # count, page of models with their runs
}


@pytest.fixture(params=[10, 200], ids=["10-claims", "200-claims"])
def corpus(request, db):
    claims, people, topics = factories.many_claims(request.param)
    factories.ingested(request.param * 4)
    return {"claims": claims, "people": people, "topics": topics}


def _url(name, corpus):
    c, p, t = corpus["claims"][0], corpus["people"][0], corpus["topics"][0]
    return {
        "home": reverse("claims:home"),
        "claim_list": reverse("claims:claim_list"),
        "claim": reverse("claims:claim", args=[c.slug]),
        "person_list": reverse("claims:person_list"),
        "person": reverse("claims:person", args=[p.slug]),
        "topic_list": reverse("claims:topic_list"),
        "topic": reverse("claims:topic", args=[t.slug]),
        "timeline": reverse("claims:timeline"),
        "data": reverse("claims:data"),
        "benchmark": reverse("claims:benchmark", args=["gpqa-diamond"]),
        "models": reverse("claims:models"),
    }[name]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_page_uses_a_fixed_number_of_queries(client, corpus, name, django_assert_num_queries):
    url = _url(name, corpus)
    with django_assert_num_queries(QUERIES[name]):
        response = client.get(url)
    assert response.status_code == 200


def test_home_shows_status_counts_and_latest_claims(client, seeded):
    html = client.get("/").content.decode()
    assert "Expert claims about AI progress" in html
    assert "resolved false" in html
    assert "Claims by status" in html
    assert "Training compute of notable AI models" not in html  # no data ingested: no empty chart frame
    newest = factories.claim(title="A brand-new claim about agents")
    html = client.get("/").content.decode()
    assert newest.title in html.split("Latest claims")[1]


def test_claim_list_lists_published_claims_only(client, db):
    shown = factories.claim(title="A published claim about scaling")
    hidden = factories.claim(title="A draft nobody may see", editorial_state="draft")
    html = client.get("/claims/").content.decode()
    assert shown.title in html and hidden.title not in html
    assert "1 claim" in html


def test_claim_list_filters_by_topic(client, seeded):
    html = client.get("/claims/?topic=alphafold-and-science").content.decode()
    assert "AlphaFold" in html
    assert "Deep learning is hitting a wall" not in html
    assert 'href="?topic=alphafold-and-science" hx-get="?topic=alphafold-and-science" aria-current="true"' in html


def test_htmx_request_gets_only_the_results_fragment(client, seeded):
    response = client.get("/claims/?topic=scaling-walls", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="browse"')
    assert "<html" not in html and "Deep learning is hitting a wall" in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_full_page(client, seeded):
    response = client.get(
        "/claims/?topic=scaling-walls", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [("topic=no-such-topic", "no such topic"), ("status=sideways", "status"), ("page=0", "page"),
     ("kind=guess", "kind"), ("topic=%3Cscript%3E", "topic")],
)
def test_bad_browse_parameters_are_a_400_with_a_message(client, seeded, query, message):
    response = client.get(f"/claims/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_claim_page_shows_quote_source_verdict_and_history(client, seeded):
    claim = Claim.objects.get(slug="huszar-2016-probabilistic-programming-like-theano")
    html = client.get(claim.get_absolute_url()).content.decode()
    assert claim.quote.replace('"', "&quot;").replace("'", "&#x27;")[:60] in html
    assert "Ferenc Huszár" in html
    assert "resolved false" in html and "as of 2026" in html
    assert "Verdict history" in html
    assert claim.source.title[:40] in html


def test_claim_page_shows_accepted_evidence_but_not_suggestions(client, db):
    c = factories.claim()
    src = factories.source(title="Accepted paper")
    other = factories.source(title="Merely suggested item")
    c.evidence.create(source=src, stance="contradicts", state="accepted")
    c.evidence.create(source=other, stance="supports", state="suggested")
    html = client.get(c.get_absolute_url()).content.decode()
    assert "Accepted paper" in html and "contradicts" in html
    assert "Merely suggested item" not in html


@pytest.mark.parametrize("url", ["/claims/no-such-claim/", "/people/nobody/", "/topics/nothing/"])
def test_unknown_slugs_are_404(client, db, url):
    assert client.get(url).status_code == 404


def test_draft_claim_page_is_404(client, db):
    draft = factories.claim(editorial_state="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_person_page_shows_claims_and_track_record(client, seeded):
    html = client.get("/people/ferenc-huszar/").content.decode()
    assert "Ferenc Huszár" in html and "Track record" in html
    assert "low-hanging fruit" in html.lower()
    assert "resolved true" in html and "partly true" in html


def test_people_and_topics_lists_show_names_and_counts(client, seeded):
    people = client.get("/people/").content.decode()
    assert "Yann LeCun" in people and "Andrej Karpathy" in people
    topics = client.get("/topics/").content.decode()
    assert "Scaling walls" in topics


def test_topic_page_lists_its_claims(client, seeded):
    html = client.get("/topics/alphafold-and-science/").content.decode()
    assert "Aravind Srinivas" in html


def test_pages_send_a_strict_content_security_policy(client, seeded):
    response = client.get("/claims/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    html = response.content.decode()
    assert " onclick=" not in html and "<script>" not in html
