"""In Chromium: charts draw under the strict CSP, claim markers link to claims, feeds are found."""

import re

import pytest
from playwright.sync_api import expect

from claims.seed import load_seed
from ingest.models import DataSource
from ingest.runner import queue_run, run_ingest


pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, transactional_db):
    load_seed()
    source = DataSource.objects.create(slug="epoch-notable-models", name="Epoch AI: notable AI models",
                                       kind="epoch-models", path="ingest/snapshots/epoch/notable_ai_models.csv",
                                       options={"notable": True})
    run_ingest(queue_run(source).pk)
    return live_server.url


def test_the_compute_chart_draws_with_claim_markers(site, page):
    page.goto(f"{site}/claims/marcus-deep-learning-hitting-a-wall/")
    chart = page.locator("#chart-compute")
    expect(chart).to_have_attribute("data-drawn", "true")
    expect(chart.locator("svg.main-svg").first).to_be_visible()
    expect(chart.locator(".legendtext", has_text="Claims (click to open)")).to_be_visible()
    expect(chart.locator(".annotation-text", has_text="claim made (2022)")).to_be_visible()
    # One marker per dated claim drawn, on top of 483 notable models.
    expect(chart.locator(".scatterlayer .trace").nth(2).locator("path.point")).to_have_count(1)


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
