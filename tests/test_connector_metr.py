"""METR's horizon YAML over HTTP -> p50 and p80 time-horizon scores with confidence intervals."""

import datetime as dt

import pytest
import yaml

from ingest.models import Benchmark, BenchmarkScore, IngestRun

from .ingest_fixtures import Answer, make_source, rejected_reasons, run_once, snapshot

pytestmark = pytest.mark.django_db
FILE = "metr/benchmark_results_1_1.yaml"


def serve(http_server, body=None):
    url = http_server.answer("/metr.yaml", Answer(body=body if body is not None else snapshot(FILE).read_bytes()))
    return make_source("metr", "metr", url=url)


def test_every_model_gives_a_p50_and_a_p80_score(http_server):
    document = yaml.safe_load(snapshot(FILE).read_text())
    run = run_once(serve(http_server))
    assert run.status == IngestRun.Status.OK, run.error
    assert len(document["results"]) == 23
    assert (run.created_count, run.rejected_count) == (46, 0)
    p50, p80 = Benchmark.objects.get(slug="metr-horizon-p50"), Benchmark.objects.get(slug="metr-horizon-p80")
    assert p50.unit == p80.unit == "minutes" and p50.higher_is_better
    assert p50.scores.count() == p80.scores.count() == 23


def test_scores_carry_estimate_interval_and_release_date(http_server):
    run_once(serve(http_server))
    sonnet = BenchmarkScore.objects.get(key="metr:claude_3_7_sonnet_inspect:p50")
    assert (sonnet.score, sonnet.ci_low, sonnet.ci_high) == (
        pytest.approx(60.388937), pytest.approx(33.385879), pytest.approx(107.302719))
    assert sonnet.date == dt.date(2025, 2, 24)
    assert sonnet.model_name == "claude 3 7 sonnet"
    p80 = BenchmarkScore.objects.get(key="metr:claude_3_7_sonnet_inspect:p80")
    assert p80.score == pytest.approx(12.09179)


def test_second_run_is_unchanged_and_a_reserialised_file_updates_nothing(http_server):
    source = serve(http_server)
    first = run_once(source)
    assert run_once(source).status == IngestRun.Status.UNCHANGED
    document = yaml.safe_load(snapshot(FILE).read_text())
    http_server.answer("/metr.yaml", Answer(body=yaml.safe_dump(document, sort_keys=True).encode()))
    third = run_once(source)
    assert third.status == IngestRun.Status.OK, third.error
    assert (third.created_count, third.updated_count, third.unchanged_count) == (0, 0, 46)
    assert set(BenchmarkScore.objects.values_list("run_id", flat=True)) == {first.pk}


def test_a_model_without_p80_or_with_a_bad_estimate_is_rejected_alone(http_server):
    document = yaml.safe_load(snapshot(FILE).read_text())
    del document["results"]["gpt2"]["metrics"]["p80_horizon_length"]
    document["results"]["gpt_4"]["metrics"]["p50_horizon_length"]["estimate"] = "lots"
    run = run_once(serve(http_server, yaml.safe_dump(document).encode()))
    assert run.status == IngestRun.Status.OK
    assert (run.created_count, run.rejected_count) == (44, 2)
    assert "no p80_horizon_length for this model" in rejected_reasons(run)
    assert any("'lots' is not a number" in r for r in rejected_reasons(run))


@pytest.mark.parametrize("body, message", [
    (b"results: [unclosed", "not valid YAML"),
    (b"benchmark_name: x\nmodels: {}\n", "no 'results' mapping"),
    (b"id,task\n1,2\n", "no 'results' mapping"),
])
def test_a_file_that_is_not_metr_results_fails_with_a_message(http_server, body, message):
    run = run_once(serve(http_server, body))
    assert run.status == IngestRun.Status.FAILED
    assert message in run.error
