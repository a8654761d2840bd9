"""A checksum of every ingested data table, by natural keys, so two databases can be compared.

Row ids, run ids and provenance differ between two ingests of the same data in another
order; the values, and what points at what (by slug or key), must not.
"""

import hashlib

from ingest.models import AIModel, Benchmark, BenchmarkScore, FeedItem, Series, SeriesPoint

SKIP = {"id", "run", "provenance"}


def _rows(model, natural: dict) -> list[tuple]:
    fields = [f for f in model._meta.concrete_fields if f.name not in SKIP]
    names = [natural.get(f.name, f.attname) for f in fields]
    return sorted(tuple(repr(v) for v in row) for row in model.objects.values_list(*names))


def table_checksums() -> dict[str, str]:
    tables = {
        "AIModel": _rows(AIModel, {}),
        "Benchmark": _rows(Benchmark, {}),
        "BenchmarkScore": _rows(BenchmarkScore, {"benchmark": "benchmark__slug", "ai_model": "ai_model__key"}),
        "Series": _rows(Series, {"source": "source__slug"}),
        "SeriesPoint": _rows(SeriesPoint, {"series": "series__slug"}),
        "FeedItem": _rows(FeedItem, {"source": "source__slug"}),
    }
    return {name: hashlib.sha256(repr(rows).encode()).hexdigest() + f" ({len(rows)} rows)" for name, rows in tables.items()}
