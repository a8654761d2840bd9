"""CSV and JSON downloads: the browse results, and one claim with its evidence and verdicts.

Browse downloads (/claims.csv, /claims.json) take the same query string as /claims/ and hold
its matching claims in the same order, a part of them per file (claims/download_parts.py). Their
views live in reader/downloads.py, because their columns include each claim's measures and
claims must not import measures; the claim columns come from browse_lines() here: each claim's
line is stored ready (claims/download_rows.py), rendered from download_rows.browse_record().

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

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from . import download_rows
from .dates import iso_partial_date
from .download_rows import CLAIM_COLUMNS, csv_cells
from .download_rows import iso_or_blank as _iso  # the same ISO text as the browse lines
from .models import Claim, Evidence

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

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
VERDICT_COLUMNS = ["verdict_status", "verdict_rationale", "verdict_as_of", "verdict_recorded"]


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
