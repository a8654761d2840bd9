from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial"

    def ready(self):
        from django.db.models.signals import post_migrate

        from measures.signals import outcomes_changed

        from .checks import on_outcomes_changed
        from .roles import ensure_editors_group

        # Measures are re-checked by the measures app after each ingest run; a change of
        # outcome comes here to become a proposed verdict.
        outcomes_changed.connect(on_outcomes_changed, dispatch_uid="editorial.propose_verdicts")
        # A test database flush (TransactionTestCase) deletes the group the data migration
        # made; post_migrate runs after every flush, so the role comes back with it.
        post_migrate.connect(ensure_editors_group, dispatch_uid="editorial.editors_group")
