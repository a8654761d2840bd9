"""Browse pagination whose cost does not grow with the number of claims.

A plain Paginator runs ``COUNT(*)`` over every matching claim on every request (a sequential
scan at 100k claims). Here the count is cached per claims generation and filter set (or given:
browse sums its facet counts), so it is computed once after each change and then costs nothing.

Deep pages are keyset pages. ``?page=N`` stays a permalink: the sort key of each page's first
row comes from a boundary table, cached per claims generation, sort and filter set in chunks
of CHUNK_PAGES pages (one index-only scan of the sort's covering index, migration 0007, fills
a chunk). The page is then a seek: the ids at or after that key, read from the same index in
order, LIMIT per_page, and those rows. ``OFFSET`` would read every earlier entry on every
request (85 ms at 100k claims for the last pages). A next link also carries a cursor (the last
row's key, signed), so reading on page by page needs no boundary at all.
"""

import hashlib

from django.core import signing
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import F, OrderBy, Q, Window
from django.db.models.functions import RowNumber
from django.utils.functional import cached_property

from .generation import claims_generation

COUNT_TTL = 24 * 3600
# From this offset on, a seek costs less than the rows OFFSET skips.
DEFERRED_FROM = 200
CHUNK_PAGES = 40  # boundaries cached together: one scan of 1,000 index entries fills 40 pages
CURSOR_SALT = "claims.pagination.cursor"


class BadCursor(ValueError):
    """A cursor that was not made here, or for another sort: the request is a 400."""


def count_key(filters: dict) -> str:
    """The cache key of a filter set's claim count under the current claims generation."""
    return f"browse-count:v1:{claims_generation()}:{_digest(filters)}"


def _digest(filters: dict) -> str:
    items = sorted((k, str(v)) for k, v in filters.items() if v not in (None, ""))
    return hashlib.sha256(repr(items).encode()).hexdigest()[:32]


def _order(queryset) -> list[tuple[str, bool, bool]] | None:
    """The queryset's order as (field, descending, nulls-last) columns, or None when it has none a
    seek can follow: it must end with the pk (ties broken the same way every time), and a
    nullable column must say NULLS LAST (PostgreSQL and SQLite disagree on where NULLs go)."""
    meta = queryset.model._meta
    columns = []
    for item in queryset.query.order_by:
        if isinstance(item, str) and "__" not in item:
            name = item.lstrip("-")
            if name != "pk" and meta.get_field(name).null:
                return None
            columns.append((name, item.startswith("-"), False))
        elif isinstance(item, OrderBy) and isinstance(item.expression, F) and "__" not in item.expression.name \
                and not item.nulls_first:
            columns.append((item.expression.name, item.descending, bool(item.nulls_last)))
        else:
            return None
    if not columns or columns[-1][0] not in ("pk", meta.pk.name):
        return None
    return columns


def _branches(columns, key, inclusive: bool):
    """The rows at (or after) ``key`` in the order, as disjoint filters in that same order.

    A row comparison cannot mix descending and ascending columns, nor put NULLs last, so the
    lexicographic "after" is split: same first k-1 values and beyond on the k-th, deepest k
    first. Each is an equality prefix plus one range over the sort's index: a seek, not a scan.
    """
    for k in range(len(columns) - 1, -1, -1):
        prefix = Q()
        for (name, _, _), value in zip(columns[:k], key[:k], strict=True):
            prefix &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
        name, descending, nullable = columns[k]
        value = key[k]
        if value is not None:
            last = inclusive and k == len(columns) - 1
            lookup = ("lte" if last else "lt") if descending else ("gte" if last else "gt")
            yield prefix & Q(**{f"{name}__{lookup}": value})
            if nullable:  # NULLs come after every value
                yield prefix & Q(**{f"{name}__isnull": True})


class CachedCountPaginator(Paginator):
    """A Paginator that reads its count from the cache (``filters``: what the count depends on),
    with keyset deep pages and a cursor on each page (``next_cursor``) for the next one."""

    def __init__(self, object_list, per_page, *, filters: dict, deferrable: bool = True,
                 known_count: int | None = None, cursor: str = "", **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.filters = filters
        self.deferrable = deferrable  # False when the order is not a plain column sort (search rank)
        self.known_count = known_count  # browse has it from its facet counts: no count of its own
        self.columns = _order(object_list) if deferrable else None  # None: no keyset, OFFSET over ids
        self.after = self._parse(cursor) if cursor and self.columns else None

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        return cache.get_or_set(count_key(self.filters), lambda: Paginator.count.func(self), COUNT_TTL)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.deferrable or (bottom < DEFERRED_FROM and self.after is None):
            page = super().page(number)
        else:
            if self.after is not None:
                ids = self._seek(self.after, inclusive=False)
            elif self.columns and (start := self._boundary(number)) is not None:
                ids = self._seek(start, inclusive=True)
            else:  # no keyset for this order: the page's ids from an index-only OFFSET scan
                ids = list(self.object_list.values_list("pk", flat=True)[bottom:bottom + self.per_page])
            rows = {obj.pk: obj for obj in self.object_list.filter(pk__in=ids).order_by()}
            page = self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
        page.next_cursor = self._cursor(page) if self.columns and page.has_next() and len(page) else ""
        return page

    # The sort key of a row, by the order's columns ("pk" read as the model's pk).
    def _key_fields(self):
        return [name for name, _, _ in self.columns]

    def _boundary(self, number):
        """The sort key of page ``number``'s first row, from its chunk of the boundary table.

        A miss builds the whole table for this sort and filter set in one index-only pass (the
        first row of every page, by row number) and caches it in chunks: deep pages are drawn
        from everywhere, and a chunk at a time would pay an OFFSET scan per chunk.
        """
        chunk = (number - 1) // CHUNK_PAGES
        # Per page size too: a download's parts (KeyPaginator) share the browse filters and sorts.
        shape = {**self.filters, "order": repr(self.columns), "per_page": self.per_page}
        prefix = f"browse-bounds:v3:{claims_generation()}:{_digest(shape)}"
        bounds = cache.get(f"{prefix}:{chunk}")
        if bounds is None:
            table = self._first_rows()
            chunks = {f"{prefix}:{i}": table[i * CHUNK_PAGES:(i + 1) * CHUNK_PAGES]
                      for i in range(max(1, (len(table) + CHUNK_PAGES - 1) // CHUNK_PAGES))}
            cache.set_many(chunks, COUNT_TTL)
            bounds = chunks.get(f"{prefix}:{chunk}", [])
        index = (number - 1) % CHUNK_PAGES
        return bounds[index] if index < len(bounds) else None  # a count a moment older than the rows

    def _first_rows(self) -> list:
        """The sort key of the first row of every page, in page order (one query)."""
        order = list(self.object_list.query.order_by)
        numbered = self.object_list.annotate(_row=Window(RowNumber(), order_by=order))
        firsts = numbered.annotate(_slot=F("_row") % self.per_page).filter(_slot=1 % self.per_page)
        rows = sorted(firsts.values_list(*self._key_fields(), "_row"), key=lambda row: row[-1])
        return [row[:-1] for row in rows]

    def _seek(self, key, *, inclusive):
        return [row[-1] for row in self._seek_keys(key, inclusive=inclusive, limit=self.per_page, fields=["pk"])]

    def _seek_keys(self, key, *, inclusive, limit, fields):
        """The ``fields`` of the first ``limit`` rows at or after ``key``."""
        rows = []
        for branch in _branches(self.columns, key, inclusive):
            rows += self.object_list.filter(branch).values_list(*fields)[:limit - len(rows)]
            if len(rows) >= limit:
                break
        return rows

    def _cursor(self, page):
        last = list(page.object_list)[-1]  # a queryset keeps what it read: the template reuses it
        return self._signed([getattr(last, "pk" if name == "pk" else name) for name in self._key_fields()])

    def _signed(self, values) -> str:
        return signing.dumps([repr(self.columns), [_plain(v) for v in values]], salt=CURSOR_SALT, compress=True)

    def _parse(self, cursor):
        try:
            sort, values = signing.loads(cursor, salt=CURSOR_SALT)
        except (signing.BadSignature, ValueError, TypeError) as error:
            raise BadCursor("the page cursor is not valid.") from error
        if sort != repr(self.columns):
            raise BadCursor("the page cursor belongs to another sort.")
        model = self.object_list.model
        fields = [model._meta.pk if name == "pk" else model._meta.get_field(name) for name in self._key_fields()]
        return [None if v is None else field.to_python(v) for field, v in zip(fields, values, strict=True)]


class KeyPaginator(CachedCountPaginator):
    """CachedCountPaginator whose pages hold claim ids, not rows: a browse download's parts
    (reader/downloads.py), whose lines are stored by claim id, so loading the rows would be waste.

    A page reads one row more than it holds, so whether another follows does not hang on the
    count (a part reached by a cursor may carry an older part number than its place), and its
    ``next_cursor`` is that of the last id's row."""

    def page(self, number):
        number = self.validate_number(number)
        bottom, wanted = (number - 1) * self.per_page, self.per_page + 1
        fields = self._key_fields() if self.columns else ["pk"]  # no keyset for this order: ids only
        if self.after is not None:  # only ever set when the order has a keyset
            keys = self._seek_keys(self.after, inclusive=False, limit=wanted, fields=fields)
        elif not self.columns or bottom < DEFERRED_FROM:  # an index-only OFFSET scan
            keys = list(self.object_list.values_list(*fields)[bottom:bottom + wanted])
        elif (start := self._boundary(number)) is not None:
            keys = self._seek_keys(start, inclusive=True, limit=wanted, fields=fields)
        else:  # a count a moment older than the rows
            keys = []
        shown = keys[:self.per_page]
        page = self._get_page([key[-1] for key in shown], number, self)
        page.more = len(keys) > self.per_page
        page.next_cursor = self._signed(shown[-1]) if self.columns and page.more else ""
        return page


def _plain(value):
    """A key value as JSON carries it (dates and datetimes as ISO text; to_python reads them back)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def page_of_ids(queryset, ids: list, per_page: int, number) -> Page:
    """Page ``number`` of ``ids``, an order worked out already (a text match's relevance order,
    claims/text_match.py), holding ``queryset``'s rows for that page's ids only."""
    page = Paginator(ids, per_page).get_page(number)
    wanted = list(page.object_list)
    rows = {row.pk: row for row in queryset.filter(pk__in=wanted).order_by()} if wanted else {}
    page.object_list = [rows[pk] for pk in wanted if pk in rows]
    page.next_cursor = ""  # the page number is the permalink; no keyset over a rank
    return page
