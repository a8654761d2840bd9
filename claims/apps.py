from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from . import download_rows, facet_table, fts, generation, signals  # noqa: F401  (connects the receivers)

        download_rows.connect()  # the topic links' receiver needs the loaded models

        from ingest.signals import data_edited, run_succeeded

        from . import search_rows

        # The stored AI-model search documents follow the models on a worker (claims/search_rows.py).
        run_succeeded.connect(search_rows.on_models_changed, dispatch_uid="claims.model_documents_after_run")
        data_edited.connect(search_rows.on_models_changed, dispatch_uid="claims.model_documents_after_edit")

        # The SQLite search triggers are off while migrations run (claims/fts.py says why).
        pre_migrate.connect(fts.before_migrate, sender=self, dispatch_uid="claims.fts.before_migrate")
        post_migrate.connect(fts.after_migrate, sender=self, dispatch_uid="claims.fts.after_migrate")
        # And the facet tables are refilled after a flush or a migration (claims/facet_table.py).
        post_migrate.connect(facet_table.after_migrate, sender=self, dispatch_uid="claims.facet_table.after_migrate")
        # And the stored download lines of claims that have none are built (claims/download_rows.py).
        post_migrate.connect(download_rows.after_migrate, sender=self,
                             dispatch_uid="claims.download_rows.after_migrate")
