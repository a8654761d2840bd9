"""The chart pages (claim chart with its controls, benchmark, OWID series, embed) pass the W3C Nu
HTML checker and axe-core, and the embed page alone may be framed by other sites."""

import pytest
from playwright.sync_api import expect

from claims.models import Claim
from claims.seed import load_seed
from ingest.models import Benchmark, DataSource
from ingest.runner import queue_run, run_ingest
from measures.models import FeaturedChart, Measure

from .browser import browser  # noqa: F401  (fixture)
from .page_checks import AXE, axe_violations, need, nu_errors

SNAP = "ingest/snapshots"
INVESTMENT = "private-investment-in-artificial-intelligence-cset--estimated-investment-field-all"
PAGES = [
    "/", "/data/", "/claims/marcus-deep-learning-hitting-a-wall/", "/claims/lecun-llms-are-a-dead-end/",
    "/data/benchmarks/gpqa-diamond/", "/data/benchmarks/metr-horizon-p50/", f"/data/series/{INVESTMENT}/",
    f"/data/series/{INVESTMENT}/?entity=China", "/embed/model/training_compute_flop/",
    "/embed/benchmark/gpqa-diamond/", "/topics/scaling-walls/",
]


def _load():
    load_seed()
    for slug, kind, path, options in (
        ("epoch-notable-models", "epoch-models", f"{SNAP}/epoch/notable_ai_models.csv", {"notable": True}),
        ("epoch-benchmark-runs", "epoch-benchmarks", f"{SNAP}/epoch/benchmarks_runs.csv",
         {"model_versions": f"{SNAP}/epoch/model_versions.csv", "table": "runs"}),
        ("metr", "metr", f"{SNAP}/metr/benchmark_results_1_1.yaml", {}),
        ("owid-investment", "owid", f"{SNAP}/owid/private-investment-in-artificial-intelligence-cset.csv",
         {"chart": "private-investment-in-artificial-intelligence-cset"}),
    ):
        source = DataSource.objects.create(slug=slug, name=slug, kind=kind, path=path, options=options)
        run_ingest(queue_run(source).pk)
    for place, kind, slug in (("dashboard", "model", "training_compute_flop"), ("dashboard", "benchmark", "gpqa-diamond"),
                              ("data", "model", "training_compute_flop")):
        FeaturedChart.objects.get_or_create(place=place, kind=kind, slug=slug)
    marcus = Claim.objects.get(slug="marcus-deep-learning-hitting-a-wall")
    Measure.objects.create(claim=marcus, kind="frontier_at", attribute="training_compute_flop", is_primary=True,
                           description="largest training run", threshold=1e27)
    Measure.objects.create(claim=marcus, kind="frontier_at", benchmark=Benchmark.objects.get(slug="gpqa-diamond"),
                           description="best GPQA score")
    Measure.objects.filter(claim__slug="lecun-llms-are-a-dead-end").delete()


def test_chart_pages_pass_the_nu_html_checker(db, client, tmp_path):
    _load()
    pages = []
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append((url, response.content))
    errors = nu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)


def test_only_the_embed_page_may_be_framed(db, client):
    _load()
    embed = client.get("/embed/model/training_compute_flop/")
    assert "X-Frame-Options" not in embed.headers
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in embed.headers["Content-Security-Policy"]  # still no inline script
    page = client.get("/data/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert client.get("/embed/benchmark/no-such-benchmark/").status_code == 404
    assert client.get("/embed/model/vibes/").status_code == 404
    assert client.get("/embed/sideways/gpqa-diamond/").status_code == 404
    assert client.get(f"/embed/owid/{INVESTMENT}/?entity={'x' * 400}").status_code == 400


@pytest.fixture
def site(live_server, transactional_db):
    _load()
    return live_server.url


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_chart_pages_have_no_axe_violations_with_charts_drawn(site, browser, width):  # noqa: F811
    need(AXE)
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    try:
        problems = {}
        for url in PAGES:
            pg = context.new_page()
            pg.goto(f"{site}{url}")
            for chart in pg.locator("[data-figure]").all():
                chart.hover()  # plotly loads when a reader reaches for the chart
                expect(chart).to_have_attribute("data-drawn", "true")
            if width == 375:
                # Sensible axes on a phone: a handful of x ticks, none overlapping the next.
                for chart in pg.locator("[data-figure]").all():
                    boxes = [t.bounding_box() for t in chart.locator(".xtick text").all()]
                    boxes = sorted((b for b in boxes if b), key=lambda b: b["x"])
                    assert len(boxes) <= 6, (url, len(boxes))
                    assert all(a["x"] + a["width"] <= b["x"] for a, b in zip(boxes, boxes[1:])), url
                assert pg.evaluate("document.documentElement.scrollWidth") <= 375, url
            violations = axe_violations(pg)
            if violations:
                problems[url] = violations
            pg.close()
        assert not problems, "\n".join(f"{url}: {v}" for url, vs in problems.items() for v in vs)
    finally:
        context.close()
