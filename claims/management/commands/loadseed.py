from django.core.management.base import BaseCommand, CommandError

from claims.seed import UnbackedSeedStatus, load_seed


class Command(BaseCommand):
    help = "Load the curated seed claims (idempotent: existing rows are kept as they are)."

    def handle(self, *args, **options):
        try:
            counts = load_seed()
        except UnbackedSeedStatus as exc:
            raise CommandError(f"loadseed refused: {exc}. Nothing was loaded.") from exc
        made = ", ".join(f"{n} {kind}" for kind, n in counts.created.items())
        self.stdout.write(f"loadseed: created {made}; {counts.existing} already present")
