"""Every public page passes the W3C Nu HTML checker and axe-core (WCAG 2.1 AA).

The checkers are the real third-party tools from npm (`npm ci` installs them; .ci/run does).
"""

import pytest
from playwright.sync_api import expect

from claims.seed import load_seed
from ingest.models import DataSource
from ingest.runner import queue_run, run_ingest

from .page_checks import AXE, axe_violations, need, nu_errors

SNAP = "ingest/snapshots/epoch"

PAGES = [
    "/", "/claims/", "/claims/?topic=scaling-walls&year=2022", "/claims/marcus-deep-learning-hitting-a-wall/",
    "/claims/lecun-llms-are-a-dead-end/", "/people/", "/people/ferenc-huszar/", "/topics/",
    "/topics/llm-dead-ends/", "/timeline/", "/timeline/?lanes=topic", "/data/", "/data/benchmarks/gpqa-diamond/", "/data/models/",
    "/search/", "/search/?q=scaling", "/feeds/",
]


def _load_data():
    load_seed()
    for slug, kind, path, options in (
        ("epoch-notable-models", "epoch-models", f"{SNAP}/notable_ai_models.csv", {"notable": True}),
        ("epoch-benchmark-runs", "epoch-benchmarks", f"{SNAP}/benchmarks_runs.csv",
         {"model_versions": f"{SNAP}/model_versions.csv", "table": "runs"}),
    ):
        source = DataSource.objects.create(slug=slug, name=slug, kind=kind, path=path, options=options)
        run_ingest(queue_run(source).pk)


@pytest.fixture
def parts(monkeypatch):
    # Small download parts, so /claims/ shows the part picker its downloads get past 1,000 claims.
    from claims import download_parts

    monkeypatch.setattr(download_parts, "PART_SIZE", 10)


@pytest.fixture
def site(live_server, transactional_db, parts):
    _load_data()
    return live_server.url


def test_every_page_passes_the_nu_html_checker(db, client, tmp_path, parts):
    _load_data()
    assert b'class="downloads download-parts"' in client.get("/claims/").content
    pages = []
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append((url, response.content))
    errors = nu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)


@pytest.mark.browser
def test_every_page_has_no_axe_violations(site, browser):
    need(AXE)
    # axe is injected as a script; the page's own CSP would (rightly) refuse it.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        problems = {}
        for url in PAGES:
            pg = context.new_page()
            pg.goto(f"{site}{url}")
            if pg.locator("[data-figure]").count():
                pg.locator("[data-figure]").first.hover()  # plotly loads when a reader reaches for a chart
                expect(pg.locator("[data-figure]").first).to_have_attribute("data-drawn", "true")
            violations = axe_violations(pg)
            if violations:
                problems[url] = violations
            pg.close()
        assert not problems, "\n".join(f"{url}: {v}" for url, vs in problems.items() for v in vs)
    finally:
        context.close()


@pytest.mark.browser
def test_pages_are_usable_at_375_pixels(site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        for url in PAGES:
            pg = context.new_page()
            pg.goto(f"{site}{url}")
            overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 375px"
            pg.close()
    finally:
        context.close()
