"""Pre-aggregated browse facet counts (claims.FacetCount), kept by triggers on the facet table.

Each facet row adds one to 25 counts (its facets overall and under each other facet's value);
deleting it takes them off. A claim's edit deletes and reinserts its facet rows (0009), so its
counts move with it, on every write path.
"""

from django.db import migrations, models


NON_TOPIC = {"person": "person_id", "status": "status", "kind": "kind", "year": "year"}


def tuples(col, source=""):
    """SELECT ... UNION ALL ...: the (facet, value, under, under_value) keys one facet row counts in.

    ``col(name)`` spells a column of the row (``f.topic_id`` over the table, ``NEW.topic_id`` in a
    trigger); ``source`` is the FROM clause, if any.
    """
    def text(name):
        return f"COALESCE(CAST({col(name)} AS TEXT), '')"

    topic, has_topic, lead = text("topic_id"), f"{col('topic_id')} IS NOT NULL", col("lead")
    value = {facet: text(column) for facet, column in NON_TOPIC.items()}
    parts = [f"SELECT 'topic' AS facet, {topic} AS value, '' AS under, '' AS under_value {source} WHERE {has_topic}"]
    # The topic facet counts topic rows; the others count lead rows (one a claim), or under a
    # topic filter that topic's rows.
    parts += [f"SELECT 'topic', {topic}, '{other}', {value[other]} {source} WHERE {has_topic}" for other in NON_TOPIC]
    for facet in NON_TOPIC:
        parts.append(f"SELECT '{facet}', {value[facet]}, '', '' {source} WHERE {lead}")
        parts += [f"SELECT '{facet}', {value[facet]}, '{other}', {value[other]} {source} WHERE {lead}"
                  for other in NON_TOPIC if other != facet]
        parts.append(f"SELECT '{facet}', {value[facet]}, 'topic', {topic} {source} WHERE {has_topic}")
    return " UNION ALL ".join(parts)


KEY = "under, under_value, facet, value"
COUNT_REFILL = ("INSERT INTO claims_facetcount (facet, value, under, under_value, n) "
                "SELECT facet, value, under, under_value, count(*) FROM ("
                + tuples(lambda name: f"f.{name}", "FROM claims_claimfacet f") + ") t GROUP BY facet, value, under, under_value")


def _add(row):
    return (f"INSERT INTO claims_facetcount (facet, value, under, under_value, n) "
            f"SELECT facet, value, under, under_value, 1 FROM ({tuples(lambda name: f'{row}.{name}')}) t WHERE true "
            f"ON CONFLICT ({KEY}) DO UPDATE SET n = claims_facetcount.n + 1;")


def _remove(row):
    return (f"UPDATE claims_facetcount SET n = n - 1 WHERE ({KEY}) IN "
            f"(SELECT {KEY} FROM ({tuples(lambda name: f'{row}.{name}')}) t);")


POSTGRES = f"""
CREATE FUNCTION claims_facetcount_apply() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_add("NEW")}
  ELSE
    {_remove("OLD")}
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER claims_facetcount_apply AFTER INSERT OR DELETE ON claims_claimfacet
  FOR EACH ROW EXECUTE FUNCTION claims_facetcount_apply();
"""
UNDO_POSTGRES = """
DROP TRIGGER IF EXISTS claims_facetcount_apply ON claims_claimfacet;
DROP FUNCTION IF EXISTS claims_facetcount_apply();
"""
SQLITE = [
    f"CREATE TRIGGER claims_facetcount_insert AFTER INSERT ON claims_claimfacet BEGIN {_add('NEW')} END",
    f"CREATE TRIGGER claims_facetcount_delete AFTER DELETE ON claims_claimfacet BEGIN {_remove('OLD')} END",
]


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    schema_editor.execute(COUNT_REFILL)  # the facet rows already there
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    else:
        for statement in SQLITE:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(UNDO_POSTGRES)
    elif vendor == "sqlite":
        for name in ("claims_facetcount_insert", "claims_facetcount_delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0009_facet_table'),
    ]

    operations = [
        migrations.CreateModel(
            name='FacetCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('facet', models.CharField(max_length=10)),
                ('value', models.CharField(blank=True, max_length=30)),
                ('under', models.CharField(blank=True, max_length=10)),
                ('under_value', models.CharField(blank=True, max_length=30)),
                ('n', models.IntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('under', 'under_value', 'facet', 'value'), name='facetcount_key')],
            },
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
