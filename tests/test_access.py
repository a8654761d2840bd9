"""One staff check for the ingest and editorial pages (project/access.py): the same login
redirect, the same htmx redirect, the same 403."""

import pytest
from django.test import Client

from editorial import permissions
from ingest import views as ingest_views
from project import access
from tests.editorial_fixtures import client_for


def test_ingest_and_editorial_share_one_staff_check():
    assert permissions.staff_required is access.staff_required
    assert not hasattr(ingest_views, "redirect_to_login")  # the drifted copy is gone


@pytest.mark.parametrize("url", ["/ingest/", "/curate/audit/"])
def test_anonymous_htmx_request_to_a_staff_page_gets_a_client_redirect(db, url):
    response = Client().get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", ["/ingest/", "/curate/audit/"])
def test_editors_get_the_same_403_from_both_staff_pages(editor, url):
    response = client_for(editor).get(url)
    assert response.status_code == 403
    assert "This page is for administrators." in response.content.decode()


def test_anonymous_post_to_a_staff_action_goes_to_plain_login(db):
    from ingest.models import DataSource

    source = DataSource.objects.create(slug="s", name="s", kind="feed")
    response = Client().post(f"/ingest/sources/{source.slug}/run/")
    # A POST cannot be replayed after logging in: no ?next= pointing at it.
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
