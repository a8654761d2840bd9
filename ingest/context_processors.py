"""Context every page gets from ingest: whether the bundled first ingest is still loading."""

from . import progress_store


def bundled_loading(request) -> dict:
    # Read from the cache only (the runner writes it as bundled runs finish): a query here
    # would be paid by every page, cold cache or warm.
    progress = progress_store.get_bundled()
    if not progress:
        return {}
    done, total = progress
    if not total or done >= total:
        return {}
    return {"bundled_loading": {"done": done, "total": total}}
