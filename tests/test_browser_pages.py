"""In Chromium: charts draw under the strict CSP, claim markers link to claims, feeds are found."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from claims.models import Claim
from claims.seed import load_seed
from ingest.models import DataSource
from ingest.runner import queue_run, run_ingest
from measures.models import FeaturedChart, Measure

from . import factories


pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, transactional_db):
    load_seed()
    source = DataSource.objects.create(slug="epoch-notable-models", name="Epoch AI: notable AI models",
                                       kind="epoch-models", path="ingest/snapshots/epoch/notable_ai_models.csv",
                                       options={"notable": True})
    run_ingest(queue_run(source).pk)
    # transactional_db flushes what the data migration seeded: the dashboard and /data/ charts.
    FeaturedChart.objects.get_or_create(place="data", kind="model", slug="training_compute_flop")
    for slug in ("marcus-deep-learning-hitting-a-wall", "huszar-2016-low-hanging-fruit-disappearing"):
        Measure.objects.create(claim=Claim.objects.get(slug=slug), kind="frontier_at", is_primary=True,
                               attribute="training_compute_flop", description="largest training run")
    return live_server.url


def test_the_compute_chart_draws_the_claim_apart_from_the_others(site, page):
    page.goto(f"{site}/claims/marcus-deep-learning-hitting-a-wall/")
    chart = page.locator("#chart-compute")
    chart.hover()  # plotly loads when a reader reaches for the chart
    expect(chart).to_have_attribute("data-drawn", "true")
    expect(chart.locator("svg.main-svg").first).to_be_visible()
    expect(chart.locator(".legendtext", has_text="This claim")).to_be_visible()
    expect(chart.locator(".legendtext", has_text="Claims (click to open)")).to_be_visible()
    expect(chart.locator(".annotation-text", has_text="claim made (2022)")).to_be_visible()
    # The other measured claim (Huszár 2016) is one marker; this claim is its own star.
    expect(chart.locator(".scatterlayer .trace").nth(2).locator("path.point")).to_have_count(1)
    expect(chart.locator(".scatterlayer .trace").nth(3).locator("path.point")).to_have_count(1)
    # Log ticks read as powers of ten, not 1e+24.
    assert any("10²" in t for t in chart.locator(".ytick text").all_text_contents())


def test_log_linear_range_and_table_are_in_the_url(site, page):
    page.goto(f"{site}/data/")
    chart = page.locator("#chart-compute")
    chart.hover()  # plotly loads when a reader reaches for the chart
    expect(chart).to_have_attribute("data-drawn", "true")
    controls = page.locator('[data-controls="chart-compute"]')
    expect(controls).to_be_visible()
    expect(controls.get_by_role("button", name="Log")).to_have_attribute("aria-pressed", "true")
    controls.get_by_role("button", name="Linear").click()
    expect(page).to_have_url(re.compile(r"compute\.scale=linear"))
    assert page.evaluate("document.getElementById('chart-compute').layout.yaxis.type") == "linear"
    controls.locator('[data-range="from"]').select_option("2015")
    expect(page).to_have_url(re.compile(r"compute\.from=2015"))
    x0 = page.evaluate("document.getElementById('chart-compute').layout.xaxis.range[0]")
    assert str(x0).startswith("2015-01-01")
    # A shared URL opens in the same state.
    page.goto(page.url)
    chart.hover()
    expect(chart).to_have_attribute("data-drawn", "true")
    assert page.evaluate("document.getElementById('chart-compute').layout.yaxis.type") == "linear"
    expect(page.locator('[data-controls="chart-compute"] [data-range="from"]')).to_have_value("2015")
    controls = page.locator('[data-controls="chart-compute"]')
    controls.get_by_role("button", name="Table").click()
    expect(page).to_have_url(re.compile(r"compute\.view=table"))
    expect(chart).to_be_hidden()
    expect(page.locator(".chart-table table")).to_be_visible()
    # Widening the years again brings back the table's earlier rows and drops the range sentence.
    table = page.locator(".chart-table").first
    early = table.locator('tbody tr[data-year="2014"]')
    expect(early.first).to_be_hidden()
    controls.locator('[data-range="from"]').select_option(index=0)
    expect(early.first).to_be_visible()
    expect(page.locator("[data-range-summary]").first).to_have_text("")
    expect(table.locator("[data-range-label]")).to_have_text("")


def test_the_chart_downloads_as_png_and_svg(site, page):
    page.goto(f"{site}/data/")
    # Downloading loads plotly if the reader has not pointed at the chart yet.
    for fmt in ("png", "svg"):
        with page.expect_download() as info:
            page.locator(f'[data-controls="chart-compute"] [data-image="{fmt}"]').click()
        download = info.value
        assert download.suggested_filename == f"claimwatch-compute.{fmt}"
        head = open(download.path(), "rb").read(64)
        assert head.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in head


def test_a_merged_marker_lists_its_claims_on_click(site, page):
    for i in range(3):
        claim = factories.claim(title=f"Close claim {i}", date_made=dt.date(2012, 3, 1) + dt.timedelta(days=i))
        Measure.objects.create(claim=claim, kind="frontier_at", attribute="training_compute_flop", description="m")
    page.goto(f"{site}/data/")
    chart = page.locator("#chart-compute")
    chart.hover()  # plotly loads when a reader reaches for the chart
    expect(chart).to_have_attribute("data-drawn", "true")
    claims = chart.locator(".scatterlayer .trace").nth(2)
    expect(claims.locator(".textpoint text", has_text="3")).to_be_visible()
    points = claims.locator("path.point")
    box = points.first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    picked = page.locator("#chart-compute-picked")
    expect(picked).to_be_visible()
    expect(picked.get_by_role("link")).to_have_count(3)
    expect(picked.get_by_role("link", name=re.compile("Close claim 0"))).to_have_attribute(
        "href", re.compile(r"^/claims/"))


def test_the_embed_page_draws_the_chart_inside_a_frame(site, page):
    page.goto(f"{site}/data/")
    snippet = page.locator("#chart-compute-embed").input_value()
    src = re.search(r'src="([^"]+)"', snippet).group(1)
    assert src.endswith("/embed/model/training_compute_flop/")
    page.set_content(f'<iframe src="{src}" title="embed" width="800" height="620"></iframe>')
    frame = page.frame_locator("iframe")
    frame.locator("#chart-compute").hover()
    expect(frame.locator("#chart-compute")).to_have_attribute("data-drawn", "true")
    expect(frame.get_by_role("link", name=re.compile("on Claimwatch"))).to_be_visible()


def test_plotly_loads_only_when_a_reader_reaches_for_a_chart(site, page):
    page.goto(f"{site}/data/?compute.scale=linear")
    preview = page.locator("#chart-compute .chart-preview")
    expect(preview).to_be_visible()
    expect(page.locator('[data-controls="chart-compute"]')).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.Plotly") == "undefined"
    page.locator("#chart-compute").hover()
    expect(page.locator("#chart-compute")).to_have_attribute("data-drawn", "true")
    expect(preview).to_have_count(0)
    # The preview was drawn at the URL's scale; plotly opens in it too.
    assert page.evaluate("document.getElementById('chart-compute').layout.yaxis.type") == "linear"


def test_pages_without_charts_load_no_plotly_in_the_browser(site, page):
    page.goto(f"{site}/claims/")
    expect(page.locator("#result-count")).to_be_visible()
    assert page.evaluate("typeof window.Plotly") == "undefined"


def test_feed_links_are_discoverable_and_serve_atom(site, page):
    page.goto(f"{site}/topics/scaling-walls/")
    link = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    expect(link).to_have_attribute("href", "/feeds/topics/scaling-walls.atom")
    page.get_by_role("link", name="Atom feed").first.click()
    expect(page).to_have_url(re.compile(r"/feeds/topics/scaling-walls\.atom$"))
    response = page.request.get(f"{site}/feeds/topics/scaling-walls.atom")
    assert response.ok and "<feed" in response.text() and "Deep learning is hitting a wall" in response.text()


def test_a_table_view_from_the_url_draws_the_chart_only_when_it_is_shown(site, page):
    page.goto(f"{site}/data/?compute.view=table")
    chart = page.locator("#chart-compute")
    expect(chart).to_be_hidden()
    expect(page.locator(".chart-table").first).to_have_attribute("open", "")
    page.locator(".chart-table").first.hover()
    page.wait_for_load_state("networkidle")
    expect(chart).to_be_hidden()  # plotly fetched, nothing flashed into view
    page.locator('[data-controls="chart-compute"]').get_by_role("button", name="Chart").click()
    expect(chart).to_have_attribute("data-drawn", "true")
    expect(chart).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"compute\.view"))
