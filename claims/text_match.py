"""A browse query's text match, read once per claims generation and ``q``, whatever the facets.

Under ``?q=`` every request used to rank all of q's matches to show 25 of them (ts_rank over
10,000 matches of a common word, 70 ms at 100k claims), and its facet counts matched q again to
read the matched claims' facet rows (another 70-120 ms, mostly the claims' heap pages). Neither
depends on the facet filters, only on q and the claims, and any write to the claims advances
the claims generation. So the match is read once: the ids in browse's relevance order, and their
facet rows. Every facet combination under that q (its page, its count, its five facets) is then
worked out from those rows with no query but the page's own rows.

A q of one lexeme on PostgreSQL no longer comes here for its pages and counts: claims/lexeme_match.py
reads those from the stored lexeme rows, for what each page shows. This stays the path of every
other q (several words, a phrase, a negation), of sorts under q, and of SQLite.

On PostgreSQL the read is one scan of the narrow search rows (claims.ClaimSearch: the document,
the sort columns and the facet values; 122 MB against the claims' 312), not a rank over the claims
table and a probe of the facet table per match; SQLite ranks with FTS5 as search does.
"""

import hashlib
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import compress

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from .generation import claims_generation

TTL = 24 * 3600

# The facet table's columns a match keeps, by facet name, and the claim each row belongs to.
FIELDS = ("topic", "person", "status", "kind", "year", "lead", "claim")
_COLUMNS = ("topic_id", "person_id", "status", "kind", "year", "lead", "claim_id")


@dataclass(frozen=True)
class TextMatch:
    """The published claims ``q`` matches: ``ids`` best first, and ``columns`` their facet rows
    (every row: one per topic, or one for a claim with none), a list per FIELDS name.

    Column lists, not a tuple per row: pickled, a row tuple costs its own memo entry, and the
    20,000 rows of a common word took longer to load from the cache than to count.
    """

    ids: tuple[int, ...]
    columns: dict[str, list]

    def _mask(self, filters: dict, mask=None):
        for name, value in filters.items():
            if name == "q":
                continue
            column = self.columns[name]
            mask = [v == value for v in column] if mask is None else [m and v == value for m, v in zip(mask, column)]
        return mask

    def matching(self, filters: dict, order: tuple[int, ...] | None = None, total: int | None = None) -> list[int]:
        """The ids, best first (or in ``order``: these ids sorted otherwise, `ordered`), of the
        claims that also match the facet ``filters`` (facet table values: topic and person ids,
        the year as a number, None for no person or no date). ``total`` (the page's count, which
        LexemeMatch.matching uses to skip a count) is not needed here: the whole match is at hand."""
        ids = self.ids if order is None else order
        mask = self._mask(filters)
        if mask is None:
            return list(ids)
        # A claim's rows differ only in their topic, so one row holding every value is enough.
        wanted = set(compress(self.columns["claim"], mask))
        return [pk for pk in ids if pk in wanted]

    def counts(self, wanted: dict[str, dict]) -> dict[str, dict]:
        """``count`` for each facet of ``wanted`` (facet: the filters it is counted under)."""
        return {name: self.count(name, under) for name, under in wanted.items()}

    def count(self, name: str, under: dict) -> dict:
        """Facet ``name``'s {value: n} under the facet filters ``under``, counted as the facet
        table's grouped counts count (claims/browse.py facet_rows): the topic facet counts topic
        rows; the others one row a claim, its lead row, or under a topic filter that topic's row."""
        if name == "topic":
            start = [t is not None for t in self.columns["topic"]]
        else:
            start = None if "topic" in under else self.columns["lead"]
        mask = self._mask(under, start)
        values = self.columns[name]
        return dict(Counter(values if mask is None else compress(values, mask)))


def text_match(q: str):
    """What browse reads ``q``'s match through: for a q of one lexeme on PostgreSQL a LexemeMatch
    (claims/lexeme_match.py: each page and count read for what it shows, from the stored lexeme
    rows), otherwise ``q``'s whole TextMatch."""
    from .lexeme_match import LexemeMatch, lexeme_of

    lexeme = lexeme_of(q)
    return full_match(q) if lexeme is None else LexemeMatch(q, lexeme)


def full_match(q: str) -> TextMatch:
    """``q``'s TextMatch under the current claims generation: two queries on a miss, none after."""
    key = f"text-match:v2:{claims_generation()}:{hashlib.sha256(q.encode()).hexdigest()}"
    return cache.get_or_set(key, lambda: _read(q), TTL)


def ordered(q: str, sort: str) -> tuple[int, ...]:
    """The ids ``q`` matches in browse's ``sort`` order (claims/forms.py SORTS), once per claims
    generation, q and sort: a TextMatch's ``matching`` then filters them, so a sorted page under
    q is the same id lists as a ranked one, not a sort of every match per request."""
    key = f"text-order:v1:{claims_generation()}:{sort}:{hashlib.sha256(q.encode()).hexdigest()}"
    return cache.get_or_set(key, lambda: _read_order(q, sort), TTL)


def _read_order(q: str, sort: str) -> tuple[int, ...]:
    from .forms import SORTS
    from .models import Claim, ClaimSearch
    from .search import SEARCH_CONFIG, search_claims

    order = SORTS[sort][1]
    if connection.vendor == "postgresql":
        # The search rows hold every column the sorts name, under the same names: one scan of
        # the narrow table, not of the claims heap.
        matches = ClaimSearch.objects.filter(RawSQL(
            'claims_claimsearch.document @@ websearch_to_tsquery(%s::regconfig, %s)', [SEARCH_CONFIG, q],
            output_field=BooleanField()))
        with _matched_pages_only():
            return tuple(matches.order_by(*order).values_list("pk", flat=True))
    return tuple(search_claims(Claim.objects.published(), q).order_by(*order).values_list("pk", flat=True))


def of_form(form):
    """The text match (``text_match``) of a browse form's q, once per request (the page and its
    facet counts both want it)."""
    if getattr(form, "_text_match", None) is None:
        form._text_match = text_match(form.cleaned_data["q"])
    return form._text_match


def _read(q: str) -> TextMatch:
    if connection.vendor == "postgresql":
        return _read_search_rows(q)
    from .models import Claim, ClaimFacet
    from .search import search_claims

    ranked = search_claims(Claim.objects.published(), q)
    # The search order ends at the title: the pk makes the order (and so every page) one order.
    ids = tuple(ranked.order_by(*ranked.query.order_by, "pk").values_list("pk", flat=True))
    columns = {name: [] for name in FIELDS}
    if not ids:
        return TextMatch((), columns)
    # SQLite binds one parameter per value (at most 32,766); its FTS5 match is an index lookup,
    # cheap to repeat.
    wanted = Q(claim_id__in=ranked.order_by().values("pk"))
    for row in ClaimFacet.objects.filter(wanted).order_by().values_list(*_COLUMNS):
        for column, value in zip(columns.values(), row):
            # Interned, so the pickle holds each status and kind once, not once a row.
            column.append(sys.intern(value) if isinstance(value, str) else value)
    return TextMatch(ids, columns)


# browse's relevance order (claims/search.py ORDERS["claims"], then the pk) over the search rows
# (claims migration 0013_claim_search_rows), and the facet values the facet table would give.
_RANKED = """
SELECT s.claim_id, s.person_id, s.status, s.kind, EXTRACT(YEAR FROM s.date_made)::smallint, s.topic_ids
FROM claims_claimsearch s, websearch_to_tsquery(%s::regconfig, %s) query
WHERE s.document @@ query
ORDER BY ts_rank(s.document, query) DESC, s.date_made DESC NULLS LAST, s.title, s.claim_id
"""


@contextmanager
def _matched_pages_only():
    """The search rows' GIN bitmap for what runs inside, never a scan of the whole table.

    The planner reads the whole table once q matches a tenth of it (15,600 pages at 100k
    claims); the bitmap reads only the pages holding a match (9,100 for the 11,800 matches of
    "training": 24 ms warm against 47). A SET reset after, not SET LOCAL: inside a request's
    transaction a LOCAL one would outlive this query. Should the query fail inside a
    transaction, its rollback (or its savepoint's) undoes the SET with it.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        yield
    except Exception:
        if connection.get_autocommit():
            with connection.cursor() as cursor:
                cursor.execute("RESET enable_seqscan")
        raise
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_seqscan")


def _read_search_rows(q: str) -> TextMatch:
    """One scan of the narrow search rows: the ranked ids and each claim's facet rows, as
    claims.ClaimFacet holds them (a row per topic, its lowest the lead; one row for none)."""
    from .search import SEARCH_CONFIG

    with _matched_pages_only(), connection.cursor() as cursor:
        cursor.execute(_RANKED, [SEARCH_CONFIG, q])
        rows = cursor.fetchall()
    ids = tuple(row[0] for row in rows)
    topic, person, status, kind, year, lead, claim = ([] for _ in FIELDS)
    intern = sys.intern  # so the pickle holds each status and kind once, not once a row
    for pk, person_id, status_value, kind_value, year_value, topic_ids in rows:
        status_value, kind_value = intern(status_value), intern(kind_value)
        for i, topic_id in enumerate(topic_ids or (None,)):
            topic.append(topic_id)
            person.append(person_id)
            status.append(status_value)
            kind.append(kind_value)
            year.append(year_value)
            lead.append(i == 0)
            claim.append(pk)
    return TextMatch(ids, dict(zip(FIELDS, (topic, person, status, kind, year, lead, claim))))
