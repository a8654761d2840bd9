"""A Redis cache that degrades instead of failing: with the server unreachable, every
page and the login POST still serve.

Nothing in Claimwatch keeps data only in the cache (facet counts, live ingest progress
and login failure counts can all be lost), so a cache error is logged and answered from
a small per-process memory cache instead: reads miss, writes stay in this process. The
login throttle thus keeps counting per process while Redis is away, rather than letting
guesses through.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

# Errors from the client library and the sockets under it; anything else is a bug and raises.
try:
    from redis.exceptions import RedisError as _RedisError
except ImportError:  # pragma: no cover - redis is pinned in requirements.txt
    _RedisError = OSError
CACHE_ERRORS = (_RedisError, OSError)
LOG_EVERY_SECONDS = 30.0

_DEGRADED = (
    "add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many",
    "clear",
)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(f"fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self._last_logged = 0.0
        self.errors = 0

    def _degrade(self, operation: str, exc: Exception) -> None:
        self.errors += 1
        now = time.monotonic()
        if now - self._last_logged >= LOG_EVERY_SECONDS:
            self._last_logged = now
            log.warning("cache unreachable (%s: %s); %s answered from process memory, %d errors so far",
                        type(exc).__name__, exc, operation, self.errors)


def _resilient(name):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        try:
            return redis_method(self, *args, **kwargs)
        except CACHE_ERRORS as exc:
            self._degrade(name, exc)
            return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, answered from process memory when Redis fails."
    return method


for _name in _DEGRADED:
    setattr(ResilientRedisCache, _name, _resilient(_name))
