"""The run heartbeat joins field provenance, diffs, generations and summaries here."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("ingest", "0004_run_heartbeat"),
        ("ingest", "0006_merge_provenance_and_generation"),
    ]

    operations = []
