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

The cache must be shared by every process (Redis, or the file cache of the embedded default;
settings.py already requires that for ingest progress). This module is the mechanism; the
counters it serves are DATA here (bumped by ingest runs) and claims.generation.CLAIMS.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from .models import Generation

DATA = "data"
_PREFIX = "generation:v1:"


def current(name: str) -> int:
    """The generation of ``name``: from the cache (no query) or, on a miss, from its row."""
    value = cache.get(_PREFIX + name)
    if value is None:
        value = _stored(name)
        cache.add(_PREFIX + name, value, None)
    return value


def _stored(name: str) -> int:
    return Generation.objects.filter(pk=name).values_list("value", flat=True).first() or 0


def bump(name: str, *, using: str = "default") -> None:
    """Advance ``name`` in the current transaction; the cache follows once it commits."""
    if not Generation.objects.using(using).filter(pk=name).update(value=F("value") + 1):
        # First bump ever: create the row (a concurrent creator makes get_or_create retry the get).
        row, created = Generation.objects.using(using).get_or_create(pk=name, defaults={"value": 1})
        if not created:
            Generation.objects.using(using).filter(pk=name).update(value=F("value") + 1)
    transaction.on_commit(lambda: _publish(name), using=using)


def _publish(name: str) -> None:
    value = _stored(name)
    while True:
        cache.set(_PREFIX + name, value, None)
        latest = _stored(name)
        if latest == value:
            return
        value = latest


def data_generation() -> int:
    """Changes whenever an ingest run commits data: the key for series views, charts, summaries."""
    return current(DATA)
