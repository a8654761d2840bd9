"""Charts rebuilt when an ingest finishes, so the first reader after it does not pay for them.

The shared part of a chart (measures.charts.series_chart) is stored and cached per data
generation, so nothing stale can be served; this moves the rebuild off the request path for the
series pages show (the configured charts and every series a measure reads), and rebuilds only
those whose data the runs changed: the others' stored charts are re-stamped for the new generation.
Stored downloads (measures.series_downloads) are brought up to date the same way.
"""

from celery import shared_task

from ingest import followups

from .chart_config import FeaturedChart
from .charts import warm_series_charts
from .claim_charts import ref_of_target
from .models import Measure
from .series_downloads import refresh_stored_downloads


def charted_series() -> list:
    """Every series a page charts without a request deciding it: configured, or measured."""
    refs = {row.ref for row in FeaturedChart.objects.filter(enabled=True)}
    targets = (Measure.objects.values_list("benchmark__slug", "series__slug", "entity", "attribute")
               .distinct().order_by())
    refs.update(ref for ref in (ref_of_target(*target) for target in targets) if ref is not None)
    return sorted(refs, key=lambda r: r.key)


# Once per burst of runs (ingest/followups.py): a bundled ingest's 32 runs rebuilt every chart
# 32 times; the rebuild reads the data as the burst left it.
WARM_QUEUED = "measures:warm-charts-queued"


@shared_task(acks_late=True, ignore_result=True)
def warm_charts_task(run_id: int | None = None) -> int:
    followups.clear_mark(WARM_QUEUED)
    built = warm_series_charts(charted_series())
    # The whole-series files someone downloaded since they were last built: current again too.
    return built + refresh_stored_downloads()


def on_run_succeeded(sender, run_id: int, **kwargs) -> None:
    """Receiver for ingest.signals.run_succeeded: rebuild on a worker, once per burst of runs."""
    followups.queue_once_per_burst(WARM_QUEUED, warm_charts_task, run_id)
