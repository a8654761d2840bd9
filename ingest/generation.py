"""Generation numbers: what cache keys carry instead of an aggregate over the data.

A generation is a row in ``ingest_generation`` bumped inside the transaction that changes the
data, and mirrored in the cache after commit, so reading it costs no query while the cache is
warm. Correctness rests on three rules:

- the row is incremented in the writing transaction, so a cache miss reads a committed value;
- after commit the writer copies the committed row into the cache and reads the row again,
  repeating until the two agree, so of two concurrent writers the last copy is the newest
  value; a reader that fills a missing entry uses ``add``, which never overwrites, so a reader
  holding a pre-commit value cannot put it back over the writer's;
- the cache copy equals a committed row value, never runs ahead of it, and never expires, so
  an evicted entry is refilled with the same number and no old number is reused.

Within a request the numbers are memoised (``per_request``, a middleware): a page read the
claims generation from the cache six times, one round trip each. A bump in the request drops
its memo entry and the commit's publish drops it again, so a request's own write still
advances what it reads. A memoised number can only be older than the cache's, never newer,
so what a request builds is stored under a key no newer than its data: never stale.

The cache must be shared by every process (Redis, or the file cache of the embedded default;
settings.py already requires that for ingest progress). This module is the mechanism; the
counters it serves are DATA here (bumped by ingest runs) and claims.generation.CLAIMS.
"""

from asgiref.local import Local
from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from .models import Generation

DATA = "data"
_PREFIX = "generation:v1:"
# The request's memo ({name: value}) while per_request runs it; absent outside requests
# (workers, commands), which read the cache every time.
_request = Local()


def current(name: str) -> int:
    """The generation of ``name``: memoised in the request, else from the cache (no query) or,
    on a miss, from its row."""
    memo = getattr(_request, "memo", None)
    if memo is not None and name in memo:
        return memo[name]
    value = cache.get(_PREFIX + name)
    if value is None:
        value = _stored(name)
        cache.add(_PREFIX + name, value, None)
    if memo is not None:
        memo[name] = value
    return value


def _forget(name: str) -> None:
    memo = getattr(_request, "memo", None)
    if memo is not None:
        memo.pop(name, None)


def per_request(get_response):
    """Middleware: each request reads each generation from the cache once."""
    def middleware(request):
        _request.memo = {}
        try:
            return get_response(request)
        finally:
            del _request.memo
    return middleware


def _stored(name: str) -> int:
    return Generation.objects.filter(pk=name).values_list("value", flat=True).first() or 0


def bump(name: str, *, using: str = "default") -> None:
    """Advance ``name`` in the current transaction; the cache follows once it commits."""
    if not Generation.objects.using(using).filter(pk=name).update(value=F("value") + 1):
        # First bump ever: create the row (a concurrent creator makes get_or_create retry the get).
        row, created = Generation.objects.using(using).get_or_create(pk=name, defaults={"value": 1})
        if not created:
            Generation.objects.using(using).filter(pk=name).update(value=F("value") + 1)
    _forget(name)
    transaction.on_commit(lambda: _publish(name), using=using)


def _publish(name: str) -> None:
    value = _stored(name)
    while True:
        cache.set(_PREFIX + name, value, None)
        latest = _stored(name)
        if latest == value:
            _forget(name)
            return
        value = latest


def data_generation() -> int:
    """Changes whenever an ingest run commits data: the key for series views, charts, summaries."""
    return current(DATA)
