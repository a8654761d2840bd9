"""Refill the browse facet table (claims.ClaimFacet) from the claims, in one statement.

The triggers of migration 0009_facet_table keep it current row by row. This is for writers that
switch them off to load in bulk (the bench generator's COPY of 100k claims would otherwise
rebuild a claim's rows once per topic link), and for repairing a database restored without them.
"""

from django.db import connection, transaction

YEAR = {"postgresql": "EXTRACT(YEAR FROM c.date_made)::smallint",
        "sqlite": "CAST(strftime('%Y', c.date_made) AS INTEGER)"}
REFILL = """
INSERT INTO claims_claimfacet (claim_id, topic_id, person_id, status, kind, year, lead)
SELECT c.id, ct.topic_id, c.person_id, c.status, c.kind, {year},
       ct.topic_id IS NULL OR ct.topic_id = (SELECT min(topic_id) FROM claims_claim_topics WHERE claim_id = c.id)
FROM claims_claim c LEFT JOIN claims_claim_topics ct ON ct.claim_id = c.id
WHERE c.editorial_state = 'published'
"""
POSTGRES_TRIGGERS = (("claims_claim", "claims_facet_claim"), ("claims_claim_topics", "claims_facet_topics"))


def refill() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM claims_claimfacet")
        cursor.execute(REFILL.format(year=YEAR[connection.vendor]))


def set_triggers(enabled: bool) -> None:
    """PostgreSQL only (SQLite cannot disable a trigger): call refill() after turning them back on."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table, trigger in POSTGRES_TRIGGERS:
            cursor.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER {trigger}")
