"""Browse under a ?q= of one lexeme, on PostgreSQL: pages and facet counts from the stored lexeme
rows (claims.ClaimLexeme, migration 0017_claim_lexemes_s19q), costing what the page shows.

A q that is one lexeme once stemmed ("training", "Agents") is most of what people type into a
browse box, and all of what the bench draws. Its match used to be read whole (claims/text_match.py
TextMatch: every match ranked, shipped to Python, pickled, counted there): 12,000 rows for a
common word at 100k claims, ten times the 10k cost. Here a page is the first entries of the
lexeme's ordered index (rank, newest, then the search row's title for ties, then id), a facet
count one grouped pass over the lexeme's index entries, and neither reads a document. Anything
else (several words, a phrase, a negation, a sort other than relevance, SQLite) keeps the
TextMatch. Results are cached per claims generation, so no answer outlives the write that
changes it.
"""

import datetime as dt
import hashlib

from django.core.cache import cache
from django.db import connection

from .generation import claims_generation

TTL = 24 * 3600

# websearch_to_tsquery's query when it is a single lexeme, that lexeme: a quoted tsquery
# literal read back as a tsvector gives the lexeme unescaped.
_LEXEME = """
SELECT CASE WHEN numnode(t) = 1 THEN (tsvector_to_array(querytree(t)::tsvector))[1] END
FROM websearch_to_tsquery(%s::regconfig, %s) t
"""


def _digest(value) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:32]


def lexeme_of(q: str) -> str | None:
    """The one lexeme ``q`` searches for, or None: on SQLite, or for several words, an operator,
    or only stop words. A function of q and the text search configuration alone, so cached
    without the claims generation."""
    if connection.vendor != "postgresql":
        return None
    from .search import SEARCH_CONFIG

    key = f"text-lexeme:v1:{SEARCH_CONFIG}:{_digest(q)}"
    found = cache.get(key)
    if found is None:
        with connection.cursor() as cursor:
            cursor.execute(_LEXEME, [SEARCH_CONFIG, q])
            found = cursor.fetchone()[0] or ""
        cache.set(key, found, TTL)
    return found or None


def _where(lexeme: str | None, filters: dict) -> tuple[str, list]:
    """The lexeme rows of the claims the facet ``filters`` match (facet table values, q ignored),
    of ``lexeme`` (None: rows already of one lexeme)."""
    parts, params = (["l.lexeme = %s"], [lexeme]) if lexeme is not None else (["true"], [])
    for name, value in sorted(filters.items()):
        if name == "q":
            continue
        if name == "topic":
            parts.append("%s = ANY(l.topic_ids)")
            params.append(value)
        elif name == "person":
            parts.append("l.person_id IS NULL" if value is None else "l.person_id = %s")
            params += [] if value is None else [value]
        elif name in ("status", "kind"):
            parts.append(f"l.{name} = %s")
            params.append(value)
        elif name == "year":
            if value is None:
                parts.append("l.date_made IS NULL")
            else:  # a range, not EXTRACT: both ends are real dates even in the year 9999
                parts.append("l.date_made BETWEEN %s AND %s")
                params += [dt.date(value, 1, 1), dt.date(value, 12, 31)]
        else:
            raise ValueError(f"no facet {name!r}")
    return " AND ".join(parts), params


# What each facet groups by. The topic facet groups the claims' topic lists (a word's 11,600 claims
# at 100k hold 900 distinct lists), unnested here: it counts a claim once per topic; the others
# count one entry a claim, as the facet table's counts do (claims/browse.py).
_GROUPED = {"topic": "l.topic_ids", "person": "l.person_id", "status": "l.status", "kind": "l.kind",
            "year": "date_part('year', l.date_made)::int"}  # not EXTRACT: its numeric result hashes slower


def _decode(name: str, value):
    if name in ("status", "kind"):
        return value
    return None if value is None else int(value)


class LexemeMatch:
    """What browse asks of a text match (claims/text_match.py TextMatch), for a q of one lexeme:
    facet counts and the ranked ids of a facet combination, each read for what it answers."""

    def __init__(self, q: str, lexeme: str):
        self.q, self.lexeme = q, lexeme

    def counts(self, wanted: dict[str, dict]) -> dict[str, dict]:
        """{facet: {value: n}} for each facet of ``wanted`` under its filters, in one index-only scan
        of the lexeme's entries: a grouping set per facet, and a filtered count per distinct set
        of filters (a facet is counted under every filter but its own). Five grouped scans of
        the 11,600 entries of "wall" at 100k claims took 23 ms; one scan hashing five keys, a third."""
        if not wanted:
            return {}
        unders, which = [], {}
        for name, under in wanted.items():
            key = tuple(sorted((k, v) for k, v in under.items() if k != "q"))
            if key not in unders:
                unders.append(key)
            which[name] = unders.index(key)
        names = list(wanted)
        columns = [_GROUPED[name] for name in names]
        if len(unders) == 1:
            # Every facet under the same filters (q alone; or q and one facet whose own count is
            # cached already): those filters are the scan's, and only matching rows are hashed.
            where, params = _where(self.lexeme, dict(unders[0]))
            aggregates = "count(*)"
        else:
            filtered = [_where(None, dict(key)) for key in unders]
            where, params = "l.lexeme = %s", [p for _, where_params in filtered for p in where_params] + [self.lexeme]
            aggregates = ", ".join(f"count(*) FILTER (WHERE {condition})" for condition, _ in filtered)
        sql = (f"SELECT {', '.join(columns)}, {', '.join(f'GROUPING({c})' for c in columns)}, {aggregates} "
               f"FROM claims_claimlexeme l WHERE {where} "
               f"GROUP BY GROUPING SETS ({', '.join(f'({c})' for c in columns)})")
        found = {name: {} for name in names}
        k = len(names)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for row in cursor.fetchall():
                values, grouped, ns = row[:k], row[k:2 * k], row[2 * k:]
                i = grouped.index(0)  # the one column this row is grouped by
                name = names[i]
                n = ns[which[name]]
                if not n:
                    continue
                if name == "topic":
                    for topic in values[i] or ():
                        found[name][topic] = found[name].get(topic, 0) + n
                else:
                    found[name][_decode(name, values[i])] = n
        return found

    def count(self, name: str, under: dict) -> dict:
        return self.counts({name: under})[name]

    def matching(self, filters: dict, order: tuple[int, ...] | None = None, total: int | None = None):
        """The ids of the claims that match q and the facet ``filters``, best first, as a sequence a
        Paginator slices (each slice one query), or in ``order`` (a sort under q): then the
        whole match is read, as claims/text_match.py does."""
        if order is not None:
            from .text_match import full_match

            return full_match(self.q).matching(filters, order)
        return RankedIds(self.lexeme, filters, total)


# browse's relevance order (claims/text_match.py _RANKED): the lexeme index walked in order, the
# search row probed for the title only where rank and date tie.
_PAGE = """
SELECT l.claim_id FROM claims_claimlexeme l JOIN claims_claimsearch s ON s.claim_id = l.claim_id
WHERE {where}
ORDER BY l.rank DESC, l.date_made DESC NULLS LAST, s.title, l.claim_id
LIMIT %s OFFSET %s
"""
_COUNT = "SELECT count(*) FROM claims_claimlexeme l WHERE {where}"


class RankedIds:
    """The ranked ids of one lexeme under facet filters, read a slice at a time (a page's ids),
    each slice and the length cached per claims generation."""

    def __init__(self, lexeme: str, filters: dict, total: int | None = None):
        self.lexeme, self.filters = lexeme, {k: v for k, v in filters.items() if k != "q"}
        self.where, self.params = _where(lexeme, self.filters)
        self._total = total

    def _key(self, what) -> str:
        return f"text-lexeme-ids:v1:{claims_generation()}:{_digest((self.lexeme, sorted(self.filters.items()), what))}"

    def __len__(self) -> int:
        if self._total is None:
            def read():
                with connection.cursor() as cursor:
                    cursor.execute(_COUNT.format(where=self.where), self.params)
                    return cursor.fetchone()[0]

            self._total = cache.get_or_set(self._key("count"), read, TTL)
        return self._total

    def __getitem__(self, index):
        if not isinstance(index, slice):
            found = self[index:index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("RankedIds slices step 1")
        if stop <= start:
            return []

        def read():
            with connection.cursor() as cursor:
                cursor.execute(_PAGE.format(where=self.where), [*self.params, stop - start, start])
                return [row[0] for row in cursor.fetchall()]

        return cache.get_or_set(self._key((start, stop)), read, TTL)

    def __iter__(self):
        return iter(self[0:len(self)])
