"""Field provenance and run diffs met generation numbers and benchmark summaries here."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("ingest", "0004_merge_provenance_diff_hold"),
        ("ingest", "0005_generation_and_benchmark_summary"),
    ]

    operations = []
