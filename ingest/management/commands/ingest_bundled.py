from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ingest.bundled import publish_bundled_progress, register_bundled_sources
from ingest.models import IngestRun
from ingest.tasks import QueueUnavailable, start_run


class Command(BaseCommand):
    help = (
        "Register the bundled data snapshots as data sources and queue a first run, on the "
        "Celery worker, for each one that has no successful run yet. Safe to run again."
    )

    def handle(self, *args, **options):
        queued = []
        try:
            # One transaction for all the queued runs: on SQLite every separate write would wait
            # for the worker, which starts on the first runs while the rest are still queuing;
            # the messages go out together when it commits.
            with transaction.atomic():
                self._queue_all(queued)
        except QueueUnavailable as exc:
            # The first unsent message raises out of the commit hooks, so the later runs were
            # never handed over either: fail them too, or they would block the next attempt.
            IngestRun.objects.filter(pk__in=queued, status=IngestRun.Status.PENDING).update(
                status=IngestRun.Status.FAILED, error=str(exc), finished_at=timezone.now()
            )
            publish_bundled_progress()
            raise CommandError(
                f"ingest_bundled: {exc}. Start the broker (or check CELERY_BROKER_URL) and run "
                f"this command again; {len(queued)} run(s) were recorded as failed."
            ) from None
        publish_bundled_progress()
        self.stdout.write(f"ingest_bundled: {len(queued)} run(s) queued for the worker")

    def _queue_all(self, queued: list) -> None:
        for source in register_bundled_sources():
            done = source.runs.filter(status__in=[IngestRun.Status.OK, IngestRun.Status.UNCHANGED]).exists()
            waiting = source.runs.filter(status__in=[IngestRun.Status.PENDING, IngestRun.Status.RUNNING]).exists()
            if done or waiting:
                continue
            run = start_run(source)
            queued.append(run.pk)
            self.stdout.write(f"queued run {run.pk} of {source.slug}")
