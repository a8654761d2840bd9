"""Every bundled benchmark score is shown by a human name from Epoch's own tables.

Runs, external leaderboards and METR's results name model *versions* the way an API does
("gpt_5_2025_08_07_inspect", "o3-2025-04-16_high"). Charts and tables must show Epoch's
name for them ("GPT-5", "o3 (high)"). Measured on the real bundled files: before this,
801 of 1,276 scores had no display name and METR's chart read "gpt 5 2025 08 07".
"""

import csv
import re

import pytest

from ingest.bundled import BUNDLED_SOURCES
from ingest.models import Benchmark, BenchmarkScore
from measures.charts import build_chart
from measures.series import BenchmarkSeries

from .measures_fixtures import EPOCH, ingest

pytestmark = pytest.mark.django_db

SCORE_SOURCES = [s["slug"] for s in BUNDLED_SOURCES if s["kind"] in ("epoch-benchmarks", "metr")]
# An id-like name: underscores, or a date spelt as digits with spaces or dashes ("2025 08 07").
ID_LIKE = re.compile(r"_|\b\d{4} \d{2} \d{2}\b|\b\d{4}-\d{2}-\d{2}\b(?!\))|\b\d{8}\b")
# Neither Epoch table lists METR's "gpt2" (GPT-2, Feb 2019; Epoch's nearest is gpt2-xl, Nov
# 2019, another release), so it keeps METR's own spelling: the one explained exception.
UNNAMED = {"metr:gpt2:p50", "metr:gpt2:p80"}
# Epoch lists the version codex-mini-2025-05-16 with no model and no name anywhere, so the
# Terminal-Bench row of Codex CLI around it shows the id.
ID_ONLY = {"epoch-ext:recpCwaNamDZITNIF"}


@pytest.fixture
def scores(db):
    for slug in SCORE_SOURCES:
        ingest(slug)
    return BenchmarkScore.objects.select_related("benchmark")


def _epoch_names() -> dict[str, set[str]]:
    """{version id: the names Epoch gives it}, for the versions Epoch names at all."""
    names: dict[str, set[str]] = {}
    for name, id_column, columns in (
            ("model_versions.csv", "id", ("Model", "Display name", "Unique display name")),
            ("epoch_capabilities_index.csv", "Model version", ("Model name", "Display name")),
            # The leaderboards' own names for their entries ("PaLM 540B").
            ("external_benchmark_mmlu.csv", "Model version", ("Name",)),
            ("external_benchmark_arc_agi.csv", "Model version", ("Name",))):
        with open(EPOCH / name, newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                given = {" ".join(row[c].split()).casefold() for c in columns if row[c].strip()}
                if given:
                    names.setdefault(row[id_column].strip().casefold(), set()).update(given)
    return names


def test_every_bundled_score_has_a_human_display_name(scores):
    assert scores.count() == 1276
    assert set(scores.filter(display_name="").values_list("key", flat=True)) == UNNAMED
    epoch_names = _epoch_names()
    given = set().union(*epoch_names.values())
    # A raw version id where Epoch gives that version another name is the bug this guards
    # ("gpt-4-turbo-2024-04-09" for "GPT-4 Turbo"); ids that are names ("DeepSeek-R1") pass.
    not_human = [(s.key, s.display_name) for s in scores.exclude(key__in=UNNAMED | ID_ONLY)
                 if ID_LIKE.search(s.display_name)
                 or (s.display_name.casefold() in epoch_names and s.display_name.casefold() not in given)]
    assert not_human == [], not_human


def test_metr_results_take_epochs_name_for_the_model(scores):
    names = dict(scores.filter(benchmark__slug="metr-horizon-p50").values_list("key", "display_name"))
    assert names["metr:gpt_5_2025_08_07_inspect:p50"] == "GPT-5"
    # A dated METR id is one release, named as Epoch names that release.
    assert names["metr:claude_3_5_sonnet_20240620_inspect:p50"] == "Claude 3.5 Sonnet (Jun 2024)"
    assert names["metr:claude_3_5_sonnet_20241022_inspect:p50"] == "Claude 3.5 Sonnet (Oct 2024)"
    # METR ran o3 at no stated effort: the model's name, not one of Epoch's settings.
    assert names["metr:o3_inspect:p50"] == "o3"
    assert names["metr:claude_4_opus_inspect:p50"] == "Claude Opus 4"
    assert names["metr:gpt_5_3_codex:p50"] == "GPT-5.3 Codex"  # only the Capabilities Index lists it


def test_agent_rows_name_the_model_and_the_agent(scores):
    agent = scores.get(key="epoch-ext:recQJgn8smPVLOz3F")
    assert agent.display_name == "Claude 3.7 Sonnet (Claude Code)"


def test_charts_and_their_tables_use_the_display_names(scores):
    for benchmark in Benchmark.objects.all():
        chart = build_chart(BenchmarkSeries(benchmark.slug))
        drawn = chart.figure["data"][0]["text"]
        shown = [point.label for point, _ in chart.table_rows]
        wanted = {s.display_name or s.model_name for s in scores.filter(benchmark=benchmark, date__isnull=False)}
        assert set(shown) <= set(drawn) == wanted, benchmark.slug
        assert not [label for label in drawn if re.search(r"\b\d{4} \d{2} \d{2}\b", label)], benchmark.slug
    metr = build_chart(BenchmarkSeries("metr-horizon-p50")).figure["data"][0]["text"]
    assert "GPT-5" in metr and "gpt 5 2025 08 07" not in metr
