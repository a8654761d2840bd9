"""Error pages: 400, 403, 404, 429 and 500 in the site's design, with the reason shown.

The 500 page is rendered with the database blocked (no `db` fixture): it must not need one.
"""

import pytest
from django.test import RequestFactory

from claims.errors import handler500, render_429
from tests.editorial_fixtures import client_for

from .page_checks import nu_errors


def test_unknown_url_is_a_404_page_in_the_site_design(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no page at this address" in html
    assert 'href="/claims/"' in html and 'class="site-header"' in html
    assert "<title>Page not found · Claimwatch</title>" in html


def test_unknown_claim_slug_is_the_designed_404(client, db):
    response = client.get("/claims/no-such-claim/")
    assert response.status_code == 404
    assert "Error 404" in response.content.decode()


@pytest.mark.parametrize(
    "url, reason",
    [("/claims/?status=sideways", "status: Select a valid choice. sideways is not one of the available choices."),
     ("/timeline/?topic=nope", "topic: no such topic."),
     ("/search/?q=" + "x" * 201, "Invalid search: q: Ensure this value has at most 200 characters"),
     ("/feeds/browse.atom?kind=guess", "Invalid filter: kind:")],
)
def test_bad_parameters_render_the_400_page_with_the_reason(client, db, url, reason):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "This request could not be understood" in html
    assert reason in html


def test_bad_evidence_tab_is_a_400_page(client, db):
    from tests import factories

    claim = factories.claim()
    response = client.get(f"{claim.get_absolute_url()}?tab=sideways")
    assert response.status_code == 400
    assert "tab must be supports, contradicts or context" in response.content.decode()


def test_permission_denied_renders_the_403_page_with_the_reason(editor):
    response = client_for(editor).get("/curate/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have permission to see this page" in html
    assert "This page is for administrators." in html


def test_render_429_says_how_long_to_wait_and_sets_retry_after(db, rf):
    request = rf.get("/accounts/login/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = render_429(request, 900)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    html = response.content.decode()
    assert "Too many attempts" in html and "Please wait 15 minutes before trying again." in html


def test_500_page_renders_without_a_database():
    # No db fixture: pytest-django fails any query, so this shows the page needs none.
    response = handler500(RequestFactory().get("/claims/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert '<html lang="en">' in html and 'href="/claims/"' in html


def test_a_crashing_view_gets_the_500_page(client, db, settings, monkeypatch):
    from reader import views

    def boom(request):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(views, "person_list", boom)
    settings.ROOT_URLCONF = "tests.error_urls"
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_error_pages_pass_the_nu_html_checker(client, db, tmp_path, editor, rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/accounts/login/")
    request.user = AnonymousUser()
    pages = [
        ("404", client.get("/no/such/page/").content),
        ("400", client.get("/claims/?status=sideways").content),
        ("403", client_for(editor).get("/curate/audit/").content),
        ("429", render_429(request, 60).content),
        ("500", handler500(rf.get("/")).content),
    ]
    errors = nu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)
