from django.core.management.base import BaseCommand
from django.db import transaction

from ingest.bundled import register_bundled_sources
from ingest.models import IngestRun
from ingest.tasks import start_run


class Command(BaseCommand):
    help = (
        "Register the bundled data snapshots as data sources and queue a first run, on the "
        "Celery worker, for each one that has no successful run yet. Safe to run again."
    )

    def handle(self, *args, **options):
        # One transaction for all the queued runs: on SQLite every separate write would wait
        # for the worker, which starts on the first runs while the rest are still queuing;
        # the messages go out together when it commits.
        with transaction.atomic():
            queued = self._queue_all()
        self.stdout.write(f"ingest_bundled: {queued} run(s) queued for the worker")

    def _queue_all(self) -> int:
        queued = 0
        for source in register_bundled_sources():
            done = source.runs.filter(status__in=[IngestRun.Status.OK, IngestRun.Status.UNCHANGED]).exists()
            waiting = source.runs.filter(status__in=[IngestRun.Status.PENDING, IngestRun.Status.RUNNING]).exists()
            if done or waiting:
                continue
            run = start_run(source)
            queued += 1
            self.stdout.write(f"queued run {run.pk} of {source.slug}")
        return queued
