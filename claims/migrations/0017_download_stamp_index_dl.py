"""An index holding what a stored download line is checked against (claims/download_rows.py).

A browse download reads, for each thousand claims, their slug, ``updated`` and evidence count
to check their stored lines. From the claims' rows (312 MB at 100,000 claims) that was 14 ms
a chunk of random reads; from this index, read alone, 2-3 ms. PostgreSQL only: SQLite has no
INCLUDE and takes the plain path.
"""

from django.db import migrations

NAME = "claim_download_stamp"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON claims_claim (id) "
                              "INCLUDE (slug, updated, evidence_count)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0016_merge_search_rows_download_lines")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
