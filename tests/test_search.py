"""Search: what it finds and hides, ranking, grouping, bad input, query counts, both engines."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count
from django.urls import reverse

from claims.models import Claim, Evidence
from claims.search import _fallback_search, CLAIM_FIELDS, search_claims, terms, uses_postgres
from ingest.models import DataSource, FeedItem, IngestRun

from . import factories

URL = reverse("reader:search")


@pytest.fixture
def world(db):
    lecun = factories.person(name="Yann Zebrowski", slug="yann", bio="Pioneer of convolutional networks.")
    src = factories.source(title="Interview transcript")
    claim = factories.claim(
        slug="llm-dead-end",
        title="LLMs are an off-ramp",
        statement="Large language models will not reach human-level intelligence.",
        quote="On the highway towards human-level AI, an LLM is basically an off-ramp.",
        person=lecun,
        source=src,
    )
    factories.claim(title="A hidden draft about off-ramps", quote="off-ramp draft", editorial_state="draft")
    Evidence.objects.create(
        claim=claim, source=src, state="accepted", stance="contradicts", summary="Reasoning models improved sharply."
    )
    Evidence.objects.create(claim=claim, source=src, state="rejected", summary="Rejected gossip about quokkas.")
    data_source = DataSource.objects.create(slug="blog", name="A lab blog", kind="feed")
    run = IngestRun.objects.create(source=data_source, status="ok")
    FeedItem.objects.create(
        source=data_source,
        guid="1",
        title="Chain-of-thought reasoning at scale",
        link="https://example.org/cot",
        summary="<p>We study <strong>reasoning</strong> in frontier models.</p>",
        published=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        run=run,
    )
    return {"claim": claim, "person": lecun}


def get(client, q, **extra):
    return client.get(URL, {"q": q, **extra})


def test_search_page_without_q_shows_an_accessible_form_and_no_results(client, world):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="search"' in html
    assert '<label for="search-q">' in html and 'id="search-q"' in html and 'name="q"' in html
    assert "result" not in html.split("</form>")[1].split("</main>")[0]


def test_blank_q_is_the_empty_form_too(client, world):
    html = get(client, "   ").content.decode()
    assert "LLMs are an off-ramp" not in html


def test_finds_a_claim_by_words_of_its_quote(client, world):
    html = get(client, "highway").content.decode()
    assert 'href="/claims/llm-dead-end/"' in html
    assert "On the <mark>highway</mark> towards human-level AI" in html


def test_finds_a_claim_by_the_persons_name(client, world):
    html = get(client, "Zebrowski").content.decode()
    assert 'href="/claims/llm-dead-end/"' in html
    assert 'href="/people/yann/"' in html


def test_never_shows_unpublished_claims(client, world):
    html = get(client, "draft").content.decode()
    assert "A hidden draft" not in html
    assert "0 results" in html


def test_finds_people_by_bio(client, world):
    html = get(client, "convolutional").content.decode()
    assert 'id="results-people"' in html and "Yann Zebrowski" in html


def test_finds_accepted_evidence_only(client, world):
    html = get(client, "reasoning models").content.decode()
    assert 'id="results-evidence"' in html and "<mark>Reasoning</mark> <mark>models</mark> improved sharply." in html
    assert 'href="/claims/llm-dead-end/#evidence-h"' in html
    assert "0 results" in get(client, "quokkas").content.decode()


def test_evidence_of_unpublished_claims_stays_hidden(client, world):
    draft = Claim.objects.get(editorial_state="draft")
    Evidence.objects.create(claim=draft, state="accepted", summary="Secret wombat evidence.")
    assert "Secret wombat" not in get(client, "wombat").content.decode()


def test_feed_items_link_out_with_nofollow_noopener_and_plain_text_summary(client, world):
    html = get(client, "chain-of-thought").content.decode()
    # PostgreSQL's parser marks the parts of a hyphenated word, the fallback the whole term.
    marked = ("<mark>Chain</mark>-of-<mark>thought</mark>" if connection.vendor == "postgresql"
              else "<mark>Chain-of-thought</mark>")
    assert f'<a href="https://example.org/cot" rel="nofollow noopener">{marked} reasoning at scale</a>' in html
    assert "We study reasoning in frontier models." in html
    assert "<strong>reasoning" not in html


def test_results_are_grouped_by_type_with_counts(client, world):
    html = get(client, "reasoning").content.decode()
    assert "2 results for <strong>reasoning</strong>" in html
    assert '<a href="#results-evidence">evidence (1)</a>' in html
    assert '<a href="#results-feed_items">papers and posts (1)</a>' in html
    assert 'id="results-claims"' not in html  # empty groups are left out


def test_group_counts_include_matches_beyond_the_shown_ones(client, db):
    for i in range(25):
        factories.claim(title=f"Platypus claim {i}")
    html = get(client, "platypus").content.decode()
    assert "Claims <span class=\"muted\">(25)</span>" in html
    assert html.count("<mark>Platypus</mark> claim") == 20
    assert "Showing the best 20 of 25." in html


def test_a_title_match_ranks_above_a_body_match(client, db):
    body = factories.claim(title="Something else entirely", statement="Mentions the narwhal once.", slug="body")
    title = factories.claim(title="Narwhal economics", statement="Nothing to see.", slug="title")
    ranked = list(search_claims(Claim.objects.published(), "narwhal"))
    assert ranked == [title, body]
    assert ranked[0].search_rank > ranked[1].search_rank
    html = get(client, "narwhal").content.decode()
    assert html.index('href="/claims/title/"') < html.index('href="/claims/body/"')


def test_a_quote_match_ranks_above_a_person_match(db):
    person = factories.person(name="Axolotl Jones")
    by_name = factories.claim(title="One", person=person, slug="by-name")
    by_quote = factories.claim(title="Two", quote="The axolotl will win.", slug="by-quote")
    assert list(search_claims(Claim.objects.published(), "axolotl")) == [by_quote, by_name]


def test_every_word_must_match(db):
    both = factories.claim(title="Compute and energy limits")
    factories.claim(title="Compute only")
    assert list(search_claims(Claim.objects.published(), "compute energy")) == [both]


def test_search_claims_with_blank_q_returns_the_queryset_unchanged(db):
    factories.claim()
    queryset = Claim.objects.published()
    assert search_claims(queryset, "") is queryset
    assert search_claims(queryset, "  ") is queryset


def test_search_claims_with_only_punctuation_matches_nothing(db):
    factories.claim(title="Anything at all")
    assert list(search_claims(Claim.objects.published(), "?!... --")) == []


def test_search_claims_composes_with_the_browse_query_and_facet_counts(db):
    """The /claims/ q= facet passes for_list() (annotated, grouped) and groups the result again."""
    scaling = factories.topic(slug="scaling")
    hit = factories.claim(title="Gradient walls", topics=[scaling], status="open")
    factories.claim(title="Unrelated", topics=[scaling], status="open")
    found = search_claims(Claim.objects.for_list(), "gradient").filter(topics__slug="scaling")
    assert [c.pk for c in found] == [hit.pk]
    assert found.count() == 1
    assert found[0].evidence_count == 0
    counts = list(found.order_by().values("status").annotate(n=Count("id", distinct=True)))
    assert counts == [{"status": "open", "n": 1}]


def test_q_longer_than_200_characters_is_a_400(client, world):
    assert get(client, "a" * 200).status_code == 200
    response = get(client, "a" * 201)
    assert response.status_code == 400
    assert b"at most 200" in response.content


ODD_QUERIES = [
    '"', '""', "'", "O'Reilly", "a & b", "&", "<script>alert(1)</script>", "!!!", "...", "-", "--x", "(", ")",
    "a | b", ":*", "\\", "%", "_", "100%", "naïve Über 深度学习", "🙂", "or", "OR OR", "-off-ramp", '"off ramp',
    "x" * 200, "a:b:c", "*", "\u200b",
]


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_odd_queries_never_fail(client, world, q):
    response = get(client, q)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_nul_byte_is_a_400_not_a_database_error(client, world):
    assert get(client, "off\x00ramp").status_code == 400


def test_fallback_matches_percent_and_underscore_literally(db):
    factories.claim(title="Growth of 100% a year")
    factories.claim(title="Growth of 1000 a year")
    factories.claim(title="snake_case names")
    factories.claim(title="snakeXcase names")
    published = Claim.objects.published()
    assert [c.title for c in _fallback_search(published, '"0% a"', CLAIM_FIELDS)] == ["Growth of 100% a year"]
    assert [c.title for c in _fallback_search(published, "e_c", CLAIM_FIELDS)] == ["snake_case names"]


def test_unicode_words_are_found(client, db):
    factories.claim(title="Über-scaling in 深度学习", slug="unicode")
    assert 'href="/claims/unicode/"' in get(client, "Über").content.decode()


def test_search_page_markup_escapes_the_query(client, world):
    html = get(client, '<b>"off-ramp"</b>').content.decode()
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_tokeniser_keeps_phrases_and_drops_punctuation_and_operators():
    assert terms('"human level"  wall? -scaling OR compute !!! wall') == ["human level", "wall", "scaling", "compute"]
    assert terms("") == [] and terms("?!") == []
    assert len(terms(" ".join(f"w{i}" for i in range(50)))) == 8


def test_fallback_ranks_titles_above_statements_on_any_database(db):
    """The SQLite engine's ranking, exercised directly so the PostgreSQL run checks it too."""
    body = factories.claim(title="Other", statement="An ocelot appears here.")
    title = factories.claim(title="Ocelot", statement="Nothing.")
    ranked = list(_fallback_search(Claim.objects.published(), "ocelot", CLAIM_FIELDS).order_by("-search_rank"))
    assert ranked == [title, body]
    assert ranked[0].search_rank == 1.0 and ranked[1].search_rank == 0.4


def test_the_engine_follows_the_database(client, db):
    """PostgreSQL runs use websearch syntax (-word excludes); the fallback ignores the operator."""
    factories.claim(title="Lemur scaling", slug="with")
    factories.claim(title="Lemur energy", slug="without")
    found = {c.slug for c in search_claims(Claim.objects.published(), "lemur -scaling")}
    html = get(client, "lemur").content.decode()
    if connection.vendor == "postgresql":
        assert uses_postgres()
        assert found == {"without"}
        assert "<kbd>-word</kbd> to exclude" in html
    else:
        assert not uses_postgres()
        assert found == {"with"}  # "-scaling" is just the word "scaling" here
        assert "every word must match" in html


def test_postgres_stems_words_and_fallback_matches_substrings(db):
    factories.claim(title="Models keep scaling", slug="scaling")
    found = {c.slug for c in search_claims(Claim.objects.published(), "scaled")}
    if connection.vendor == "postgresql":
        assert found == {"scaling"}  # english stemming: scaled ~ scaling
    else:
        assert found == set()  # a substring match cannot stem
    assert {c.slug for c in search_claims(Claim.objects.published(), "scal")} == (
        set() if connection.vendor == "postgresql" else {"scaling"}
    )


# claims (with person), people, topics, evidence (with claim, source, feed item), benchmarks,
# AI models, feed items (with source): highlights ride in the same queries. On PostgreSQL claims
# and evidence are ranked on their narrow search rows first, then only the rows shown are read.
SEARCH_QUERIES = 7


def search_queries():
    return SEARCH_QUERIES + (2 if connection.vendor == "postgresql" else 0)


@pytest.mark.parametrize("n", [10, 100], ids=["10-claims", "100-claims"])
def test_search_uses_a_fixed_number_of_queries(client, db, n, django_assert_num_queries):
    claims, _, _ = factories.many_claims(n)
    Evidence.objects.filter(claim__in=claims).update(summary="Number evidence")
    # The first search after a data change also brings the stored AI-model documents up to date
    # (PostgreSQL, once per process and data generation): not a cost of every search.
    get(client, "warm")
    with django_assert_num_queries(search_queries()):
        html = get(client, "number").content.decode()
    assert f"Claims <span class=\"muted\">({n})</span>" in html
    assert f"Evidence <span class=\"muted\">({n})</span>" in html


@pytest.fixture
def data_world(world):
    from ingest.models import AIModel, Benchmark

    factories.topic(name="Compute and energy", slug="compute-and-energy",
                    description="Whether power draw limits the largest training runs.")
    Benchmark.objects.create(slug="gpqa-diamond", name="GPQA diamond",
                             description="Graduate-level science questions written to resist web search.")
    run = IngestRun.objects.get(source__slug="blog")
    AIModel.objects.create(key="gemini-pro", name="Gemini Pro", organization="Google DeepMind", run=run,
                           publication_date=dt.date(2023, 12, 6), training_compute_flop=5e24)
    return world


def test_finds_topics_benchmarks_and_models(client, data_world):
    html = get(client, "power").content.decode()
    assert 'href="/topics/compute-and-energy/"' in html and 'id="results-topics"' in html
    html = get(client, "graduate").content.decode()
    assert 'href="/data/benchmarks/gpqa-diamond/"' in html and "Benchmarks <span" in html
    html = get(client, "gemini").content.decode()
    assert 'href="/data/models/?q=Gemini%20Pro"' in html and "AI models <span" in html
    assert "5.0e+24 FLOP" in html and "6 Dec 2023" in html
    html = get(client, "deepmind").content.decode()
    assert "<mark>DeepMind</mark>" in html


def test_matches_are_highlighted_in_titles_and_quotes(client, world):
    html = get(client, "highway").content.decode()
    assert "<mark>highway</mark>" in html
    assert "On the <mark>highway</mark> towards human-level AI" in html
    html = get(client, "zebrowski").content.decode()
    assert "Yann <mark>Zebrowski</mark>" in html


def test_highlights_escape_the_text_around_the_marks(client, db):
    factories.claim(title="Walls <script>alert(1)</script> ahead", quote="The <b>wall</b> is near.")
    html = get(client, "walls").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>Walls</mark>" in html


def test_long_quotes_are_cut_to_a_fragment_around_the_match(client, db):
    words = [f"filler{i}" for i in range(80)]
    words[30] = "quokka"
    factories.claim(title="A long quote", quote=" ".join(words))
    html = get(client, "quokka").content.decode()
    quote = html[html.index('<blockquote class="quote-short">'):html.index("</blockquote>")]
    assert "<mark>quokka</mark>" in quote
    assert "filler0 " not in quote and "filler79" not in quote and "…" in quote


def test_postgres_highlights_stemmed_matches(client, db):
    factories.claim(title="Models keep scaling", slug="stem")
    html = get(client, "scaled").content.decode()
    if connection.vendor == "postgresql":
        assert "Models keep <mark>scaling</mark>" in html
    else:
        assert "Models keep scaling" not in html  # the fallback neither matches nor marks a stem
