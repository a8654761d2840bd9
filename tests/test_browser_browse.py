"""In Chromium: the topic filter swaps the list with htmx and pushes the URL."""

import re

import pytest
from playwright.sync_api import expect

from claims.seed import load_seed

from .browser import browser, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, transactional_db):
    load_seed()
    return live_server.url


def test_clicking_a_topic_swaps_the_list_and_pushes_the_url(site, page):
    page.goto(f"{site}/claims/")
    expect(page.locator("#result-count")).to_contain_text("64 claims")
    page.evaluate("window.__sameDocument = true")  # survives only if no full page load happens

    facets = page.get_by_role("navigation", name="Filter by topic")
    facets.get_by_role("link", name=re.compile(r"^AlphaFold and science")).click()

    expect(page).to_have_url(re.compile(r"/claims/\?topic=alphafold-and-science$"))
    expect(page.locator("#result-count")).to_contain_text("on AlphaFold and science")
    expect(page.locator(".results")).to_contain_text("Aravind Srinivas")
    expect(page.locator(".results")).not_to_contain_text("Deep learning is hitting a wall")
    chip = page.get_by_role("navigation", name="Filter by topic").get_by_role("link", name=re.compile("^AlphaFold"))
    expect(chip).to_have_attribute("aria-current", "true")
    assert page.evaluate("window.__sameDocument") is True, "the filter reloaded the page instead of swapping"

    page.go_back()
    expect(page).to_have_url(re.compile(r"/claims/$"))
    expect(page.locator("#result-count")).to_contain_text("64 claims")


def test_a_filtered_url_loaded_directly_renders_the_full_page(site, page):
    page.goto(f"{site}/claims/?topic=alphafold-and-science")
    expect(page.get_by_role("heading", level=1)).to_have_text("Claims")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.locator(".results")).to_contain_text("Aravind Srinivas")
