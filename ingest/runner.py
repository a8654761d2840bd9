"""Running one ingest of one data source: the domain function behind the task and the command.

A run is one transaction: the connector's writes either all land or none do, so a
failed parse leaves the previous data intact. Fetch problems and parse problems are
recorded on the run with a message a person understands; nothing is silently skipped.
"""

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import progress_store
from .connectors import get_loader
from .connectors.base import LoadContext, ParseError
from .fetch import FetchError, fetch_url, read_path
from .locking import LOCK_TTL, Heartbeat, RunInHands, acquire_lock, claim_run, release_lock  # noqa: F401
from .models import DataSource, IngestRun

log = logging.getLogger(__name__)

PROGRESS_EVERY = 200


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
    try:
        payload = fetch(source)
    except FetchError as exc:
        _finish(run, IngestRun.Status.FAILED, error=str(exc))
        return
    run.upstream = payload.upstream[:1000]
    run.http_status = payload.http_status
    if payload.not_modified:
        _finish(run, IngestRun.Status.UNCHANGED, error="")
        return
    run.bytes = len(payload.data)
    run.sha256 = hashlib.sha256(payload.data).hexdigest()
    last_good = (
        IngestRun.objects.filter(source=source, status__in=[IngestRun.Status.OK, IngestRun.Status.UNCHANGED])
        .exclude(sha256="")
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-id")
        .first()
    )
    if last_good is not None and last_good.sha256 == run.sha256:
        # Same bytes as the last good run: nothing can have changed, skip the parse.
        _finish(run, IngestRun.Status.UNCHANGED)
        _remember_validators(source, payload)
        return

    def progress(done, total):
        if on_progress:
            on_progress(done, total)
        if done % PROGRESS_EVERY == 0 or (total and done == total):
            # The run's rows are uncommitted until the end (and SQLite has one writer),
            # so live progress goes through the cache, which the status page polls.
            progress_store.set_progress(run.pk, done, total)

    ctx = LoadContext(run, progress)
    loader = get_loader(source.kind)
    try:
        with transaction.atomic():
            loader(payload.data, ctx)
    except ParseError as exc:
        _finish(run, IngestRun.Status.FAILED, error=str(exc), ctx=ctx)
        return
    except Exception as exc:  # a bug or a surprise in the data: record it, never lose it
        log.exception("ingest run %s of %s crashed", run.pk, source.slug)
        _finish(run, IngestRun.Status.FAILED, error=f"unexpected error: {type(exc).__name__}: {exc}", ctx=ctx)
        return
    _finish(run, IngestRun.Status.OK, ctx=ctx)
    _remember_validators(source, payload)
    transaction.on_commit(lambda: _after_success(run.pk))


def _remember_validators(source, payload):
    if payload.etag or payload.last_modified:
        DataSource.objects.filter(pk=source.pk).update(etag=payload.etag, last_modified=payload.last_modified)


def _after_success(run_id: int) -> None:
    """Hooks that follow a successful run (evidence suggestions, operationalisations)."""
    from .signals import run_succeeded

    run_succeeded.send(sender=IngestRun, run_id=run_id)


def _finish(run: IngestRun, status: str, error: str = "", ctx: LoadContext | None = None) -> None:
    run.status = status
    run.error = error
    done, run.total = progress_store.get_progress(run.pk)
    run.progress = (ctx.created + ctx.updated + ctx.unchanged + ctx.rejected) if ctx else done
    progress_store.clear(run.pk)
    run.finished_at = timezone.now()
    if ctx is not None and status != IngestRun.Status.FAILED:
        run.created_count, run.updated_count = ctx.created, ctx.updated
        run.unchanged_count, run.rejected_count = ctx.unchanged, ctx.rejected
    if ctx is not None:
        # Even a failed run keeps what it rejected, so a person can see why.
        run.rejected_rows = ctx.rejected_rows
        if status == IngestRun.Status.FAILED:
            run.rejected_count = ctx.rejected
    run.save()
