"""Stored search documents for AI models, each tagged with the row version it was made from
(PostgreSQL only; claims/search_rows.py ModelSearch says why and how they are never used stale).

No trigger and no index on ingest_aimodel: nothing here runs when a model is written.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES = """
CREATE TABLE claims_modelsearch (
  model_id bigint PRIMARY KEY,
  row_xmin xid NOT NULL,
  row_ctid tid NOT NULL,
  document tsvector NOT NULL
);
"""

UNDO_POSTGRES = "DROP TABLE IF EXISTS claims_modelsearch;"


def add_table(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def drop_table(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO_POSTGRES)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0017_evidence_search_rows_s19search"),
        ("ingest", "0009_aimodel_fillfactor"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ModelSearch",
                    fields=[
                        ("model", models.OneToOneField(db_constraint=False,
                                                       on_delete=django.db.models.deletion.DO_NOTHING,
                                                       primary_key=True, related_name="+", serialize=False,
                                                       to="ingest.aimodel")),
                    ],
                ),
            ],
            database_operations=[migrations.RunPython(add_table, drop_table)],
        ),
    ]
