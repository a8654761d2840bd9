"""Epoch benchmark runs, ECI and external leaderboards over HTTP, joined with model_versions.csv."""

import csv
import datetime as dt
import io
import re

import pytest

from ingest.connectors.versions import Version, VersionTable
from ingest.models import AIModel, Benchmark, BenchmarkScore, IngestRun

from .ingest_fixtures import Answer, make_source, rejected_reasons, run_once, snapshot

pytestmark = pytest.mark.django_db


def rows(relative):
    return list(csv.DictReader(io.StringIO(snapshot(relative).read_text(encoding="utf-8-sig"), newline="")))


def release_dates():
    return {r["id"].strip(): r["Version release date"] for r in rows("epoch/model_versions.csv")}


@pytest.fixture
def served(http_server):
    http_server.serve_file("/model_versions.csv", snapshot("epoch/model_versions.csv"))

    def load(relative, slug="epoch-benchmarks-test", **options):
        url = http_server.serve_file(f"/{relative}", snapshot(relative))
        options.setdefault("model_versions", http_server.url("/model_versions.csv"))
        source = make_source(slug, "epoch-benchmarks", url=url, **options)
        return source, run_once(source)

    return load


def test_current_runs_schema_loads_every_run_dated_by_its_model_version(served):
    _, run = served("epoch/benchmarks_runs.csv")
    assert run.status == IngestRun.Status.OK, run.error
    assert (run.created_count, run.rejected_count) == (len(rows("epoch/benchmarks_runs.csv")), 0) == (541, 0)
    dates = release_dates()
    for row in rows("epoch/benchmarks_runs.csv")[:50]:
        score = BenchmarkScore.objects.get(key=f"epoch-run:{row['id']}")
        assert str(score.date or "") == dates[row["model"]]
        assert score.score == pytest.approx(float(row["Best score (across scorers)"]))
    assert set(Benchmark.objects.values_list("name", flat=True)) >= {"GPQA diamond", "SWE-Bench verified", "MATH level 5"}


def test_stderr_comes_from_the_scorer_nearest_the_best_score(served):
    served("epoch/benchmarks_runs.csv")
    score = BenchmarkScore.objects.get(key="epoch-run:V3YQtSEnQ3TPZEPPgkCKQM")  # choice:0.85±0.02
    assert (score.score, score.stderr) == (pytest.approx(0.85), pytest.approx(0.02))
    assert score.source_link.startswith("https://logs.epoch.ai/")


def test_old_runs_schema_loads_and_matches_versions_despite_stray_spaces(served):
    _, run = served("epoch/benchmarks_runs_2025-05_oldschema.csv")
    assert run.status == IngestRun.Status.OK, run.error
    assert run.created_count + run.rejected_count == len(rows("epoch/benchmarks_runs_2025-05_oldschema.csv")) == 336
    assert not BenchmarkScore.objects.filter(date__isnull=True).exists()


def test_old_and_new_schema_share_run_ids_so_loading_both_updates_rather_than_duplicates(served):
    served("epoch/benchmarks_runs.csv", slug="runs-new")
    _, old = served("epoch/benchmarks_runs_2025-05_oldschema.csv", slug="runs-old")
    new_ids = {r["id"] for r in rows("epoch/benchmarks_runs.csv")}
    old_ids = {r["id"] for r in rows("epoch/benchmarks_runs_2025-05_oldschema.csv")}
    assert BenchmarkScore.objects.count() == len(new_ids | old_ids) == 553
    assert old.created_count == len(old_ids - new_ids)


def test_scores_link_to_epoch_models_through_model_versions(served, http_server):
    url = http_server.serve_file("/notable.csv", snapshot("epoch/notable_ai_models.csv"))
    run_once(make_source("notable", "epoch-models", url=url))
    served("epoch/benchmarks_runs.csv")
    linked = BenchmarkScore.objects.filter(ai_model__isnull=False)
    assert linked.count() > 100
    gpt4 = BenchmarkScore.objects.filter(model_name="GPT-4 (Mar 2023)").first()
    assert gpt4.ai_model == AIModel.objects.get(key="gpt-4")


def test_eci_file_becomes_one_benchmark_and_rows_without_a_score_are_rejected_with_reasons(served):
    _, run = served("epoch/epoch_capabilities_index.csv", table="eci")
    assert run.status == IngestRun.Status.OK, run.error
    source_rows = rows("epoch/epoch_capabilities_index.csv")
    without_score = sum(1 for r in source_rows if not r["ECI Score"].strip())
    assert run.created_count + run.rejected_count == len(source_rows) == 583
    scored = [r["Model version"].strip().casefold() for r in source_rows if r["ECI Score"].strip()]
    duplicates = len(scored) - len(set(scored))  # version ids that differ only in case
    assert run.rejected_count == without_score + duplicates
    reasons = rejected_reasons(run)  # the first 200 are kept on the run
    assert len(reasons) == min(run.rejected_count, IngestRun.MAX_REJECTED_KEPT)
    assert all(r == "ECI Score: no score" or r.startswith("duplicate of eci:") for r in reasons)
    eci = Benchmark.objects.get(slug="epoch-capabilities-index")
    assert eci.name == "Epoch Capabilities Index" and eci.scores.count() == run.created_count
    top = eci.scores.get(key="eci:gpt-5.4-2026-03-05_high")
    assert top.score == pytest.approx(155.973919568783) and str(top.date) == "2026-03-05"


@pytest.mark.parametrize("relative, slug, rows_expected", [
    ("epoch/external_benchmark_mmlu.csv", "mmlu", 246),
    ("epoch/external_benchmark_arc_agi.csv", "arc-agi", 56),
    ("epoch/external_benchmark_metr.csv", "epoch-metr-time-horizon", 30),
    ("epoch/external_benchmark_terminal_bench.csv", "terminal-bench", 61),
])
def test_external_leaderboards_are_recognised_by_their_header_and_load_every_row(served, relative, slug, rows_expected):
    _, run = served(relative)
    assert run.status == IngestRun.Status.OK, run.error
    assert run.created_count == len(rows(relative)) == rows_expected
    assert Benchmark.objects.get(slug=slug).scores.count() == rows_expected
    assert not BenchmarkScore.objects.exclude(source_link__startswith="http").exists()


def test_percentages_become_fractions_and_errors_or_intervals_are_kept(served):
    served("epoch/external_benchmark_mmlu.csv", slug="mmlu")
    served("epoch/external_benchmark_terminal_bench.csv", slug="tb")
    served("epoch/external_benchmark_metr.csv", slug="metr")
    assert BenchmarkScore.objects.get(key="epoch-ext:reccNX56mRCIhx9ok").score == pytest.approx(0.77)
    apex = BenchmarkScore.objects.get(key="epoch-ext:recj1FdLi6DQg1cOt")
    assert (apex.score, apex.stderr) == (pytest.approx(0.645), pytest.approx(0.006))
    assert apex.model_name.endswith("(Apex2)")
    metr = BenchmarkScore.objects.get(key="epoch-ext:rec3I5CcPGjF3Riat")
    assert (metr.score, metr.ci_low, metr.ci_high) == (pytest.approx(18.21683), pytest.approx(9.492954), pytest.approx(34.472569))
    assert Benchmark.objects.get(slug="epoch-metr-time-horizon").unit == "minutes"


def test_second_run_is_unchanged_and_reordered_rows_update_nothing(served, http_server):
    source, first = served("epoch/benchmarks_runs.csv")
    assert run_once(source).status == IngestRun.Status.UNCHANGED
    text = snapshot("epoch/benchmarks_runs.csv").read_bytes().decode("utf-8-sig")
    reader = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    csv.writer(out).writerows([reader[0], *reversed(reader[1:])])
    http_server.answer("/epoch/benchmarks_runs.csv", Answer(body=out.getvalue().encode()))
    third = run_once(source)
    assert third.status == IngestRun.Status.OK, third.error
    assert (third.created_count, third.updated_count, third.unchanged_count) == (0, 0, 541)
    assert set(BenchmarkScore.objects.values_list("run_id", flat=True)) == {first.pk}


def test_model_versions_given_as_the_main_file_fails_with_a_pointer_to_the_companion_option(served):
    _, run = served("epoch/model_versions.csv")
    assert run.status == IngestRun.Status.FAILED
    assert "companion table" in run.error and "model_versions" in run.error


def test_a_models_table_is_not_a_benchmark_file(served):
    _, run = served("epoch/notable_ai_models.csv")
    assert run.status == IngestRun.Status.FAILED
    assert "does not look like an Epoch AI benchmark CSV" in run.error
    assert not BenchmarkScore.objects.exists()


def test_a_local_runs_file_finds_model_versions_beside_it(db):
    source = make_source("local-runs", "epoch-benchmarks", path="ingest/snapshots/epoch/benchmarks_runs.csv")
    run = run_once(source)
    assert run.status == IngestRun.Status.OK, run.error
    assert BenchmarkScore.objects.filter(date__isnull=False).count() == 538  # 3 versions have no release date


SETTING = re.compile(r"_(minimal|none|low|medium|high|xhigh|max|\d+k|thinking)$", re.IGNORECASE)


def named(model: str, version: str) -> str:
    """The model's name with the build (chat, instruct, base) and the setting a version id ends
    with, as Epoch's display names write them."""
    id_words, model_words = (re.split(r"[^a-z0-9]+", text.lower()) for text in (version, model))
    extra = [w for w in ("base", "chat", "instruct") if w in id_words and w not in model_words]
    if match := SETTING.search(version):
        word = match.group(1).lower()
        extra.append(word[:-1] + "k thinking" if word[:-1].isdigit() else word)
    return f"{model} ({', '.join(extra)})" if extra else model


def test_eci_scores_carry_maker_country_accessibility_and_a_display_name_for_every_row(served):
    served("epoch/epoch_capabilities_index.csv", table="eci")
    eci = rows("epoch/epoch_capabilities_index.csv")
    first = {}
    for r in eci:  # rows without a score are rejected; a repeated version keeps its first row
        if r["ECI Score"].strip():
            first.setdefault(r["Model version"].strip().casefold(), r)
    labelled = [r for r in first.values() if r["Display name"].strip()]
    assert len(labelled) == 141 and len(first) == 296
    assert not BenchmarkScore.objects.filter(display_name="").exists()
    row = labelled[0]
    score = BenchmarkScore.objects.get(key=f"eci:{row['Model version'].strip().casefold()}")
    assert score.display_name == row["Display name"].strip()
    assert (score.organization, score.country, score.accessibility) == (
        row["Organization"].strip(), row["Country"].strip(), row["Model accessibility"].strip())
    china = sum(r["Country"].strip() == "China" for r in first.values())
    assert BenchmarkScore.objects.filter(country="China").count() == china == 55
    # A row without a display name of its own takes model_versions' name, else its model's name.
    versions = {r["id"].strip().casefold(): r for r in rows("epoch/model_versions.csv")}
    unlabelled = [r for r in first.values() if not r["Display name"].strip()]
    for r in unlabelled:
        key = r["Model version"].strip().casefold()
        listed = versions.get(key, {})
        want = (listed.get("Unique display name", "").strip() or listed.get("Display name", "").strip()
                or named(" ".join(r["Model name"].split()), r["Model version"].strip()))
        assert BenchmarkScore.objects.get(key=f"eci:{key}").display_name == want, key
    assert BenchmarkScore.objects.get(key="eci:claude-instant-1.1").display_name == "Claude Instant"


def test_runs_take_display_name_from_model_versions_and_leave_maker_blank(served):
    served("epoch/benchmarks_runs.csv")
    versions = {r["id"].strip(): r for r in rows("epoch/model_versions.csv")}
    runs = rows("epoch/benchmarks_runs.csv")
    for r in runs:
        v = {k: (value or "").strip() for k, value in versions.get(r["model"].strip(), {}).items()}
        own = v.get("Unique display name") or v.get("Display name")
        want = own or (named(v["Model"], r["model"].strip()) if v.get("Model") else "")
        assert BenchmarkScore.objects.get(key=f"epoch-run:{r['id']}").display_name == want, r["model"]
    assert BenchmarkScore.objects.get(key="epoch-run:V3YQtSEnQ3TPZEPPgkCKQM").display_name == "GPT-5.1 (medium)"
    assert not BenchmarkScore.objects.exclude(organization="").exists()


def test_a_change_to_the_companion_file_alone_reparses_and_redates_the_scores(served, http_server):
    source, first = served("epoch/benchmarks_runs.csv")
    assert run_once(source).status == IngestRun.Status.UNCHANGED
    row = rows("epoch/benchmarks_runs.csv")[0]
    text = snapshot("epoch/model_versions.csv").read_text(encoding="utf-8-sig")
    old_date = release_dates()[row["model"]]
    http_server.answer("/model_versions.csv", Answer(body=text.replace(old_date, "2030-01-01").encode()))
    third = run_once(source)
    assert third.status == IngestRun.Status.OK, third.error
    assert third.sha256 != first.sha256
    assert str(BenchmarkScore.objects.get(key=f"epoch-run:{row['id']}").date) == "2030-01-01"


def test_an_unreadable_companion_fails_the_run_before_anything_is_written(served, http_server):
    http_server.answer("/model_versions.csv", Answer(status=404, body=b"gone"))
    _, run = served("epoch/benchmarks_runs.csv")
    assert run.status == IngestRun.Status.FAILED
    assert "cannot read the companion file" in run.error and "404" in run.error
    assert not BenchmarkScore.objects.exists()


def test_a_version_spelt_another_way_is_found_by_its_words_and_release_date():
    table = VersionTable([
        Version("claude-3-5-sonnet-20240620", dt.date(2024, 6, 20), "Claude 3.5 Sonnet", "Claude 3.5 Sonnet (Jun 2024)"),
        Version("o3-2025-04-16_high", dt.date(2025, 4, 16), "o3", "o3 (high)"),
        Version("o3-2025-04-16_low", dt.date(2025, 4, 16), "o3", "o3 (low)"),
        Version("gpt-4-0613", dt.date(2023, 6, 13), "GPT-4", "GPT-4 (Jun 2023)"),
        Version("gpt-4-1106-preview", dt.date(2023, 11, 6), "GPT-4 Turbo", "GPT-4 Turbo Preview (Nov 2023)"),
        Version("gpt-4-1106-vision-preview", dt.date(2023, 11, 6), "GPT-4V"),
        Version("claude-opus-4-20250514", dt.date(2025, 5, 14), "Claude Opus 4"),
    ])
    # A dated id names one release: that version's own display name.
    assert table.match("claude_3_5_sonnet_20240620", dt.date(2024, 6, 20)) == "Claude 3.5 Sonnet (Jun 2024)"
    assert table.match("gpt_4_1106", dt.date(2023, 11, 6)) == "GPT-4 Turbo Preview (Nov 2023)"
    # An undated id names the model, never one of Epoch's effort settings.
    assert table.match("o3", dt.date(2025, 4, 16)) == "o3"
    # Words in another order, released within a month.
    assert table.match("claude_4_opus", dt.date(2025, 5, 22)) == "Claude Opus 4"
    # Same words but released far apart is another model; unknown words match nothing.
    assert table.match("gpt_4", dt.date(2025, 1, 1)) == ""
    assert table.match("gpt2", dt.date(2019, 2, 14)) == ""


def test_a_version_without_a_display_name_is_its_model_with_the_setting_its_id_ends_with():
    assert Version("o3-2025-04-16_high", model="o3").human_name == "o3 (high)"
    assert Version("claude-opus-4-20250514_16K", model="Claude Opus 4").human_name == "Claude Opus 4 (16k thinking)"
    assert Version("DeepSeek-V3.1_thinking", model="DeepSeek-V3.1").human_name == "DeepSeek-V3.1 (thinking)"
    assert Version("Qwen-1_8B", model="Qwen 1.8B").human_name == "Qwen 1.8B"  # not a setting
    # The build the id names, as Epoch's own display names add it; not when the model's name has it.
    assert Version("Llama-2-70b-chat-hf", model="Llama 2-70B").human_name == "Llama 2-70B (chat)"
    assert Version("Llama-2-70b-hf", model="Llama 2-70B").human_name == "Llama 2-70B"
    assert Version("gpt-5-chat", model="GPT-5").human_name == "GPT-5 (chat)"
    assert Version("Qwen-7B-Chat", model="Qwen-7B Chat").human_name == "Qwen-7B Chat"
    assert Version("internlm-20b").human_name == ""  # no name at all: the caller decides
