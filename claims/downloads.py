"""CSV and JSON downloads: the browse results, and one claim with its evidence and verdicts.

Browse downloads (/claims.csv, /claims.json) take the same query string as /claims/ and
hold its matching claims in the same order, in files ("parts") of PART_SIZE claims:
``?part=N`` is a part's permalink, as ``?page=N`` is a page's, and each file's ``Link``
header names the next part by a cursor past its last claim (so a script following it
misses and repeats nothing, whatever is edited meanwhile), with the first, previous and
last parts by number. A part costs what it holds, not what the database holds: a whole
download of 100,000 claims took 1 s and a part takes what 1,000 claims' lines cost
(browse_part() below; the paginator is claims/pagination.py's, on ids). Their views live in
reader/downloads.py, because their columns include each claim's measures and claims
must not import measures; the claim columns come from browse_lines() here: each claim's
line is stored ready (claims/download_rows.py), rendered from browse_record().

The CSV is UTF-8 without a byte-order mark (spreadsheet apps may need "import as
UTF-8"; a BOM would break the first column name for every program that reads CSV).
Values are written verbatim: quotes are the claimant's exact words, so nothing is
prefixed or rewritten to defuse spreadsheet formulas.

One claim as CSV (/claims/<slug>.csv) is a single table in "long" form, one row per
record, so any CSV reader loads it without special handling:

- the first row has ``record`` = ``claim``: the claim columns, nothing else;
- then one row per accepted evidence item (``record`` = ``evidence``) and one per
  verdict history entry (``record`` = ``verdict``), each repeating the claim columns
  and filling the ``evidence_*`` or ``verdict_*`` columns respectively.
"""

import csv
import datetime as dt
import json
from dataclasses import dataclass

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from . import download_rows, text_match
from .browse import claim_count, facet_filters, facet_rows, recognised_params
from .dates import iso_partial_date
from .forms import BrowseDownloadForm
from .models import Claim, Evidence
from .pagination import KeyPaginator

# Claims per file of a browse download: the lines of one chunk (download_rows.CHUNK_SIZE),
# read in one query. Datasette's largest page, and a file a spreadsheet opens at once.
PART_SIZE = 1000

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

CLAIM_COLUMNS = [
    "slug",
    "title",
    "statement",
    "quote",
    "person",
    "date_made",
    "date_precision",
    "kind",
    "status",
    "topics",
    "source_title",
    "source_url",
    "permalink",
    "updated",
]
EVIDENCE_COLUMNS = [
    "evidence_stance",
    "evidence_strength",
    "evidence_tier",
    "evidence_title",
    "evidence_url",
    "evidence_summary",
    "evidence_note",
    "evidence_added",
]
# The browse downloads add what a reader of a list needs to judge each claim without
# opening it; the single-claim downloads carry these in their own richer form.
BROWSE_CLAIM_COLUMNS = [*CLAIM_COLUMNS, "status_label", "verdict_rationale", "evidence_count"]
VERDICT_COLUMNS = ["verdict_status", "verdict_rationale", "verdict_as_of", "verdict_recorded"]


def _iso(value):
    return value.isoformat() if value else ""


def claim_record(claim, request) -> dict:
    """The claim columns; ``topics`` is a list here, joined with '; ' in CSV."""
    return {
        "slug": claim.slug,
        "title": claim.title,
        "statement": claim.statement,
        "quote": claim.quote,
        "person": claim.person.name if claim.person else "",
        "date_made": iso_partial_date(claim.date_made, claim.date_precision),
        "date_precision": claim.date_precision,
        "kind": claim.kind,
        "status": claim.status,
        "topics": [t.name for t in claim.topics.all()],
        "source_title": claim.source.title if claim.source else "",
        "source_url": claim.source.url if claim.source else "",
        "permalink": request.build_absolute_uri(claim.get_absolute_url()),
        "updated": _iso(claim.updated),
    }


BROWSE_VALUES = (
    "pk", "slug", "title", "statement", "quote", "person__name", "date_made", "date_precision", "kind", "status",
    "source__title", "source__url", "updated", "verdict_rationale", "evidence_count",
)


def browse_values(claims):
    """The plain rows browse_record() reads, several times faster per row than Claim objects."""
    return claims.prefetch_related(None).values(*BROWSE_VALUES)


def browse_record(row, topics, permalink) -> dict:
    """BROWSE_CLAIM_COLUMNS of one browse_values() row (and its pk), ``topics`` its topic names in order."""
    status_labels = dict(Claim.Status.choices)
    return {
        "pk": row["pk"],
        "slug": row["slug"],
        "title": row["title"],
        "statement": row["statement"],
        "quote": row["quote"],
        "person": row["person__name"] or "",
        "date_made": iso_partial_date(row["date_made"], row["date_precision"]),
        "date_precision": row["date_precision"],
        "kind": row["kind"],
        "status": row["status"],
        "topics": topics,
        "source_title": row["source__title"] or "",
        "source_url": row["source__url"] or "",
        "permalink": permalink,
        "updated": _iso(row["updated"]),
        "status_label": status_labels.get(row["status"], row["status"]),
        "verdict_rationale": row["verdict_rationale"],
        "evidence_count": row["evidence_count"],
    }


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
        # The facet table alone (exact, kept by triggers) says which claims match, and an index
        # holding the claims' ids and sort columns gives their order without visiting the
        # claims' rows. The same filters on the claims' own columns too made PostgreSQL expect a
        # handful of matches and probe each claim's row: at 100k claims, a topic and a kind
        # (14,332 claims) read 16,448 buffers from outside shared memory in 211-262 ms, against
        # 5,261 in 108-133 ms this way.
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
            counted = {k: v for k, v in data.items() if k not in ("page", "sort", "after", "part")}
            paginator = KeyPaginator(browse_matches(form), PART_SIZE, filters=counted, known_count=count,
                                     cursor=data.get("after") or "")
            page = paginator.page(number)
            ids, cursor, more = list(page.object_list), page.next_cursor, page.more
    except EmptyPage as error:
        parts = max(1, -(-count // PART_SIZE))
        raise NoSuchPart(f"there is no part {number}: these filters match {count:,} claims, "
                         f"in {parts} part{'s' if parts != 1 else ''} of up to {PART_SIZE:,}.") from error
    return Part(ids=ids, number=number, parts=page.paginator.num_pages, count=count,
                query=dict(recognised_params(form).items()), next_cursor=cursor, more=more)


def browse_lines(ids, request, fmt):
    """(pk, line) for the claims ``ids``, in order: each one's stored line (claims.download_rows)
    in ``fmt``, "csv" or "json", with this request's permalink and without the measure columns,
    a chunk at a time as the stream reads them."""
    prefix, suffix = _permalink_parts(request)
    return download_rows.lines(ids, fmt, lambda slug: f"{prefix}{slug}{suffix}")


def browse_pieces(ids, request, fmt, **options):
    """browse_lines() joined by PostgreSQL: chunks of (text, pk) pieces (download_rows.pieces())."""
    return download_rows.pieces(ids, fmt, _permalink_parts(request), **options)


def _permalink_parts(request) -> tuple[str, str]:
    """A claim's absolute URL in this request is prefix + slug + suffix."""
    # Slugs are URL-safe, so one reverse() serves every row.
    placeholder = "claim-slug-placeholder"
    prefix, suffix = request.build_absolute_uri(reverse("claims:claim", args=[placeholder])).split(placeholder)
    return prefix, suffix


def evidence_record(item) -> dict:
    return {
        "stance": item.stance,
        "strength": item.get_strength_display(),
        "tier": item.tier,
        "title": item.title,
        "url": item.url,
        "summary": item.summary,
        "note": item.note,
        "added": _iso(item.created),
    }


def verdict_record(verdict) -> dict:
    return {
        "status": verdict.status,
        "rationale": verdict.rationale,
        "as_of": iso_partial_date(verdict.as_of, verdict.as_of_precision),
        "recorded": _iso(verdict.created),
    }


def csv_cells(record, columns):
    return [("; ".join(v) if isinstance(v, list) else v) for v in (record.get(c, "") for c in columns)]


class Echo:
    """csv.writer wants a file; this one hands each line back instead of storing it."""

    def write(self, value):
        return value


def meta_block(request, query):
    return {
        "source": "Claimwatch",
        "url": request.build_absolute_uri(),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "generated_at": timezone.now().isoformat(),
        "query": query,
    }


def filename(stem, extension):
    return f"claimwatch-{stem}-{dt.date.today().isoformat()}.{extension}"


def attach(response, name):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- One claim ------------------------------------------------------------------------


def _claim_with_history(slug):
    claim = get_object_or_404(Claim.objects.for_detail(), slug=slug)
    evidence = list(
        claim.evidence.filter(state=Evidence.State.ACCEPTED)
        .select_related("source", "feed_item")
        .order_by("stance", "-strength", "-created", "-id")
    )
    verdicts = list(claim.verdicts.order_by("-created", "-id"))
    return claim, evidence, verdicts


def claim_json(request, slug):
    claim, evidence, verdicts = _claim_with_history(slug)
    data = claim_record(claim, request)
    data.update(
        {
            "verdict_rationale": claim.verdict_rationale,
            "verdict_as_of": iso_partial_date(claim.verdict_as_of, claim.verdict_as_of_precision),
            "deadline": _iso(claim.deadline),
            "evidence": [evidence_record(e) for e in evidence],
            "verdicts": [verdict_record(v) for v in verdicts],
        }
    )
    body = json.dumps({"meta": meta_block(request, {"slug": slug}), "data": data}, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return attach(response, filename(f"claim-{claim.slug}", "json"))


def claim_csv(request, slug):
    claim, evidence, verdicts = _claim_with_history(slug)
    base = claim_record(claim, request)
    columns = ["record", *CLAIM_COLUMNS, *EVIDENCE_COLUMNS, *VERDICT_COLUMNS]
    rows = [{"record": "claim", **base}]
    for item in evidence:
        rows.append({"record": "evidence", **base, **{f"evidence_{k}": v for k, v in evidence_record(item).items()}})
    for verdict in verdicts:
        rows.append({"record": "verdict", **base, **{f"verdict_{k}": v for k, v in verdict_record(verdict).items()}})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response)
    writer.writerow(columns)
    writer.writerows(csv_cells(row, columns) for row in rows)
    return attach(response, filename(f"claim-{claim.slug}", "csv"))
