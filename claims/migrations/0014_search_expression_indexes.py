"""GIN indexes on the search documents /search/ builds per query for AI models and feed items
(PostgreSQL only).

Those groups have no stored document (claims/search.py STORED_DOCUMENTS): each search parsed
every row into a tsvector, a sequential scan of 3,000 AI models that cost 10-15 ms a search
whatever the words. An index on the very expression the ORM writes (SearchVector over
MODEL_FIELDS and FEED_ITEM_FIELDS: its weights, config and coalesces) turns the match into an
index lookup. It is derived by PostgreSQL on every write, so it cannot go stale; if the fields
in claims/search.py change, the query no longer matches it and tests/test_search_rows.py's
plan check fails.
"""

from django.db import migrations

AIMODEL = """((setweight(to_tsvector('english'::regconfig, COALESCE(name, '')), 'A')
  || setweight(to_tsvector('english'::regconfig, COALESCE(organization, '')), 'B'))
  || setweight(to_tsvector('english'::regconfig, COALESCE(domain, '') || ' ' || COALESCE(task, '')), 'C'))"""
FEEDITEM = """(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
  || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B'))"""

INDEXES = f"""
CREATE INDEX IF NOT EXISTS ingest_aimodel_search_gin ON ingest_aimodel USING gin ({AIMODEL});
CREATE INDEX IF NOT EXISTS ingest_feeditem_search_gin ON ingest_feeditem USING gin ({FEEDITEM});
"""
UNDO = """
DROP INDEX IF EXISTS ingest_aimodel_search_gin;
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
