"""METR time-horizon results (benchmark_results_*.yaml) -> two benchmarks of scores.

Each model under ``results`` has ``metrics.p50_horizon_length`` and
``metrics.p80_horizon_length`` (task length in human minutes at which the model succeeds
50% / 80% of the time, with a confidence interval) and a ``release_date``. They become
``metr-horizon-p50`` and ``metr-horizon-p80`` scores keyed by METR's own model id, so a
re-run updates rather than duplicates. Keys are read by name; extra keys are ignored.

METR's model ids are its own (``gpt_4o_inspect``). Each score's display name is Epoch's
name for the model, found through the companion tables named in ``options``
(``model_versions`` and ``capabilities_index``, see ``versions.VersionTable.match``); an id
neither table knows keeps METR's spelling.
"""

import datetime as dt

import yaml

from ..models import Benchmark, BenchmarkScore
from .base import LoadContext, ParseError, decode_text
from .rows import accept_rows
from .values import BadValue, clean, date, number
from .versions import CAPABILITIES_INDEX, MODEL_VERSIONS, VersionTable

BENCHMARKS = {
    "p50_horizon_length": ("metr-horizon-p50", "METR time horizon (50% success)"),
    "p80_horizon_length": ("metr-horizon-p80", "METR time horizon (80% success)"),
}
SOURCE_LINK = "https://metr.org/blog/2025-03-19-measuring-ai-ability-to-complete-long-tasks/"
NAME_TABLES = {"model_versions": MODEL_VERSIONS, "capabilities_index": CAPABILITIES_INDEX}


def companions(source) -> dict[str, str]:
    """{name: location} of Epoch's naming tables this source's options point at."""
    options = source.options or {}
    return {name: options[name] for name in NAME_TABLES if options.get(name)}


def load(data: bytes, ctx: LoadContext) -> None:
    text = decode_text(data, "METR results YAML")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParseError(f"the METR results file is not valid YAML: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("results"), dict):
        raise ParseError("this does not look like a METR results file: no 'results' mapping of models")
    results = document["results"]
    version = clean(str(document.get("benchmark_name") or "METR-Horizon"))
    benchmarks = {
        metric: Benchmark.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "unit": "minutes", "higher_is_better": True, "publisher": "METR",
                      "description": f"Length of software tasks, in the minutes a human expert needs, that the "
                                     f"model completes with the stated success rate ({version})."},
        )[0]
        for metric, (slug, name) in BENCHMARKS.items()
    }
    link = clean(str(document.get("source_link") or "")) or SOURCE_LINK
    names = VersionTable.read((ctx.companions.get(name), columns) for name, columns in NAME_TABLES.items())

    def parse(item, where):
        model_id, entry = item
        if not isinstance(entry, dict) or not isinstance(entry.get("metrics"), dict):
            raise BadValue("no 'metrics' mapping for this model")
        release = _date(entry.get("release_date"))
        ctx.saw_date(release, "release_date")
        for metric, benchmark in benchmarks.items():
            row = _metric_row(model_id, entry, metric, benchmark, release, link, f"{where}.{metric}", ctx)
            if row is not None:
                row["display_name"] = names.match(str(model_id).removesuffix("_inspect"), release)[:300]
                yield row["key"], row

    records = [_Result(model_id, entry) for model_id, entry in results.items()]
    accepted = accept_rows(ctx, records, parse, what="models", shown=lambda item: {"model": item[0]})
    ctx.upsert(BenchmarkScore, "key", accepted.values())

class _Result(tuple):
    """(model id, entry), placed in the file by its key."""

    def __new__(cls, model_id, entry):
        result = super().__new__(cls, (model_id, entry))
        result.lines = f"results.{model_id}"
        return result

def _metric_row(model_id, entry, metric, benchmark, release, link, spot, ctx) -> dict | None:
    """One metric of one model, or None (rejected at its own spot, the model's other metric stands)."""
    measured = entry["metrics"].get(metric)
    try:
        if measured is None:
            raise BadValue(f"no {metric} for this model")
        if not isinstance(measured, dict):
            raise BadValue(f"{metric} is not a mapping with an estimate")
        estimate = _number(measured.get("estimate"), f"{metric}.estimate")
        if estimate is None:
            raise BadValue(f"{metric} has no estimate")
        ci_low = _number(measured.get("ci_low"), f"{metric}.ci_low")
        ci_high = _number(measured.get("ci_high"), f"{metric}.ci_high")
    except BadValue as exc:
        shown = {"model": model_id} if measured is None else {"model": model_id, metric: str(measured)}
        ctx.reject(spot, str(exc), shown)
        return None
    return {
        "key": f"metr:{model_id}:{metric.split('_')[0]}"[:400],
        "benchmark_id": benchmark.pk,
        "model_name": _display(model_id, entry)[:300],
        "date": release,
        "score": estimate,
        "stderr": None,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "source_link": link,
    }

def _number(value, column: str) -> float | None:
    if value is None or isinstance(value, bool):
        return None if value is None else _bad(column, value)
    return number(str(value), column)

def _bad(column, value):
    raise BadValue(f"{column}: {value!r} is not a number")

def _date(value) -> dt.date | None:
    # YAML turns 2024-06-20 into a date already; anything else is parsed as text.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return date(str(value) if value is not None else "", "release_date")

def _display(model_id: str, entry: dict) -> str:
    """'claude_3_5_sonnet_20240620_inspect' -> 'claude 3 5 sonnet 20240620' unless a name is given."""
    name = clean(str(entry.get("model_name") or entry.get("name") or ""))
    if name:
        return name
    return clean(str(model_id).removesuffix("_inspect").replace("_", " "))
