"""Live progress of running ingests, shared through the cache between worker and web."""

from django.core.cache import cache

_TTL = 6 * 3600


def _key(run_id: int) -> str:
    return f"ingest:progress:{run_id}"


def set_progress(run_id: int, done: int, total: int | None) -> None:
    cache.set(_key(run_id), (done, total), _TTL)


def get_progress(run_id: int) -> tuple[int, int | None]:
    value = cache.get(_key(run_id))
    return tuple(value) if value else (0, None)


def clear(run_id: int) -> None:
    cache.delete(_key(run_id))
