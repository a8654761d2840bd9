"""Browse pagination whose cost does not grow with the number of claims.

A plain Paginator runs ``COUNT(*)`` over every matching claim on every request (a sequential
scan at 100k claims). Here the count is cached per claims generation and filter set, so it is
computed once after each change and then costs one cache read.

Deep pages are a deferred join: the page's ids first, from an index-only scan of the sort's
covering index (claims migration 0007), then those 25 rows. ``OFFSET`` over full rows would
read (and often sort) every earlier claim with its quote and statement.
"""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .generation import claims_generation

COUNT_TTL = 24 * 3600
# From this offset on, a second query for the ids costs less than the rows OFFSET skips.
DEFERRED_FROM = 200


def count_key(filters: dict) -> str:
    """The cache key of a filter set's claim count under the current claims generation."""
    items = sorted((k, str(v)) for k, v in filters.items() if v not in (None, ""))
    digest = hashlib.sha256(repr(items).encode()).hexdigest()[:32]
    return f"browse-count:v1:{claims_generation()}:{digest}"


class CachedCountPaginator(Paginator):
    """A Paginator that reads its count from the cache (``filters``: what the count depends on)."""

    def __init__(self, object_list, per_page, *, filters: dict, deferrable: bool = True,
                 known_count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.filters = filters
        self.deferrable = deferrable  # False when the order is not a plain column sort (search rank)
        self.known_count = known_count  # browse has it from its facet counts: no count of its own

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        return cache.get_or_set(count_key(self.filters), lambda: Paginator.count.func(self), COUNT_TTL)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.deferrable or bottom < DEFERRED_FROM:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {obj.pk: obj for obj in self.object_list.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
