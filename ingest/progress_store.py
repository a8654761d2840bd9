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


# How far the bundled first ingest has got, written when a bundled run finishes and read by
# every page (ingest.context_processors): a cache read, so the notice costs no query. It never
# expires; an evicted entry only hides the notice until the next bundled run finishes.
_BUNDLED_KEY = "ingest:bundled-progress"


def set_bundled(done: int, total: int) -> None:
    cache.set(_BUNDLED_KEY, (done, total), None)


def get_bundled() -> tuple[int, int] | None:
    value = cache.get(_BUNDLED_KEY)
    return tuple(value) if value else None
