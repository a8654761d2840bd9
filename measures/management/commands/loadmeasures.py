from django.core.management.base import BaseCommand

from measures.results import recheck_all
from measures.seed import load_measures


class Command(BaseCommand):
    help = ("Load the seeded measures (idempotent; `loadseed` does this too) and re-check every "
            "measure against the data now.")

    def add_arguments(self, parser):
        parser.add_argument("--no-recheck", action="store_true", help="Load only; leave results as they are.")

    def handle(self, *args, **options):
        counts = load_measures()
        self.stdout.write(f"loadmeasures: created {counts.created}, {counts.existing} already present, "
                          f"{counts.untestable} untestable note(s) added, "
                          f"{len(counts.waiting_for_data)} waiting for ingested data")
        if counts.missing_claims:
            self.stdout.write(f"claims not found: {', '.join(sorted(set(counts.missing_claims)))}")
        if not options["no_recheck"]:
            changes = recheck_all()
            self.stdout.write(f"re-checked all measures: {len(changes)} outcome change(s)")
