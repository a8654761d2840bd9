"""Pages of a claims list whose order is cached per claims generation, not counted and sorted per request.

A topic with 45,000 claims, or a benchmark 2,400 claims are measured on, cost a count and a
sort (or an ordered scan past every claim of other topics, 100 ms for a rare topic's tenth
page at 100k) on every request. The list's ids, in order, change only when claims or their
measures do, which advances the claims generation; so they are read once per generation and a
warm page reads only its own rows (one query, plus the queryset's prefetches).
"""

import hashlib

from django.core.cache import cache
from django.core.paginator import Page, Paginator

from claims import payload_store
from claims.generation import claims_generation

TTL = 24 * 3600
# The first CHUNK_ROWS ids (20 pages of 25) are read and cached together, with a query of their own
# (the ordered index walked until 500 of the topic's claims: tens of ms for a rare topic); deeper
# pages slice the whole cached order. A warm request then loads 500 ids, not a large topic's 45,000.
CHUNK_ROWS = 500


def _key(kind: str, name: str, generation: int) -> str:
    return f"id-pages:v2:{kind}:{hashlib.sha256(name.encode()).hexdigest()}:{generation}"


def _all_ids(queryset, name: str, generation: int) -> list:
    return cache.get_or_set(_key("all", name, generation), lambda: list(queryset.values_list("pk", flat=True)), TTL)


def _fill(page: Page, queryset) -> Page:
    wanted = list(page.object_list)
    rows = {row.pk: row for row in queryset.filter(pk__in=wanted)} if wanted else {}
    page.object_list = [rows[pk] for pk in wanted if pk in rows]
    return page


def page_of(queryset, name: str, per_page: int, number, rows=None) -> Page:
    """Page ``number`` (as the query string gives it) of ``queryset``, its order cached and stored
    (claims.payload_store) under ``name`` per claims generation; the page's rows are read from
    ``rows`` (default: ``queryset``) by id. A list whose filter is a semi-join (the claims measured
    on a series) passes its plain rows: its ids already are the filter, and the semi-join hashed
    every measure of the series on each request.

    ``name`` keys a stored row, so it is named by what the data holds (a series), never by request
    input. Stored, because a series page's first visit after a cache flush read and sorted every
    claim measured on it (2,500 for a common benchmark at 100k, 250 at 10k): a row's read instead."""
    generation = claims_generation()
    ids = payload_store.stored(f"id-pages:all:{name}", generation, lambda: list(queryset.values_list("pk", flat=True)))
    return _fill(Paginator(ids, per_page).get_page(number), queryset if rows is None else rows)


class _CountedIds:
    """A list's ids as a Paginator's object list, its length known: a shallow page reads (and caches)
    only the first CHUNK_ROWS ids."""

    def __init__(self, queryset, name: str, count: int):
        self.queryset, self.name, self.count = queryset, name, count
        self.generation = claims_generation()

    def __len__(self):
        return self.count

    def __getitem__(self, window: slice):
        if window.stop <= CHUNK_ROWS:
            # Stored as well as cached: after a cache flush the first pages cost a row's read.
            first = payload_store.stored(f"id-pages:first:{self.name}", self.generation,
                                         lambda: list(self.queryset.values_list("pk", flat=True)[:CHUNK_ROWS]))
            return first[window]
        return _all_ids(self.queryset, self.name, self.generation)[window]


def counted_page_of(queryset, name: str, per_page: int, number, count: int) -> Page:
    """page_of() for a list whose length is known (a stored count per claims generation), named by
    what the data holds (``name`` keys a stored row: never request input): no count,
    and for the first pages only the first CHUNK_ROWS ids, read on a miss with a bounded query."""
    return _fill(Paginator(_CountedIds(queryset, name, count), per_page).get_page(number), queryset)
