"""Shared Playwright setup: Debian's Chromium, headless, with the machine's network quirks."""

import atexit
import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the
# tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# One Playwright for the whole session: test modules import these fixtures, and each
# import would otherwise start its own, which Playwright's sync API refuses.
_shared = {}


def _stop():
    if "playwright" in _shared:
        _shared.pop("browser").close()
        _shared.pop("playwright").stop()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    if "browser" not in _shared:
        from playwright.sync_api import sync_playwright

        _shared["playwright"] = sync_playwright().start()
        _shared["browser"] = _shared["playwright"].chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        atexit.register(_stop)
    return _shared["browser"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"
