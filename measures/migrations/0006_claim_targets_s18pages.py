"""measure_claim_targets: each claim's measures with their targets, so a probe is index only.

The newest claims on a series (measures.claim_charts.newest_measured, a chart's markers) walk
the claims' date index and probe each claim's measures for the series: with the targets in the
index the probe reads no measure row (3,600 probes for GPQA's 80 markers at 100k claims: 16-27
-> 8 ms). PostgreSQL includes the targets; SQLite has no INCLUDE, so they are key columns there.
"""

from django.db import migrations

INDEXES = {
    "postgresql": "(claim_id) INCLUDE (benchmark_id, series_id, entity, attribute)",
    "sqlite": "(claim_id, benchmark_id, series_id, entity, attribute)",
}


def add_index(apps, schema_editor):
    columns = INDEXES.get(schema_editor.connection.vendor)
    if columns:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS measure_claim_targets ON measures_measure {columns}")


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS measure_claim_targets")


class Migration(migrations.Migration):

    dependencies = [
        ("measures", "0005_claim_measure_target_indexes"),
    ]

    operations = [
        migrations.RunPython(add_index, drop_index),
    ]
