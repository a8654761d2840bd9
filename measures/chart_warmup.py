"""Charts and downloads rebuilt when an ingest finishes, so the first reader after it does not pay.

The shared part of a chart (measures.charts.series_chart) and a series' whole download
(measures.series_downloads) are stored and cached per data generation, so nothing stale can be
served; this moves their rebuild off the request path for the series pages show (the configured
charts and every series a measure reads), and rebuilds only those whose data the runs changed
(their fingerprint moved): the others' stored payloads are re-stamped for the new generation.
A changed series is read once for its chart and both its files. Downloads of other series that
a reader fetched since the last run are brought up to date the same way.
"""

from celery import shared_task

from ingest import followups

from claims import payload_store

from .chart_config import FeaturedChart
from .charts import MISSING, build_series_chart, store_key
from .claim_charts import ref_of_target
from .models import Measure
from .series import data_version
from .series_downloads import build_stored, refresh_stored_downloads, whole_series_keys


def charted_series() -> list:
    """Every series a page charts without a request deciding it: configured, or measured."""
    refs = {row.ref for row in FeaturedChart.objects.filter(enabled=True)}
    targets = (Measure.objects.values_list("benchmark__slug", "series__slug", "entity", "attribute")
               .distinct().order_by())
    refs.update(ref for ref in (ref_of_target(*target) for target in targets) if ref is not None)
    return sorted(refs, key=lambda r: r.key)


def warm_series(refs, version: int | None = None) -> int:
    """Bring the stored chart and whole-series downloads of ``refs`` up to ``version``, then every
    other stored download. Returns how many payloads were rebuilt (0 when no series moved)."""
    version = data_version() if version is None else version
    held = {**payload_store.fingerprints("chart:"), **payload_store.fingerprints("download:")}
    unchanged, rebuilt, covered = [], 0, set()
    for ref in refs:
        fingerprint = ref.fingerprint()
        chart_key, download_keys = store_key(ref), whole_series_keys(ref)
        covered.update(download_keys)
        stale = [k for k in (chart_key, *download_keys) if held.get(k, (None, None))[1] != fingerprint]
        unchanged += [k for k in (chart_key, *download_keys) if k not in stale and held[k][0] != str(version)]
        if not stale:
            continue
        loaded = ref.points()
        for key in stale:
            if key == chart_key:
                payload = build_series_chart(ref, loaded) or MISSING
            else:
                payload = build_stored(key, loaded)
            if payload is not None:
                payload_store.write(key, version, payload, fingerprint)
                rebuilt += 1
    payload_store.restamp(unchanged, version)
    return rebuilt + refresh_stored_downloads(version, skip=covered)


# Once per burst of runs (ingest/followups.py): a bundled ingest's 32 runs rebuilt every chart
# 32 times; the rebuild reads the data as the burst left it.
WARM_QUEUED = "measures:warm-charts-queued"


@shared_task(acks_late=True, ignore_result=True)
def warm_charts_task(run_id: int | None = None) -> int:
    followups.clear_mark(WARM_QUEUED)
    return warm_series(charted_series())


def on_run_succeeded(sender, run_id: int, **kwargs) -> None:
    """Receiver for ingest.signals.run_succeeded: rebuild on a worker, once per burst of runs."""
    followups.queue_once_per_burst(WARM_QUEUED, warm_charts_task, run_id)


def on_data_edited(sender, **kwargs) -> None:
    """Receiver for ingest.signals.data_edited: an admin edit moves no fingerprint (no run stamps
    it), so every stored chart and download is marked for rebuilding, on a worker."""
    payload_store.unfingerprint("chart:", "download:")
    followups.queue_once_per_burst(WARM_QUEUED, warm_charts_task, None)
