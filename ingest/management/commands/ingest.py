import os
import sys

from django.core.management.base import BaseCommand, CommandError

from ingest.connectors import REGISTRY
from ingest.models import DataSource
from ingest.runner import SourceBusy, queue_run, run_ingest


class Command(BaseCommand):
    help = (
        "Run ingests in this process. `ingest SOURCE_SLUG`, `ingest --all`, or "
        "`ingest --kind KIND --file PATH` for a one-off local file."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="slug of a registered data source")
        parser.add_argument("--all", action="store_true", help="every enabled data source")
        parser.add_argument("--kind", choices=sorted(REGISTRY), help="connector for --file")
        parser.add_argument("--file", help="a local file to ingest with --kind")

    def handle(self, *args, slug=None, all=False, kind=None, file=None, **options):
        if sum(bool(x) for x in (slug, all, file)) != 1:
            raise CommandError("give exactly one of SOURCE_SLUG, --all, or --kind KIND --file PATH")
        if file and not kind:
            raise CommandError("--file needs --kind")
        if file:
            sources = [self._file_source(kind, file)]
        elif all:
            # Models before benchmarks: a score links to its AIModel only if that exists.
            order = {kind: index for index, kind in enumerate(REGISTRY)}
            sources = sorted(DataSource.objects.filter(enabled=True), key=lambda s: (order.get(s.kind, 99), s.name))
        else:
            try:
                sources = [DataSource.objects.get(slug=slug)]
            except DataSource.DoesNotExist:
                raise CommandError(f"no data source {slug!r}; known: "
                                   + ", ".join(DataSource.objects.values_list("slug", flat=True))) from None
        failed = 0
        for source in sources:
            failed += not self._run(source)
        if failed:
            sys.exit(1)

    def _file_source(self, kind, path):
        # Relative to where the command runs, not to the project root.
        path = os.path.abspath(path)
        slug = f"file-{kind}"
        source, _ = DataSource.objects.update_or_create(
            slug=slug, defaults={"name": f"Local {kind} file", "kind": kind, "path": path, "url": "", "enabled": False}
        )
        return source

    def _run(self, source) -> bool:
        run = queue_run(source)
        last_shown = [0]

        def show(done, total):
            # A progress line every 10% (or every 1000 rows when the total is unknown).
            step = max(1, (total or 10000) // 10)
            if done - last_shown[0] >= step or (total and done == total):
                last_shown[0] = done
                self.stderr.write(f"  {source.slug}: {done}/{total or '?'} rows")

        try:
            run = run_ingest(run.pk, on_progress=show)
        except SourceBusy as exc:
            run.refresh_from_db()
            self.stderr.write(f"  {source.slug}: {exc}")
        if run.error:
            self.stderr.write(f"  {source.slug}: error: {run.error}")
        for reason in run.hold_reasons if run.status == "held" else []:
            self.stderr.write(f"  {source.slug}: held for review: {reason}")
        for rejected in run.rejected_rows[:5]:
            self.stderr.write(f"  rejected {rejected['where']}: {rejected['reason']}")
        self.stdout.write(
            f"ingest: {source.slug} status={run.status} created={run.created_count} "
            f"updated={run.updated_count} unchanged={run.unchanged_count} rejected={run.rejected_count}"
        )
        return run.status != "failed"
