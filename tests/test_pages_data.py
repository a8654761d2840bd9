"""Claim page extras, the timeline, the data pages and chart downloads, on real ingested data."""

import csv
import io
import json
import re

import pytest

from claims.models import Claim
from ingest.models import DataSource, IngestRun
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


def test_dashboard_draws_compute_and_gpqa_charts_with_claim_markers(client, real_data):
    html = client.get("/").content.decode()
    compute = _figure(html, "chart-compute")
    names = [trace["name"] for trace in compute["data"]]
    assert names == ["Notable AI models", "Largest training run so far", "Claims (click to open)"]
    assert compute["layout"]["yaxis"]["type"] == "log"
    claims = compute["data"][2]
    assert "/claims/marcus-deep-learning-hitting-a-wall/" in claims["customdata"]
    gpqa = _figure(html, "chart-gpqa-diamond")
    assert gpqa["data"][0]["error_y"]["arrayminus"], "GPQA scores carry their uncertainty"
    assert "plotly-basic" in html and "charts.js" in html
    assert f"#{real_data['models'].pk}" in html  # provenance: the run that wrote the numbers


def test_pages_without_charts_load_no_plotly(client, seeded):
    for url in ("/claims/", "/people/", "/people/gary-marcus/", "/topics/"):
        assert "plotly" not in client.get(url).content.decode(), url


def test_claim_page_holds_the_claim_against_the_value_then_and_now(client, real_data):
    html = client.get("/claims/lecun-llms-are-a-dead-end/").content.decode()
    assert "Held against the data" in html
    figure = _figure(html, "chart-gpqa-diamond")
    assert figure["layout"].get("shapes", []) == []  # LeCun's claim has no date in the seed: nothing to mark
    assert "the source gives no date, so the value then is unknown" in html
    assert "Latest record" in html

    html = client.get("/claims/marcus-deep-learning-hitting-a-wall/").content.decode()
    figure = _figure(html, "chart-compute")
    assert figure["layout"]["shapes"][0]["x0"].startswith("2022-01-01")
    assert "claim made (2022)" in html
    assert "When the claim was made (2022)" in html


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
