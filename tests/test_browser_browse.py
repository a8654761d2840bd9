"""In Chromium: facet filters swap the list with htmx, push the URL, and back/forward work."""

import re

import pytest
from playwright.sync_api import expect

from claims.seed import load_seed


pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, transactional_db):
    load_seed()
    return live_server.url


def _facet(page, name):
    return page.get_by_role("navigation", name="Filters").get_by_role("list", name=name)


def test_clicking_a_topic_swaps_the_list_and_pushes_the_url(site, page):
    page.goto(f"{site}/claims/")
    expect(page.locator("#result-count")).to_contain_text("86 claims")
    page.evaluate("window.__sameDocument = true")  # survives only if no full page load happens

    _facet(page, "Topic").get_by_role("link", name=re.compile(r"^AlphaFold and science")).click()

    expect(page).to_have_url(re.compile(r"/claims/\?topic=alphafold-and-science$"))
    expect(page.locator("#result-count")).to_contain_text("3 claims")
    expect(page.locator(".results")).to_contain_text("Aravind Srinivas")
    expect(page.locator(".results")).not_to_contain_text("Deep learning is hitting a wall")
    chip = _facet(page, "Topic").get_by_role("link", name=re.compile("^AlphaFold"))
    expect(chip).to_have_attribute("aria-current", "true")
    assert page.evaluate("window.__sameDocument") is True, "the filter reloaded the page instead of swapping"

    page.go_back()
    expect(page).to_have_url(re.compile(r"/claims/$"))
    expect(page.locator("#result-count")).to_contain_text("86 claims")
    page.go_forward()
    expect(page).to_have_url(re.compile(r"topic=alphafold-and-science$"))
    expect(page.locator("#result-count")).to_contain_text("3 claims")


def test_facets_combine_and_update_each_others_counts(site, page):
    page.goto(f"{site}/claims/")
    _facet(page, "Person").get_by_role("link", name=re.compile(r"^Ferenc Huszár")).click()
    expect(page).to_have_url(re.compile(r"person=ferenc-huszar"))
    _facet(page, "Year made").get_by_role("link", name=re.compile(r"^2016")).click()
    expect(page).to_have_url(re.compile(r"person=ferenc-huszar&year=2016"))
    expect(page.locator("#result-count")).to_contain_text("6 claims")
    # The status facet now counts only Huszár's 2016 predictions: all resolved.
    expect(_facet(page, "Status")).to_contain_text("resolved false")
    expect(_facet(page, "Status")).not_to_contain_text("open")


def test_a_filtered_url_loaded_directly_renders_the_full_page(site, page):
    page.goto(f"{site}/claims/?topic=alphafold-and-science")
    expect(page.get_by_role("heading", level=1)).to_have_text("Claims")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.locator(".results")).to_contain_text("Aravind Srinivas")


def test_claim_page_tabs_and_chart_draw(site, page):
    page.goto(f"{site}/claims/marcus-deep-learning-hitting-a-wall/")
    expect(page.get_by_role("tab", name=re.compile("^For"))).to_have_attribute("aria-selected", "true")
    page.get_by_role("tab", name=re.compile("^Against")).click()
    expect(page.get_by_role("tab", name=re.compile("^Against"))).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel")).to_contain_text("No accepted evidence against this claim yet.")
    expect(page).to_have_url(re.compile(r"\?tab=contradicts$"))
