"""Fetch faults over a real local HTTP server: each one a recorded outcome, previous data intact."""

import pytest

from ingest.models import AIModel, IngestRun

from .ingest_fixtures import Answer, make_source, run_once, snapshot

pytestmark = pytest.mark.django_db
CSV = snapshot("epoch/notable_ai_models.csv").read_bytes()
PATH = "/notable.csv"


@pytest.fixture
def loaded(http_server, fast_fetch):
    """A source with one good run behind it: 954 models that every fault must leave alone."""
    url = http_server.answer(PATH, Answer(body=CSV))
    source = make_source("notable", "epoch-models", url=url)
    first = run_once(source)
    assert first.status == IngestRun.Status.OK
    http_server.requests.clear()
    return source, first


def assert_intact(first):
    assert AIModel.objects.count() == 954
    assert set(AIModel.objects.values_list("run_id", flat=True)) == {first.pk}


def test_a_500_then_a_200_is_retried_and_succeeds(http_server, fast_fetch):
    changed = CSV.replace(b"GPT-4,OpenAI,", b"GPT-4,OpenAI LP,", 1)
    url = http_server.answer(PATH, Answer(status=500, body=b"oops"), Answer(body=changed))
    run = run_once(make_source("retry", "epoch-models", url=url))
    assert run.status == IngestRun.Status.OK, run.error
    assert run.http_status == 200 and run.created_count == 954
    assert len(http_server.hits(PATH)) == 2


def test_persistent_5xx_fails_after_the_configured_attempts(loaded, http_server):
    source, first = loaded
    http_server.answer(PATH, Answer(status=503, body=b"busy"))
    run = run_once(source)
    assert run.status == IngestRun.Status.FAILED
    assert "answered HTTP 503" in run.error and "gave up after 3 attempts" in run.error
    assert len(http_server.hits(PATH)) == 3
    assert_intact(first)


def test_a_4xx_is_not_retried(loaded, http_server):
    source, first = loaded
    http_server.answer(PATH, Answer(status=404, body=b"gone"))
    run = run_once(source)
    assert run.status == IngestRun.Status.FAILED
    assert "answered HTTP 404; not retried" in run.error
    assert len(http_server.hits(PATH)) == 1
    assert_intact(first)


def test_a_timeout_is_retried_then_recorded(loaded, http_server):
    source, first = loaded
    http_server.answer(PATH, Answer(body=CSV, delay=1.5))
    run = run_once(source)
    assert run.status == IngestRun.Status.FAILED
    assert "timed out after 0.5 s" in run.error and "gave up after 3 attempts" in run.error
    assert_intact(first)


def test_a_304_is_an_unchanged_run_without_a_body(http_server, fast_fetch):
    url = http_server.answer(PATH, Answer(body=CSV, headers={"ETag": '"v1"'}))
    source = make_source("etag", "epoch-models", url=url)
    first = run_once(source)
    source.refresh_from_db()
    assert source.etag == '"v1"'
    second = run_once(source)
    assert (second.status, second.http_status, second.bytes) == (IngestRun.Status.UNCHANGED, 304, None)
    assert http_server.hits(PATH)[-1]["headers"].get("If-None-Match") == '"v1"'
    assert_intact(first)


def test_a_truncated_body_fails_as_a_broken_connection(loaded, http_server):
    source, first = loaded
    http_server.answer(PATH, Answer(body=CSV, truncate_to=len(CSV) // 2))
    run = run_once(source)
    assert run.status == IngestRun.Status.FAILED
    assert "connection broke off" in run.error
    assert_intact(first)


def test_a_body_that_is_not_csv_fails_with_a_message_and_rolls_back(loaded, http_server):
    source, first = loaded
    http_server.answer(PATH, Answer(body=b"<!DOCTYPE html><html><body>Maintenance</body></html>"))
    run = run_once(source)
    assert run.status == IngestRun.Status.FAILED
    assert run.error.startswith("this does not look like a Epoch AI models CSV file: missing column(s)")
    assert_intact(first)


def test_an_oversize_body_is_refused(loaded, http_server, settings):
    source, first = loaded
    settings.CLAIMWATCH_INGEST_MAX_BYTES = 100_000
    run = run_once(source)
    assert run.status == IngestRun.Status.FAILED
    assert f"is {len(CSV)} bytes, over the limit of 100000 bytes" in run.error
    assert_intact(first)


def test_an_oversize_body_without_content_length_is_cut_off_while_streaming(loaded, http_server, settings):
    source, first = loaded
    settings.CLAIMWATCH_INGEST_MAX_BYTES = 100_000
    http_server.answer(PATH, Answer(body=CSV, no_length=True))
    run = run_once(source)
    assert run.status == IngestRun.Status.FAILED
    assert "sent more than the limit of 100000 bytes" in run.error
    assert_intact(first)


def test_a_loopback_url_is_refused_unless_the_operator_allows_private_addresses(http_server, fast_fetch, settings):
    settings.CLAIMWATCH_INGEST_ALLOW_PRIVATE = False
    url = http_server.answer(PATH, Answer(body=CSV))
    # A per-source option no longer lifts the check: only the operator's setting does.
    source = make_source("ssrf", "epoch-models", url=url, allow_private=True)
    run = run_once(source)
    assert run.status == IngestRun.Status.FAILED
    assert "resolves to a loopback address (127.0.0.1)" in run.error
    assert http_server.hits(PATH) == []
