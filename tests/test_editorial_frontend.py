"""The editorial pages pass the W3C Nu HTML checker and axe-core (WCAG 2.1 AA), like the
public pages do (tests/test_frontend_checks.py), with an editor and an admin signed in."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from claims.history import record_revision
from claims.services import change_verdict
from editorial import checks
from editorial.models import Operationalisation
from ingest.models import DataSource
from tests import factories
from tests.editorial_fixtures import (  # noqa: F401  (fixtures)
    PASSWORD,
    client_for,
    fast_passwords,
    make_user,
    private_cache,
    suggestion,
)

from .browser import browser, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.usefixtures("private_cache", "fast_passwords")

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HTMX_NOISE = ("Attribute “hx-", "Attribute \u201chx-")

PAGES = ["/curate/", "/curate/claims/", "/curate/claims/new/", "/curate/claims/checked/edit/",
         "/curate/claims/checked/history/", "/curate/claims/checked/tests/", "/curate/audit/",
         "/accounts/password_change/"]
ANONYMOUS_PAGES = ["/accounts/login/"]


def _need(path: Path):
    if not path.exists():
        pytest.skip(f"{path.relative_to(ROOT)} missing: run `npm ci`")


def _data(django_user_model):
    admin = make_user(django_user_model, "ada", staff=True, superuser=True)
    topic = factories.topic(name="Scaling walls")
    claim = factories.claim(slug="checked", title="Scaling is hitting a wall", topics=[topic],
                            quote="Deep learning is hitting a wall.", kind="prediction")
    record_revision(claim, comment="first")
    claim.title = "Scaling is hitting a brick wall"
    claim.save()
    record_revision(claim, user=admin, comment="retitled")
    change_verdict(claim, user=admin, status="contradicted", rationale="Scores kept rising.")
    source = DataSource.objects.create(slug="feed", name="AI lab blog", kind="feed", path="x.xml")
    for n in range(3):
        suggestion(claim, source, title=f"Item {n} on scaling")
    op = Operationalisation.objects.create(claim=claim, description="1e25 FLOP model", metric="max_training_compute",
                                           threshold=1e25)
    checks.evaluate(op)
    return admin


def test_editorial_pages_pass_the_nu_html_checker(db, django_user_model, tmp_path):
    _need(VNU)
    if not shutil.which("java"):
        pytest.skip("java not found (apt-get install default-jre-headless)")
    admin = _data(django_user_model)
    from django.test import Client

    files = []
    for index, (client, url) in enumerate([(client_for(admin), u) for u in PAGES]
                                          + [(Client(), u) for u in ANONYMOUS_PAGES]):
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
def test_editorial_pages_have_no_axe_violations(live_server, transactional_db, django_user_model, browser):  # noqa: F811
    _need(AXE)
    _data(django_user_model)
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        pg = context.new_page()
        pg.goto(f"{live_server.url}/accounts/login/")
        problems = {}
        for url in ANONYMOUS_PAGES + ["LOGIN"] + PAGES:
            if url == "LOGIN":
                pg.get_by_label("Username").fill("ada")
                pg.get_by_label("Password").fill(PASSWORD)
                pg.get_by_role("button", name="Log in").click()
                pg.wait_for_url(f"{live_server.url}/curate/")
                continue
            pg.goto(f"{live_server.url}{url}")
            pg.add_script_tag(path=str(AXE))
            result = pg.evaluate(
                "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
                "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            )
            violations = [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
                          for v in result["violations"]]
            if violations:
                problems[url] = violations
        assert not problems, "\n".join(f"{url}: {v}" for url, vs in problems.items() for v in vs)
    finally:
        context.close()
