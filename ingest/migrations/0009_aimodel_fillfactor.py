"""Room on each page of ingest_aimodel for the next version of its rows (PostgreSQL only).

Every Epoch run rewrites the provenance of every model it carries (the field owners and
``carried_by``), so the table's rows are updated about as often as they are read. With
full pages each such UPDATE writes the new row version on another page and inserts it
into all five indexes; with free room on the page PostgreSQL makes it a heap-only (HOT)
update, which touches no index. A run rewrites every row of a page in one transaction,
and the old versions cannot be pruned until it commits, so a page needs room for a
second copy of each of its rows: half of it. Measured on the all-models run over
notable and large-scale (1,069 rows rewritten): the UPDATE took 37 ms at fillfactor 100
and 10 ms at 60. The table is small (a few thousand models), so doubling its pages
costs little. Only pages written after the change get the room; SQLite has no such setting.
"""

from django.db import migrations

FILLFACTOR = 50


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE ingest_aimodel SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ingest_aimodel RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("ingest", "0008_frontier_flag_unknown")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
