"""Payloads derived from the data (chart traces, downloads, dashboard figures), stored in the database
as well as cached, so a cache flush costs one read of a row, not a rebuild over millions of rows.

A row holds one payload under a key (``chart:benchmark:mmlu``) with the generation it is
current for (the data generation, the claims generation, or both, as its writer names it) and the fingerprint of the data it was built from. Reads go cache, then row (only
a row whose generation is the current one), then build; a build writes both. When an ingest
finishes, the warm-up (measures.chart_warmup) re-stamps rows whose series' fingerprint has not
moved and rebuilds the others, so a run that touched one benchmark rebuilds one series.

Rows are keyed by what the data holds (a series, a format), never by free request input, so
the table stays as large as the set of series: requests with other parameters use the cache only.
"""

import hashlib
import pickle
from urllib.parse import quote

from django.core.cache import cache
from django.db import models
from django.utils import timezone

# Bump when what a payload holds changes shape: rows of another format are rebuilt, not read.
FORMAT = 1
_CACHE_PREFIX = f"payload:v{FORMAT}:"
CACHE_SECONDS = 24 * 3600


class StoredPayload(models.Model):
    """One derived payload (see the module docstring), current for generation ``version``."""

    key = models.CharField(max_length=500, primary_key=True)
    version = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=500, blank=True)
    format = models.PositiveSmallIntegerField(default=FORMAT)
    data = models.BinaryField()
    built = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "claims"

    def __str__(self):
        return f"{self.key} @ {self.version}"


def _cache_key(key: str, version) -> str:
    return f"{_CACHE_PREFIX}{quote(key, safe=':')}:{version}"


def read(key: str, version):
    """The payload stored under ``key`` for ``version``: from the cache, else from its row; None if neither."""
    value = cache.get(_cache_key(key, version))
    if value is not None:
        return value
    row = (StoredPayload.objects.filter(key=key, version=str(version), format=FORMAT)
           .values_list("data", flat=True).first())
    if row is None:
        return None
    try:
        value = pickle.loads(bytes(row))
    except Exception:  # a class renamed since it was stored (bump FORMAT too): rebuilt like a miss
        return None
    cache.set(_cache_key(key, version), value, CACHE_SECONDS)
    return value


def write(key: str, version, value, fingerprint: str = "") -> None:
    """Store ``value`` (anything picklable: payloads are built here, never from request bytes)."""
    # One upsert statement: two readers building the same payload at once both succeed.
    row = StoredPayload(key=key, version=str(version), fingerprint=fingerprint, format=FORMAT,
                        data=pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), built=timezone.now())
    StoredPayload.objects.bulk_create([row], update_conflicts=True, unique_fields=["key"],
                                      update_fields=["version", "fingerprint", "format", "data", "built"])
    cache.set(_cache_key(key, version), value, CACHE_SECONDS)


def stored(key: str, version, build):
    """The payload under ``key`` for ``version``: read (cache, then row), else built and written."""
    value = read(key, version)
    if value is None:
        value = build()
        write(key, version, value)
    return value


def cache_only(key: str, version, build):
    """For payloads of request parameters (a year range, a filter): cached per generation, never stored."""
    # Hashed: a key quoting the reader's query string can be longer than any cache allows.
    cache_key = _cache_key(f"request:{hashlib.sha256(key.encode()).hexdigest()}", version)
    value = cache.get(cache_key)
    if value is None:
        value = build()
        cache.set(cache_key, value, CACHE_SECONDS)
    return value


def fingerprints(prefix: str) -> dict[str, tuple[str, str]]:
    """{key: (version, fingerprint)} of every stored row under ``prefix`` (one query)."""
    return {key: (version, fingerprint) for key, version, fingerprint in
            StoredPayload.objects.filter(key__startswith=prefix, format=FORMAT)
            .values_list("key", "version", "fingerprint")}


def restamp(keys, version) -> int:
    """Mark rows whose data did not move as current for ``version`` (one statement)."""
    keys = list(keys)
    if not keys:
        return 0
    return StoredPayload.objects.filter(key__in=keys, format=FORMAT).update(version=str(version))


def unfingerprint(*prefixes: str) -> int:
    """Make the next warm-up rebuild every row under ``prefixes`` (an edit no fingerprint shows)."""
    rows = StoredPayload.objects.none()
    for prefix in prefixes:
        rows |= StoredPayload.objects.filter(key__startswith=prefix)
    return rows.update(fingerprint="")


def forget(key: str) -> None:
    StoredPayload.objects.filter(key=key).delete()
