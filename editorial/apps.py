from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial"

    def ready(self):
        from django.db.models.signals import post_migrate

        from claims.backing import register_backer
        from ingest.blast_radius import register_reporter
        from ingest.signals import data_changed, run_succeeded
        from measures.signals import outcomes_changed

        from .backing import measure_result_backs
        from .checks import moved_by_run, on_outcomes_changed
        from .tasks import on_data_changed, on_run_succeeded
        from .roles import ensure_editors_group

        # Measures are re-checked by the measures app after each ingest run; a change of
        # outcome comes here to become a proposed verdict.
        outcomes_changed.connect(on_outcomes_changed, dispatch_uid="editorial.propose_verdicts")
        # Feed and arXiv runs bring items to suggest as evidence.
        run_succeeded.connect(on_run_succeeded, dispatch_uid="editorial.suggest_evidence")
        # A run's changed records: the measures whose values it moved reach the queue.
        data_changed.connect(on_data_changed, dispatch_uid="editorial.values_moved")
        register_reporter("editorial.values_moved", moved_by_run)
        register_backer("editorial.measure_results", measure_result_backs)
        # A test database flush (TransactionTestCase) deletes the group the data migration
        # made; post_migrate runs after every flush, so the role comes back with it.
        post_migrate.connect(ensure_editors_group, dispatch_uid="editorial.editors_group")
