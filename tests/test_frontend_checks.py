"""Every public page passes the W3C Nu HTML checker and axe-core (WCAG 2.1 AA).

The checkers are the real third-party tools from npm (`npm ci` installs them; .ci/run does).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.seed import load_seed
from ingest.models import DataSource
from ingest.runner import queue_run, run_ingest

from .browser import browser, page  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SNAP = "ingest/snapshots/epoch"

PAGES = [
    "/", "/claims/", "/claims/?topic=scaling-walls&year=2022", "/claims/marcus-deep-learning-hitting-a-wall/",
    "/claims/lecun-llms-are-a-dead-end/", "/people/", "/people/ferenc-huszar/", "/topics/",
    "/topics/llm-dead-ends/", "/timeline/", "/data/", "/data/benchmarks/gpqa-diamond/", "/data/models/",
    "/search/", "/search/?q=scaling", "/feeds/",
]
# htmx's attributes are not HTML5; everything else the checker says is an error.
HTMX_NOISE = ("Attribute “hx-", "Attribute \u201chx-")


def _need(path: Path):
    if not path.exists():
        pytest.skip(f"{path.relative_to(ROOT)} missing: run `npm ci`")


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
def site(live_server, transactional_db):
    _load_data()
    return live_server.url


def test_every_page_passes_the_nu_html_checker(db, client, tmp_path):
    _need(VNU)
    if not shutil.which("java"):
        pytest.skip("java not found (apt-get install default-jre-headless)")
    _load_data()
    files = []
    for index, url in enumerate(PAGES):
        response = client.get(url)
        assert response.status_code == 200, url
        file = tmp_path / f"page{index}.html"
        file.write_bytes(response.content)
        files.append((file, url))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *[str(f) for f, _ in files]],
        capture_output=True, text=True, timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    by_file = {f"file:{f}": url for f, url in files}
    errors = [
        f"{by_file.get(m.get('url'), m.get('url'))}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error" and not m["message"].startswith(HTMX_NOISE)
    ]
    assert not errors, "\n".join(errors)


@pytest.mark.browser
def test_every_page_has_no_axe_violations(site, browser):  # noqa: F811
    _need(AXE)
    # axe is injected as a script; the page's own CSP would (rightly) refuse it.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        problems = {}
        for url in PAGES:
            pg = context.new_page()
            pg.goto(f"{site}{url}")
            if pg.locator("[data-figure]").count():
                expect(pg.locator("[data-figure]").first).to_have_attribute("data-drawn", "true")
            pg.add_script_tag(path=str(AXE))
            result = pg.evaluate(
                "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
                "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            )
            violations = [
                f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
                for v in result["violations"]
            ]
            if violations:
                problems[url] = violations
            pg.close()
        assert not problems, "\n".join(f"{url}: {v}" for url, vs in problems.items() for v in vs)
    finally:
        context.close()


@pytest.mark.browser
def test_pages_are_usable_at_375_pixels(site, browser):  # noqa: F811
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
