"""In Chromium: an editor logs in, accepts a suggestion in the queue (htmx swaps the row and
the counts, no page load), and the evidence is on the public claim page."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.editorial_fixtures import PASSWORD, make_user, suggestion


pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("private_cache", "fast_passwords")]


@pytest.fixture
def site(live_server, transactional_db, django_user_model):
    from ingest.models import DataSource

    make_user(django_user_model, "edna", editor=True)
    claim = factories.claim(slug="scaling-wall", title="Scaling is hitting a wall")
    source = DataSource.objects.create(slug="feed", name="AI lab blog", kind="feed", path="x.xml")
    first = suggestion(claim, source, title="New scaling results beat every benchmark")
    second = suggestion(claim, source, title="A second item on scaling")
    return {"url": live_server.url, "first": first, "second": second}


def _log_in(page, base):
    page.goto(f"{base}/curate/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/curate/$"))
    page.get_by_label("Username").fill("edna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/curate/")


def test_editor_accepts_a_suggestion_inline_and_sees_it_on_the_claim_page(site, page):
    base, first = site["url"], site["first"]
    _log_in(page, base)
    counts = page.locator("#curate-counts")
    expect(counts).to_contain_text("2 suggested")
    page.evaluate("window.__sameDocument = true")

    row = page.locator(f"#evidence-{first.pk}")
    row.get_by_label("Stance").select_option("contradicts")
    row.get_by_label("Strength").select_option("3")
    row.get_by_label("Tier").select_option("verified")
    row.get_by_label("Note").fill("Beats the **wall** claim.")
    row.get_by_role("button", name=re.compile("^Accept")).click()

    expect(row).to_contain_text("Accepted as contradicts (strong, verified)")
    expect(row.locator("strong", has_text="wall")).to_be_visible()
    expect(counts).to_contain_text("1 suggested")
    expect(counts).to_contain_text("1 accepted")
    expect(page.locator(f"#evidence-{site['second'].pk}")).to_contain_text("Why suggested")
    assert page.evaluate("window.__sameDocument") is True, "accepting reloaded the page instead of swapping the row"

    row.get_by_role("link", name="Scaling is hitting a wall").click()
    expect(page).to_have_url(f"{base}/claims/scaling-wall/")
    evidence = page.locator("section", has=page.get_by_role("heading", name="Evidence"))
    expect(evidence).to_contain_text("New scaling results beat every benchmark")
    expect(evidence).to_contain_text("strong")
    expect(evidence).to_contain_text("verified")


def test_rejecting_without_a_reason_shows_the_error_in_place(site, page):
    base, second = site["url"], site["second"]
    _log_in(page, base)
    row = page.locator(f"#evidence-{second.pk}")
    row.get_by_role("button", name=re.compile("^Reject")).click()
    # The browser's own required-field check stops an empty reason before it is sent.
    assert row.get_by_label("Reason").evaluate("el => el.validity.valueMissing") is True
    row.get_by_label("Reason").fill("Marketing, not evidence.")
    row.get_by_role("button", name=re.compile("^Reject")).click()
    expect(row).to_contain_text("Rejected")
    expect(row).to_contain_text("Marketing, not evidence.")
    expect(page.locator("#curate-counts")).to_contain_text("1 rejected")


def test_logging_out_from_the_navigation_is_a_post_that_ends_the_session(site, page):
    base = site["url"]
    _log_in(page, base)
    page.get_by_role("navigation", name="Main").get_by_role("button", name=re.compile("^Log out")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logged out")
    page.goto(f"{base}/curate/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
