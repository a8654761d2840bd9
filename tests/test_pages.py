"""Reader pages: content, access and pinned query counts (the same with 10 or 200 claims)."""

import pytest
from django.urls import reverse

from claims.models import Claim

from . import factories

# Queries per page, whatever the data size. A change here must be deliberate.
# Cold cache (the worst case); the first generation read costs its row, later ones the cache;
# a chart costs (on a miss) its series. Stored payloads (claims/payload_store.py: a chart's shared
# part, status and topic counts) cost two more on a miss: reading their row, then storing it.
QUERIES = {
    # generations (claims, data: cold, so each reads its row), status counts, newest evidence, topics,
    # model count, last run, featured charts, compute chart (measures on it, points, runs), GPQA chart
    # (its id, measures on it, benchmark, points, runs), verdicts, latest claims (+topics)
    "home": 31,  # + stored: status counts, topics, two charts, their two marker lists
    # claims version, the 5 facets' counts (cold cache: one read of the pre-aggregated counts; the page
    # count is their sum), the shown topics' and people's names, claims, their topics
    "claim_list": 6,
    # claim, topics, evidence, measures (the primary one is charted), its chart (claims generation,
    # the benchmark's id, claims on the series, version, benchmark, points, runs), verdicts, related
    # (the newest of each of its two topics, cached per claims generation, then those claims), the
    # quote's attributions
    "claim": 20,  # + stored: the chart, the claims it marks
    # claims generation, people with claims (count, a page of them), resolved claims by topic and overall
    "person_list": 5,
    "person": 5,  # person, track record (overall, by topic: counted), a page of claims, their topics
    "topic_list": 4,  # claims generation, topics with claim counts (stored)
    # topic, claims generation, topic counts (the pre-aggregated facet counts), the page's ids, page
    # of claims (+topics), every topic's series (grouped), the claims each chart marks (2), version,
    # GPQA chart (benchmark, points, runs), compute chart (points, runs)
    "topic": 29,  # + stored: topic counts, first pages' ids, series by topic, two marker lists, two charts
    # form choices (topics; claims generation, top people), claims (their topics only for lanes by
    # topic), compute records (data generation, points, runs), four timeline benchmarks (benchmark,
    # and for GPQA, the only one here: points, runs)
    "timeline": 25,  # + stored: five charts (three are of series not ingested here), the data lanes
    # featured charts (config, version), compute chart (claims generation, claims measured on it,
    # points, runs), benchmark summaries, series summaries
    "data": 12,  # + stored: the chart, the claims it marks
    # benchmark, chart (claims generation, the benchmark's id and the claims it marks, version,
    # benchmark, points, runs), the claims measured on it (count, page)
    "benchmark": 16,  # + stored: the chart, the claims it marks, the measured claims' ids
    "models": 2,  # count, page of models with their runs
}


@pytest.fixture(params=[10, 200], ids=["10-claims", "200-claims"])
def corpus(request, db):
    claims, people, topics = factories.many_claims(request.param)
    factories.ingested(request.param * 4)
    _measured(claims)
    return {"claims": claims, "people": people, "topics": topics}


def _measured(claims):
    """Every claim measured: odd ones against training compute, even ones against GPQA."""
    from ingest.models import Benchmark
    from measures.models import Measure

    gpqa = Benchmark.objects.get(slug="gpqa-diamond")
    Measure.objects.bulk_create(
        Measure(claim=c, kind="frontier_at", description="m", is_primary=True,
                **({"attribute": "training_compute_flop"} if i % 2 else {"benchmark": gpqa}))
        for i, c in enumerate(claims)
    )


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


def test_home_status_counts_are_one_compact_row_of_the_statuses_claims_have(client, seeded):
    import re

    html = client.get("/").content.decode()
    strip = html[html.index('<ul class="status-strip">'):]
    strip = strip[:strip.index("</ul>")]
    cells = re.findall(r'<span class="stat-n">(\d+)</span> <span class="stat-label">([^<]+)</span>', strip)
    counts = {label: int(n) for n, label in cells}
    assert counts["all claims"] == Claim.objects.published().count() == sum(
        n for label, n in counts.items() if label != "all claims")
    assert counts["resolved false"] == 4 and counts["resolved partly true"] == 1
    assert "unresolvable" not in counts and "mixed evidence" not in counts  # no claim has them: no "0" boxes
    assert "headline_deltas" not in html  # the deltas' place renders nothing until measures fill it


def test_home_newest_evidence_skips_empty_rows_and_falls_back_to_data(client, transactional_db):
    # Real commits: the newest evidence is cached per claims generation, which advances on commit.
    from ingest.models import AIModel

    factories.ingested(3)
    claim = factories.claim(title="Scaling keeps working")
    claim.evidence.create(state="accepted", stance="supports", summary="")  # nothing to show
    html = client.get("/").content.decode()
    section = html[html.index('<h2 id="evidence-h">'):html.index("</section>", html.index('<h2 id="evidence-h">'))]
    assert "Editors have not accepted evidence yet" in section
    newest = AIModel.objects.order_by("-publication_date").first()
    assert newest.name in section and "Scaling keeps working" not in section

    claim.evidence.create(state="accepted", stance="contradicts", summary="A benchmark plateau in 2024.")
    html = client.get("/").content.decode()
    section = html[html.index('<h2 id="evidence-h">'):html.index("</section>", html.index('<h2 id="evidence-h">'))]
    assert "Scaling keeps working" in section and "A benchmark plateau in 2024." in section
    assert section.count("<li>") == 1 and "Editors have not accepted" not in section


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
    # The new title and the filtered feed links (out of band) come first, then the results.
    assert html.lstrip().startswith("<title>Claims: Scaling walls · Claimwatch</title>")
    assert ('<link id="feed-atom" rel="alternate" type="application/atom+xml" title="Claimwatch: claims matching '
            'this view" href="/feeds/browse.atom?topic=scaling-walls" hx-swap-oob="true">') in html
    assert 'href="/feeds/browse.rss?topic=scaling-walls" hx-swap-oob="true">' in html
    assert '<div id="browse"' in html
    assert "<html" not in html and "Deep learning is hitting a wall" in html
    assert "HX-Request" in response["Vary"]


def test_full_browse_page_titles_the_filtered_view_without_out_of_band_markup(client, seeded):
    html = client.get("/claims/?person=gary-marcus&status=supported").content.decode()
    assert "<title>Claims: Gary Marcus, supported so far · Claimwatch</title>" in html
    assert 'href="/feeds/browse.atom?person=gary-marcus&amp;status=supported">' in html
    assert "hx-swap-oob" not in html and html.count("<title>") == 1


def test_no_person_facet_lists_the_essays_own_claims(client, seeded):
    from claims.models import Claim

    html = client.get("/claims/").content.decode()
    unnamed = Claim.objects.published().filter(person__isnull=True).count()
    assert unnamed == 43  # the essays' own claims in the completed seed (86 claims)
    assert (f'<a class="chip" href="?person=none" hx-get="?person=none">no person: the essays&#x27; own claims '
            f'<span class="count">{unnamed}</span></a>') in html
    filtered = client.get("/claims/?person=none").content.decode()
    assert f"{unnamed} claims" in filtered and "Deep learning is hitting a wall" not in filtered
    assert "<title>Claims: no person: the essays&#x27; own claims · Claimwatch</title>" in filtered
    feed = client.get("/feeds/browse.atom?person=none").content.decode()
    assert "<entry>" in feed and "Deep learning is hitting a wall" not in feed


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
    # One verdict: who decided and on what is said once, with no history repeating it.
    assert "Decided by Claimwatch editors on" in html and "Verdict history" not in html
    assert "as of date unknown" not in html
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


def _cells(html, row_label):
    """The numbers in the table row headed `row_label`."""
    import re

    row = re.search(rf"<th scope=\"row\">{re.escape(row_label)}</th>(.*?)</tr>", html, re.S).group(1)
    return re.findall(r"<td>([^<]*)</td>", row)


def test_marcus_track_record_counts_his_supported_claim(client, seeded):
    html = client.get("/people/gary-marcus/").content.decode()
    head = html[html.index('<h2 id="record-h">'):html.index('<h2 id="resolved-h">')]
    assert "<th scope=\"col\">open</th><th scope=\"col\">supported so far</th>" in head
    assert _cells(head, "All claims (2)") == ["1", "1"]
    assert "None of these claims has been resolved yet." in html


def test_huszar_resolved_claims_summary_shows_n_and_outcomes(client, seeded):
    html = client.get("/people/ferenc-huszar/").content.decode()
    summary = html[html.index('<h2 id="resolved-h">'):html.index('<h2 id="claims-h">')]
    # Resolved: 2 true, 1 partly, 4 false, 0 unresolvable; borne out (2 + 0.5) / 7.
    assert _cells(summary, "All topics") == ["7", "2", "1", "4", "0", "36%"]


def test_people_list_summarises_resolved_claims_by_topic(client, seeded):
    html = client.get("/people/").content.decode()
    assert "How resolved claims came out, by topic" in html
    assert _cells(html, "All topics") == ["7", "2", "1", "4", "0", "36%"]


def test_html_is_sent_gzip_compressed_to_browsers_that_accept_it(client, seeded):
    import gzip

    plain = client.get("/claims/")
    packed = client.get("/claims/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    body = gzip.decompress(packed.content)
    assert body.rstrip().endswith(b"</html>") and b"<title>Claims" in body
    assert len(packed.content) * 4 < len(body)  # HTML compresses at least 4x


def test_the_verdict_says_who_decided_when_and_on_what_evidence(client, db, django_user_model):
    from claims.models import Verdict

    editor = django_user_model.objects.create_user("edna", first_name="Edna", last_name="Mode")
    c = factories.claim(status="resolved_false", verdict_rationale="The wall never came.")
    c.evidence.create(source=factories.source(title="Against 1"), stance="contradicts", state="accepted")
    c.evidence.create(source=factories.source(title="Against 2"), stance="contradicts", state="accepted")
    c.evidence.create(source=factories.source(title="Context"), stance="context", state="accepted")
    Verdict.objects.create(claim=c, status="open", rationale="Too early to say.")
    Verdict.objects.create(claim=c, status="resolved_false", rationale="The wall never came.", recorded_by=editor)
    html = client.get(c.get_absolute_url()).content.decode()
    verdict = html.split('id="verdict-h"')[1].split("</section>")[0]
    assert "The wall never came." in verdict
    assert "Decided by Edna Mode on " in verdict
    assert "with 3 pieces of evidence below: 2 against it, 1 giving context." in verdict
    # Two verdicts: the history lists both, the current rationale once (it is above).
    history = html.split('id="history-h"')[1].split("</section>")[0]
    assert "Too early to say." in history and "The wall never came." not in history
    assert "by Claimwatch editors" in history and "by Edna Mode" in history


def test_a_verdict_without_evidence_says_what_it_rests_on(client, db):
    from claims.models import Verdict

    c = factories.claim(status="supported", verdict_rationale="The essay reports it.")
    Verdict.objects.create(claim=c, status="supported", rationale="The essay reports it.")
    html = client.get(c.get_absolute_url()).content.decode()
    assert "Decided by Claimwatch editors on" in html
    assert "no evidence is attached yet, so it rests on the sources quoted." in html
