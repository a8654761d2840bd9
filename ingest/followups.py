"""Work that follows ingest runs, queued once per burst of runs rather than once per run.

A bundled or scheduled ingest finishes dozens of runs within seconds. One follow-up task per
run costs a broker round trip each (about a second apiece on the filesystem broker's polling)
and repeats the same whole-table work. Instead the first run of a burst queues one task a
moment later, and the runs finishing meanwhile ride on it. The task clears its mark before it
reads (``clear_mark``), so a run committing while it works queues the next one: nothing is missed.
"""

from django.core.cache import cache
from django.db import transaction

BURST_DELAY = 2.0  # seconds
# The mark outlives a lost task only briefly; the next run then queues again.
MARK_TIMEOUT = BURST_DELAY * 30


def queue_once_per_burst(mark: str, task, *args) -> bool:
    """Queue ``task(*args)`` after commit unless one is already queued under ``mark``."""
    if not cache.add(mark, True, timeout=MARK_TIMEOUT):
        return False
    transaction.on_commit(lambda: task.apply_async(args, countdown=BURST_DELAY))
    return True


def clear_mark(mark: str) -> None:
    """Called first by the task: runs finishing from now on queue the next one."""
    cache.delete(mark)
