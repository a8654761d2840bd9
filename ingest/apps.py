from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Ingest"

    def ready(self):
        from .signals import run_succeeded
        from .tasks import on_run_succeeded

        run_succeeded.connect(on_run_succeeded, dispatch_uid="ingest.suggest_evidence")
