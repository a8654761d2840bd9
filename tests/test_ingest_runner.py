"""The runner, the CLI and the bundled sources: transactions, locks, provenance, last lines."""

import io
import re

import pytest
from django.core.management import call_command

from ingest import runner
from ingest.bundled import BUNDLED_SOURCES
from ingest.connectors import REGISTRY
from ingest.models import AIModel, DataSource, IngestRun
from ingest.runner import SourceBusy, queue_run, run_ingest
from ingest.signals import run_succeeded
from ingest.tasks import dispatch_due_sources

from .ingest_fixtures import ROOT, make_source, run_once

pytestmark = pytest.mark.django_db
NOTABLE = "ingest/snapshots/epoch/notable_ai_models.csv"
LAST_LINE = re.compile(r"^ingest: \S+ status=(ok|unchanged|failed) created=\d+ updated=\d+ unchanged=\d+ rejected=\d+$")


def test_a_crash_midway_rolls_back_every_write_of_the_run(monkeypatch):
    source = make_source("notable", "epoch-models", path=NOTABLE)
    first = run_once(source)
    from ingest.connectors import base

    real_upsert = base.LoadContext.upsert

    def upsert_then_crash(self, *args, **kwargs):
        real_upsert(self, *args, **kwargs)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(base.LoadContext, "upsert", upsert_then_crash)
    source.path = "ingest/snapshots/epoch/all_ai_models.csv"
    source.save()
    crashed = run_once(source)
    assert crashed.status == IngestRun.Status.FAILED
    assert crashed.error == "unexpected error: RuntimeError: disk on fire"
    assert AIModel.objects.count() == 954
    assert set(AIModel.objects.values_list("run_id", flat=True)) == {first.pk}


def test_unchanged_bytes_are_not_parsed_again(monkeypatch):
    source = make_source("notable", "epoch-models", path=NOTABLE)
    run_once(source)

    def no_parsing(data, ctx):
        raise AssertionError("the loader must not run for an unchanged payload")

    from ingest.connectors import epoch_models

    monkeypatch.setattr(epoch_models, "load", no_parsing)
    second = run_once(source)
    assert second.status == IngestRun.Status.UNCHANGED and second.sha256


def test_a_source_that_is_locked_by_another_run_is_not_run_twice():
    source = make_source("notable", "epoch-models", path=NOTABLE)
    holder = queue_run(source)
    DataSource.objects.filter(pk=source.pk).update(locked_by_run=holder.pk, locked_at=holder.queued_at)
    second = queue_run(source)
    with pytest.raises(SourceBusy):
        run_ingest(second.pk)
    second.refresh_from_db()
    assert second.status == IngestRun.Status.FAILED
    assert "another run of this source is in progress" in second.error
    assert not AIModel.objects.exists()


def test_run_succeeded_is_sent_only_for_successful_runs(django_capture_on_commit_callbacks):
    seen = []

    def receiver(sender, run_id, **kwargs):
        seen.append(run_id)

    run_succeeded.connect(receiver, dispatch_uid="test-receiver")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            good = run_once(make_source("good", "epoch-models", path=NOTABLE))
            bad = run_once(make_source("bad", "epoch-models", path="ingest/snapshots/metr/benchmark_results_1_1.yaml"))
            unchanged = run_once(DataSource.objects.get(slug="good"))
    finally:
        run_succeeded.disconnect(dispatch_uid="test-receiver")
    assert bad.status == IngestRun.Status.FAILED and unchanged.status == IngestRun.Status.UNCHANGED
    assert seen == [good.pk]


def test_a_missing_local_file_is_a_recorded_failure():
    run = run_once(make_source("missing", "owid", path="ingest/snapshots/owid/nope.csv"))
    assert run.status == IngestRun.Status.FAILED
    assert "cannot read" in run.error and "nope.csv" in run.error


CLI_FILES = {
    "epoch-models": "ingest/snapshots/epoch/large_scale_ai_models.csv",
    "epoch-benchmarks": "ingest/snapshots/epoch/external_benchmark_arc_agi.csv",
    "metr": "ingest/snapshots/metr/benchmark_results_1_1.yaml",
    "owid": "ingest/snapshots/owid/cumulative-number-of-large-scale-ai-models-by-domain.csv",
    "arxiv": "ingest/snapshots/arxiv/rss_arxiv_cs_lg.xml",
    "feed": "ingest/snapshots/feeds/ai_blogs/bair_blog.xml",
}


def test_cli_file_mode_covers_every_connector():
    assert set(CLI_FILES) == set(REGISTRY)


@pytest.mark.parametrize("kind", sorted(CLI_FILES))
def test_cli_ingests_a_file_of_every_kind_and_ends_with_the_summary_line(kind, monkeypatch):
    monkeypatch.chdir(ROOT)
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", kind=kind, file=CLI_FILES[kind], stdout=out, stderr=err)
    last = out.getvalue().strip().splitlines()[-1]
    assert LAST_LINE.match(last), last
    assert f"ingest: file-{kind} status=ok created=" in last
    assert "created=0 " not in last


def test_cli_shows_progress_on_long_files(monkeypatch):
    monkeypatch.chdir(ROOT)
    err = io.StringIO()
    call_command("ingest", kind="epoch-models", file="ingest/snapshots/epoch/all_ai_models.csv",
                 stdout=io.StringIO(), stderr=err)
    progress = [line for line in err.getvalue().splitlines() if re.search(r"file-epoch-models: \d+/2228 rows", line)]
    assert len(progress) >= 10


def test_cli_exits_non_zero_on_failure_and_still_prints_the_summary_line(monkeypatch):
    monkeypatch.chdir(ROOT)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("ingest", kind="feed", file="ingest/snapshots/feeds/odd/allthis-partial.json", stdout=out, stderr=err)
    assert exit_info.value.code == 1
    assert out.getvalue().strip().splitlines()[-1] == (
        "ingest: file-feed status=failed created=0 updated=0 unchanged=0 rejected=0")
    assert "not valid JSON" in err.getvalue()


def test_cli_reads_a_file_path_relative_to_where_it_runs(monkeypatch, tmp_path):
    (tmp_path / "mine.csv").write_bytes(b"Entity,Code,Year,Things\nA,,2020,1\n")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    call_command("ingest", kind="owid", file="mine.csv", stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip().endswith("status=ok created=1 updated=0 unchanged=0 rejected=0")


def test_bundled_sources_cover_every_snapshot_but_the_fixtures_with_attribution():
    from ingest.bundled import register_bundled_sources

    sources = register_bundled_sources()
    assert len(sources) == len(BUNDLED_SOURCES) == DataSource.objects.count()
    paths = {s.path for s in sources}
    fixtures = {"feeds/odd/", "variants/", "oldschema", "api_query_empty", "model_versions.csv", "organizations.csv"}
    for file in (ROOT / "ingest/snapshots").rglob("*"):
        relative = str(file.relative_to(ROOT))
        if file.is_file() and file.name != "SOURCES.md" and not any(f in relative for f in fixtures):
            assert relative in paths, f"{relative} is not a bundled source"
    for source in sources:
        assert (ROOT / source.path).is_file(), source.path
        assert source.publisher and source.licence and source.attribution, source.slug
    assert register_bundled_sources() and DataSource.objects.count() == len(BUNDLED_SOURCES)


def test_ingest_bundled_queues_each_source_once_and_every_run_succeeds(django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ingest_bundled", stdout=out)
    assert f"{len(BUNDLED_SOURCES)} run(s) queued" in out.getvalue()
    statuses = dict(IngestRun.objects.values_list("source__slug", "status"))
    assert set(statuses.values()) == {IngestRun.Status.OK}, statuses
    out = io.StringIO()
    call_command("ingest_bundled", stdout=out)
    assert "0 run(s) queued" in out.getvalue()


def test_dispatch_starts_only_sources_that_are_due(django_capture_on_commit_callbacks):
    due = make_source("due", "owid", path="ingest/snapshots/owid/cumulative-number-of-large-scale-ai-models-by-domain.csv")
    run_once(make_source("fresh", "epoch-models", path=NOTABLE))
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_due_sources() == 1
    assert due.runs.get().status == IngestRun.Status.OK
