import os

import pytest

# Shared fixtures, registered once for every test module (no per-module `noqa` imports):
# the Playwright browser and page, the editorial personas and clients, the ingest HTTP server.
pytest_plugins = ["tests.browser", "tests.editorial_fixtures", "tests.ingest_fixtures"]


@pytest.fixture(autouse=True)
def _eager_celery():
    # Unit tests run tasks in-process; the worker test starts a real worker instead.
    from project.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    # Each test starts with an empty cache of its own: derived data is cached by data
    # version (ingest run id), and test databases reuse ids that a shared cache would mix up.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _ingest_may_read_pytest_temp_files(settings, tmp_path_factory):
    # Source paths are confined to ingest/snapshots/; tests that ingest damaged copies of the
    # real files write them under pytest's own temporary folder, which is allowed here only.
    settings.CLAIMWATCH_INGEST_FILE_ROOTS = [str(tmp_path_factory.getbasetemp())]


@pytest.fixture
def seeded(db):
    from claims.seed import load_seed

    return load_seed()


def pytest_collection_modifyitems(config, items):
    """On SQLite, leave out the tests of PostgreSQL's own tables, triggers and plans.

    CI runs the suite on both databases, so each of them runs in one run; they are deselected
    rather than skipped, since nothing is missing that installing a tool would bring."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept = [item for item in items if not item.get_closest_marker("postgresql")]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("postgresql")])
        items[:] = kept


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: the tool it needed must be installed instead."""
    if os.environ.get("CI", "").lower() not in {"1", "true", "yes"}:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"CI=true: {skipped} test(s) skipped; failing the run", red=True)
        session.exitstatus = 1
