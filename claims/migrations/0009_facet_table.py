"""The browse facets' narrow table (claims.ClaimFacet), kept current by triggers.

Triggers rather than signals: QuerySet.update(), bulk_create(), the bench generator's COPY and
raw SQL all change what facets count, and none of them sends a signal. One statement-free
path per database: a PL/pgSQL function on PostgreSQL, trigger bodies on SQLite.
"""

import django.db.models.deletion
from django.db import migrations, models


# The rows of one claim (``{id}``), rebuilt from scratch: a claim has a handful of topics.
REFRESH = """
DELETE FROM claims_claimfacet WHERE claim_id = {id};
INSERT INTO claims_claimfacet (claim_id, topic_id, person_id, status, kind, year, lead)
SELECT c.id, ct.topic_id, c.person_id, c.status, c.kind, {year},
       ct.topic_id IS NULL OR ct.topic_id = (SELECT min(topic_id) FROM claims_claim_topics WHERE claim_id = c.id)
FROM claims_claim c LEFT JOIN claims_claim_topics ct ON ct.claim_id = c.id
WHERE c.id = {id} AND c.editorial_state = 'published';
"""
YEAR = {"postgresql": "EXTRACT(YEAR FROM c.date_made)::smallint",
        "sqlite": "CAST(strftime('%Y', c.date_made) AS INTEGER)"}
# Only the columns facets show: an evidence count or a title change rewrites nothing.
COLUMNS = "status, kind, person_id, date_made, editorial_state"
BACKFILL = """
DELETE FROM claims_claimfacet;
INSERT INTO claims_claimfacet (claim_id, topic_id, person_id, status, kind, year, lead)
SELECT c.id, ct.topic_id, c.person_id, c.status, c.kind, {year},
       ct.topic_id IS NULL OR ct.topic_id = (SELECT min(topic_id) FROM claims_claim_topics WHERE claim_id = c.id)
FROM claims_claim c LEFT JOIN claims_claim_topics ct ON ct.claim_id = c.id
WHERE c.editorial_state = 'published';
"""

POSTGRES = f"""
CREATE FUNCTION claims_facet_refresh(cid bigint) RETURNS void AS $$
BEGIN
{REFRESH.format(id="cid", year=YEAR["postgresql"])}
END $$ LANGUAGE plpgsql;
CREATE FUNCTION claims_facet_claim() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM claims_claimfacet WHERE claim_id = OLD.id;
  ELSE
    PERFORM claims_facet_refresh(NEW.id);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER claims_facet_claim AFTER INSERT OR DELETE OR UPDATE OF {COLUMNS} ON claims_claim
  FOR EACH ROW EXECUTE FUNCTION claims_facet_claim();
CREATE FUNCTION claims_facet_topics() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    PERFORM claims_facet_refresh(OLD.claim_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM claims_facet_refresh(NEW.claim_id);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER claims_facet_topics AFTER INSERT OR DELETE OR UPDATE ON claims_claim_topics
  FOR EACH ROW EXECUTE FUNCTION claims_facet_topics();
"""
UNDO_POSTGRES = """
DROP TRIGGER IF EXISTS claims_facet_topics ON claims_claim_topics;
DROP FUNCTION IF EXISTS claims_facet_topics();
DROP TRIGGER IF EXISTS claims_facet_claim ON claims_claim;
DROP FUNCTION IF EXISTS claims_facet_claim();
DROP FUNCTION IF EXISTS claims_facet_refresh(bigint);
"""


def _sqlite_triggers():
    refresh = {which: REFRESH.format(id=f"{which}", year=YEAR["sqlite"]) for which in
               ("NEW.id", "NEW.claim_id", "OLD.claim_id")}
    return [
        f"CREATE TRIGGER claims_facet_claim_insert AFTER INSERT ON claims_claim BEGIN {refresh['NEW.id']} END",
        f"CREATE TRIGGER claims_facet_claim_update AFTER UPDATE OF {COLUMNS} ON claims_claim "
        f"BEGIN {refresh['NEW.id']} END",
        "CREATE TRIGGER claims_facet_claim_delete AFTER DELETE ON claims_claim "
        "BEGIN DELETE FROM claims_claimfacet WHERE claim_id = OLD.id; END",
        f"CREATE TRIGGER claims_facet_topics_insert AFTER INSERT ON claims_claim_topics "
        f"BEGIN {refresh['NEW.claim_id']} END",
        f"CREATE TRIGGER claims_facet_topics_delete AFTER DELETE ON claims_claim_topics "
        f"BEGIN {refresh['OLD.claim_id']} END",
        f"CREATE TRIGGER claims_facet_topics_update AFTER UPDATE ON claims_claim_topics "
        f"BEGIN {refresh['OLD.claim_id']} {refresh['NEW.claim_id']} END",
    ]


SQLITE_TRIGGERS = ("claims_facet_claim_insert", "claims_facet_claim_update", "claims_facet_claim_delete",
                   "claims_facet_topics_insert", "claims_facet_topics_delete", "claims_facet_topics_update")


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif vendor == "sqlite":
        for statement in _sqlite_triggers():
            schema_editor.execute(statement)
    else:
        return
    # The claims already there; on the 100k bench set this is its refresh (seconds, not a rebuild).
    for statement in BACKFILL.format(year=YEAR[vendor]).split(";"):
        if statement.strip():
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(UNDO_POSTGRES)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0008_merge_content_reader_scale'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClaimFacet',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(max_length=20)),
                ('kind', models.CharField(max_length=20)),
                ('year', models.SmallIntegerField(null=True)),
                ('lead', models.BooleanField()),
                ('claim', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='claims.claim')),
                ('person', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='claims.person')),
                ('topic', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='claims.topic')),
            ],
            options={
                'indexes': [models.Index(fields=['topic', 'status', 'kind', 'year', 'person', 'lead'], name='facet_by_topic'), models.Index(fields=['person', 'status', 'kind', 'year', 'topic', 'lead'], name='facet_by_person'), models.Index(fields=['status', 'kind', 'year', 'person', 'topic', 'lead'], name='facet_by_status'), models.Index(fields=['kind', 'year', 'status', 'person', 'topic', 'lead'], name='facet_by_kind'), models.Index(fields=['year', 'status', 'kind', 'person', 'topic', 'lead'], name='facet_by_year')],
            },
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
