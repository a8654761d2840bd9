"""One writer per table group at a time, so two sources never interleave their writes.

On PostgreSQL each run takes transaction-scoped advisory locks on the table groups its
connector writes (released at commit or rollback), always in the same order so two runs
cannot deadlock. Without it, two Epoch model sources both read "gpt-4 is new", both
insert it, and one fails on the unique key. SQLite needs nothing more: its write
transactions start IMMEDIATE (project settings), which already serialises writers.
"""

import zlib

from django.db import connection

# What each kind of connector writes; models and scores share a group because benchmark
# runs link scores to models and model runs relink them.
GROUPS = {
    "epoch-models": ("models-and-scores",),
    "epoch-benchmarks": ("models-and-scores",),
    "metr": ("models-and-scores",),
    "owid": ("series",),
    "arxiv": ("feed-items",),
    "feed": ("feed-items",),
}
# A namespace for the advisory lock keys, so they cannot meet another application's.
_NAMESPACE = 0x434C5700  # "CLW\0"


def lock_key(group: str) -> int:
    return (_NAMESPACE << 32 | zlib.crc32(group.encode())) - (1 << 63)


def lock_tables(kind: str) -> None:
    """Call inside the write transaction; waits until no other run writes the same tables."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for group in sorted(GROUPS.get(kind, (kind,))):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(group)])
