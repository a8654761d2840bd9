from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from project.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a file made by `manage.py backup` over the configured database "
            "(stop the web server and the worker first), or into another database with --into.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--into", help="another PostgreSQL database name (created) or SQLite file")
        parser.add_argument("--database", default="default")
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the live database")

    def handle(self, *args, path, into=None, database="default", yes=False, **options):
        connection = connections[database]
        if not into and not yes:
            answer = input(f"Replace every table of {connection.settings_dict['NAME']} with {path}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("not restored")
        connection.close()  # SQLite: no open handle of ours while the file is replaced
        try:
            target = restore(connection.settings_dict, path, into=into)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restored {path} into {target}")
