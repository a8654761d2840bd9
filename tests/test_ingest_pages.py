"""The staff ingest pages: access, content, Run now with CSRF, live progress fragments, query counts."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.test import Client
from django.urls import reverse

from ingest import progress_store
from ingest.models import DataSource, IngestRun

from .ingest_fixtures import make_source, run_once

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
NOTABLE = "ingest/snapshots/epoch/notable_ai_models.csv"


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_user("staff", password="x", is_staff=True))
    return client


@pytest.fixture
def reader(client):
    client.force_login(User.objects.create_user("reader", password="x"))
    return client


@pytest.fixture
def sources():
    good = make_source("notable", "epoch-models", path=NOTABLE)
    good.publisher = "Epoch AI"
    good.save()
    ok = run_once(good)
    broken = make_source("broken-feed", "feed", path="ingest/snapshots/feeds/odd/allthis-partial.json")
    failed = run_once(broken)
    make_source("never", "metr", path="ingest/snapshots/metr/benchmark_results_1_1.yaml")
    rejected = run_once(make_source("owid-training", "owid",
                                    path="ingest/snapshots/owid/artificial-intelligence-training-computation.csv"))
    return {"ok": ok, "failed": failed, "rejected": rejected}


def urls(runs):
    return [
        ("get", reverse("ingest:sources")),
        ("get", reverse("ingest:run", args=[runs["ok"].pk])),
        ("post", reverse("ingest:run_now", args=["notable"])),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, sources):
    for method, url in urls(sources):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
    response = client.get(reverse("ingest:run", args=[sources["ok"].pk]), headers=HTMX)
    assert response.status_code == 302


def test_signed_in_non_staff_get_403_on_pages_fragments_and_actions(reader, sources):
    for method, url in urls(sources):
        assert getattr(reader, method)(url).status_code == 403
    assert reader.get(reverse("ingest:run", args=[sources["ok"].pk]), headers=HTMX).status_code == 403
    assert IngestRun.objects.count() == 3  # the refused POST started nothing


def test_status_page_lists_sources_with_status_counts_errors_and_next_run(staff, sources):
    response = staff.get(reverse("ingest:sources"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ingest status" in html
    assert html.count('<tr id="source-') == 4
    assert "954 new · 0 updated · 0 unchanged" in html
    assert "the JSON feed is not valid JSON" in html
    assert "517 new" in html and "1 rejected" in html
    assert "never run" in html
    assert "within a minute" in html  # the never-run source is due at the next dispatch
    assert len(re.findall(r'<form method="post" action="/ingest/sources/[\w-]+/run/"[^>]*>\s*<input type="hidden" '
                          r'name="csrfmiddlewaretoken"', html)) == 4
    assert 'hx-post="/ingest/sources/notable/run/"' in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_status_page_query_count_does_not_grow_with_sources(staff, sources):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(reverse("ingest:sources")).status_code == 200
        ours = [q["sql"] for q in captured.captured_queries if '"ingest_' in q["sql"]]
        return len(captured.captured_queries), ours

    total, ours = queries()
    # Three of them are this page's: sources with their last good finish, their latest runs,
    # and how many bundled sources have loaded.
    assert len(ours) == 3, ours
    for n in range(10):
        run_once(make_source(f"extra-{n}", "owid",
                             path="ingest/snapshots/owid/cumulative-number-of-large-scale-ai-models-by-domain.csv"))
    more_total, more_ours = queries()
    assert (more_total, len(more_ours)) == (total, 3)


def test_run_now_needs_a_csrf_token(sources):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_user("csrf", password="x", is_staff=True))
    assert client.post(reverse("ingest:run_now", args=["notable"])).status_code == 403
    page = client.get(reverse("ingest:sources"))
    token = page.cookies["csrftoken"].value
    response = client.post(reverse("ingest:run_now", args=["notable"]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_run_now_without_js_starts_a_run_and_redirects_to_it(staff, sources, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("ingest:run_now", args=["never"]))
    run = DataSource.objects.get(slug="never").runs.get()
    assert response.status_code == 302 and response["Location"] == reverse("ingest:run", args=[run.pk])
    run.refresh_from_db()
    assert run.status == IngestRun.Status.OK and run.created_count == 46


def test_run_now_with_htmx_returns_the_row_that_polls_the_new_run(staff, sources):
    response = staff.post(reverse("ingest:run_now", args=["never"]), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    run = DataSource.objects.get(slug="never").runs.get()
    assert run.status == IngestRun.Status.PENDING  # handed to the worker on commit
    assert html.lstrip().startswith('<tr id="source-never">') and "<html" not in html
    assert f'hx-get="/ingest/runs/{run.pk}/"' in html and 'hx-trigger="every 1s"' in html


def test_run_now_for_an_unknown_source_is_404_and_get_is_405(staff):
    assert staff.post(reverse("ingest:run_now", args=["nope"])).status_code == 404
    assert staff.get(reverse("ingest:run_now", args=["nope"])).status_code == 405


def test_progress_fragment_of_a_running_run_keeps_polling_and_shows_live_counts(staff, sources):
    source = DataSource.objects.get(slug="never")
    run = IngestRun.objects.create(source=source, status=IngestRun.Status.RUNNING)
    progress_store.set_progress(run.pk, 200, 954)
    try:
        response = staff.get(reverse("ingest:run", args=[run.pk]), headers=HTMX)
    finally:
        progress_store.clear(run.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert '<progress max="954" value="200">' in html and "200 of 954 rows" in html
    assert "<h1>" not in html


def test_progress_fragment_of_a_finished_run_stops_polling_with_286(staff, sources):
    response = staff.get(reverse("ingest:run", args=[sources["failed"].pk]), headers=HTMX)
    assert response.status_code == 286
    html = response.content.decode()
    assert "hx-trigger" not in html and "failed" in html and "not valid JSON" in html


def test_run_page_shows_provenance_and_rejected_rows(staff, sources):
    run = sources["rejected"]
    response = staff.get(reverse("ingest:run", args=[run.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert run.sha256 in html and str(run.bytes) in html
    assert "artificial-intelligence-training-computation.csv" in html
    assert "517 new, 0 updated, 0 unchanged, 1 rejected" in html
    assert "517 series points" in html
    assert "lines 186-187" in html and "broken record" in html
    assert "GPT-3.5 (davinci-002)" in html


def test_run_page_escapes_what_came_from_outside(staff, sources):
    run = sources["rejected"]
    run.rejected_rows = [{"where": "line 2", "reason": "<script>alert(1)</script>", "row": {"Entity": "<b>x</b>"}}]
    run.save()
    html = staff.get(reverse("ingest:run", args=[run.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>x</b>" not in html


def test_unknown_run_is_404(staff):
    assert staff.get(reverse("ingest:run", args=[999999])).status_code == 404


def test_pages_carry_no_inline_script_or_handlers(staff, sources):
    for url in (reverse("ingest:sources"), reverse("ingest:run", args=[sources["ok"].pk])):
        html = staff.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag
        assert not re.search(r"\son[a-z]+\s*=", html)


def test_status_page_says_while_the_bundled_data_is_still_loading(staff):
    from ingest.bundled import register_bundled_sources

    sources = register_bundled_sources()
    for source in sources[:12]:
        run_once(source)
    html = staff.get(reverse("ingest:sources")).content.decode()
    assert f"The bundled data is still loading: 12/{len(sources)} sources." in html
