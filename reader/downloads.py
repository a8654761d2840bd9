"""Browse downloads (/claims.csv, /claims.json): every claim matching /claims/'s filters.

They live here, not in claims/downloads.py, because their columns include each claim's
measures and claims must not import measures. Each claim's columns come stored, as text
(claims/download_rows.py); its measure columns are appended here, rendered from its measures
(read live: an ingest's re-check rewrites them in bulk, with no signal), so the CSV and JSON
hold identical data. The queries: the matching
claims' ids in their order, before the response starts (so a download with bad filters fails
before its first byte), then per thousand claims as the stream is read their stored lines and
their measures (on PostgreSQL the lines come joined by the database, and only the measures of
claims that have any are read).
"""

import json

from django.db import connection
from django.http import StreamingHttpResponse

from claims.browse import facet_rows
from claims.download_rows import csv_part, json_members
from claims.downloads import BROWSE_CLAIM_COLUMNS, attach, browse_lines, browse_pieces, filename, meta_block
from claims.errors import bad_query
from claims.forms import BrowseForm
from claims.models import Claim
from measures.models import Measure
from measures.selectors import MeasureSummary, measure_summaries

from .gzip_bodies import accepts_gzip, gzip_stream, mark

MEASURE_COLUMNS = ["measure_count", "measure_description", "measure_sentence", "measure_outcome", "measure_checked"]
BROWSE_COLUMNS = [*BROWSE_CLAIM_COLUMNS, *MEASURE_COLUMNS]

_NO_MEASURE = MeasureSummary(0, "", "", "", None)


def _browse(request):
    """(form, queryset) for the request's filters, or (form, None) when they are invalid."""
    form = BrowseForm(request.GET)
    if not form.is_valid():
        return form, None
    facets = form.facet_values()
    if facets and not form.cleaned_data.get("q"):
        # A download reads every match, not a page, so the facet table alone (exact, kept by
        # triggers) says which claims match, and an index holding the claims' ids and sort
        # columns gives their order without visiting the claims' rows. The same filters on the
        # claims' own columns too made PostgreSQL expect a handful of matches and probe each
        # claim's row: at 100k claims, a topic and a kind (14,332 claims) read 16,448 buffers
        # from outside shared memory in 211-262 ms, against 5,261 in 108-133 ms this way.
        return form, form.sorted(Claim.objects.for_list().filter(pk__in=facet_rows(facets).values("claim_id")))
    claims = form.filter(Claim.objects.for_list())
    if facets:
        # Found through the facet table's indexes, the matches are probed by id; filtered on the
        # claims table alone, PostgreSQL scanned all of its 300 MB at 100k claims (112 ms for a
        # topic's 3,400 against 28 ms).
        claims = claims.filter(pk__in=facet_rows(facets).values("claim_id"))
    return form, form.sorted(claims)


def _browse_query(request):
    return {k: v for k, v in request.GET.items() if k != "page" and v}


def _measure_record(m: MeasureSummary) -> dict:
    return {
        "measure_count": m.count,
        "measure_description": m.description,
        "measure_sentence": m.sentence,
        "measure_outcome": m.outcome,
        "measure_checked": m.last_checked.isoformat() if m.last_checked else "",
    }


# Each format's end of a claim's stored line (it stops after evidence_count): its measure columns.
ENDINGS = {
    "csv": lambda m: "," + csv_part(list(_measure_record(m).values())) + "\r\n",
    "json": lambda m: ", " + json_members(_measure_record(m)) + "}",
}


def database_joins() -> bool:
    return connection.vendor == "postgresql"


def _chunks(claims, request, fmt, separator=""):
    """The claims' whole lines in ``fmt``, joined a chunk at a time (one string per line cost a
    third of the time). The ids query runs now, before the response starts.

    On PostgreSQL the database joins the stored lines (claims.download_rows.pieces()) and says
    which claims have measures: only theirs are read, and most claims have none. Elsewhere each
    chunk's lines come one by one and the measures of all of them are read."""
    ending = ENDINGS[fmt]
    without = ending(_NO_MEASURE)  # most claims have no measure: one ending for all of them
    if database_joins():
        chunks = browse_pieces(claims, request, fmt, separator=separator, ending=without,
                               marked=(Measure._meta.db_table, Measure._meta.get_field("claim").column))
    else:
        chunks = ([(line, pk) for pk, line in chunk] for chunk in browse_lines(claims, request, fmt))
    return _joined(chunks, ending, without, separator)


def _joined(chunks, ending, without, separator):
    """Each chunk's pieces joined, a piece with a claim pk followed by that claim's measure columns."""
    for chunk in chunks:
        summaries = measure_summaries([pk for _, pk in chunk if pk is not None])
        yield separator.join(
            text if pk is None else text + (without if (found := summaries.get(pk)) is None else ending(found))
            for text, pk in chunk)


def _streamed(request, parts, content_type):
    """The body streamed, gzipped here when the client accepts it (reader/gzip_bodies.py)."""
    compressed = accepts_gzip(request)
    response = StreamingHttpResponse(gzip_stream(parts) if compressed else parts, content_type=content_type)
    return mark(response, compressed)


def claims_csv(request):
    form, claims = _browse(request)
    if claims is None:
        return bad_query(request, form, "Invalid filter", plain=True)
    chunks = _chunks(claims, request, "csv")

    def body():
        yield csv_part(BROWSE_COLUMNS) + "\r\n"
        yield from chunks

    return attach(_streamed(request, body(), "text/csv; charset=utf-8"), filename("claims", "csv"))


def claims_json(request):
    form, claims = _browse(request)
    if claims is None:
        return bad_query(request, form, "Invalid filter", plain=True)
    meta = meta_block(request, _browse_query(request))
    chunks = _chunks(claims, request, "json", ",\n")

    def body():
        yield '{"meta": ' + json.dumps(meta, ensure_ascii=False) + ', "data": ['
        # Objects are separated by ",\n" and the first starts on a line of its own.
        for i, chunk in enumerate(chunks):
            yield ("," if i else "") + "\n" + chunk
        yield "\n]}\n"

    return attach(_streamed(request, body(), "application/json; charset=utf-8"), filename("claims", "json"))
