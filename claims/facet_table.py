"""Refill the browse facet table (claims.ClaimFacet) and its counts (claims.FacetCount) from the
claims, a statement each.

The triggers of migrations 0009_facet_table, 0010_facet_counts, 0021_facet_date and
0022_facet_pair_counts keep both current row by row.
This is for writers that switch them off to load in bulk (the bench generator's COPY of 100k
claims would otherwise rebuild a claim's rows once per topic link, and each row's 43 counts),
and for repairing a database restored without them. The SQL that names what a facet row counts
in lives here; the migrations keep frozen copies, as migrations must.
"""

from itertools import combinations

from django.db import DEFAULT_DB_ALIAS, connection, transaction

YEAR = {"postgresql": "EXTRACT(YEAR FROM c.date_made)::smallint",
        "sqlite": "CAST(strftime('%Y', c.date_made) AS INTEGER)"}
REFILL = """
INSERT INTO claims_claimfacet (claim_id, topic_id, person_id, status, kind, year, date_made, created, lead)
SELECT c.id, ct.topic_id, c.person_id, c.status, c.kind, {year}, c.date_made, c.created,
       ct.topic_id IS NULL OR ct.topic_id = (SELECT min(topic_id) FROM claims_claim_topics WHERE claim_id = c.id)
FROM claims_claim c LEFT JOIN claims_claim_topics ct ON ct.claim_id = c.id
WHERE c.editorial_state = 'published'
"""
NON_TOPIC = {"person": "person_id", "status": "status", "kind": "kind", "year": "year"}


def tuples(col, source=""):
    """SELECT ... UNION ALL ...: the (facet, value, under, under_value) keys one facet row counts in.

    ``col(name)`` spells a column of the row (``f.topic_id`` over the table, ``NEW.topic_id`` in a
    trigger); ``source`` is the FROM clause, if any.
    """
    def text(name):
        return f"COALESCE(CAST({col(name)} AS TEXT), '')"

    topic, has_topic, lead = text("topic_id"), f"{col('topic_id')} IS NOT NULL", col("lead")
    value = {"topic": topic, **{facet: text(column) for facet, column in NON_TOPIC.items()}}
    parts = [f"SELECT 'topic' AS facet, {topic} AS value, '' AS under, '' AS under_value {source} WHERE {has_topic}"]
    # The topic facet counts topic rows; the others count lead rows (one a claim), or under a
    # topic filter that topic's rows.
    parts += [f"SELECT 'topic', {topic}, '{other}', {value[other]} {source} WHERE {has_topic}" for other in NON_TOPIC]
    for facet in NON_TOPIC:
        parts.append(f"SELECT '{facet}', {value[facet]}, '', '' {source} WHERE {lead}")
        parts += [f"SELECT '{facet}', {value[facet]}, '{other}', {value[other]} {source} WHERE {lead}"
                  for other in NON_TOPIC if other != facet]
        parts.append(f"SELECT '{facet}', {value[facet]}, 'topic', {topic} {source} WHERE {has_topic}")
    # Under two filters (migration 0022_facet_pair_counts): pairs of PAIRED only, since a person's
    # rows are few enough to count as they are.
    for facet in FACETS:
        for a, b in combinations([name for name in PAIRED if name != facet], 2):
            where = has_topic if "topic" in (facet, a, b) else lead
            parts.append(f"SELECT '{facet}', {value[facet]}, '{pair_name(a, b)}', {value[a]} || '+' || {value[b]} "
                         f"{source} WHERE {where}")
    return " UNION ALL ".join(parts)


FACETS = ("topic", *NON_TOPIC)
# The facets a pair of filters is pre-counted for, in the order a pair's names are joined.
PAIRED = ("topic", "status", "kind", "year")


def pair_name(a: str, b: str) -> str:
    """FacetCount.under for the filters a and b (either order): "topic+kind", "status+year"."""
    first, second = sorted((a, b), key=PAIRED.index)
    return f"{first}+{second}"


KEY = "under, under_value, facet, value"
COUNT_REFILL = ("INSERT INTO claims_facetcount (facet, value, under, under_value, n) "
                "SELECT facet, value, under, under_value, count(*) FROM ("
                + tuples(lambda name: f"f.{name}", "FROM claims_claimfacet f") + ") t GROUP BY facet, value, under, under_value")
POSTGRES_TRIGGERS = (("claims_claim", "claims_facet_claim"), ("claims_claim_topics", "claims_facet_topics"),
                     ("claims_claimfacet", "claims_facetcount_apply"))


def refill() -> None:
    """Both tables from scratch; the triggers are on again afterwards. On PostgreSQL the counts
    are one grouped statement with the triggers off; on SQLite (which cannot turn a trigger off)
    they follow the facet rows as they go in."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        set_triggers(False)
        cursor.execute("DELETE FROM claims_claimfacet")
        cursor.execute("DELETE FROM claims_facetcount")
        cursor.execute(REFILL.format(year=YEAR[connection.vendor]))
        if postgres:
            cursor.execute(COUNT_REFILL)
        set_triggers(True)


def set_triggers(enabled: bool) -> None:
    """PostgreSQL only (SQLite cannot disable a trigger): call refill() after turning them back on."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table, trigger in POSTGRES_TRIGGERS:
            cursor.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER {trigger}")


def after_migrate(sender, using, **kwargs) -> None:
    """Receiver for post_migrate, which Django also sends after every ``flush`` (without a plan).

    A flush empties the tables in no fixed order (Django gathers their names in a set), so the
    triggers see claims without their topics and topics without their claims, and can leave facet
    rows and counts that no claim has (a negative count, a topic row of a deleted claim). A
    refill makes both tables what the claims say. A migrate that applied nothing changes nothing.
    """
    if using != DEFAULT_DB_ALIAS or ("plan" in kwargs and not kwargs["plan"]):
        return
    if any(backwards for _, backwards in kwargs.get("plan") or ()):
        return  # migrated back: the tables have an older shape than this code's SQL, and the migrations refilled them
    if not {"claims_claimfacet", "claims_facetcount"} <= set(connection.introspection.table_names()):
        return  # migrated back to before the facet tables
    refill()
