from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from project.backup import BackupError, backup, vendor


class Command(BaseCommand):
    help = ("Back up the whole database to one file: pg_dump (custom format) on PostgreSQL, "
            "SQLite's online backup on the embedded default. Restore with `manage.py restore FILE`.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="where to write (default: var/backups/claimwatch-<time>.<ext>)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path=None, database="default", **options):
        from django.conf import settings

        settings_dict = connections[database].settings_dict
        try:
            extension = "pgdump" if vendor(settings_dict) == "postgresql" else "sqlite3"
            path = path or settings.VAR_DIR / "backups" / f"claimwatch-{timezone.now():%Y%m%dT%H%M%S}.{extension}"
            written = backup(settings_dict, path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"backup written to {written} ({written.stat().st_size} bytes)")
