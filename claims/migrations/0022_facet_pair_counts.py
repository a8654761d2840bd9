"""Browse facet counts under two filters, pre-aggregated like those under one (0010_facet_counts).

A page filtered on two facets counts the other three under both. They were grouped counts over
the facet rows the two filters match, and those grow with the claims: topic=1&kind=prediction read
14k rows (34 ms) at 100k claims. Now each facet row also counts in the pairs of filters it can be
under, so such a page reads every count from the table.

Pairs with a person in them are left out: a person's rows are few whatever the number of claims
(50 at 100k), so counting them as they are costs what the page shows. That leaves 18 more keys a
row, 43 in all; an edit moves its claim's rows, and their counts with them, as before.

A pair's ``under`` is its two facets joined by "+" in a fixed order (topic, status, kind, year),
``under_value`` their values the same way ("" is NULL, as before).
"""

import importlib
from itertools import combinations

from django.db import migrations, models

PAIRED = ("topic", "status", "kind", "year")  # and the order a pair's names are joined in
FACETS = ("topic", "person", "status", "kind", "year")
COLUMN = {"topic": "topic_id", "person": "person_id", "status": "status", "kind": "kind", "year": "year"}
KEY = "under, under_value, facet, value"


def pair_tuples(col, source=""):
    """SELECT ... UNION ALL ...: the (facet, value, under, under_value) keys of the pairs one facet row
    counts in, spelled as 0010's tuples() spells its keys."""
    def text(name):
        return f"COALESCE(CAST({col(COLUMN[name])} AS TEXT), '')"

    has_topic, lead = f"{col('topic_id')} IS NOT NULL", col("lead")
    parts = []
    for facet in FACETS:
        for a, b in combinations([name for name in PAIRED if name != facet], 2):
            # Topic counts are of topic rows; under a topic the topic's rows are one a claim;
            # otherwise the lead rows are.
            where = has_topic if "topic" in (facet, a, b) else lead
            parts.append(f"SELECT '{facet}', {text(facet)}, '{a}+{b}', {text(a)} || '+' || {text(b)} {source} "
                         f"WHERE {where}")
    return " UNION ALL ".join(parts)


def all_tuples(col, source=""):
    single = importlib.import_module("claims.migrations.0010_facet_counts").tuples
    return f"{single(col, source)} UNION ALL {pair_tuples(col, source)}"


COUNT_REFILL = ("INSERT INTO claims_facetcount (facet, value, under, under_value, n) "
                "SELECT facet, value, under, under_value, count(*) FROM ("
                + all_tuples(lambda name: f"f.{name}", "FROM claims_claimfacet f")
                + ") t GROUP BY facet, value, under, under_value")


def _add(row, tuples):
    return (f"INSERT INTO claims_facetcount (facet, value, under, under_value, n) "
            f"SELECT facet, value, under, under_value, 1 FROM ({tuples(lambda name: f'{row}.{name}')}) t WHERE true "
            f"ON CONFLICT ({KEY}) DO UPDATE SET n = claims_facetcount.n + 1;")


def _remove(row, tuples):
    return (f"UPDATE claims_facetcount SET n = n - 1 WHERE ({KEY}) IN "
            f"(SELECT {KEY} FROM ({tuples(lambda name: f'{row}.{name}')}) t);")


def _postgres(tuples):
    return f"""
CREATE OR REPLACE FUNCTION claims_facetcount_apply() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_add("NEW", tuples)}
  ELSE
    {_remove("OLD", tuples)}
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


SQLITE_TRIGGERS = ("claims_facetcount_insert", "claims_facetcount_delete")


def drop_sqlite_triggers(apps, schema_editor):
    """SQLite alters a column by copying the table to a new one and renaming it, and the rename
    fails while a trigger names the table: the triggers go first, _install puts them back."""
    if schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def drop_pairs(apps, schema_editor):
    """Backwards, before the columns narrow: no pair key or value is left to fit, nor trigger on SQLite."""
    schema_editor.execute("DELETE FROM claims_facetcount WHERE under LIKE %s", ["%+%"])
    drop_sqlite_triggers(apps, schema_editor)


def _sqlite(tuples):
    return [
        f"CREATE TRIGGER claims_facetcount_insert AFTER INSERT ON claims_claimfacet BEGIN {_add('NEW', tuples)} END",
        f"CREATE TRIGGER claims_facetcount_delete AFTER DELETE ON claims_claimfacet BEGIN {_remove('OLD', tuples)} END",
    ]


def _install(schema_editor, tuples, refill):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_postgres(tuples))
    elif vendor == "sqlite":
        drop_sqlite_triggers(None, schema_editor)
        for statement in _sqlite(tuples):
            schema_editor.execute(statement)
    else:
        return
    schema_editor.execute("DELETE FROM claims_facetcount")
    schema_editor.execute(refill)


def forwards(apps, schema_editor):
    _install(schema_editor, all_tuples, COUNT_REFILL)


def backwards(apps, schema_editor):
    single = importlib.import_module("claims.migrations.0010_facet_counts")
    _install(schema_editor, single.tuples, single.COUNT_REFILL)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0021_facet_date"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, backwards),
        # "status+year", and a pair's values ("resolved_incorrect+recommendation" is 33 characters).
        migrations.AlterField(model_name="facetcount", name="under", field=models.CharField(blank=True, max_length=20)),
        migrations.AlterField(model_name="facetcount", name="under_value",
                              field=models.CharField(blank=True, max_length=60)),
        migrations.RunPython(forwards, drop_pairs),
    ]
