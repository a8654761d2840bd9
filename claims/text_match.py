"""A browse query's text match, read once per claims generation and ``q``, whatever the facets.

Under ``?q=`` every request used to rank all of q's matches to show 25 of them (ts_rank over
10,000 matches of a common word, 70 ms at 100k claims), and its facet counts matched q again to
read the matched claims' facet rows (another 70-120 ms, mostly the claims' heap pages). Neither
depends on the facet filters, only on q and the claims, and any write to the claims advances
the claims generation. So the match is read once: the ids in browse's relevance order, and their
facet rows. Every facet combination under that q (its page, its count, its five facets) is then
worked out from those rows with no query but the page's own rows.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q

from .generation import claims_generation

TTL = 24 * 3600

# A row's columns, as TextMatch.rows holds them; CLAIM is last so the facet columns keep their
# places (claims/browse.py counts by position).
FIELDS = ("topic", "person", "status", "kind", "year", "lead", "claim")
LEAD, CLAIM = FIELDS.index("lead"), FIELDS.index("claim")
_COLUMNS = ("topic_id", "person_id", "status", "kind", "year", "lead", "claim_id")


@dataclass(frozen=True)
class TextMatch:
    """The published claims ``q`` matches: ``ids`` best first, ``rows`` their facet rows (every
    row: one per topic, or one for a claim with none), as FIELDS orders a row's values."""

    ids: tuple[int, ...]
    rows: tuple[tuple, ...]

    def matching(self, filters: dict) -> list[int]:
        """The ids, best first, of the claims that also match the facet ``filters`` (facet table
        values: topic and person ids, the year as a number, None for no person or no date)."""
        checks = [(FIELDS.index(name), value) for name, value in filters.items() if name != "q"]
        if not checks:
            return list(self.ids)
        # A claim's rows differ only in their topic, so one row holding every value is enough.
        wanted = {row[CLAIM] for row in self.rows if all(row[i] == value for i, value in checks)}
        return [pk for pk in self.ids if pk in wanted]


def text_match(q: str) -> TextMatch:
    """``q``'s TextMatch under the current claims generation: two queries on a miss, none after."""
    key = f"text-match:v1:{claims_generation()}:{hashlib.sha256(q.encode()).hexdigest()}"
    return cache.get_or_set(key, lambda: _read(q), TTL)


def _read(q: str) -> TextMatch:
    from .models import Claim, ClaimFacet
    from .search import search_claims

    ranked = search_claims(Claim.objects.published(), q)
    # The search order ends at the title: the pk makes the order (and so every page) one order.
    ids = tuple(ranked.order_by(*ranked.query.order_by, "pk").values_list("pk", flat=True))
    if not ids:
        return TextMatch((), ())
    if connection.vendor == "postgresql":
        from ingest.stored import AnyOf

        # The ids found, as one array: matching q again would read the claims' heap pages again.
        wanted = Q(AnyOf(F("claim_id"), list(ids)))
    else:
        # SQLite binds one parameter per value (at most 32,766); its FTS5 match is an index
        # lookup, cheap to repeat.
        wanted = Q(claim_id__in=ranked.order_by().values("pk"))
    rows = tuple(ClaimFacet.objects.filter(wanted).order_by().values_list(*_COLUMNS))
    return TextMatch(ids, rows)
