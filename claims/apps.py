from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self):
        from . import generation, signals  # noqa: F401  (connects the receivers)
