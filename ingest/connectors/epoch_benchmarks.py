"""Epoch AI benchmark tables -> Benchmark + BenchmarkScore rows.

One connector reads every table of Epoch's Benchmarking Hub and its stitched copies of
external leaderboards. Which table a payload is comes from ``options["table"]`` or,
failing that, from its header (columns are matched by name, never by position):

- ``runs``: Epoch's own evaluation runs (``benchmarks_runs.csv``), both the 2025-05
  seven-column schema and the current one with ``started_at``/``Status``;
- ``eci``: the Epoch Capabilities Index, one benchmark "Epoch Capabilities Index";
- ``mmlu``, ``arc-agi``, ``metr``, ``terminal-bench``: the ``external_benchmark_*.csv``
  files, each with ``Source`` and ``Source link``.

Runs and external rows name a *model version* (``o3-2025-04-16_high``). The score date
is that version's release date from ``model_versions.csv``, the join table between runs
and models; its ``Model`` column also links the score to an Epoch ``AIModel``. The
companion file comes from ``options["model_versions"]`` (a URL or a project path) or,
for a local file, ``model_versions.csv`` beside it. Without it, scores load undated.
The runner reads the companion before the write transaction (``companions`` names it)
and hashes it with the main file, so a change to the companion alone re-parses too.

Each score's ``display_name`` is what readers see: Epoch's display name for the version,
else the leaderboard's own label for the row, else the model's name with the version's
build and setting (``versions.Version.human_name``); ``model_name`` keeps the table's
own spelling for search and the admin.

Keys are Epoch's own record ids (``epoch-run:<id>``, ``epoch-ext:<id>``) or the model
version for ECI, so a re-run updates rather than duplicates.
"""

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

from django.utils.text import slugify

from ..models import AIModel, Benchmark, BenchmarkScore
from .base import LoadContext, ParseError, read_csv
from .rows import accept_rows
from .values import BadValue, clean, date, model_key, number
from .versions import MODEL_VERSIONS, Version, VersionTable

WHAT = "Epoch AI benchmark CSV"
COMPANION = "model_versions"


def _record_id(row) -> str:
    record_id = clean(row.get("id"))
    if not record_id:
        raise BadValue("no record id")
    return record_id


def _run_benchmark(row) -> tuple[str, str]:
    status = clean(row.get("Status"))
    if status and status.lower() != "success":
        raise BadValue(f"run status is {status!r}, not a finished run")
    task = clean(row.get("task"))
    if not task:
        raise BadValue("no task (benchmark) name")
    return slugify(task)[:150], task


def _eci_key(row) -> str:
    version = clean(row.get("Model version"))
    if not version:
        raise BadValue("no model version")
    return model_key(version)


@dataclasses.dataclass(frozen=True)
class Spec:
    """How to read one kind of Epoch benchmark table; each difference is a value or a function here."""

    required: tuple
    score: str
    key_prefix: str
    identity: Callable = _record_id  # row -> the record's id within the table
    benchmark: tuple | Callable = ()  # (slug, name), or row -> (slug, name)
    version: str = "Model version"
    percent: bool = False
    unit: str = "fraction correct"
    stderr: str | None = None
    ci: tuple | None = None
    label: str | None = None
    # The row names its model and release date itself (the ECI) instead of through model_versions.
    self_described: bool = False
    # One row per agent harness around a model: the agent is part of what was scored.
    agent: bool = False
    stderr_from_scores: bool = False
    description: str = ""
    higher_is_better: bool = True
    publisher: str = "Epoch AI"


TABLES = {
    "runs": Spec(("id", "task", "model", "Best score (across scorers)"), "Best score (across scorers)", "epoch-run",
                 benchmark=_run_benchmark, version="model", stderr_from_scores=True,
                 description="Run by Epoch AI's Benchmarking Hub."),
    "eci": Spec(("Model version", "ECI Score"), "ECI Score", "eci", identity=_eci_key,
                benchmark=("epoch-capabilities-index", "Epoch Capabilities Index"), unit="ECI points",
                label="Display name", self_described=True,
                description="Epoch AI's index that stitches many benchmarks into one capability scale."),
    "mmlu": Spec(("id", "EM", "Model version", "Source link"), "EM", "epoch-ext",
                 benchmark=("mmlu", "MMLU"), percent=True, label="Name", publisher="various, compiled by Epoch AI",
                 description="Massive Multitask Language Understanding, exact match; scores from HELM and papers."),
    "arc-agi": Spec(("id", "Name", "Model version", "Score", "Source link"), "Score", "epoch-ext",
                    benchmark=("arc-agi", "ARC-AGI"), percent=True, label="Name",
                    publisher="ARC Prize, compiled by Epoch AI", description="ARC Prize leaderboard."),
    "metr": Spec(("id", "Model version", "Time horizon", "CI_low", "CI_high"), "Time horizon", "epoch-ext",
                 benchmark=("epoch-metr-time-horizon", "METR time horizon (Epoch's copy)"),
                 unit="minutes", ci=("CI_low", "CI_high"), publisher="METR, compiled by Epoch AI",
                 description="Length of tasks (in human minutes) the model completes with 50% success, "
                             "as copied by Epoch AI from METR's March 2025 report."),
    "terminal-bench": Spec(("id", "Agent", "Model version", "Accuracy mean"), "Accuracy mean", "epoch-ext",
                           benchmark=("terminal-bench", "Terminal-Bench"), percent=True, stderr="Accuracy SE",
                           label="Agent", agent=True, publisher="Terminal-Bench, compiled by Epoch AI",
                           description="Terminal-Bench leaderboard: agents completing tasks in a terminal."),
}

# Header signatures, most specific first; the first whose columns are all present wins.
_SIGNATURES = [
    ("runs", {"task", "model", "Best score (across scorers)"}),
    ("eci", {"ECI Score"}),
    ("mmlu", {"EM", "Shots"}),
    ("terminal-bench", {"Accuracy mean"}),
    ("metr", {"Time horizon", "CI_low"}),
    ("arc-agi", {"Score", "Name", "Source link"}),
]


def _detect(header: list[str]) -> str:
    present = set(header)
    for name, columns in _SIGNATURES:
        if columns <= present:
            return name
    if {"Version release date", "Model"} <= present:
        raise ParseError("this is Epoch's model_versions.csv, a companion table: name it in the source's "
                         "options as \"model_versions\" next to a runs or external benchmark file")
    raise ParseError(f"this does not look like an {WHAT}: expected the columns of benchmark runs, the ECI "
                     f"or an external leaderboard; found {', '.join(h for h in header[:12] if h) or 'none'}")


def companions(source) -> dict[str, str]:
    """{name: location} of the files the runner must read with the payload."""
    location = (source.options or {}).get("model_versions")
    if location:
        return {COMPANION: location}
    if source.path and not source.url:
        from ..fetch import resolve_path

        sibling = Path(source.path).with_name("model_versions.csv")
        if resolve_path(str(sibling)).exists():
            return {COMPANION: str(sibling)}
    return {}


def load(data: bytes, ctx: LoadContext) -> None:
    options = ctx.source.options or {}
    if options.get("table") and options["table"] not in TABLES:
        raise ParseError(f"unknown Epoch benchmark table {options['table']!r}; known: {', '.join(TABLES)}")
    header, rows = read_csv(data, (), WHAT)
    name = options.get("table") or _detect(header)
    spec = TABLES[name]
    missing = [c for c in spec.required if c not in header]
    if missing:
        raise ParseError(f"this does not look like the Epoch {name} table: missing column(s) "
                         f"{', '.join(missing)}; found {', '.join(h for h in header[:12] if h)}")
    versions = VersionTable.read([(ctx.companions.get(COMPANION), MODEL_VERSIONS)])
    benchmarks: dict[str, Benchmark] = {}

    def parse(row, where):
        values = _score(row, spec, versions, benchmarks)
        ctx.saw_date(values["date"], "release date")
        yield values["key"], values

    accepted = accept_rows(ctx, rows, parse, width=len(header))
    ctx.upsert(BenchmarkScore, "key", accepted.values())


def _score(row, spec: Spec, versions: VersionTable, benchmarks) -> dict:
    key = f"{spec.key_prefix}:{spec.identity(row)}"
    benchmark = _benchmark(benchmarks, *(spec.benchmark(row) if callable(spec.benchmark) else spec.benchmark), spec)
    raw_score = clean(row.get(spec.score))
    if not raw_score:
        raise BadValue(f"{spec.score}: no score")
    score = _value(raw_score, spec.score, spec.percent)
    version_id = clean(row.get(spec.version))
    label = clean(row.get(spec.label)) if spec.label else ""
    listed = versions.get(version_id)
    if spec.self_described:
        # The row is its own model_versions entry; the companion only fills a missing name.
        version = Version(version_id, date(row.get("Release date"), "Release date"), clean(row.get("Model name")),
                          label or (listed.name if listed else ""))
    else:
        version = listed or Version(version_id)
    return {
        "key": key[:400],
        "benchmark_id": benchmark.pk,
        "model_name": _raw_name(version, label, spec)[:300],
        "model_key": model_key(version.model)[:300],
        "date": version.date,
        "score": score,
        **_uncertainty(row, spec, score),
        "source_link": _link(row),
        **_maker(row, spec),
        "display_name": _display_name(version, label, spec)[:300],
    }


def _raw_name(version: Version, label: str, spec: Spec) -> str:
    """The name as the table gives it, falling back to the version id; kept for search and the admin."""
    name = version.name or ("" if spec.agent else label) or version.id
    if spec.agent:
        name = f"{name or 'unnamed model'} ({label or 'unnamed agent'})"
    if not name:
        raise BadValue("no model version or name")
    return name


def _display_name(version: Version, label: str, spec: Spec) -> str:
    """What a reader sees: Epoch's display name for the version, else the table's own label for
    the row (ARC-AGI and MMLU name each entry), else the model's name with the version's
    setting. An agent row scores the model inside the agent, so both are named."""
    if spec.agent:
        return f"{version.human_name or version.id or 'undisclosed model'} ({label or 'unnamed agent'})"
    return version.name or label or version.human_name


def _uncertainty(row, spec: Spec, score: float) -> dict:
    stderr = _value(row.get(spec.stderr), spec.stderr, spec.percent) if spec.stderr else None
    if spec.stderr_from_scores:
        stderr = _stderr_from_scores(row.get("Scores"), score)
    low, high = (_value(row.get(c), c, spec.percent) for c in spec.ci) if spec.ci else (None, None)
    return {"stderr": stderr, "ci_low": low, "ci_high": high}


def _maker(row, spec: Spec) -> dict:
    """Organisation, country and accessibility: only the ECI lists them per scored version."""
    if not spec.self_described:
        return {"organization": "", "country": "", "accessibility": ""}
    return {"organization": clean(row.get("Organization"))[:500], "country": clean(row.get("Country"))[:300],
            "accessibility": clean(row.get("Model accessibility"))[:200]}


def _value(text, column: str, percent: bool) -> float | None:
    raw = clean(text)
    if percent and raw.endswith("%"):
        value = number(raw[:-1], column)
        return None if value is None else round(value / 100, 10)
    return number(raw, column)


_SCORER = re.compile(r"([\w.-]+):\s*(-?[\d.]+)\s*±\s*([\d.]+)")


def _stderr_from_scores(text, best: float) -> float | None:
    """'choice:0.85±0.02' or several scorers -> the ± of the scorer nearest the best score."""
    parts = [(float(v), float(e)) for _, v, e in _SCORER.findall(text or "")]
    if not parts:
        return None
    return min(parts, key=lambda part: abs(part[0] - best))[1]


def _link(row) -> str:
    for column in ("Source link", "log viewer", "Log download", "logs"):
        value = clean(row.get(column))
        if value.startswith(("https://", "http://")):
            return value[:1000]
    return ""


def _benchmark(cache: dict, slug: str, name: str, spec: Spec) -> Benchmark:
    if slug not in cache:
        cache[slug], _ = Benchmark.objects.get_or_create(
            slug=slug,
            defaults={"name": name[:200], "unit": spec.unit, "higher_is_better": spec.higher_is_better,
                      "description": spec.description, "publisher": spec.publisher, "licence": "CC BY 4.0"},
        )
    return cache[slug]


def link_scores_to_models() -> int:
    """Point every score at the AIModel its model_key names; run after any models or scores run.

    Done as one pass over the tables rather than while parsing, so a score links to its
    model whichever of the two sources was ingested first.
    """
    # Plain tuples: after the first run nearly every score already points where it should,
    # so only the stale ones become instances, for the update.
    linked = list(BenchmarkScore.objects.exclude(model_key="").order_by().values_list("pk", "model_key", "ai_model_id"))
    if not linked:
        # Models loaded before any benchmark (the first bundled ingest): reading every
        # model's key would only build a lookup table nobody asks.
        return 0
    # Unordered: a lookup table needs no sort (the default ordering sorts every model by name).
    models = dict(AIModel.objects.order_by().values_list("key", "pk"))
    stale = []
    for pk, key, ai_model_id in linked:
        wanted = models.get(key)
        if ai_model_id != wanted:
            stale.append(BenchmarkScore(pk=pk, ai_model_id=wanted))
    BenchmarkScore.objects.bulk_update(stale, ["ai_model"], batch_size=500)
    return len(stale)
