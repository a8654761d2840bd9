"""Figures precomputed when an ingest run finishes, so pages never aggregate the raw scores.

``refresh_after_run`` is the one entry point the runner calls after a successful run: it
rewrites the per-benchmark summaries and advances the data generation in the same
transaction, so no page can see the new scores with the old summaries or the old cache keys.
"""

from django.db import transaction
from django.db.models import Count, Max

from . import generation
from .models import Benchmark, BenchmarkScore, BenchmarkSummary, IngestRun


def refresh_benchmark_summaries() -> int:
    """Recompute every benchmark's score count, best score and latest date (one grouped scan).

    A run's scores may belong to any benchmark, and 10M scores group in about a second on
    PostgreSQL, once per run rather than once per page view.
    """
    rows = {
        r["benchmark_id"]: r
        for r in BenchmarkScore.objects.order_by().values("benchmark_id")
        .annotate(n=Count("id"), best=Max("score"), latest=Max("date"))
    }
    summaries = [
        BenchmarkSummary(benchmark_id=pk, scores=rows.get(pk, {}).get("n", 0), best=rows.get(pk, {}).get("best"),
                         latest=rows.get(pk, {}).get("latest"))
        for pk in Benchmark.objects.values_list("pk", flat=True)
    ]
    # No savepoint inside a run's transaction: a failure there rolls the whole run back anyway.
    with transaction.atomic(savepoint=False):
        BenchmarkSummary.objects.all().delete()
        BenchmarkSummary.objects.bulk_create(summaries)
    return len(summaries)


def refresh_after_run(run: IngestRun) -> None:
    with transaction.atomic(savepoint=False):
        if run.scores.exists() or not BenchmarkSummary.objects.exists():
            refresh_benchmark_summaries()
        generation.bump(generation.DATA)
