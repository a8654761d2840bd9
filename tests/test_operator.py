"""Operator loose ends: run history in the admin, ingest_bundled with the broker down, and the
"still loading" notice every page carries while the bundled first ingest runs."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from kombu.exceptions import OperationalError

from claims.models import Attribution
from ingest.bundled import BUNDLED_SOURCES, publish_bundled_progress
from ingest.models import HeldPayload, IngestRun, RunChange
from ingest.runner import run_ingest
from ingest.tasks import run_ingest_task
from measures.models import Untestable

from . import factories
from .ingest_fixtures import make_source

NOTICE = "Data is still loading"


@pytest.fixture
def history(db):
    source = make_source("notable", "epoch-models", path="ingest/snapshots/epoch/notable_ai_models.csv")
    run = IngestRun.objects.create(source=source, status=IngestRun.Status.HELD)
    change = RunChange.objects.create(run=run, kind="changed", table="aimodel", record="GPT-4", field="parameters",
                                      before="1", after="10", flag="10x")
    held = HeldPayload.objects.create(run=run, data=b"a,b\n1,2\n", companions={"versions.csv": "eA=="})
    claim = factories.claim(title="Scaling will stall by 2025")
    untestable = Untestable.objects.create(claim=claim, reason="No series measures stalling.")
    attribution = Attribution.objects.create(claim=claim, source=factories.source(title="The Interview"),
                                             attributed_to="the lab's chief scientist", passage="He said it.")
    return {"change": change, "held": held, "untestable": untestable, "attribution": attribution}


def test_run_history_untestable_and_attributions_are_listed_in_the_admin(admin_client, history):
    changes = admin_client.get("/admin/ingest/runchange/").content.decode()
    assert "GPT-4" in changes and "parameters" in changes
    held = admin_client.get("/admin/ingest/heldpayload/").content.decode()
    assert f"notable run {history['held'].run_id} (held)" in held
    assert ">8<" in held  # its size in bytes, not the bytes
    detail = admin_client.get(f"/admin/ingest/heldpayload/{history['held'].pk}/change/").content.decode()
    assert "versions.csv" in detail
    untestable = admin_client.get("/admin/measures/untestable/").content.decode()
    assert "No series measures stalling." in untestable
    attributions = admin_client.get("/admin/claims/attribution/").content.decode()
    assert "the lab&#x27;s chief scientist" in attributions
    index = admin_client.get("/admin/").content.decode()
    for label in ("Run changes", "Held payloads", "Untestables", "Attributions"):
        assert label in index, label


def test_run_changes_and_held_payloads_cannot_be_changed_or_deleted(admin_client, history):
    change, held = history["change"], history["held"]
    for url in (f"/admin/ingest/runchange/{change.pk}/delete/", f"/admin/ingest/heldpayload/{held.pk}/delete/"):
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert admin_client.get(f"/admin/ingest/runchange/{change.pk}/change/").status_code == 200  # view only
    assert admin_client.post(f"/admin/ingest/runchange/{change.pk}/change/",
                             {"kind": "created", "table": "x", "record": "y"}).status_code == 403
    assert admin_client.get("/admin/ingest/runchange/add/").status_code == 403
    admin_client.post("/admin/ingest/runchange/", {"action": "delete_selected", "_selected_action": [change.pk],
                                                   "post": "yes"})
    change.refresh_from_db()
    assert change.after == "10" and HeldPayload.objects.filter(pk=held.pk).exists()
    assert "delete_selected" not in admin_client.get("/admin/ingest/runchange/").content.decode()


def test_ingest_bundled_with_the_broker_down_says_so_and_leaves_no_run_pending(transactional_db, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(run_ingest_task, "apply_async", unreachable)
    with pytest.raises(CommandError, match="task queue \\(Celery broker\\) could not be reached"):
        call_command("ingest_bundled", stdout=io.StringIO())
    statuses = set(IngestRun.objects.values_list("status", flat=True))
    assert statuses == {IngestRun.Status.FAILED}
    assert IngestRun.objects.count() == len(BUNDLED_SOURCES)
    # Once the broker is back, the same command queues every source again.
    monkeypatch.undo()
    out = io.StringIO()
    call_command("ingest_bundled", stdout=out)
    assert f"{len(BUNDLED_SOURCES)} run(s) queued" in out.getvalue()


def test_pages_say_data_is_loading_until_every_bundled_run_has_finished(client, db, django_capture_on_commit_callbacks):
    total = len(BUNDLED_SOURCES)
    page = reverse("claims:topic_list")
    assert NOTICE not in client.get(page).content.decode()  # nothing bundled started: no notice
    with django_capture_on_commit_callbacks(execute=False):  # the runs stay queued
        call_command("ingest_bundled", stdout=io.StringIO())
    assert f"{NOTICE}: 0 of {total} sources ingested" in client.get(page).content.decode()

    # The runner updates the count as a bundled run finishes: here the smallest snapshot.
    smallest = min((s for s in BUNDLED_SOURCES if s.get("path")), key=lambda s: Path(s["path"]).stat().st_size)
    run = IngestRun.objects.get(source__slug=smallest["slug"])
    with django_capture_on_commit_callbacks(execute=True):
        run_ingest(run.pk)
    assert f"{NOTICE}: 1 of {total} sources ingested" in client.get(page).content.decode()

    IngestRun.objects.filter(status=IngestRun.Status.PENDING).update(status=IngestRun.Status.OK)
    publish_bundled_progress()
    assert NOTICE not in client.get(page).content.decode()


def test_the_loading_notice_costs_no_query(client, db, django_assert_num_queries):
    from ingest import progress_store

    from .test_pages import QUERIES

    progress_store.set_bundled(3, 32)
    with django_assert_num_queries(QUERIES["topic_list"]):
        html = client.get(reverse("claims:topic_list")).content.decode()
    assert f"{NOTICE}: 3 of 32 sources ingested" in html


def test_an_older_install_gains_new_bundled_options_and_keeps_the_operators(db):
    from ingest.bundled import register_bundled_sources
    from ingest.models import DataSource

    spec = next(s for s in BUNDLED_SOURCES if s["slug"] == "metr-horizons")
    assert {"model_versions", "capabilities_index"} <= set(spec["options"])
    # As an older release created it: no companion files. An operator also pinned a live URL.
    DataSource.objects.create(slug="metr-horizons", name=spec["name"], kind="metr", path=spec["path"],
                              options={"live_url": "http://127.0.0.1:9/mine.yaml"})
    register_bundled_sources()
    options = DataSource.objects.get(slug="metr-horizons").options
    assert options["live_url"] == "http://127.0.0.1:9/mine.yaml"
    assert options["model_versions"] == spec["options"]["model_versions"]
    assert options["capabilities_index"] == spec["options"]["capabilities_index"]
