from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Ingest"

    # Receivers of ingest.signals.run_succeeded live with the apps that react (editorial
    # suggests evidence and re-checks its tests): ingest points at nobody.
