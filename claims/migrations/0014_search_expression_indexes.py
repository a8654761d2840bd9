"""A GIN index on the search document /search/ builds per query for feed items (PostgreSQL only).

Feed items have no stored document (claims/search.py STORED_DOCUMENTS): each search parsed
every row into a tsvector. An index on the very expression the ORM writes (SearchVector over
FEED_ITEM_FIELDS: its weights, config and coalesces) turns the match into an index lookup. It
is derived by PostgreSQL on every write, so it cannot go stale; if the fields in
claims/search.py change, the query no longer matches it and tests/test_search_rows.py's plan
check fails.

AI models have none on purpose: the same index on ingest_aimodel made PostgreSQL stem four
columns of every model an Epoch run writes, 13 ms more server CPU for all_ai_models.csv's
1,153 new models (issue #9 holds that run within 3x of a plain COPY), to save about 10 ms on
a search. The models' scan reads about 3,000 rows whatever the number of claims.
"""

from django.db import migrations

FEEDITEM = """(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
  || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B'))"""

INDEXES = f"""
CREATE INDEX IF NOT EXISTS ingest_feeditem_search_gin ON ingest_feeditem USING gin ({FEEDITEM});
"""
UNDO = """
DROP INDEX IF EXISTS ingest_feeditem_search_gin;
"""


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEXES)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0013_claim_search_rows"),
        ("ingest", "0009_aimodel_fillfactor"),
    ]

    operations = [
        migrations.RunPython(add_indexes, drop_indexes),
    ]
