from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial"

    def ready(self):
        from django.db.models.signals import post_migrate

        from claims.backing import register_backer
        from ingest.signals import run_succeeded

        from .backing import data_test_backs
        from .roles import ensure_editors_group
        from .tasks import on_run_succeeded

        run_succeeded.connect(on_run_succeeded, dispatch_uid="editorial.recheck_tests")
        register_backer("editorial.data_tests", data_test_backs)
        # A test database flush (TransactionTestCase) deletes the group the data migration
        # made; post_migrate runs after every flush, so the role comes back with it.
        post_migrate.connect(ensure_editors_group, dispatch_uid="editorial.editors_group")
