"""Partial indexes over published claims for browse sorts and facet counts, on PostgreSQL.

A deep browse page (or any page of a sort without an index) sorted all 100k claims with
their full rows; with these, the page's ids come from an index-only scan and only 25 rows
are read (claims/pagination.py). Facet counts group what ``claim_facets`` covers, an
index-only scan of a few MB instead of the 300 MB table with its quotes. SQLite is skipped, as in 0004: at embedded sizes the sort
costs little and SQLite cannot index NULLS LAST.
"""

from django.db import migrations

PUBLISHED = "WHERE editorial_state = 'published'"
INDEXES = {
    "claim_sort_date": "(date_made DESC NULLS LAST, title) INCLUDE (id)",
    "claim_sort_oldest": "(date_made ASC NULLS LAST, title) INCLUDE (id)",
    "claim_sort_updated": "(updated DESC, title) INCLUDE (id)",
    "claim_sort_evidence": "(evidence_count DESC, date_made DESC NULLS LAST, title) INCLUDE (id)",
    "claim_facets": "(person_id, status, kind, date_made) INCLUDE (id)",
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON claims_claim {columns} {PUBLISHED}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0005_dashboard_indexes"),
    ]

    operations = [
        migrations.RunPython(add_indexes, drop_indexes),
    ]
