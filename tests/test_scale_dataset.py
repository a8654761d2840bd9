"""The page benchmark's synthetic data set, generated at a tiny size, and every page it measures.

bench/pages.py once broke silently when the chart code it built data for moved (claims.series
was replaced by the measures app): this runs the generator and the benchmark's own page list
against the current code, so such a change fails here instead of at the next benchmark run.
"""

import gzip
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db.models import Count

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import _benchdb  # noqa: E402
import _dataset  # noqa: E402
import pages  # noqa: E402

pytestmark = pytest.mark.django_db

TINY = _benchdb.Size(300, 4000, "sqlite")


@pytest.fixture
def dataset():
    _dataset.generate(TINY, log=lambda *args: None)


def test_the_data_set_has_what_pages_show(dataset):
    from claims.models import Claim, Evidence, Person
    from ingest.models import BenchmarkScore, BenchmarkSummary, SeriesPoint
    from measures.models import FeaturedChart, Measure

    assert Claim.objects.count() == TINY.claims
    assert Person.objects.count() == TINY.people
    assert Evidence.objects.count() == TINY.evidence
    assert BenchmarkScore.objects.count() == TINY.scores // _dataset.BENCHMARKS * _dataset.BENCHMARKS
    assert BenchmarkSummary.objects.filter(scores__gt=0).count() == _dataset.BENCHMARKS
    assert SeriesPoint.objects.exists()
    # Evidence counts agree with the accepted evidence they count.
    claim = Claim.objects.filter(evidence_count__gt=0).first()
    assert claim.evidence_count == claim.evidence.filter(state="accepted").count()
    # Measured claims hold one to three measures, one primary, over every kind of series.
    per_claim = Counter(Measure.objects.values("claim_id").annotate(n=Count("id")).values_list("n", flat=True))
    assert set(per_claim) == {1, 2, 3}
    assert Measure.objects.filter(is_primary=True).count() == sum(per_claim.values())
    assert Measure.objects.filter(benchmark__slug__in=_dataset.CHART_BENCHMARKS).exists()
    assert Measure.objects.exclude(attribute="").exists()
    assert Measure.objects.filter(series__isnull=False).exclude(entity="").exists()
    assert Measure.objects.exclude(sentence="").filter(last_checked__isnull=False).exists()
    for place in ("dashboard", "data", "topic"):
        assert FeaturedChart.objects.filter(place=place).exists()


@pytest.mark.postgresql
def test_the_search_rows_are_built_once_and_match_the_claims(dataset):
    """The generator turns the search rows' triggers off while it copies, then builds every row:
    the rows browse ranks under ?q= are those the triggers would have written."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM claims_claim WHERE editorial_state = 'published'")
        published = cursor.fetchone()[0]
        cursor.execute("""
            SELECT count(*) FROM claims_claim c JOIN claims_claimsearch s ON s.claim_id = c.id
            WHERE c.editorial_state = 'published' AND s.document = c.search_document AND s.title = c.title
              AND s.evidence_count = c.evidence_count AND s.topic_ids = ARRAY(
                SELECT ct.topic_id FROM claims_claim_topics ct WHERE ct.claim_id = c.id ORDER BY ct.topic_id)""")
        matching = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM claims_claimsearch")
        rows = cursor.fetchone()[0]
        cursor.execute("""
            SELECT count(*), count(s.evidence_id) FILTER (WHERE s.document = e.search_document AND s.created = e.created)
            FROM claims_evidence e JOIN claims_claim c ON c.id = e.claim_id
            LEFT JOIN claims_evidencesearch s ON s.evidence_id = e.id
            WHERE e.state = 'accepted' AND c.editorial_state = 'published'""")
        public_evidence, evidence_matching = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM claims_evidencesearch")
        evidence_rows = cursor.fetchone()[0]
        # Each search row's words, ranked as the lexeme triggers rank them.
        cursor.execute("""
            SELECT (SELECT count(*) FROM claims_claimsearch s, unnest(s.document) l),
                   (SELECT count(*) FROM claims_claimlexeme x JOIN claims_claimsearch s ON s.claim_id = x.claim_id
                    WHERE x.rank = ts_rank(s.document, claims_lexeme_query(x.lexeme)) AND x.topic_ids = s.topic_ids
                      AND x.status = s.status AND x.kind = s.kind
                      AND x.lexeme = ANY(tsvector_to_array(s.document)))""")
        words, words_matching = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM claims_claimlexeme")
        word_rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE (tgname LIKE 'claims_%search%' OR tgname LIKE "
                       "'claims_lexeme%') AND tgenabled = 'D'")
        disabled = cursor.fetchone()[0]
    assert published > TINY.claims * 0.9
    assert (rows, matching) == (published, published)
    assert public_evidence > 0 and (evidence_rows, evidence_matching) == (public_evidence, public_evidence)
    assert words > published and (word_rows, words_matching) == (words, words)
    assert disabled == 0  # and the triggers are back on


def test_every_page_the_benchmark_measures_answers(dataset, client):
    draw = pages.Draw()
    assert draw.measured3, "no claim with three measures to measure"
    for name, url_for in pages.pages(draw).items():
        url = url_for()
        response = pages.get(client, url)
        assert response.status_code == 200, (name, url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if name.endswith(" gz"):  # what a browser is sent: the same file, gzipped
            assert response["Content-Encoding"] == "gzip", name
            assert gzip.decompress(body).decode().startswith(("slug,", '{"meta"')), name


def test_a_claim_with_three_measures_charts_its_primary_and_tells_all_three(dataset, client):
    from measures.models import Measure

    draw = pages.Draw()
    response = client.get(f"/claims/{draw.measured3[0]}/")
    measures = list(Measure.objects.filter(claim__slug=draw.measured3[0]))
    assert len(measures) == 3
    html = response.content.decode()
    for measure in measures:
        assert measure.description.split(":")[0] in html

