"""What holds a claim against the data: metric functions over ingested data, stored measure
results, series views and charts, then-vs-now. Uses claims and ingest; nothing imports it back
except editorial."""
from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = "Measures"

    def ready(self):
        from claims.signals import seed_loaded
        from ingest.signals import data_edited, run_succeeded

        from . import chart_warmup, invalidation  # noqa: F401 (invalidation connects its receivers)
        from .seed import on_seed_loaded
        from .tasks import on_data_edited, on_run_succeeded

        run_succeeded.connect(on_run_succeeded, dispatch_uid="measures.recheck")
        run_succeeded.connect(chart_warmup.on_run_succeeded, dispatch_uid="measures.warm_charts")
        data_edited.connect(on_data_edited, dispatch_uid="measures.recheck_after_edit")
        data_edited.connect(chart_warmup.on_data_edited, dispatch_uid="measures.warm_charts_after_edit")
        seed_loaded.connect(on_seed_loaded, dispatch_uid="measures.seed")
