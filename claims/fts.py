"""SQLite FTS5 rows of the searchable tables, as unmanaged models the ORM can join.

An FTS5 table's rowid is the searched row's id (claims migration 0009_search_fts keeps them in
step with triggers), so a reverse one-to-one from Claim or Evidence is a plain join on it, and
its hidden column (named after the table) takes `MATCH` and is bm25()'s first argument. A join
is what makes ranking cheap: bm25 inside a correlated subquery would recount every term's
matches for every row. PostgreSQL has no such tables: its stored search documents are columns
(claims migration 0003) and nothing here is queried there.
"""

from django.db import models


class DocumentField(models.TextField):
    """An FTS5 table's hidden column: `field__match=expression` and bm25()'s first argument."""


@DocumentField.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


# What each FTS row holds, from the row being written (``new``): one column per weight group.
CLAIM_DOCUMENT = """
    new.title,
    coalesce(new.statement, '') || char(10) || coalesce(new.quote, ''),
    coalesce((SELECT name FROM claims_person WHERE id = new.person_id), '')
"""
EVIDENCE_DOCUMENT = """
    coalesce((SELECT title FROM claims_source WHERE id = new.source_id), '') || char(10) ||
    coalesce((SELECT title FROM ingest_feeditem WHERE id = new.feed_item_id), ''),
    coalesce(new.summary, ''),
    coalesce(new.note, '')
"""

TRIGGERS = [
    f"""CREATE TRIGGER claims_claim_fts_insert AFTER INSERT ON claims_claim BEGIN
        INSERT INTO claims_claim_fts(rowid, title, body, person) VALUES (new.id, {CLAIM_DOCUMENT});
    END""",
    f"""CREATE TRIGGER claims_claim_fts_update AFTER UPDATE OF title, statement, quote, person_id ON claims_claim
    BEGIN
        DELETE FROM claims_claim_fts WHERE rowid = old.id;
        INSERT INTO claims_claim_fts(rowid, title, body, person) VALUES (new.id, {CLAIM_DOCUMENT});
    END""",
    """CREATE TRIGGER claims_claim_fts_delete AFTER DELETE ON claims_claim BEGIN
        DELETE FROM claims_claim_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER claims_person_fts_rename AFTER UPDATE OF name ON claims_person
    WHEN new.name IS NOT old.name BEGIN
        UPDATE claims_claim_fts SET person = new.name
        WHERE rowid IN (SELECT id FROM claims_claim WHERE person_id = new.id);
    END""",
    f"""CREATE TRIGGER claims_evidence_fts_insert AFTER INSERT ON claims_evidence BEGIN
        INSERT INTO claims_evidence_fts(rowid, title, summary, note) VALUES (new.id, {EVIDENCE_DOCUMENT});
    END""",
    f"""CREATE TRIGGER claims_evidence_fts_update AFTER UPDATE OF summary, note, source_id, feed_item_id
    ON claims_evidence BEGIN
        DELETE FROM claims_evidence_fts WHERE rowid = old.id;
        INSERT INTO claims_evidence_fts(rowid, title, summary, note) VALUES (new.id, {EVIDENCE_DOCUMENT});
    END""",
    """CREATE TRIGGER claims_evidence_fts_delete AFTER DELETE ON claims_evidence BEGIN
        DELETE FROM claims_evidence_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER claims_source_fts_rename AFTER UPDATE OF title ON claims_source
    WHEN new.title IS NOT old.title BEGIN
        UPDATE claims_evidence SET source_id = source_id WHERE source_id = new.id;
    END""",
    """CREATE TRIGGER ingest_feeditem_fts_rename AFTER UPDATE OF title ON ingest_feeditem
    WHEN new.title IS NOT old.title BEGIN
        UPDATE claims_evidence SET feed_item_id = feed_item_id WHERE feed_item_id = new.id;
    END""",
]

FILL = [
    "DELETE FROM claims_claim_fts",
    "DELETE FROM claims_evidence_fts",
    """INSERT INTO claims_claim_fts(rowid, title, body, person)
        SELECT c.id, c.title, coalesce(c.statement, '') || char(10) || coalesce(c.quote, ''), coalesce(p.name, '')
        FROM claims_claim c LEFT JOIN claims_person p ON p.id = c.person_id""",
    """INSERT INTO claims_evidence_fts(rowid, title, summary, note)
        SELECT e.id, coalesce(s.title, '') || char(10) || coalesce(f.title, ''), coalesce(e.summary, ''),
               coalesce(e.note, '')
        FROM claims_evidence e LEFT JOIN claims_source s ON s.id = e.source_id
        LEFT JOIN ingest_feeditem f ON f.id = e.feed_item_id""",
]


TRIGGER_NAMES = [statement.split()[2] for statement in TRIGGERS]


def _triggers_present(cursor) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    return {name for (name,) in cursor.fetchall()} & set(TRIGGER_NAMES)


def drop_triggers(connection):
    with connection.cursor() as cursor:
        for name in TRIGGER_NAMES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install(connection) -> bool:
    """Create the triggers if any is missing, and then refill the FTS tables; True if it did.

    A refill (about a second at 10k claims) makes the index whole again after any time
    without triggers: a migration that rebuilt a table, or rows written while they were off.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('claims_claim_fts', 'claims_evidence_fts')")
        if cursor.fetchone()[0] < 2:
            return False  # migrated backwards, or not yet this far
        if _triggers_present(cursor) == set(TRIGGER_NAMES):
            return False
        for name in TRIGGER_NAMES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        # One statement per execute: sqlite3 runs only the first, and triggers hold semicolons.
        for statement in (*TRIGGERS, *FILL):
            cursor.execute(statement)
    return True


def before_migrate(sender, using, plan=None, **kwargs):
    """Off while migrating: SQLite rebuilds a table to alter it, and the rename back fails while
    a trigger on another table names it (and a rebuilt table loses its own triggers)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite" and plan:
        drop_triggers(connection)


def after_migrate(sender, using, **kwargs):
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        install(connection)
