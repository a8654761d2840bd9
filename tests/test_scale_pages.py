"""Chart pages whose warm cost does not grow with the data, and whose cached parts are never stale.

A chart's shared part (the series' traces, built once per data generation) and its claim
markers (cached per claims generation) are precomputed; these tests show that an edit or an
ingest that changes them shows on the very next request, and pin what a warm request costs.
"""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ingest.models import Benchmark, BenchmarkScore, DataSource, IngestRun
from measures.models import FeaturedChart, Measure

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: generations publish on commit


def _figure(html, chart_id):
    match = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no figure data for {chart_id}"
    return json.loads(match.group(1))


def _traces(figure):
    return {t["meta"]: t for t in figure["data"]}


@pytest.fixture
def world():
    topic = factories.topic(slug="scaling")
    claims = [factories.claim(topics=[topic], date_made=dt.date(2023, 3, 1) + dt.timedelta(days=40 * i),
                              date_precision="day") for i in range(6)]
    factories.ingested(40)
    gpqa = Benchmark.objects.get(slug="gpqa-diamond")
    # A transactional test flushes the rows the migration seeds: the /data/ chart is named here.
    FeaturedChart.objects.get_or_create(place="data", kind="model", slug="training_compute_flop")
    for claim in claims[:4]:
        Measure.objects.create(claim=claim, kind="frontier_at", description="m", is_primary=True, benchmark=gpqa)
    return {"topic": topic, "claims": claims, "gpqa": gpqa}


def _get(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


# Warm requests: everything a chart draws comes from the cache; what is left is the page's own rows.
WARM = {
    "/topics/scaling/": 3,  # topic, page of claims (+topics); the count is cached per claims generation
    "/data/benchmarks/gpqa-diamond/": 2,  # benchmark, the page of measured claims (their order is cached)
    "/data/": 1,  # featured charts (benchmark and series summaries: cached per data generation)
}


@pytest.mark.parametrize("url", sorted(WARM))
def test_a_warm_chart_page_reads_no_series_and_no_markers(client, world, url):
    cold_html, _ = _get(client, url)
    html, queries = _get(client, url)
    assert len(queries) == WARM[url], queries
    assert not [q for q in queries if "ingest_benchmarkscore" in q or "ingest_aimodel" in q]
    # A page of measured claims is read by id: no semi-join over every measure of the series.
    assert not [q for q in queries if "measures_measure" in q], queries
    assert html.count('type="application/json"') == cold_html.count('type="application/json"') >= 1


def test_a_warm_claim_page_charts_its_measure_without_reading_the_series(client, world):
    url = world["claims"][0].get_absolute_url()
    _get(client, url)
    html, queries = _get(client, url)
    assert not [q for q in queries if "ingest_benchmarkscore" in q or "measures_measure" in q and "claim_id\" IN" in q]
    traces = _traces(_figure(html, "chart-gpqa-diamond"))
    assert traces["own"]["x"] == ["2023-03-01"]
    assert len(traces["points"]["x"]) == 40


def test_a_renamed_claim_is_renamed_on_the_chart_that_marks_it(client, world):
    url = "/topics/scaling/"
    claim = world["claims"][1]
    assert claim.title in " ".join(_traces(_figure(_get(client, url)[0], "chart-gpqa-diamond"))["claims"]["hovertext"])
    claim.title = "A claim renamed by an editor"
    claim.save()
    hover = " ".join(_traces(_figure(_get(client, url)[0], "chart-gpqa-diamond"))["claims"]["hovertext"])
    assert "A claim renamed by an editor" in hover


def test_a_new_measure_puts_its_claim_on_the_charts_and_a_removed_one_takes_it_off(client, world):
    url = "/data/benchmarks/gpqa-diamond/"
    newcomer = world["claims"][5]
    assert newcomer.title not in _get(client, url)[0]
    measure = Measure.objects.create(claim=newcomer, kind="frontier_at", description="m", is_primary=True,
                                     benchmark=world["gpqa"])
    html = _get(client, url)[0]
    assert newcomer.title in html
    assert newcomer.title in " ".join(_traces(_figure(html, "chart-gpqa-diamond"))["claims"]["hovertext"])
    measure.delete()
    assert newcomer.title not in _get(client, url)[0]


def _new_record(gpqa):
    """A run with one new state-of-the-art GPQA score, finished as the runner finishes runs."""
    from ingest.aggregates import refresh_after_run
    from ingest.signals import run_succeeded

    source = DataSource.objects.create(slug="later", name="Later run", kind="epoch-benchmarks")
    run = IngestRun.objects.create(source=source, status="ok", finished_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    BenchmarkScore.objects.create(key="record", benchmark=gpqa, model_name="Record Model", score=0.995,
                                  date=dt.date(2024, 6, 1), run=run)
    refresh_after_run(run)
    run_succeeded.send(sender=IngestRun, run_id=run.pk)
    return run


def test_an_ingest_redraws_the_chart_on_the_next_request(client, world):
    url = "/data/benchmarks/gpqa-diamond/"
    before = _traces(_figure(_get(client, url)[0], "chart-gpqa-diamond"))
    assert 0.995 not in before["frontier"]["y"]
    assert "0.995" not in _get(client, "/data/")[0]
    _new_record(world["gpqa"])
    html, queries = _get(client, url)
    after = _traces(_figure(html, "chart-gpqa-diamond"))
    assert after["frontier"]["y"][-1] == 0.995
    assert "Record Model" in after["points"]["text"]
    # The run's after-success hook rebuilt the chart: the first reader does not read the scores.
    assert not [q for q in queries if "ingest_benchmarkscore" in q], queries
    assert "0.995" in _get(client, "/data/")[0]  # the index's best score, cached per data generation


def test_the_warm_up_covers_configured_and_measured_series(world):
    from measures.chart_warmup import charted_series
    from measures.series import BenchmarkSeries, ModelAttributeSeries

    FeaturedChart.objects.get_or_create(place="dashboard", kind="model", slug="training_compute_flop")
    refs = charted_series()
    assert BenchmarkSeries("gpqa-diamond") in refs
    assert ModelAttributeSeries("training_compute_flop") in refs  # configured on the dashboard


def test_a_chart_page_after_a_cache_flush_reads_its_stored_chart_not_the_scores(client, world):
    from django.core.cache import cache

    url = "/data/benchmarks/gpqa-diamond/"
    warm = _figure(_get(client, url)[0], "chart-gpqa-diamond")
    cache.clear()
    html, queries = _get(client, url)
    assert not [q for q in queries if "ingest_benchmarkscore" in q], queries
    assert [q for q in queries if "claims_storedpayload" in q]
    assert _traces(_figure(html, "chart-gpqa-diamond"))["points"] == _traces(warm)["points"]


def test_the_warm_up_rebuilds_only_the_series_a_run_changed_and_restamps_the_others(client, world):
    from ingest.generation import data_generation
    from measures.chart_warmup import charted_series, warm_series
    from claims.models import StoredPayload

    refs = charted_series()
    assert len(refs) >= 2
    warm_series(refs)
    assert warm_series(refs) == 0  # nothing moved: nothing rebuilt
    before = {row.key: row for row in StoredPayload.objects.filter(key__startswith="chart:")}
    _new_record(world["gpqa"])  # its run's hook runs the warm-up (eager in tests)
    version = data_generation()
    after = {row.key: row for row in StoredPayload.objects.filter(key__startswith="chart:")}
    assert {row.version for row in after.values()} == {str(version)} != {before["chart:benchmark:gpqa-diamond"].version}
    assert after["chart:benchmark:gpqa-diamond"].built > before["chart:benchmark:gpqa-diamond"].built
    compute = "chart:model:training_compute_flop"
    assert after[compute].built == before[compute].built  # re-stamped, not rebuilt
    frontier = _traces(_figure(_get(client, "/data/benchmarks/gpqa-diamond/")[0], "chart-gpqa-diamond"))["frontier"]
    assert frontier["y"][-1] == 0.995


def _csv_rows(client, url):
    import csv
    import io

    return list(csv.DictReader(io.StringIO(client.get(url).content.decode())))


def test_a_benchmark_download_after_a_cache_flush_is_the_stored_file_not_a_rebuild(client, world):
    from django.core.cache import cache

    url = "/data/benchmarks/gpqa-diamond.json"
    first = client.get(url).content
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url).content
    queries = [q["sql"] for q in captured.captured_queries]
    assert again == first  # the same bytes: generated_at is when the file was built
    assert not [q for q in queries if "ingest_benchmarkscore" in q], queries
    assert len(json.loads(first)["data"]) == 40


def test_an_ingest_puts_its_new_record_in_the_downloads_on_the_next_request(client, world):
    whole, years = "/data/benchmarks/gpqa-diamond.csv", "/data/benchmarks/gpqa-diamond.csv?from=2024&to=2024"
    assert "Record Model" not in {r["model"] for r in _csv_rows(client, whole) + _csv_rows(client, years)}
    untouched = client.get("/data/compute.csv").content
    _new_record(world["gpqa"])
    with CaptureQueriesContext(connection) as captured:
        rows = _csv_rows(client, whole)
    # The run's warm-up rebuilt the stored file the reader had downloaded: this read is not a rebuild.
    assert not [q for q in captured.captured_queries if "ingest_benchmarkscore" in q["sql"]]
    record = next(r for r in rows if r["model"] == "Record Model")
    assert record["score"] == "0.995" and record["is_record"] == "True" and len(rows) == 41
    assert [r["model"] for r in _csv_rows(client, years)].count("Record Model") == 1
    assert client.get("/data/compute.csv").content == untouched  # compute did not move: re-stamped, same file


def test_the_warm_up_builds_the_charted_series_downloads_before_anyone_asks(client, world):
    from measures.chart_warmup import charted_series, warm_series

    warm_series(charted_series())
    for url in ("/data/benchmarks/gpqa-diamond.csv", "/data/benchmarks/gpqa-diamond.json", "/data/compute.json"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200 and response.content
        assert not [q for q in captured.captured_queries
                    if "ingest_benchmarkscore" in q["sql"] or "ingest_aimodel" in q["sql"]], url


def test_the_home_page_counts_after_a_cache_flush_are_stored_and_follow_the_next_edit(client, world):
    from django.core.cache import cache

    assert '<span class="stat-n">6</span>' in _get(client, "/")[0]
    cache.clear()
    html, queries = _get(client, "/")
    assert '<span class="stat-n">6</span>' in html
    assert not [q for q in queries if "COUNT(" in q and "claims_claim_topics" in q]  # the stored topic counts
    factories.claim(topics=[world["topic"]])
    cache.clear()
    assert '<span class="stat-n">7</span>' in _get(client, "/")[0]


def test_a_topic_page_lists_a_new_claim_first_on_the_next_request(client, world):
    from reader.views import PAGE_SIZE

    for i in range(PAGE_SIZE):
        factories.claim(topics=[world["topic"]], date_made=dt.date(2020, 1, 1) + dt.timedelta(days=i),
                        date_precision="day")
    html, _ = _get(client, "/topics/scaling/?page=2")
    assert f"{PAGE_SIZE + 6} claims" in html
    _, warm = _get(client, "/topics/scaling/?page=2")
    assert not [q for q in warm if "COUNT(" in q]  # the order is cached per claims generation
    newest = factories.claim(topics=[world["topic"]], title="The newest claim on scaling",
                             date_made=dt.date(2026, 1, 1), date_precision="day")
    html = _get(client, "/topics/scaling/")[0]
    assert f"{PAGE_SIZE + 7} claims" in html
    assert html.index(newest.title) < html.index(world["claims"][-1].title)


def test_people_are_listed_a_page_at_a_time_with_valid_markup(client, tmp_path):
    from claims.dashboard import PEOPLE_PAGE

    from .page_checks import nu_errors

    people = [factories.person(name=f"Expert {i:03d}") for i in range(PEOPLE_PAGE + 5)]
    for person in people:
        factories.claim(person=person)
    first, queries = _get(client, "/people/")
    assert people[0].get_absolute_url() in first and people[PEOPLE_PAGE].get_absolute_url() not in first
    assert 'href="?page=2"' in first and 'rel="next"' in first
    second = _get(client, "/people/?page=2")[0]
    assert people[PEOPLE_PAGE].get_absolute_url() in second and people[0].get_absolute_url() not in second
    bad = _get(client, "/people/?page=zzz")[0]  # a bad page number is the first page, not an error
    assert people[0].get_absolute_url() in bad and people[PEOPLE_PAGE].get_absolute_url() not in bad
    _, warm = _get(client, "/people/")
    assert queries and warm == []  # the count, the page and the resolved summary: all cached
    renamed = people[-1]
    renamed.name = "Aaron First"  # an edit moves the person to the first page at once
    renamed.save()
    assert renamed.get_absolute_url() in _get(client, "/people/")[0]
    errors = nu_errors([("/people/", first.encode()), ("/people/?page=2", second.encode())], tmp_path)
    assert not errors, "\n".join(errors)


def test_a_benchmark_page_lists_its_measured_claims_a_page_at_a_time(client, world):
    from reader.data_views import MEASURED_PAGE

    extra = [factories.claim(date_made=dt.date(2020, 1, 1), date_precision="day") for _ in range(MEASURED_PAGE)]
    Measure.objects.bulk_create(Measure(claim=c, kind="frontier_at", description="m", is_primary=True,
                                        benchmark=world["gpqa"]) for c in extra)
    from claims.generation import bump_claims
    from django.db import transaction

    with transaction.atomic():
        bump_claims()  # bulk_create sends no signal
    html = _get(client, "/data/benchmarks/gpqa-diamond/")[0]
    section = html[html.index('id="measured-h"'):]
    assert section.count('<li><a href="/claims/') == MEASURED_PAGE
    assert f"{MEASURED_PAGE + 4} claims, newest first." in section and 'rel="next"' in section
    second = _get(client, "/data/benchmarks/gpqa-diamond/?page=2")[0]
    assert second[second.index('id="measured-h"'):].count('<li><a href="/claims/') == 4


def test_the_home_page_shows_new_evidence_on_the_next_request(client, world):
    from claims.models import Evidence

    claim = world["claims"][0]
    assert "A brand-new finding" not in _get(client, "/")[0]
    _, warm = _get(client, "/")
    assert not [q for q in warm if 'FROM "claims_evidence"' in q]  # cached per generation
    Evidence.objects.create(claim=claim, source=factories.source(title="A brand-new finding"),
                            state=Evidence.State.ACCEPTED)
    assert "A brand-new finding" in _get(client, "/")[0]


def test_an_admin_edit_of_a_score_shows_on_the_chart_and_download_and_a_later_warm_up_keeps_it(admin_client, world):
    """No run stamps an operator's edit, so no fingerprint moves: the edit itself must make the
    stored chart and download rebuild, and a later warm-up must not re-stamp the old payload."""
    from django.core.cache import cache
    from django.forms.models import model_to_dict

    from measures.chart_warmup import charted_series, warm_series

    url, download = "/data/benchmarks/gpqa-diamond/", "/data/benchmarks/gpqa-diamond.csv"
    warm_series(charted_series())
    best = BenchmarkScore.objects.filter(benchmark=world["gpqa"]).order_by("-score").first()
    assert _traces(_figure(_get(admin_client, url)[0], "chart-gpqa-diamond"))["frontier"]["y"][-1] == best.score
    form = {name: "" if value is None else value for name, value in model_to_dict(best).items()}
    response = admin_client.post(f"/admin/ingest/benchmarkscore/{best.pk}/change/", {**form, "score": "0.999"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _traces(_figure(_get(admin_client, url)[0], "chart-gpqa-diamond"))["frontier"]["y"][-1] == 0.999
    assert "0.999" in {r["score"] for r in _csv_rows(admin_client, download)}
    warm_series(charted_series())  # what another source's run does next: nothing it ingests moved
    cache.clear()
    assert _traces(_figure(_get(admin_client, url)[0], "chart-gpqa-diamond"))["frontier"]["y"][-1] == 0.999
    assert "0.999" in {r["score"] for r in _csv_rows(admin_client, download)}
    admin_client.post(f"/admin/ingest/benchmarkscore/{best.pk}/delete/", {"post": "yes"})
    assert _traces(_figure(_get(admin_client, url)[0], "chart-gpqa-diamond"))["frontier"]["y"][-1] < 0.999
