"""Generation numbers: cache keys that cost no query and are never stale after a change."""

import shutil

import pytest
from django.core.cache import cache
from django.db import transaction

from claims.browse import claims_version
from claims.generation import CLAIMS
from claims.models import Claim, Evidence, Verdict
from measures.series import data_version
from ingest import generation
from ingest.bundled import MODEL_VERSIONS
from ingest.models import Benchmark, BenchmarkScore, BenchmarkSummary, Generation

from . import factories
from .ingest_fixtures import ROOT, make_source, run_once

# Real commits: the cache follows the row in on-commit callbacks, which a test transaction
# would never run.
pytestmark = pytest.mark.django_db(transaction=True)
MMLU = ROOT / "ingest/snapshots/epoch/external_benchmark_mmlu.csv"


def test_a_warm_generation_read_costs_no_query(django_assert_num_queries):
    factories.many_claims(3)
    cache.clear()
    with django_assert_num_queries(1):  # cold: the row, once
        first = claims_version()
    data_version()
    with django_assert_num_queries(0):
        assert claims_version() == first
        assert data_version() == generation.current(generation.DATA)


@pytest.mark.parametrize("change", ["claim", "topics", "evidence", "verdict", "person", "delete"])
def test_every_change_to_what_browse_shows_advances_the_claims_generation(change):
    claims, people, topics = factories.many_claims(3)
    claim = claims[0]
    before = claims_version()
    if change == "claim":
        claim.status = Claim.Status.CONTRADICTED
        claim.save()
    elif change == "topics":
        claim.topics.remove(topics[0])
    elif change == "evidence":
        Evidence.objects.create(claim=claim, state=Evidence.State.ACCEPTED, summary="a result")
    elif change == "verdict":
        Verdict.objects.create(claim=claim, status=claim.status, rationale="because")
    elif change == "person":
        people[0].name = "Renamed Person"
        people[0].save()
    else:
        claims[2].delete()
    after = claims_version()
    assert after > before
    assert after == Generation.objects.get(pk=CLAIMS).value  # the cache equals the committed row


def test_a_rolled_back_change_leaves_the_generation_alone():
    claims, _, _ = factories.many_claims(2)
    before = claims_version()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            claims[0].title = "never committed"
            claims[0].save()
            raise RuntimeError("rollback")
    assert claims_version() == before == Generation.objects.get(pk=CLAIMS).value


def test_the_cache_follows_only_after_commit():
    claims, _, _ = factories.many_claims(2)
    before = claims_version()
    with transaction.atomic():
        claims[0].title = "edited"
        claims[0].save()
        # Other connections still read the old row until commit, so the cache must too.
        assert claims_version() == before
    assert claims_version() == before + 1


def test_a_reader_holding_a_pre_commit_value_cannot_overwrite_the_new_one():
    claims, _, _ = factories.many_claims(2)
    stale = claims_version()
    claims[0].title = "edited"
    claims[0].save()
    # What a concurrent reader does after a miss with the value it read before the commit.
    cache.add("generation:v1:claims", stale, None)
    assert claims_version() == stale + 1


def test_an_evicted_generation_is_refilled_with_the_same_number():
    claims, _, _ = factories.many_claims(2)
    claims[0].save()
    value = claims_version()
    cache.delete("generation:v1:claims")
    assert claims_version() == value  # never an older number that old cache entries were keyed by


def test_a_request_reads_each_generation_once_and_still_sees_its_own_write(rf):
    claims, _, _ = factories.many_claims(2)
    start = claims_version()
    seen = []

    def view(request):
        seen.append(generation.current(CLAIMS))
        # Another process's publish mid-request: this request keeps the number it began with
        # (older, never newer, than the cache: what it stores is never keyed ahead of its data).
        cache.set("generation:v1:claims", start + 100, None)
        seen.append(generation.current(CLAIMS))
        with transaction.atomic():
            claims[0].title = "edited in the request"
            claims[0].save()
            seen.append(generation.current(CLAIMS))  # not committed yet: the cache's number
        seen.append(generation.current(CLAIMS))  # committed: the row's number
        return None

    generation.per_request(view)(rf.get("/"))
    assert seen == [start, start, start + 100, start + 1]
    assert claims_version() == start + 1  # outside a request, no memo is left behind
    cache.set("generation:v1:claims", start + 7, None)
    assert claims_version() == start + 7


def test_facet_counts_on_the_browse_page_are_current_after_an_edit(client):
    claims, _, _ = factories.many_claims(6)
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(status=Claim.Status.OPEN)
    generation.bump(CLAIMS)  # update() sends no signal: whoever writes in bulk bumps
    assert _status_counts(client) == {"open": 6}  # now cached under this generation
    claim = claims[0]
    claim.status = Claim.Status.RESOLVED_FALSE
    claim.save()
    html = client.get("/claims/?status=resolved_false").content.decode()
    assert claim.title in html
    assert "resolved false" in html
    assert _status_counts(client) == {"open": 5, "resolved_false": 1}


def _status_counts(client):
    facets = client.get("/claims/").context["facets"]
    return {o["value"]: o["n"] for f in facets if f["name"] == "status" for o in f["options"]}


def _mmlu_source(tmp_path, lines):
    path = tmp_path / "external_benchmark_mmlu.csv"
    rows = MMLU.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    path.write_text("".join(rows[:lines]), encoding="utf-8")
    return path


def test_an_ingest_run_refreshes_the_summaries_and_the_charts_it_changes(client, tmp_path):
    path = _mmlu_source(tmp_path, 40)  # the first 39 results
    source = make_source("mmlu-test", "epoch-benchmarks", path=str(path), table="mmlu",
                         model_versions=str(ROOT / MODEL_VERSIONS))
    first = run_once(source)
    assert first.status == "ok", first.error
    mmlu = Benchmark.objects.get(slug="mmlu")
    summary = BenchmarkSummary.objects.get(benchmark=mmlu)
    scores = list(BenchmarkScore.objects.filter(benchmark=mmlu).values_list("score", flat=True))
    assert summary.scores == len(scores) == 39 and summary.best == max(scores)
    version = data_version()
    page = client.get("/data/benchmarks/mmlu/")
    assert page.status_code == 200
    best_before = max(r.value for r in page.context["chart"].records)

    shutil.copy(MMLU, path)  # the full file: 250 rows, a higher best among them
    second = run_once(source)
    assert second.status == "ok", second.error
    scores = list(BenchmarkScore.objects.filter(benchmark=mmlu).values_list("score", flat=True))
    summary.refresh_from_db()
    assert summary.scores == len(scores) > 39 and summary.best == max(scores)
    assert max(scores) > best_before
    assert data_version() == version + 1
    data_page = client.get("/data/").content.decode()
    assert f"{max(scores):.3f}" in data_page
    page = client.get("/data/benchmarks/mmlu/")
    assert max(r.value for r in page.context["chart"].records) == max(scores)  # not the first run's cached chart


def test_a_failed_run_changes_no_generation(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text("not,a,benchmark\n1,2,3\n", encoding="utf-8")
    source = make_source("broken", "epoch-benchmarks", path=str(path), table="mmlu")
    before = data_version()
    run = run_once(source)
    assert run.status == "failed"
    assert data_version() == before


def test_dashboard_figures_follow_the_edit_that_changes_them(client):
    claims, _, topics = factories.many_claims(4)
    before = client.get("/").context
    assert dict((v, n) for v, _, n in before["status_counts"])["open"] == 3
    assert {t.slug: t.n for t in before["topics"]}[topics[0].slug] == 3
    claims[1].status = Claim.Status.RESOLVED_FALSE
    claims[1].save()
    claims[3].topics.remove(topics[0])
    after = client.get("/").context
    counts = dict((v, n) for v, _, n in after["status_counts"])
    assert counts["open"] == 2 and counts["resolved_false"] == 1
    assert {t.slug: t.n for t in after["topics"]}[topics[0].slug] == 2
    assert after["claim_total"] == 4


def test_the_people_and_topic_lists_follow_the_edit_that_changes_them(client):
    claims, people, topics = factories.many_claims(3)
    assert {p.slug: p.n for p in client.get("/people/").context["page"].object_list} == {p.slug: 1 for p in people}
    claims[0].person = people[1]
    claims[0].save()
    claims[2].editorial_state = Claim.EditorialState.DRAFT
    claims[2].save()
    listed = {p.slug: p.n for p in client.get("/people/").context["page"].object_list}
    assert listed == {people[1].slug: 2}  # people[0] has no published claim left, people[2] a draft only
    before = {t.slug: t.n for t in client.get("/topics/").context["topics"]}
    claims[1].topics.add(topics[0])
    after = {t.slug: t.n for t in client.get("/topics/").context["topics"]}
    assert after[topics[0].slug] == before[topics[0].slug] + 1
