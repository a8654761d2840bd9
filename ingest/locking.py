"""Who is running a run: the per-source lock, the run's heartbeat, and taking a run back.

A worker can die at any moment (kill -9 of a pool child or of the whole worker). What
must hold afterwards: the run does not stay "running", the source is not blocked, and
no row is written twice. So:

- a run is *claimed* before it starts (one conditional UPDATE): a pending run, or a
  running one whose holder is gone. A redelivered message of a run whose worker died
  takes it back; a duplicate delivery of a run still alive is dropped, not failed;
- while it runs, a thread beats every HEARTBEAT_SECONDS: on the run row, on the source's
  lock, and in the shared cache (on SQLite the run's own transaction holds the write
  lock while it loads, so the cache beat is what shows it alive then);
- a heartbeat older than STALE_SECONDS means the holder died: the lock can be taken,
  and the beat task (reap_stale_runs) retries the run once or fails it with the reason.

The run's writes are one transaction, so a dead worker's rows were never committed and
the retry starts from the data as it was.
"""

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.db.models import Q
from django.utils import timezone

from .models import DataSource, IngestRun

log = logging.getLogger(__name__)


def heartbeat_seconds() -> float:
    return float(getattr(settings, "CLAIMWATCH_INGEST_HEARTBEAT_SECONDS", 15))


def stale_after() -> dt.timedelta:
    """No beat for this long: the holder is dead (four missed beats, so a slow one is not death)."""
    return dt.timedelta(seconds=float(getattr(settings, "CLAIMWATCH_INGEST_STALE_SECONDS", 4 * heartbeat_seconds())))


# A pending run that no worker picked up in this long lost its message (a broker restart
# without persistence): it must not block its source forever.
LOCK_TTL = dt.timedelta(hours=1)
# A run is tried at most this often: the first attempt and one retry after its worker died.
MAX_ATTEMPTS = 2


class RunInHands(Exception):
    """Another live worker holds this run (a duplicate delivery): leave it alone."""


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _holder_is_dead(worker: str) -> bool:
    """A holder on this host whose process is gone is dead now, without waiting for staleness."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True  # our own earlier attempt, so not running any more
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _cache_key(run_id: int) -> str:
    return f"ingest:heartbeat:{run_id}"


def last_beat(run: IngestRun):
    """The newest sign of life of a run: its row's heartbeat or the cache's, whichever is later."""
    beats = [run.heartbeat_at, cache.get(_cache_key(run.pk))]
    present = [b for b in beats if b is not None]
    return max(present) if present else None


def is_alive(run: IngestRun, now=None) -> bool:
    now = now or timezone.now()
    if run.worker and _holder_is_dead(run.worker):
        return False
    beat = last_beat(run)
    return beat is not None and beat >= now - stale_after()


def claim_run(run_id: int) -> IngestRun | None:
    """Take the run for this process: pending, or running with a dead holder. None if it is in hands."""
    now = timezone.now()
    run = IngestRun.objects.select_related("source").get(pk=run_id)
    if run.is_finished:
        return run
    if run.status == IngestRun.Status.RUNNING and is_alive(run, now):
        return None
    if run.status == IngestRun.Status.RUNNING and run.attempts >= MAX_ATTEMPTS:
        return give_up(run, now)
    # The conditional UPDATE makes two simultaneous deliveries safe: one of them wins.
    claimed = IngestRun.objects.filter(pk=run.pk, status=run.status, worker=run.worker,
                                       heartbeat_at=run.heartbeat_at).update(
        heartbeat_at=now, worker=this_worker(), attempts=run.attempts + 1,
    )
    if not claimed:
        return None
    if run.status == IngestRun.Status.RUNNING:
        log.warning("run %s of %s taken back from %s (no heartbeat since %s)", run.pk, run.source.slug,
                    run.worker or "an unknown worker", last_beat(run))
    # The conditional UPDATE matched the row as read, so it now holds what was read plus
    # what was set: no need to read it (and its source) again.
    run.heartbeat_at, run.worker, run.attempts = now, this_worker(), run.attempts + 1
    return run


def acquire_lock(source_id: int, run_id: int) -> bool:
    # One conditional UPDATE is atomic on PostgreSQL and SQLite alike. The lock's own
    # run may take it back (a redelivered task); anyone may take a lock whose heartbeat stopped.
    now = timezone.now()
    return bool(
        DataSource.objects.filter(pk=source_id)
        .filter(Q(locked_by_run__isnull=True) | Q(locked_by_run=run_id) | Q(locked_at__lt=now - stale_after()))
        .update(locked_by_run=run_id, locked_at=now)
    )


def release_lock(source_id: int, run_id: int) -> None:
    DataSource.objects.filter(pk=source_id, locked_by_run=run_id).update(locked_by_run=None, locked_at=None)


def _death_notice(run: IngestRun) -> str:
    beat_at = last_beat(run)
    when = beat_at.strftime("%Y-%m-%d %H:%M:%S UTC") if beat_at else "its start"
    return f"the worker running it ({run.worker or 'unknown'}) stopped: no heartbeat since {when}"


def give_up(run: IngestRun, now=None) -> IngestRun:
    """Fail a run whose worker died on its last allowed attempt, saying so."""
    now = now or timezone.now()
    reason = f"{_death_notice(run)}; tried {run.attempts} times, not retried again"
    if IngestRun.objects.filter(pk=run.pk, status=run.status, heartbeat_at=run.heartbeat_at).update(
        status=IngestRun.Status.FAILED, error=reason, finished_at=now
    ):
        log.error("run %s of source %s failed: %s", run.pk, run.source_id, reason)
        release_lock(run.source_id, run.pk)
    run.refresh_from_db()
    return run


def reap_dead_runs(now=None) -> list[IngestRun]:
    """Runs whose worker died: failed if they had their retry, else put back to pending.

    Returns the runs put back, for the caller to hand to a worker again. Every change is
    a conditional UPDATE, so a run that finished (or beat) meanwhile is left alone.
    """
    now = now or timezone.now()
    retry = []
    for run in IngestRun.objects.filter(status=IngestRun.Status.RUNNING).select_related("source"):
        if is_alive(run, now):
            continue
        if run.attempts >= MAX_ATTEMPTS:
            give_up(run, now)
            continue
        notice = _death_notice(run)
        if IngestRun.objects.filter(pk=run.pk, status=run.status, heartbeat_at=run.heartbeat_at).update(
            status=IngestRun.Status.PENDING, error=f"retrying: {notice}"
        ):
            log.warning("run %s of %s will be retried: %s", run.pk, run.source.slug, notice)
            retry.append(run)
    lost = IngestRun.objects.filter(status=IngestRun.Status.PENDING, queued_at__lt=now - LOCK_TTL, attempts=0)
    for run in lost:
        if IngestRun.objects.filter(pk=run.pk, status=IngestRun.Status.PENDING, attempts=0).update(
            status=IngestRun.Status.FAILED, finished_at=now,
            error=f"no worker picked this run up within {int(LOCK_TTL.total_seconds() // 60)} minutes; not started",
        ):
            release_lock(run.source_id, run.pk)
    return retry


def _beat_in_cache(run_id: int, now) -> None:
    cache.set(_cache_key(run_id), now, int(stale_after().total_seconds()) * 4)


def beat(run_id: int, source_id: int) -> None:
    now = timezone.now()
    _beat_in_cache(run_id, now)
    IngestRun.objects.filter(pk=run_id).update(heartbeat_at=now)
    DataSource.objects.filter(pk=source_id, locked_by_run=run_id).update(locked_at=now)


class Heartbeat:
    """A daemon thread that beats for one run until stopped (a context manager)."""

    def __init__(self, run_id: int, source_id: int):
        self.run_id, self.source_id = run_id, source_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"heartbeat-run-{run_id}", daemon=True)

    def __enter__(self):
        # The database already holds this instant's beat: claim_run set the run's
        # heartbeat_at and acquire_lock the source's locked_at, just before.
        _beat_in_cache(self.run_id, timezone.now())
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        cache.delete(_cache_key(self.run_id))

    def _loop(self):
        try:
            if connection.vendor == "sqlite":
                # While the run loads, its transaction holds SQLite's write lock; wait
                # briefly rather than the connection's full timeout, the cache beat carries on.
                connection.cursor().execute("PRAGMA busy_timeout = 1000")
            while not self._stop.wait(heartbeat_seconds()):
                try:
                    beat(self.run_id, self.source_id)
                except Exception as exc:  # a missed beat is not a failed run; the next one may land
                    log.info("heartbeat of run %s missed in the database (the cache beat stands): %s",
                             self.run_id, exc)
        finally:
            connections.close_all()
