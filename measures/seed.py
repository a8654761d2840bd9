"""Seeded measures (measures/seed_data/measures.json), loaded when the seed claims are.

Idempotent: a measure is found by (claim slug, key) and created only when missing, so a
second load adds nothing and never overwrites what editors changed. Claims are referred
to by slug only; a slug the claims seed does not (yet) have is skipped and reported.
"""

import dataclasses
import datetime as dt
import json
import logging
from pathlib import Path

from django.db import transaction

from claims.models import Claim
from ingest.models import Benchmark, Series

from .models import Measure, RemovedSeed, Untestable

log = logging.getLogger(__name__)
SEED_FILE = Path(__file__).resolve().parent / "seed_data" / "measures.json"
_DATES = ("window_start", "window_end", "baseline_start", "baseline_end", "deadline")
_TEXT = ("description", "kind", "attribute", "entity", "country", "organization", "accessibility",
         "other_country", "other_organization", "other_accessibility", "model_name", "other_model_name",
         "statistic", "comparison", "expects", "rationale", "proxy_label")


@dataclasses.dataclass
class MeasureSeedCounts:
    created: int = 0
    existing: int = 0
    untestable: int = 0
    missing_claims: list = dataclasses.field(default_factory=list)
    # Benchmarks and series are ingested data: a measure waits for them (made on a later load).
    waiting_for_data: list = dataclasses.field(default_factory=list)


def _fields(spec: dict) -> dict:
    values = {name: spec[name] for name in _TEXT if name in spec}
    for name in _DATES:
        if spec.get(name):
            values[name] = dt.date.fromisoformat(spec[name])
    for name in ("threshold", "is_primary", "order", "proxy"):
        if name in spec:
            values[name] = spec[name]
    return values


@transaction.atomic
def load_measures(path: Path = SEED_FILE, *, quiet: bool = False) -> MeasureSeedCounts:
    data = json.loads(path.read_text(encoding="utf-8"))
    counts = MeasureSeedCounts()
    slugs = {m["claim"] for m in data["measures"]} | {u["claim"] for u in data["untestable"]}
    claims = Claim.objects.in_bulk(slugs, field_name="slug")
    benchmarks = Benchmark.objects.in_bulk({m["benchmark"] for m in data["measures"] if m.get("benchmark")},
                                           field_name="slug")
    series = Series.objects.in_bulk({m["series"] for m in data["measures"] if m.get("series")}, field_name="slug")
    existing = set(Measure.objects.filter(claim__slug__in=slugs).exclude(key="").values_list("claim__slug", "key"))
    existing |= set(RemovedSeed.objects.filter(claim__slug__in=slugs).values_list("claim__slug", "key"))
    for spec in data["measures"]:
        claim = claims.get(spec["claim"])
        if claim is None:
            counts.missing_claims.append(spec["claim"])
            continue
        if (spec["claim"], spec["key"]) in existing:
            counts.existing += 1
            continue
        values = _fields(spec)
        if spec.get("benchmark"):
            if spec["benchmark"] not in benchmarks:
                counts.waiting_for_data.append(f"{spec['claim']}/{spec['key']}")
                continue
            values["benchmark"] = benchmarks[spec["benchmark"]]
        if spec.get("series"):
            if spec["series"] not in series:
                counts.waiting_for_data.append(f"{spec['claim']}/{spec['key']}")
                continue
            values["series"] = series[spec["series"]]
        Measure.objects.create(claim=claim, key=spec["key"], **values)
        counts.created += 1
    for spec in data["untestable"]:
        claim = claims.get(spec["claim"])
        if claim is None:
            counts.missing_claims.append(spec["claim"])
            continue
        _, created = Untestable.objects.get_or_create(claim=claim, defaults={"reason": spec["reason"]})
        counts.untestable += created
    if counts.missing_claims and not quiet:
        log.warning("seed measures name claims that do not exist: %s", ", ".join(sorted(set(counts.missing_claims))))
    return counts


def on_seed_loaded(sender, **kwargs) -> None:
    """Receiver for claims.signals.seed_loaded."""
    counts = load_measures()
    log.info("seed measures: %d created, %d already present, %d waiting for ingested data",
             counts.created, counts.existing, len(counts.waiting_for_data))


def forget(measure: Measure) -> None:
    """Call when an editor removes a measure: a seeded one stays removed on later loads."""
    if measure.key:
        RemovedSeed.objects.get_or_create(claim_id=measure.claim_id, key=measure.key)
