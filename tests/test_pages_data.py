"""Claim page extras, the timeline, the data pages and chart downloads, on real ingested data."""

import csv
import datetime as dt
import io
import json
import re

import pytest

from django.contrib.auth.models import Group

from claims.models import Claim
from ingest.models import Benchmark, DataSource, IngestRun, Series, SeriesPoint
from measures.models import FeaturedChart, Measure
from ingest.runner import queue_run, run_ingest

from . import factories

SNAP = "ingest/snapshots/epoch"


def _ingest(slug, kind, path, **options):
    source = DataSource.objects.create(slug=slug, name=slug, kind=kind, path=path, options=options,
                                       publisher="Epoch AI", licence="CC BY 4.0")
    run = run_ingest(queue_run(source).pk)
    assert run.status == IngestRun.Status.OK, run.error
    return run


@pytest.fixture
def real_data(seeded):
    """The seed claims plus the real Epoch notable models and benchmark runs."""
    models = _ingest("epoch-notable-models", "epoch-models", f"{SNAP}/notable_ai_models.csv", notable=True)
    benchmarks = _ingest("epoch-benchmark-runs", "epoch-benchmarks", f"{SNAP}/benchmarks_runs.csv",
                         model_versions=f"{SNAP}/model_versions.csv", table="runs")
    return {"models": models, "benchmarks": benchmarks}


def _figure(html, chart_id):
    match = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no figure data for {chart_id}"
    return json.loads(match.group(1))


def _measure(slug, **target):
    claim = Claim.objects.get(slug=slug)
    target.setdefault("kind", Measure.Kind.FRONTIER_AT)
    return Measure.objects.create(claim=claim, description=f"test measure for {slug}", is_primary=True, **target)


def _measured_urls(**target):
    """Published dated claims with a measure on the target, computed apart from the chart code."""
    claims = Claim.objects.published().filter(date_made__isnull=False,
                                              pk__in=Measure.objects.filter(**target).values("claim_id"))
    return {c.get_absolute_url() for c in claims}


def test_dashboard_draws_its_configured_charts_with_only_measured_claims(client, real_data):
    html = client.get("/").content.decode()
    compute = _figure(html, "chart-compute")
    names = [trace["name"] for trace in compute["data"]]
    assert names == ["Notable AI models", "Largest training run so far", "Claims (click to open)"]
    assert compute["layout"]["yaxis"]["type"] == "log"
    # Only the claims measured against compute are marked, not all 62 dated seed claims.
    drawn = {url for urls in compute["data"][2]["customdata"] for url in urls}
    expected = _measured_urls(attribute="training_compute_flop", benchmark__isnull=True, series__isnull=True)
    assert drawn == expected and "/claims/marcus-deep-learning-hitting-a-wall/" in drawn
    assert len(drawn) < Claim.objects.published().filter(date_made__isnull=False).count()
    gpqa = _figure(html, "chart-gpqa-diamond")
    assert gpqa["data"][0]["error_y"]["arrayminus"], "GPQA scores carry their uncertainty"
    first_score = min(gpqa["data"][0]["x"])
    gpqa_claims = [t for t in gpqa["data"] if t["meta"] == "claims"]
    # No GPQA marker before GPQA existed (the 2016 and 2022 claims used to sit there).
    assert all(x >= first_score for t in gpqa_claims for x in t["x"])
    assert "plotly-basic" in html and "charts.js" in html
    assert f"#{real_data['models'].pk}" in html  # provenance: the run that wrote the numbers


def test_dashboard_charts_follow_the_database_configuration(client, real_data):
    FeaturedChart.objects.filter(place="dashboard", kind="benchmark").update(enabled=False)
    FeaturedChart.objects.create(place="dashboard", kind="benchmark", slug="swe-bench-verified", order=5)
    html = client.get("/").content.decode()
    assert 'id="chart-gpqa-diamond-data"' not in html
    swe = _figure(html, "chart-swe-bench-verified")
    assert swe["layout"]["yaxis"]["type"] == "linear" and swe["unit"] == "fraction"
    assert html.index('id="chart-compute-data"') < html.index('id="chart-swe-bench-verified-data"')


def test_dashboard_chart_payload_is_only_what_is_drawn(client, real_data):
    html = client.get("/").content.decode()
    blocks = re.findall(r'<script id="chart-[\w-]+-data" type="application/json">(.*?)</script>', html, re.S)
    assert len(blocks) == 2
    total = sum(len(b.encode()) for b in blocks)
    assert total < 48_000, total  # 83 KB before: plotly's template in every figure, unrounded values
    for block in blocks:
        figure = json.loads(block)
        assert "template" not in figure["layout"]
        for trace in figure["data"]:
            assert all(y == float(f"{y:.4g}") for y in trace["y"]), trace["name"]  # 4 significant figures


def test_pages_without_charts_load_no_plotly(client, seeded):
    for url in ("/claims/", "/people/", "/people/gary-marcus/", "/topics/"):
        assert "plotly" not in client.get(url).content.decode(), url


def test_claim_without_a_measure_has_no_chart_and_says_so(client, real_data, django_user_model):
    claim = factories.claim(title="Nobody has measured this yet", date_made=dt.date(2024, 5, 1))
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Not measured against data yet." in html
    assert "plotly" not in html and "Held against the data" not in html and "Add or edit measures" not in html
    editor = django_user_model.objects.create_user("ed", password="pw")
    editor.groups.add(Group.objects.get(name="editors"))
    client.force_login(editor)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert f'href="/curate/claims/{claim.slug}/tests/">Add or edit measures</a>' in html


def test_claim_page_charts_its_primary_measure_apart_from_other_claims(client, real_data):
    _measure("marcus-deep-learning-hitting-a-wall", attribute="training_compute_flop")
    _measure("huszar-2016-low-hanging-fruit-disappearing", attribute="training_compute_flop")
    Measure.objects.create(claim=Claim.objects.get(slug="marcus-deep-learning-hitting-a-wall"), kind="frontier_at",
                           benchmark=Benchmark.objects.get(slug="otis-mock-aime-2024-2025"), description="not primary")
    html = client.get("/claims/marcus-deep-learning-hitting-a-wall/").content.decode()
    figure = _figure(html, "chart-compute")
    by_role = {t["meta"]: t for t in figure["data"]}
    assert by_role["own"]["customdata"] == [["/claims/marcus-deep-learning-hitting-a-wall/"]]
    assert by_role["own"]["x"] == ["2022-01-01"]
    # The other claim on the same series is drawn, but as an other claim.
    assert by_role["claims"]["customdata"] == [["/claims/huszar-2016-low-hanging-fruit-disappearing/"]]
    assert figure["layout"]["shapes"][0]["x0"] == "2022-01-01"
    assert "claim made (2022)" in html
    assert "When the claim was made (2022)" in html
    assert "× 10²" in html and "FLOP" in html  # human units, not 2.05e+24


def test_no_claim_marker_before_its_series_starts(client, real_data):
    """Marcus 2022 on GPQA (first score March 2023): listed under the chart, never drawn."""
    gpqa = Benchmark.objects.get(slug="gpqa-diamond")
    _measure("marcus-deep-learning-hitting-a-wall", benchmark=gpqa)
    _measure("huszar-2016-low-hanging-fruit-disappearing", benchmark=gpqa)
    html = client.get("/data/benchmarks/gpqa-diamond/").content.decode()
    figure = _figure(html, "chart-gpqa-diamond")
    first = min(figure["data"][0]["x"])
    drawn = [x for t in figure["data"] if t["meta"] in ("claims", "own") for x in t["x"]]
    assert all(x >= first for x in drawn)
    assert "2 claims on this series made outside its dates" in html
    html = client.get("/claims/marcus-deep-learning-hitting-a-wall/").content.decode()
    figure = _figure(html, "chart-gpqa-diamond")
    assert [t["meta"] for t in figure["data"]] == ["points", "frontier"]
    assert figure["layout"].get("shapes", []) == []
    assert "falls outside the series, which runs from March 2023" in html


def test_benchmark_page_lists_the_claims_measured_against_it(client, real_data):
    swe = Benchmark.objects.get(slug="swe-bench-verified")
    _measure("marcus-deep-learning-hitting-a-wall", benchmark=swe)
    html = client.get("/data/benchmarks/swe-bench-verified/").content.decode()
    section = html[html.index('id="measured-h"'):]
    assert "Claims measured against this benchmark" in html
    assert 'href="/claims/marcus-deep-learning-hitting-a-wall/"' in section
    html = client.get("/data/benchmarks/gpqa-diamond/").content.decode()
    assert "No claim is measured against this benchmark yet." in html


def test_metr_horizon_chart_is_on_a_log_axis(client, seeded):
    _ingest("metr", "metr", "ingest/snapshots/metr/benchmark_results_1_1.yaml")
    html = client.get("/data/benchmarks/metr-horizon-p50/").content.decode()
    figure = _figure(html, "chart-metr-horizon-p50")
    assert figure["layout"]["yaxis"]["type"] == "log" and figure["unit"] == "minutes"
    assert "on a log scale" in html
    assert re.search(r'<td class="num">\d+(\.\d)? h</td>', html), "the record table reads in hours"


def test_claim_page_carries_claimreview_jsonld_and_bibtex(client, seeded):
    claim = Claim.objects.get(slug="huszar-2016-low-hanging-fruit-disappearing")
    html = client.get(claim.get_absolute_url()).content.decode()
    raw = re.search(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "ClaimReview" and data["claimReviewed"] == claim.statement
    assert data["reviewRating"]["ratingValue"] == 1 and data["reviewRating"]["alternateName"] == "resolved false"
    assert data["itemReviewed"]["author"]["name"] == "Ferenc Huszár"
    assert data["url"].endswith(claim.get_absolute_url())
    assert "@misc{claimwatch:huszar-2016-low-hanging-fruit-disappearing," in html
    assert 'href="/feeds/claims/huszar-2016-low-hanging-fruit-disappearing.atom"' in html


def test_evidence_tabs_switch_by_htmx_fragment_and_by_plain_link(client, db):
    claim = factories.claim()
    src = factories.source(title="A rebuttal paper")
    claim.evidence.create(source=src, stance="contradicts", state="accepted", tier="verified", strength=3)
    full = client.get(claim.get_absolute_url()).content.decode()
    assert 'aria-selected="true"' in full and "A rebuttal paper" in full  # first non-empty tab opens
    fragment = client.get(f"{claim.get_absolute_url()}?tab=supports", headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="evidence-tabs"') and "<html" not in body
    assert "No accepted evidence for this claim yet." in body
    assert client.get(f"{claim.get_absolute_url()}?tab=sideways").status_code == 400


def test_timeline_mixes_claims_and_data_records_and_filters_by_topic(client, real_data):
    html = client.get("/timeline/").content.decode()
    assert "Deep learning is hitting a wall" in html
    assert "Model releases that set a training-compute record" in html and "GPQA diamond: new records" in html
    filtered = client.get("/timeline/?topic=alphafold-and-science&show=claims",
                          headers={"HX-Request": "true"}).content.decode()
    assert filtered.lstrip().startswith('<div id="timeline"')
    assert "Deep learning is hitting a wall" not in filtered and "training-compute record" not in filtered
    assert client.get("/timeline/?person=nobody").status_code == 400


def test_benchmark_page_shows_frontier_records_with_uncertainty(client, real_data):
    html = client.get("/data/benchmarks/gpqa-diamond/").content.decode()
    assert "State-of-the-art records" in html and "GPQA diamond" in html
    figure = _figure(html, "chart-gpqa-diamond")
    assert figure["data"][1]["name"] == "State of the art"
    assert client.get("/data/benchmarks/no-such-benchmark/").status_code == 404


def test_benchmark_download_has_provenance_and_marks_records(client, real_data):
    data = json.loads(client.get("/data/benchmarks/gpqa-diamond.json").content)
    assert data["meta"]["licence"] == "CC BY 4.0"
    assert data["meta"]["ingest_runs"][0]["id"] == real_data["benchmarks"].pk
    assert any(row["is_record"] for row in data["data"]) and all("score" in row for row in data["data"])
    response = client.get("/data/benchmarks/gpqa-diamond.csv")
    assert response["Content-Disposition"] == 'attachment; filename="claimwatch-gpqa-diamond.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == len(data["data"]) and rows[0]["source"] == "Epoch AI"


def test_compute_download_lists_every_notable_model_with_compute(client, real_data):
    rows = list(csv.DictReader(io.StringIO(client.get("/data/compute.csv").content.decode())))
    assert any(r["model"] == "Pangu Ultra" and float(r["training_compute_flop"]) == 1.0692e25 for r in rows)


def test_models_table_filters_sorts_and_downloads_what_it_shows(client, real_data):
    html = client.get("/data/models/?q=pangu").content.decode()
    assert "Pangu Ultra" in html and f"#{real_data['models'].pk}" in html
    rows = json.loads(client.get("/data/models.json?q=pangu").content)["data"]
    assert {r["name"] for r in rows} >= {"Pangu Ultra"} and all("pangu" in r["name"].lower() for r in rows)
    assert client.get("/data/models/?sort=sideways").status_code == 400
    assert client.get("/data/models/?page=0").status_code == 400


@pytest.fixture
def owid(db):
    """Two real Our World in Data snapshots: investment by country, and compute model by model."""
    runs = {}
    for chart in ("private-investment-in-artificial-intelligence-cset", "artificial-intelligence-training-computation"):
        source = DataSource.objects.create(slug=f"owid-{chart}"[:100], name=f"OWID {chart}", kind="owid",
                                           path=f"ingest/snapshots/owid/{chart}.csv", options={"chart": chart},
                                           publisher="Our World in Data", licence="CC BY 4.0")
        run = run_ingest(queue_run(source).pk)
        assert run.status == IngestRun.Status.OK, run.error
        runs[chart] = run
    return runs


INVESTMENT = "private-investment-in-artificial-intelligence-cset--estimated-investment-field-all"


def test_data_index_lists_every_owid_series_with_its_page(client, owid):
    html = client.get("/data/").content.decode()
    assert "Our World in Data series" in html
    for series in Series.objects.all():
        assert f'href="/data/series/{series.slug}/"' in html


def test_owid_series_page_charts_one_entity_and_offers_the_others(client, owid):
    world = SeriesPoint.objects.filter(series__slug=INVESTMENT, entity="World").order_by("date")
    html = client.get(f"/data/series/{INVESTMENT}/").content.decode()
    figure = _figure(html, "chart-series")
    assert figure["data"][0]["x"][0] == world.first().date.isoformat()
    assert len(figure["data"][0]["y"]) == world.count()
    assert figure["data"][0]["y"][-1] == float(f"{world.last().value:.4g}")
    assert '<option value="China">China</option>' in html and '<option value="World" selected>' in html
    china = client.get(f"/data/series/{INVESTMENT}/?entity=China").content.decode()
    assert _figure(china, "chart-series")["data"][0]["name"] == "China"
    assert client.get(f"/data/series/{INVESTMENT}/?entity=Atlantis").status_code == 400
    assert client.get("/data/series/no-such-series/").status_code == 404


def test_owid_series_of_one_value_per_model_charts_them_all(client, owid):
    slug = "artificial-intelligence-training-computation--training-computation-petaflop"
    html = client.get(f"/data/series/{slug}/").content.decode()
    figure = _figure(html, "chart-series")
    assert len(figure["data"][0]["x"]) == SeriesPoint.objects.filter(series__slug=slug).count()
    assert figure["layout"]["yaxis"]["type"] == "log" and figure["unit"] == "flop"


def test_owid_series_downloads_carry_provenance_and_the_entity(client, owid):
    data = json.loads(client.get(f"/data/series/{INVESTMENT}.json?entity=United States").content)
    assert data["meta"]["entity"] == "United States" and data["meta"]["licence"] == "CC BY 4.0"
    assert data["meta"]["ingest_runs"][0]["id"] == owid["private-investment-in-artificial-intelligence-cset"].pk
    expected = SeriesPoint.objects.filter(series__slug=INVESTMENT, entity="United States").count()
    assert len(data["data"]) == expected and all(row["entity"] == "United States" for row in data["data"])
    assert all(len(row["date"]) == 4 for row in data["data"])  # yearly values say so, not 1 January
    response = client.get(f"/data/series/{INVESTMENT}.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == SeriesPoint.objects.filter(series__slug=INVESTMENT).count()


def test_owid_series_page_query_count_is_pinned(client, owid, django_assert_num_queries):
    # series, form entities, point count, chart (claims generation, the series' id and the claims it
    # marks, version, the stored chart, series meta, points, runs, storing it), claims measured on it
    # (count; no page query when there are none); stored, two queries each on this cold cache: the
    # claims it marks and the ids of those measured on it
    with django_assert_num_queries(17):
        assert client.get(f"/data/series/{INVESTMENT}/").status_code == 200


def test_chart_state_in_the_url_is_the_first_html(client, real_data):
    """Scale, years and view from the query string are applied by the server, not only by the script."""
    html = client.get("/data/?compute.scale=linear&compute.from=2015&compute.view=table").content.decode()
    figure = html.split('id="chart-compute-title"')[1].split("</figure>")[0]
    assert 'data-scale="linear" aria-pressed="true"' in figure and 'data-scale="log" aria-pressed="false"' in figure
    assert 'data-view="table" aria-pressed="true"' in figure
    assert re.search(r'data-range="from">.*?<option selected>2015</option>', figure)
    assert 'id="chart-compute" data-figure="chart-compute-data" hidden' in figure
    assert '<details class="chart-table" open>' in figure
    # Every record is in the table (the script can widen the years); those before 2015 are hidden.
    shown = {int(y) for y in re.findall(r'<tr data-year="(\d{4})">', figure)}
    hidden = {int(y) for y in re.findall(r'<tr data-year="(\d{4})" hidden>', figure)}
    assert shown and min(shown) >= 2015 and hidden and max(hidden) < 2015
    assert "In 2015 to 2025, the years shown," in figure
    # Downloads hold the years shown; the embed snippet opens in the same state.
    assert 'href="/data/compute.csv?from=2015&amp;to=2025"' in figure
    assert "/embed/model/training_compute_flop/?compute.scale=linear&amp;compute.from=2015&amp;compute.view=table" \
        in figure
    # The default state adds nothing to any link.
    plain = client.get("/data/").content.decode()
    assert 'href="/data/compute.csv"' in plain and 'aria-pressed="true">Log</button>' in plain


def test_the_chart_preview_is_drawn_by_the_server_at_the_urls_scale(client, real_data):
    def preview(url):
        return client.get(url).content.decode().split('id="chart-compute"')[1].split('<script id="chart-compute')[0]

    log, linear = preview("/data/"), preview("/data/?compute.scale=linear")
    assert log.count('class="pv-points" d="M') == 1  # every model in one path, not a node each
    assert "10²⁵" in log and "10²⁵" not in linear  # powers of ten only on the log axis
    assert re.findall(r'class="pv-points" d="([^"]+)"', log) != re.findall(r'class="pv-points" d="([^"]+)"', linear)


@pytest.mark.parametrize("query, reason", [
    ("compute.scale=sideways", "compute.scale: must be log or linear."),
    ("compute.view=pie", "compute.view: must be chart or table."),
    ("compute.from=1800", "compute.from: must be a year from"),
    ("compute.from=2020&compute.to=2015", "compute.to: must not be before compute.from (2020)."),
])
def test_a_bad_chart_state_is_the_400_page(client, real_data, query, reason):
    response = client.get(f"/data/?{query}")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert reason in response.content.decode()


def test_chart_downloads_hold_the_years_asked_for(client, real_data):
    data = json.loads(client.get("/data/compute.json?from=2015&to=2016").content)
    assert data["meta"]["years"] == [2015, 2016]
    assert data["data"] and {row["publication_date"][:4] for row in data["data"]} <= {"2015", "2016"}
    everything = json.loads(client.get("/data/compute.json").content)
    assert "years" not in everything["meta"] and len(everything["data"]) > len(data["data"])
    response = client.get("/data/benchmarks/gpqa-diamond.csv?from=soon")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith("Invalid parameters: from:")


def test_a_benchmark_download_is_held_per_process_and_never_outlives_its_generation(
        client, real_data, django_assert_num_queries, django_capture_on_commit_callbacks):
    from django.core.cache import cache
    from django.db import transaction

    from ingest import generation
    from ingest.models import BenchmarkScore

    url = "/data/benchmarks/gpqa-diamond.csv"
    first = client.get(url).content
    with django_assert_num_queries(1):  # the benchmark; the file is held in the process
        assert client.get(url).content == first
    score = BenchmarkScore.objects.filter(benchmark__slug="gpqa-diamond").order_by("pk").first()
    assert b"0.123456" not in first
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        BenchmarkScore.objects.filter(pk=score.pk).update(score=0.123456)
        generation.bump(generation.DATA)  # as an admin edit or an ingest run does
    edited = client.get(url).content
    assert b"0.123456" in edited
    cache.clear()  # a flushed cache: the held file's token is gone, the stored row is read
    with django_assert_num_queries(3):  # the generation, the benchmark, the stored file
        assert client.get(url).content == edited


def test_a_held_benchmark_download_is_gzipped_once_and_never_outlives_its_generation(
        client, real_data, django_assert_num_queries, django_capture_on_commit_callbacks):
    """A client that accepts gzip gets the held file compressed once (GZipMiddleware compressed it
    again on every request); the body inflates to the plain file, and an edit shows at once."""
    import gzip

    from django.db import transaction

    from ingest import generation
    from ingest.models import BenchmarkScore

    url = "/data/benchmarks/gpqa-diamond.csv"
    plain = client.get(url)
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    zipped = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain.content and len(zipped.content) < len(plain.content) / 2
    assert int(zipped["Content-Length"]) == len(zipped.content)
    with django_assert_num_queries(1):  # the benchmark; the file and its gzip body are held
        assert client.get(url, headers={"accept-encoding": "gzip"}).content == zipped.content
    score = BenchmarkScore.objects.filter(benchmark__slug="gpqa-diamond").order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        BenchmarkScore.objects.filter(pk=score.pk).update(score=0.654321)
        generation.bump(generation.DATA)
    edited = client.get(url, headers={"accept-encoding": "gzip"})
    assert b"0.654321" in gzip.decompress(edited.content)
    assert gzip.decompress(edited.content) == client.get(url).content
