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
A change to the companion alone does not re-parse an unchanged main file (the sha256
short-cut sees only the main payload); the next change of the main file picks it up.

Keys are Epoch's own record ids (``epoch-run:<id>``, ``epoch-ext:<id>``) or the model
version for ECI, so a re-run updates rather than duplicates.
"""

import re
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from ..models import AIModel, Benchmark, BenchmarkScore
from .base import LoadContext, ParseError, read_csv
from .values import BadValue, clean, date, model_key, number

WHAT = "Epoch AI benchmark CSV"


class Table:
    """How to read one kind of Epoch benchmark table."""

    def __init__(self, name, required, score, *, key_prefix, benchmark=None, benchmark_column=None,
                 percent=False, unit="fraction correct", stderr=None, ci=None, version="Model version",
                 label=None, description="", higher_is_better=True, publisher="Epoch AI"):
        self.name, self.required, self.score = name, required, score
        self.key_prefix, self.benchmark, self.benchmark_column = key_prefix, benchmark, benchmark_column
        self.percent, self.unit, self.stderr, self.ci = percent, unit, stderr, ci
        self.version, self.label, self.description = version, label, description
        self.higher_is_better, self.publisher = higher_is_better, publisher


TABLES = {
    "runs": Table("runs", ("id", "task", "model", "Best score (across scorers)"), "Best score (across scorers)",
                  key_prefix="epoch-run", benchmark_column="task", version="model",
                  description="Run by Epoch AI's Benchmarking Hub."),
    "eci": Table("eci", ("Model version", "ECI Score"), "ECI Score", key_prefix="eci",
                 benchmark=("epoch-capabilities-index", "Epoch Capabilities Index"), unit="ECI points",
                 label="Display name",
                 description="Epoch AI's index that stitches many benchmarks into one capability scale."),
    "mmlu": Table("mmlu", ("id", "EM", "Model version", "Source link"), "EM", key_prefix="epoch-ext",
                  benchmark=("mmlu", "MMLU"), percent=True, label="Name", publisher="various, compiled by Epoch AI",
                  description="Massive Multitask Language Understanding, exact match; scores from HELM and papers."),
    "arc-agi": Table("arc-agi", ("id", "Name", "Model version", "Score", "Source link"), "Score",
                     key_prefix="epoch-ext", benchmark=("arc-agi", "ARC-AGI"), percent=True, label="Name",
                     publisher="ARC Prize, compiled by Epoch AI", description="ARC Prize leaderboard."),
    "metr": Table("metr", ("id", "Model version", "Time horizon", "CI_low", "CI_high"), "Time horizon",
                  key_prefix="epoch-ext", benchmark=("epoch-metr-time-horizon", "METR time horizon (Epoch's copy)"),
                  unit="minutes", ci=("CI_low", "CI_high"), publisher="METR, compiled by Epoch AI",
                  description="Length of tasks (in human minutes) the model completes with 50% success, "
                              "as copied by Epoch AI from METR's March 2025 report."),
    "terminal-bench": Table("terminal-bench", ("id", "Agent", "Model version", "Accuracy mean"), "Accuracy mean",
                            key_prefix="epoch-ext", benchmark=("terminal-bench", "Terminal-Bench"), percent=True,
                            stderr="Accuracy SE", label="Agent", publisher="Terminal-Bench, compiled by Epoch AI",
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


def load(data: bytes, ctx: LoadContext) -> None:
    options = ctx.source.options or {}
    if options.get("table") and options["table"] not in TABLES:
        raise ParseError(f"unknown Epoch benchmark table {options['table']!r}; known: {', '.join(TABLES)}")
    header, rows = read_csv(data, (), WHAT)
    table = TABLES[options.get("table") or _detect(header)]
    missing = [c for c in table.required if c not in header]
    if missing:
        raise ParseError(f"this does not look like the Epoch {table.name} table: missing column(s) "
                         f"{', '.join(missing)}; found {', '.join(h for h in header[:12] if h)}")
    versions = _model_versions(ctx) if table.name != "eci" else {}
    ai_models = _ai_models(versions, rows, table)
    benchmarks: dict[str, Benchmark] = {}
    accepted: dict[str, dict] = {}
    first_seen: dict[str, str] = {}
    total = len(rows)
    for done, row in enumerate(rows, start=1):
        ctx.progress(done, total)
        where = row.lines
        if row.n_fields > len(header):
            ctx.reject(where, f"row has {row.n_fields} fields but the header has {len(header)}: columns are shifted", row)
            continue
        try:
            values = _score(row, table, versions, ai_models, benchmarks, ctx)
        except BadValue as exc:
            ctx.reject(where, str(exc), row)
            continue
        key = values["key"]
        if key in accepted:
            ctx.reject(where, f"duplicate of {key} at {first_seen[key]}", row)
            continue
        accepted[key], first_seen[key] = values, where
    if rows and not accepted:
        raise ParseError(f"none of the {len(rows)} rows could be read; see the rejected rows")
    ctx.upsert(BenchmarkScore, "key", accepted.values())


def _score(row, table: Table, versions, ai_models, benchmarks, ctx) -> dict:
    version = clean(row.get(table.version))
    if table.name == "runs":
        record_id = clean(row.get("id"))
        if not record_id:
            raise BadValue("no run id")
        key = f"{table.key_prefix}:{record_id}"
        status = clean(row.get("Status"))
        if status and status.lower() != "success":
            raise BadValue(f"run status is {status!r}, not a finished run")
        task = clean(row.get("task"))
        if not task:
            raise BadValue("no task (benchmark) name")
        benchmark = _benchmark(benchmarks, slugify(task)[:150], task, table)
    elif table.name == "eci":
        if not version:
            raise BadValue("no model version")
        key = f"{table.key_prefix}:{model_key(version)}"
        benchmark = _benchmark(benchmarks, *table.benchmark, table)
    else:
        record_id = clean(row.get("id"))
        if not record_id:
            raise BadValue("no record id")
        key = f"{table.key_prefix}:{record_id}"
        benchmark = _benchmark(benchmarks, *table.benchmark, table)
    raw_score = clean(row.get(table.score))
    if not raw_score:
        raise BadValue(f"{table.score}: no score")
    score = _value(raw_score, table.score, table.percent)
    stderr = ci_low = ci_high = None
    if table.stderr:
        stderr = _value(row.get(table.stderr), table.stderr, table.percent)
    if table.name == "runs":
        stderr = _stderr_from_scores(row.get("Scores"), score)
    if table.ci:
        ci_low = _value(row.get(table.ci[0]), table.ci[0], table.percent)
        ci_high = _value(row.get(table.ci[1]), table.ci[1], table.percent)
    version_info = versions.get(model_key(version), {}) if version else {}
    if table.name == "eci":
        score_date = date(row.get("Release date"), "Release date")
        model_name = clean(row.get("Model name"))
    else:
        score_date = version_info.get("date")
        model_name = version_info.get("model", "")
    label = clean(row.get(table.label)) if table.label else ""
    display = version_info.get("display") or (label if table.name != "terminal-bench" else "") or version
    if table.name == "terminal-bench":
        # One row per agent harness around a model: the agent is part of what was scored.
        display = f"{display or 'unnamed model'} ({label or 'unnamed agent'})"
    if not display:
        raise BadValue("no model version or name")
    return {
        "key": key[:400],
        "benchmark_id": benchmark.pk,
        "model_name": display[:300],
        "ai_model_id": ai_models.get(model_key(model_name)) if model_name else None,
        "date": score_date,
        "score": score,
        "stderr": stderr,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "source_link": _link(row, table),
        **_maker(row, table),
        "display_name": (clean(row.get("Display name")) if table.name == "eci" else "")
        or version_info.get("label", "")[:300],
    }


def _maker(row, table: Table) -> dict:
    """Organisation, country and accessibility: only the ECI lists them per scored version."""
    if table.name != "eci":
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


def _link(row, table: Table) -> str:
    for column in ("Source link", "log viewer", "Log download", "logs"):
        value = clean(row.get(column))
        if value.startswith(("https://", "http://")):
            return value[:1000]
    return ""


def _benchmark(cache: dict, slug: str, name: str, table: Table) -> Benchmark:
    if slug not in cache:
        unit = table.unit
        cache[slug], _ = Benchmark.objects.get_or_create(
            slug=slug,
            defaults={"name": name[:200], "unit": unit, "higher_is_better": table.higher_is_better,
                      "description": table.description, "publisher": table.publisher, "licence": "CC BY 4.0"},
        )
    return cache[slug]


def _ai_models(versions: dict, rows, table: Table) -> dict:
    """{model key: AIModel id} for every model these rows can name, in one query."""
    names = {model_key(v["model"]) for v in versions.values() if v.get("model")}
    if table.name == "eci":
        names |= {model_key(clean(row.get("Model name"))) for row in rows if clean(row.get("Model name"))}
    found = {}
    names = list(names)
    for start in range(0, len(names), 5000):
        found.update(AIModel.objects.filter(key__in=names[start : start + 5000]).values_list("key", "pk"))
    return found


def _model_versions(ctx: LoadContext) -> dict:
    """Read the companion model_versions table: {version key: {"date", "model", "display"}}."""
    from ..fetch import FetchError, fetch_url, read_path

    location = (ctx.source.options or {}).get("model_versions")
    if not location:
        if not ctx.source.path or ctx.source.url:
            return {}
        sibling = Path(ctx.source.path).with_name("model_versions.csv")
        from ..fetch import resolve_path

        if not resolve_path(str(sibling)).exists():
            return {}
        location = str(sibling)
    max_bytes = settings.CLAIMWATCH_INGEST_MAX_BYTES
    try:
        if location.startswith(("http://", "https://")):
            payload = fetch_url(location, max_bytes=max_bytes, timeout=settings.CLAIMWATCH_INGEST_TIMEOUT,
                                attempts=getattr(settings, "CLAIMWATCH_INGEST_ATTEMPTS", 4),
                                backoff=getattr(settings, "CLAIMWATCH_INGEST_BACKOFF", 1.0),
                                allow_private=settings.DEBUG or ctx.source.options.get("allow_private", False))
        else:
            payload = read_path(location, max_bytes)
    except FetchError as exc:
        raise ParseError(f"cannot read the model_versions companion file: {exc}") from None
    header, rows = read_csv(payload.data, ("id", "Version release date"), "Epoch AI model_versions CSV")
    versions = {}
    for row in rows:
        version = clean(row.get("id"))
        if not version:
            continue
        try:
            release = date(row.get("Version release date"), "Version release date")
        except BadValue:
            release = None  # an unreadable date leaves the score undated, it does not sink the run
        versions[model_key(version)] = {
            "date": release,
            "model": clean(row.get("Model")),
            "display": clean(row.get("Unique display name")) or clean(row.get("Display name")),
            "label": clean(row.get("Display name")),
        }
    return versions
