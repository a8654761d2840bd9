"""Running one ingest of one data source: the domain function behind the task and the command.

A run reads everything first (payload and companion files, ``ingest.inputs``), then parses
and merges in one transaction: the connector's writes either all land or none do, so a
failed parse leaves the previous data intact, and a suspicious payload is rolled back and
held for review (``ingest.hold``) with its diff. Fetch problems and parse problems are
recorded on the run with a message a person understands; nothing is silently skipped.
"""

import base64
import contextlib
import datetime as dt
import gc
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import asof, progress_store
from .connectors import get_connector
from .connectors.base import LoadContext, ParseError
from .aggregates import refresh_after_run
from .fetch import FetchError, Payload, fetch_url, read_path
from .hold import hold_reasons
from .inputs import Inputs, read_inputs
from .locking import LOCK_TTL, Heartbeat, RunInHands, acquire_lock, claim_run, release_lock  # noqa: F401
from .models import DataSource, HeldPayload, IngestRun
from .table_lock import lock_tables

log = logging.getLogger(__name__)

PROGRESS_EVERY = 200
# The run page polls every second: writing live progress to the cache more often than it
# is read costs a cache write (a file write on the default file cache) for nothing.
PROGRESS_INTERVAL = 0.25


class SourceBusy(Exception):
    """Another run of the same source holds its lock."""


def queue_run(source: DataSource) -> IngestRun:
    return IngestRun.objects.create(source=source, status=IngestRun.Status.PENDING, upstream=source.location)


def run_ingest(
    run_id: int,
    *,
    fetch: Callable | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> IngestRun:
    """Carry out a queued run. Idempotent: a run that already finished is returned as is.

    A run whose worker died is taken back (see ingest/locking.py); one that a live
    worker holds raises RunInHands and is left alone.
    """
    run = claim_run(run_id)
    if run is None:
        raise RunInHands(f"run {run_id} is being carried out by a live worker; this delivery is dropped")
    if run.is_finished:
        return run
    source = run.source
    if not acquire_lock(source.pk, run.pk):
        run.status = IngestRun.Status.FAILED
        run.error = "another run of this source is in progress; this one was not started"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise SourceBusy(run.error)
    try:
        with Heartbeat(run.pk, source.pk):
            _execute(run, source, fetch or _default_fetch, on_progress)
    finally:
        release_lock(source.pk, run.pk)
        DataSource.objects.filter(pk=source.pk).update(last_run_at=run.started_at or timezone.now())
    return run


def _default_fetch(source: DataSource):
    max_bytes = settings.CLAIMWATCH_INGEST_MAX_BYTES
    if source.path and not source.url:
        return read_path(source.path, max_bytes)
    return fetch_url(
        source.url,
        etag=source.etag,
        last_modified=source.last_modified,
        max_bytes=max_bytes,
        timeout=settings.CLAIMWATCH_INGEST_TIMEOUT,
        # Optional settings so tests (and impatient operators) can shorten the backoff.
        attempts=getattr(settings, "CLAIMWATCH_INGEST_ATTEMPTS", 4),
        backoff=getattr(settings, "CLAIMWATCH_INGEST_BACKOFF", 1.0),
    )


def _execute(run: IngestRun, source: DataSource, fetch, on_progress) -> None:
    run.status = IngestRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    connector = get_connector(source.kind)
    try:
        payload = fetch(source)
        run.upstream = payload.upstream[:1000]
        run.http_status = payload.http_status
        if payload.not_modified:
            _finish_unchanged(run, source)
            return
        # Every read happens here, before the write transaction opens.
        inputs = read_inputs(payload, getattr(connector, "companions", lambda s: {})(source), source)
    except FetchError as exc:
        _finish(run, IngestRun.Status.FAILED, error=str(exc))
        return
    run.bytes = len(payload.data)
    run.sha256 = inputs.sha256
    last_good = (
        IngestRun.objects.filter(source=source, status__in=IngestRun.GOOD)
        .exclude(sha256="")
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-id")
        .first()
    )
    if last_good is not None and last_good.sha256 == run.sha256:
        # Same bytes as the last good run: nothing can have changed, skip the parse.
        _finish_unchanged(run, source, last_good)
        _remember_validators(source, payload)
        return
    if _apply(run, source, inputs, on_progress, review=True):
        _remember_validators(source, payload)


def _apply(run: IngestRun, source: DataSource, inputs: Inputs, on_progress, *, review: bool) -> bool:
    """Parse and merge ``inputs`` in one transaction; hold the run instead when ``review`` finds it suspicious.

    Returns True when the data was applied.
    """

    next_write = 0.0

    def progress(done, total):
        nonlocal next_write
        if on_progress:
            on_progress(done, total)
        last = bool(total) and done == total
        if last or (done % PROGRESS_EVERY == 0 and time.monotonic() >= next_write):
            # The run's rows are uncommitted until the end (and SQLite has one writer),
            # so live progress goes through the cache, which the status page polls. The
            # last row is always written: the finished run takes its total from there.
            progress_store.set_progress(run.pk, done, total)
            next_write = time.monotonic() + PROGRESS_INTERVAL

    connector = get_connector(source.kind)
    run.precedence = getattr(connector, "precedence", lambda s: 0)(source)
    ctx = LoadContext(run, progress, companions=inputs.companions,
                      fallback_as_of=asof.fallback(inputs.payload.last_modified, run.started_at or timezone.now()))
    try:
        with _collector_paused(), transaction.atomic():
            lock_tables(source.kind)
            connector.load(inputs.payload.data, ctx)
            after_load(source.kind)
            reasons = hold_reasons(run, ctx) if review else []
            if reasons:
                raise _Held(reasons)
            ctx.diff.save(run)
            _finish(run, IngestRun.Status.OK, ctx=ctx)
            # In the same transaction: no page sees the new scores with old summaries, and
            # the data generation (cache keys) moves when they commit.
            refresh_after_run(run)
    except _Held as held:
        # The rollback above undid every write; what is kept is the payload and the diff.
        run.hold_reasons = held.reasons
        ctx.diff.save(run)
        HeldPayload.objects.update_or_create(run=run, defaults={
            "data": inputs.payload.data,
            "companions": {name: base64.b64encode(data).decode() for name, data in inputs.companions.items()},
        })
        _finish(run, IngestRun.Status.HELD, error="held for review: " + "; ".join(held.reasons), ctx=ctx)
        return False
    except ParseError as exc:
        _finish(run, IngestRun.Status.FAILED, error=str(exc), ctx=ctx)
        return False
    except Exception as exc:  # a bug or a surprise in the data: record it, never lose it
        log.exception("ingest run %s of %s crashed", run.pk, source.slug)
        _finish(run, IngestRun.Status.FAILED, error=f"unexpected error: {type(exc).__name__}: {exc}", ctx=ctx)
        return False
    changed = {table: frozenset(keys) for table, keys in ctx.diff.touched.items()}
    transaction.on_commit(lambda: _after_success(run.pk, changed))
    return True


@contextlib.contextmanager
def _collector_paused():
    """Hold off the cyclic garbage collector while a payload is parsed and merged.

    A large payload allocates hundreds of thousands of cells, rows and dicts at once, which
    sets off collection after collection, each walking every object the process holds
    (a third of a merge run's CPU time). Almost none of it is cyclic garbage: the rows are
    freed by reference counting when the run ends, and whatever cycles there are wait for
    the first collection after the run.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _Held(Exception):
    def __init__(self, reasons):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def after_load(kind: str) -> None:
    """What every run of these kinds needs before it commits: links that span sources."""
    if kind in ("epoch-models", "epoch-benchmarks", "metr"):
        from .connectors.epoch_benchmarks import link_scores_to_models

        link_scores_to_models()


def apply_held_run(run_id: int, user: str) -> IngestRun:
    """Staff decided a held payload is right: merge it as it is (the hold checks are not repeated)."""
    run = IngestRun.objects.select_related("source", "held_payload").get(pk=run_id, status=IngestRun.Status.HELD)
    held = run.held_payload
    inputs = Inputs(Payload(upstream=run.upstream, data=bytes(held.data)),
                    {name: base64.b64decode(text) for name, text in held.companions.items()})
    run.decided_by, run.decided_at = user[:150], timezone.now()
    run.rejected_rows, run.error = [], ""
    if _apply(run, run.source, inputs, None, review=False):
        HeldPayload.objects.filter(run=run).delete()
    return run


def discard_held_run(run_id: int, user: str) -> IngestRun:
    run = IngestRun.objects.get(pk=run_id, status=IngestRun.Status.HELD)
    run.status = IngestRun.Status.DISCARDED
    run.decided_by, run.decided_at = user[:150], timezone.now()
    run.save(update_fields=["status", "decided_by", "decided_at"])
    HeldPayload.objects.filter(run=run).delete()
    return run


def _log_bundled_progress(source: DataSource) -> None:
    # The first `make run` loads the bundled snapshots on the worker; its console says how far.
    # Counted after commit, so the pages' "still loading" notice never counts a run rolled back.
    from .bundled import BUNDLED_SLUGS, publish_bundled_progress

    def publish():
        done, total = publish_bundled_progress()
        log.info("bundled ingest: %s/%s sources", done, total)

    if source.slug in BUNDLED_SLUGS:
        transaction.on_commit(publish)


def _remember_validators(source, payload):
    if payload.etag or payload.last_modified:
        DataSource.objects.filter(pk=source.pk).update(etag=payload.etag, last_modified=payload.last_modified)


def _after_success(run_id: int, changed: dict | None = None) -> None:
    """Hooks that follow a successful run (evidence suggestions, operationalisations)."""
    from .signals import data_changed, run_succeeded

    # data_changed first: its receivers see what depends on the changed records as it stood
    # before this run, ahead of the re-checks that run_succeeded's receivers queue.
    if changed:
        data_changed.send(sender=IngestRun, run_id=run_id, changed=changed)
    run_succeeded.send(sender=IngestRun, run_id=run_id)


def _finish_unchanged(run: IngestRun, source: DataSource, last_good: IngestRun | None = None) -> None:
    # The data did not change, so its as-of date and size are the last good run's.
    last_good = last_good or (
        IngestRun.objects.filter(source=source, status=IngestRun.Status.OK).order_by("-finished_at", "-id").first()
    )
    if last_good is not None:
        run.as_of, run.as_of_rule = last_good.as_of, last_good.as_of_rule
        run.record_count, run.precedence = last_good.record_count, last_good.precedence
    _finish(run, IngestRun.Status.UNCHANGED)


def _finish(run: IngestRun, status: str, error: str = "", ctx: LoadContext | None = None) -> None:
    run.status = status
    run.error = error
    done, run.total = progress_store.get_progress(run.pk)
    run.progress = (ctx.created + ctx.updated + ctx.unchanged + ctx.rejected) if ctx else done
    progress_store.clear(run.pk)
    run.finished_at = timezone.now()
    if ctx is not None:
        run.record_count = ctx.records
        run.created_count, run.updated_count = ctx.created, ctx.updated
        run.unchanged_count, run.rejected_count = ctx.unchanged, ctx.rejected
        run.changed_values, run.disappeared_count = ctx.diff.changed_values, ctx.diff.disappeared
        run.conflict_count, run.flagged_count = ctx.diff.conflicts, ctx.diff.flagged
        # Even a failed run keeps what it rejected, so a person can see why.
        run.rejected_rows = ctx.rejected_rows
        if status == IngestRun.Status.FAILED:
            run.created_count = run.updated_count = run.unchanged_count = 0
    run.save()
    _log_bundled_progress(run.source)
