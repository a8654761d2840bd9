"""SQLite FTS5 indexes for claims and evidence; a no-op on PostgreSQL.

The SQLite counterpart of the stored search documents PostgreSQL has had since 0003: without
them every search LIKE-scanned every claim and evidence row (2.6 s p95 at 10k claims). Words
are indexed (unicode61, accents folded) and claims/search.py asks for each term as a word
prefix, so 'scal' still finds 'scaling' as the LIKE fallback did. A trigram index would also
find the middle of a word, but it cost 5 to 20 times as much per query (30 ms against 5 for
two words over 100k evidence rows).
Columns are the search weights' groups (A, B, C in claims/search.py), so bm25 can weigh them.
Triggers, like PostgreSQL's, keep them current on every write path; claims/fts.py installs
them (and fills the tables) after each migrate, since a table rebuild by a later migration
would drop or break them.
"""

import django.db.models.deletion
from django.db import migrations, models

import claims.fts

FTS_SQL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS claims_claim_fts USING fts5(title, body, person, tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS claims_evidence_fts USING fts5(title, summary, note, tokenize='unicode61 remove_diacritics 2')",
]

UNDO_FTS_SQL = [
    "DROP TABLE IF EXISTS claims_evidence_fts",
    "DROP TABLE IF EXISTS claims_claim_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement, params=None)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0008_merge_content_reader_scale"),
        ("ingest", "0001_initial"),
    ]

    operations = [
        # The triggers and the rows are claims/fts.py's, after every migrate (see there why).
        migrations.RunPython(_run(FTS_SQL), _run(UNDO_FTS_SQL)),
        # The ORM's view of the FTS tables (claims/fts.py): unmanaged, so no table is made for them.
        migrations.CreateModel(
            name="ClaimSearchRow",
            fields=[
                ("row", models.OneToOneField(db_column="rowid", db_constraint=False,
                                             on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True,
                                             related_name="search_row", serialize=False, to="claims.claim")),
                ("document", claims.fts.DocumentField(db_column="claims_claim_fts")),
            ],
            options={"db_table": "claims_claim_fts", "managed": False},
        ),
        migrations.CreateModel(
            name="EvidenceSearchRow",
            fields=[
                ("row", models.OneToOneField(db_column="rowid", db_constraint=False,
                                             on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True,
                                             related_name="search_row", serialize=False, to="claims.evidence")),
                ("document", claims.fts.DocumentField(db_column="claims_evidence_fts")),
            ],
            options={"db_table": "claims_evidence_fts", "managed": False},
        ),
    ]
