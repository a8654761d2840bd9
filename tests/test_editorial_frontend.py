"""The editorial pages pass the W3C Nu HTML checker and axe-core (WCAG 2.1 AA), like the
public pages do (tests/test_frontend_checks.py), with an editor and an admin signed in."""

import pytest

from claims.models import Attribution, Evidence
from claims.history import record_revision
from claims.services import change_verdict
from editorial import checks
from measures.models import Measure
from ingest.models import DataSource
from tests import factories
from tests.editorial_fixtures import PASSWORD, client_for, make_user, suggestion

from .page_checks import AXE, axe_violations, need, nu_errors

pytestmark = pytest.mark.usefixtures("private_cache", "fast_passwords")


PAGES = ["/curate/", "/curate/claims/", "/curate/claims/new/", "/curate/claims/checked/edit/",
         "/curate/claims/checked/history/", "/curate/claims/checked/tests/", "/curate/audit/",
         "/accounts/password_change/"]
ANONYMOUS_PAGES = ["/accounts/login/"]


def _data(django_user_model):
    admin = make_user(django_user_model, "ada", staff=True, superuser=True)
    topic = factories.topic(name="Scaling walls")
    claim = factories.claim(slug="checked", title="Scaling is hitting a wall", topics=[topic],
                            quote="Deep learning is hitting a wall.", kind="prediction")
    # An attribution, so the claim form's formset has a filled-in row as well as the blank one.
    Attribution.objects.create(claim=claim, source=factories.source(title="An essay"), attributed_to="Gary Marcus",
                               passage="Gary Marcus said deep learning is hitting a wall.")
    record_revision(claim, comment="first")
    claim.title = "Scaling is hitting a brick wall"
    claim.save()
    record_revision(claim, user=admin, comment="retitled")
    # A verdict needs backing (claims/backing.py): one accepted piece of evidence against.
    Evidence.objects.create(claim=claim, summary="Scores kept rising.", stance="contradicts", state="accepted")
    change_verdict(claim, user=admin, status="contradicted", rationale="Scores kept rising.")
    source = DataSource.objects.create(slug="feed", name="AI lab blog", kind="feed", path="x.xml")
    for n in range(3):
        suggestion(claim, source, title=f"Item {n} on scaling")
    op = Measure.objects.create(claim=claim, description="1e25 FLOP model", kind="frontier_at", attribute="training_compute_flop",
                                           threshold=1e25)
    checks.evaluate(op)
    return admin


def test_editorial_pages_pass_the_nu_html_checker(db, django_user_model, tmp_path):
    admin = _data(django_user_model)
    from django.test import Client

    pages = []
    for client, url in [(client_for(admin), u) for u in PAGES] + [(Client(), u) for u in ANONYMOUS_PAGES]:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append((url, response.content))
    errors = nu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)


@pytest.mark.browser
def test_editorial_pages_have_no_axe_violations(live_server, transactional_db, django_user_model, browser):
    need(AXE)
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
            violations = axe_violations(pg)
            if violations:
                problems[url] = violations
        assert not problems, "\n".join(f"{url}: {v}" for url, vs in problems.items() for v in vs)
    finally:
        context.close()
