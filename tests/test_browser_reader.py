"""In Chromium: the browse page's title and feed links follow each htmx swap, paging moves
focus and scroll to the top of the results, and the claim page's copy buttons copy."""

import re

import pytest
from playwright.sync_api import expect

from claims.seed import load_seed


pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, transactional_db):
    load_seed()
    return live_server.url


def test_title_and_feed_link_follow_the_htmx_swap(site, page):
    page.goto(f"{site}/claims/")
    expect(page).to_have_title("Claims · Claimwatch")
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("navigation", name="Filters").get_by_role("list", name="Topic").get_by_role(
        "link", name=re.compile(r"^AlphaFold and science")).click()
    expect(page).to_have_url(re.compile(r"topic=alphafold-and-science$"))
    expect(page).to_have_title("Claims: AlphaFold and science · Claimwatch")
    atom = page.locator('head link[type="application/atom+xml"]')
    expect(atom).to_have_count(1)
    expect(atom).to_have_attribute("href", "/feeds/browse.atom?topic=alphafold-and-science")
    expect(page.locator('head link[type="application/rss+xml"]')).to_have_attribute(
        "href", "/feeds/browse.rss?topic=alphafold-and-science")
    assert page.evaluate("window.__sameDocument") is True
    page.go_back()
    expect(page).to_have_title("Claims · Claimwatch")


def test_paging_moves_focus_and_scroll_to_the_top_of_the_results(site, page):
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(f"{site}/claims/")
    page.evaluate("window.__sameDocument = true")
    nxt = page.locator(".pager").get_by_role("link", name=re.compile("Next"))
    nxt.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 1000
    nxt.click()
    expect(page).to_have_url(re.compile(r"page=2(&after=[^&]+)?$"))  # the next link carries a cursor
    expect(page.locator(".pager")).to_contain_text(re.compile(r"Page 2 of \d+"))
    expect(page.locator("#result-count")).to_be_focused()
    top = page.evaluate("document.getElementById('browse').getBoundingClientRect().top")
    assert -2 <= top <= 50, top
    assert page.evaluate("window.__sameDocument") is True


def test_copy_buttons_appear_with_js_and_copy_the_bibtex(site, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        pg = context.new_page()
        pg.goto(f"{site}/claims/huszar-2016-learn-generative-modelling/")
        button = pg.get_by_role("button", name="Copy BibTeX")
        expect(button).to_be_visible()
        button.click()
        expect(pg.locator("#copy-status")).to_have_text("BibTeX copied.")
        copied = pg.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("@misc{claimwatch:huszar-2016-learn-generative-modelling,")
        assert "  url = {" in copied
    finally:
        context.close()
