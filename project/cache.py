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
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

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


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, with one redis.Redis per connection pool instead of one per operation.

    Building a redis.Redis copies its table of response callbacks: 110 us, more than a GET's round
    trip on loopback, and a claim page makes about 13 cache operations. A redis.Redis is safe to
    share between threads (each command takes a connection from the pool), and its pool notices a
    fork and opens new connections in the child, so a Celery or gunicorn child can share it too.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
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
