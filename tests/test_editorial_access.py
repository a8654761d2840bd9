"""Who may reach which editorial URL: anonymous -> login, editor -> allowed or 403 on
admin-only pages, admin -> allowed; CSRF on every POST (htmx too); GET on writes -> 405."""

import pytest
from django.test import Client

from claims.history import record_revision
from editorial.models import ProposedVerdict
from measures.models import Measure
from tests import factories
from tests.editorial_fixtures import client_for, suggestion

pytestmark = pytest.mark.usefixtures("private_cache", "fast_passwords")


@pytest.fixture
def world(db, feed_source):
    claim = factories.claim(slug="the-claim", title="The claim", kind="prediction")
    first = record_revision(claim, comment="first")
    claim.title = "The claim, retitled"
    claim.save()
    record_revision(claim, comment="second")
    op = Measure.objects.create(claim=claim, description="Compute test", kind="frontier_at", attribute="training_compute_flop",
                                           comparison="gte", threshold=1e25)
    proposal = ProposedVerdict.objects.create(claim=claim, measure=op, proposed_status="resolved_true",
                                              outcome="met", reason="Because the data says so.")
    return {
        "claim": claim,
        "accept": suggestion(claim, feed_source),
        "reject": suggestion(claim, feed_source),
        "bulk": suggestion(claim, feed_source),
        "revision": first,
        "op": op,
        "proposal": proposal,
    }


def _writes(w):
    """(name, url, valid POST data) for every editorial write."""
    a, r, b, c, op, p = w["accept"].pk, w["reject"].pk, w["bulk"].pk, w["claim"].slug, w["op"].pk, w["proposal"].pk
    return {
        "evidence_accept": (f"/curate/evidence/{a}/accept/",
                            {f"accept-{a}-stance": "supports", f"accept-{a}-strength": "2",
                             f"accept-{a}-tier": "verified", f"accept-{a}-note": ""}),
        "evidence_reject": (f"/curate/evidence/{r}/reject/", {f"reject-{r}-reason": "Off topic."}),
        "evidence_bulk": ("/curate/evidence/bulk/", {"ids": [b], "action": "accept_context"}),
        "proposal_accept": (f"/curate/proposals/{p}/accept/", {f"proposal-{p}-rationale": "The test is met."}),
        "proposal_dismiss": (f"/curate/proposals/{p}/dismiss/", {f"dismiss-{p}-note": "Not yet."}),
        "claim_new": ("/curate/claims/new/", {"title": "A brand new claim", "statement": "S.", "quote": "Q.",
                                             "kind": "assessment", "date_made": "2024", "quote_kind": "own_words",
                                             "attr-TOTAL_FORMS": "0", "attr-INITIAL_FORMS": "0"}),
        "claim_edit": (f"/curate/claims/{c}/edit/", {"title": "Edited title", "slug": c, "statement": "S.",
                                                    "quote": "Q.", "kind": "prediction", "date_made": "2020-02",
                                                    "quote_kind": "own_words", "attr-TOTAL_FORMS": "0",
                                                    "attr-INITIAL_FORMS": "0"}),
        "claim_state": (f"/curate/claims/{c}/state/", {"to": "in_review"}),
        "claim_verdict": (f"/curate/claims/{c}/verdict/", {"status": "supported", "rationale": "Data.", "as_of": ""}),
        "claim_revert": (f"/curate/claims/{c}/revert/{w['revision'].pk}/",
                         {f"revert-{w['revision'].pk}-reason": "Undo the retitling."}),
        "claim_tests": (f"/curate/claims/{c}/tests/", {"description": "Best compute", "kind": "frontier_at", "attribute": "training_compute_flop",
                                                      "comparison": "gte", "threshold": "1e26", "expects": "met"}),
        "test_check": (f"/curate/claims/{c}/tests/{op}/check/", {}),
        "test_delete": (f"/curate/claims/{c}/tests/{op}/delete/", {}),
    }


WRITES = ["evidence_accept", "evidence_reject", "evidence_bulk", "proposal_accept", "proposal_dismiss", "claim_new",
          "claim_edit", "claim_state", "claim_verdict", "claim_revert", "claim_tests", "test_check", "test_delete"]
POST_ONLY = [name for name in WRITES if name not in {"claim_new", "claim_edit", "claim_tests"}]
EDITOR_PAGES = ["/curate/", "/curate/claims/", "/curate/claims/new/", "/curate/claims/the-claim/edit/",
                "/curate/claims/the-claim/history/", "/curate/claims/the-claim/tests/"]
ADMIN_PAGES = ["/curate/audit/"]


def _is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", WRITES)
def test_anonymous_write_is_sent_to_log_in_and_changes_nothing(world, name):
    from editorial.models import AuditEntry

    url, data = _writes(world)[name]
    response = Client().post(url, data)
    assert _is_login_redirect(response)
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("name", WRITES)
def test_signed_in_user_without_the_editor_role_gets_403_on_writes(world, reader, name):
    from editorial.models import AuditEntry

    url, data = _writes(world)[name]
    assert client_for(reader).post(url, data).status_code == 403
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", ["editor", "admin"])
@pytest.mark.parametrize("name", WRITES)
def test_editors_and_admins_may_write_and_each_write_is_audited(world, request, role, name):
    from editorial.models import AuditEntry

    user = request.getfixturevalue(role)
    url, data = _writes(world)[name]
    response = client_for(user).post(url, data)
    assert response.status_code == 302, response.content[:500]
    assert not _is_login_redirect(response)
    assert AuditEntry.objects.filter(actor=user).exists(), f"{name} left no audit entry"


@pytest.mark.parametrize("url", EDITOR_PAGES + ADMIN_PAGES)
def test_anonymous_page_view_redirects_to_login_with_next(world, url):
    response = Client().get(url)
    assert _is_login_redirect(response)
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", EDITOR_PAGES)
def test_editor_pages_open_for_editors_and_admins_but_not_for_plain_accounts(world, editor, admin, reader, url):
    assert client_for(editor).get(url).status_code == 200
    assert client_for(admin).get(url).status_code == 200
    assert client_for(reader).get(url).status_code == 403


@pytest.mark.parametrize("url", ADMIN_PAGES + ["/ingest/"])
def test_admin_only_pages_are_403_for_editors(world, editor, admin, url):
    assert client_for(editor).get(url).status_code == 403
    assert client_for(admin).get(url).status_code == 200


@pytest.mark.parametrize("name", POST_ONLY)
def test_get_on_a_write_url_is_405_for_everyone(world, editor, name):
    url, _ = _writes(world)[name]
    assert client_for(editor).get(url).status_code == 405
    assert Client().get(url).status_code == 405


def test_logout_by_get_is_refused(editor):
    client = client_for(editor)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/curate/").status_code == 200  # still logged in


@pytest.mark.parametrize("name", WRITES)
def test_post_without_csrf_token_is_refused_with_403(world, editor, name):
    from editorial.models import AuditEntry

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    url, data = _writes(world)[name]
    response = client.post(url, data)
    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("name", WRITES)
def test_htmx_post_without_csrf_token_is_refused_with_403(world, editor, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    url, data = _writes(world)[name]
    assert client.post(url, data, headers={"HX-Request": "true"}).status_code == 403


def test_htmx_accept_with_the_token_in_the_header_goes_through(world, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get("/curate/")
    token = client.cookies["csrftoken"].value
    url, data = _writes(world)["evidence_accept"]
    response = client.post(url, data, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    world["accept"].refresh_from_db()
    assert world["accept"].state == "accepted"


def test_plain_form_post_with_the_token_from_the_page_goes_through(world, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    page = client.get("/curate/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    url, data = _writes(world)["evidence_reject"]
    response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    world["reject"].refresh_from_db()
    assert world["reject"].state == "rejected"


def test_htmx_post_from_an_expired_session_asks_the_browser_to_go_to_login(world):
    url, data = _writes(world)["evidence_accept"]
    response = Client().post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/")
