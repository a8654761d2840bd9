"""Which claims a file of a browse download holds: its part of the matches.

/claims.csv and /claims.json hold the claims /claims/ matches in the same order, PART_SIZE a
file ("parts"). ``?part=N`` is a part's permalink, as ``?page=N`` is a page's; the views
(reader/downloads.py) put a ``Link`` header on each file naming the next part by a cursor past
its last claim, so a script following it misses and repeats nothing, whatever is edited
meanwhile, and the first, previous and last parts by number. A part costs what it holds, not
what the database holds: a whole download of 100,000 claims took a second, a part takes what
its 1,000 claims' stored lines cost (claims/download_rows.py), found with the browse page's own
count and keyset paginator (claims/pagination.py), on ids.
"""

from dataclasses import dataclass

from django.core.paginator import EmptyPage, Paginator

from . import text_match
from .browse import claim_count, facet_filters, facet_rows, recognised_params
from .forms import BrowseDownloadForm
from .models import Claim
from .pagination import KeyPaginator

# Claims per file: the lines of one chunk (download_rows.CHUNK_SIZE), read in one query.
# Datasette's largest page, and a file any spreadsheet opens at once.
PART_SIZE = 1000


class NoSuchPart(LookupError):
    """A part number past the last part of the matches: the request is a 404."""


@dataclass(frozen=True)
class Part:
    """One file of a browse download: its claims' ids in order, and its place among the parts."""

    ids: list
    number: int
    parts: int
    count: int  # claims the filters match, in every part
    query: dict  # the filters, as the browse page's links carry them
    next_cursor: str  # past the last claim, when the order has a keyset; "" otherwise
    more: bool

    def params(self, number: int, cursor: str = "") -> dict:
        """The query string of part ``number`` (reached by ``cursor`` when given)."""
        return {**self.query, **({"part": number} if number > 1 else {}), **({"after": cursor} if cursor else {})}

    def links(self) -> dict:
        """rel -> the query string of each part a Link header names (RFC 8288)."""
        rels = {"first": self.params(1)}
        if self.number > 1:
            rels["prev"] = self.params(self.number - 1)
        if self.more:
            rels["next"] = self.params(self.number + 1, self.next_cursor)
        rels["last"] = self.params(self.parts)
        return rels

    def as_meta(self) -> dict:
        return {"number": self.number, "of": self.parts, "claims": len(self.ids), "size": PART_SIZE,
                "matching": self.count}


def browse_matches(form: BrowseDownloadForm):
    """The claims a valid form's filters match, in the browse order (without q: q's order is
    its ranked match, claims/text_match.py)."""
    facets = form.facet_values()
    if facets and not form.cleaned_data.get("q"):
        # The facet table alone (exact, kept by triggers) says which claims match, and the sort's
        # covering index gives their order without visiting the claims' rows: a part walks it
        # and asks each claim's facet rows (a topic and a kind at 100k claims: 1,001 ids in
        # 14-20 ms). The same filters on the claims' own columns too made PostgreSQL expect a
        # handful of matches and probe each claim's row (a whole download of those 14,332
        # claims read 16,448 buffers from outside shared memory, against 5,261 this way).
        claims = Claim.objects.published().filter(pk__in=facet_rows(facets).values("claim_id"))
    else:
        claims = form.filter(Claim.objects.published())
    return form.sorted(claims)


def browse_part(form: BrowseDownloadForm) -> Part:
    """The part of the matches a valid form asks for: its ``part`` (default the first), reached
    by its ``after`` cursor when it has one. Raises pagination.BadCursor (a 400) and NoSuchPart.

    Its cost is the part's: the count is the browse page's (cached facet counts), the ids are
    a seek of the sort's index from the cursor or the part's first key (its boundary, cached
    per claims generation), and q's ranked ids are cached per generation and q."""
    data = form.cleaned_data
    number, count = data.get("part") or 1, claim_count(form)
    q = data.get("q")
    try:
        if q:
            sort = data.get("sort")
            ranked = text_match.of_form(form).matching(facet_filters(form), text_match.ordered(q, sort) if sort else None,
                                                       total=count)
            page = Paginator(ranked, PART_SIZE).page(number)
            ids, cursor, more = list(page.object_list), "", page.has_next()
        else:
            paginator = KeyPaginator(browse_matches(form), PART_SIZE, filters=form.counted_filters(), known_count=count,
                                     cursor=data.get("after") or "")
            page = paginator.page(number)
            ids, cursor, more = list(page.object_list), page.next_cursor, page.more
    except EmptyPage as error:
        parts = max(1, -(-count // PART_SIZE))
        raise NoSuchPart(f"there is no part {number}: these filters match {count:,} claims, "
                         f"in {parts} part{'s' if parts != 1 else ''} of up to {PART_SIZE:,}.") from error
    return Part(ids=ids, number=number, parts=page.paginator.num_pages, count=count,
                query=dict(recognised_params(form).items()), next_cursor=cursor, more=more)
