from django.core.management.base import BaseCommand

from claims.seed import load_seed


class Command(BaseCommand):
    help = "Load the curated seed claims (idempotent: existing rows are kept as they are)."

    def handle(self, *args, **options):
        counts = load_seed()
        made = ", ".join(f"{n} {kind}" for kind, n in counts.created.items())
        self.stdout.write(f"loadseed: created {made}; {counts.existing} already present")
