"""Browse pagination whose cost does not grow with the number of claims.

A plain Paginator runs ``COUNT(*)`` over every matching claim on every request (a sequential
scan at 100k claims). Here the count is cached per claims generation and filter set, so it is
computed once after each change and then costs one cache read.
"""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .generation import claims_generation

COUNT_TTL = 24 * 3600


def count_key(filters: dict) -> str:
    """The cache key of a filter set's claim count under the current claims generation."""
    items = sorted((k, str(v)) for k, v in filters.items() if v not in (None, ""))
    digest = hashlib.sha256(repr(items).encode()).hexdigest()[:32]
    return f"browse-count:v1:{claims_generation()}:{digest}"


class CachedCountPaginator(Paginator):
    """A Paginator that reads its count from the cache (``filters``: what the count depends on)."""

    def __init__(self, object_list, per_page, *, filters: dict, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.filters = filters

    @cached_property
    def count(self):
        return cache.get_or_set(count_key(self.filters), lambda: Paginator.count.func(self), COUNT_TTL)
