from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from . import download_rows, facet_table, fts, generation, signals  # noqa: F401  (connects the receivers)

        download_rows.connect()  # the topic links' receiver needs the loaded models

        # The SQLite search triggers are off while migrations run (claims/fts.py says why).
        pre_migrate.connect(fts.before_migrate, sender=self, dispatch_uid="claims.fts.before_migrate")
        post_migrate.connect(fts.after_migrate, sender=self, dispatch_uid="claims.fts.after_migrate")
        # And the facet tables are refilled after a flush or a migration (claims/facet_table.py).
        post_migrate.connect(facet_table.after_migrate, sender=self, dispatch_uid="claims.facet_table.after_migrate")
        # And the stored download lines of claims that have none are built (claims/download_rows.py).
        post_migrate.connect(download_rows.after_migrate, sender=self,
                             dispatch_uid="claims.download_rows.after_migrate")
