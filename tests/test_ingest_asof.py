"""'Data as of' is the data's newest date; the fetch time is labelled separately."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from ingest import asof
from ingest.models import IngestRun

from .ingest_fixtures import Answer, http_server, make_source, run_once, snapshot  # noqa: F401

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def test_the_rule_prefers_the_data_then_http_last_modified_then_the_fetch_time():
    header = "Tue, 11 Mar 2025 19:27:29 GMT"
    assert asof.fallback(header, NOW) == (dt.datetime(2025, 3, 11, 19, 27, 29, tzinfo=dt.UTC), "HTTP Last-Modified")
    assert asof.fallback("", NOW) == (NOW, "fetch time")
    assert asof.fallback("not a date", NOW) == (NOW, "fetch time")
    newest = (dt.datetime(2025, 4, 10, tzinfo=dt.UTC), "Publication date")
    assert asof.payload_as_of(newest, (NOW, "fetch time")) == (newest[0], "newest 'Publication date' in the data")
    # A row dated in the future cannot make the payload newer than the moment it was read.
    future = (dt.datetime(2030, 1, 1, tzinfo=dt.UTC), "Publication date")
    assert asof.payload_as_of(future, (NOW, "fetch time"))[0] == NOW


def test_a_run_records_its_as_of_date_and_rule_and_an_unchanged_rerun_keeps_them(http_server):
    url = http_server.serve_file("/notable.csv", snapshot("epoch/notable_ai_models.csv"))
    source = make_source("notable", "epoch-models", url=url)
    first = run_once(source)
    assert first.as_of == dt.datetime(2025, 4, 10, tzinfo=dt.UTC)
    assert first.as_of_rule == "newest 'Publication date' in the data"
    again = run_once(source)
    assert again.status == IngestRun.Status.UNCHANGED and (again.as_of, again.as_of_rule) == (first.as_of, first.as_of_rule)
    assert asof.data_as_of() == first.as_of
    assert asof.last_fetched() == again.finished_at != first.as_of


def test_all_models_file_takes_the_newer_of_last_modified_and_publication_dates(db):
    run = run_once(make_source("all", "epoch-models", path="ingest/snapshots/epoch/all_ai_models.csv"))
    # Its newest 'Last modified' is 2025-03-11, but it lists models published up to 2025-03-14.
    assert run.as_of.date() == dt.date(2025, 3, 14)


def test_downloads_and_charts_say_data_as_of_apart_from_the_fetch_time(client, db):
    run = run_once(make_source("epoch-notable-models", "epoch-models",
                               path="ingest/snapshots/epoch/notable_ai_models.csv", notable=True))
    meta = json.loads(client.get(reverse("claims:compute_data", kwargs={"fmt": "json"})).content)["meta"]
    assert meta["data_as_of"] == "2025-04-10T00:00:00+00:00"
    assert meta["last_fetched"] == run.finished_at.isoformat()
