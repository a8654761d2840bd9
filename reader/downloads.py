"""Browse downloads (/claims.csv, /claims.json): the claims matching /claims/'s filters, a part
(claims.download_parts.PART_SIZE claims) per file, with Link headers to the other parts.

They live here, not in claims/downloads.py, because their columns include each claim's
measures and claims must not import measures. Each claim's columns come stored, as text
(claims/download_rows.py); its measure columns are appended here, rendered from its measures
(read live: an ingest's re-check rewrites them in bulk, with no signal), so the CSV and JSON
hold identical data. The queries: the part's ids in their order (claims.download_parts.browse_part()),
before the response starts, so a download with bad filters or a bad part fails before its first
byte; then, as the stream is read, their stored lines and their measures (on PostgreSQL the lines
come joined by the database, and only the measures of claims that have any are read).
"""

import json
from urllib.parse import urlencode

from django.db import connection
from django.http import HttpResponseNotFound, StreamingHttpResponse

from claims.download_rows import BROWSE_CLAIM_COLUMNS, csv_part, json_members
from claims.download_parts import NoSuchPart, browse_part
from claims.downloads import attach, browse_lines, browse_pieces, filename, meta_block
from claims.errors import bad_query, bad_request
from claims.forms import BrowseDownloadForm
from claims.pagination import BadCursor
from measures.models import Measure
from measures.selectors import MeasureSummary, measure_summaries

from .gzip_bodies import accepts_gzip, gzip_stream, mark

MEASURE_COLUMNS = ["measure_count", "measure_description", "measure_sentence", "measure_outcome", "measure_checked"]
BROWSE_COLUMNS = [*BROWSE_CLAIM_COLUMNS, *MEASURE_COLUMNS]

_NO_MEASURE = MeasureSummary(0, "", "", "", None)


def _part(request):
    """(the part this request asks for, None) or (None, the 4xx that says why not)."""
    form = BrowseDownloadForm(request.GET)
    if not form.is_valid():
        return None, bad_query(request, form, "Invalid filter", plain=True)
    try:
        return browse_part(form), None
    except BadCursor as error:
        return None, bad_request(request, f"Invalid parameters: {error}", plain=True)
    except NoSuchPart as error:
        return None, HttpResponseNotFound(f"Not found: {error}", content_type="text/plain; charset=utf-8")


def _part_urls(request, part) -> dict:
    """rel -> the absolute URL of each part the Link header names."""
    return {rel: request.build_absolute_uri(request.path + ("?" + urlencode(params) if params else ""))
            for rel, params in part.links().items()}


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


def _chunks(ids, request, fmt, separator=""):
    """The claims' whole lines in ``fmt``, joined a chunk at a time (one string per line cost a
    third of the time).

    On PostgreSQL the database joins the stored lines (claims.download_rows.pieces()) and says
    which claims have measures: only theirs are read, and most claims have none. Elsewhere each
    chunk's lines come one by one and the measures of all of them are read."""
    ending = ENDINGS[fmt]
    without = ending(_NO_MEASURE)  # most claims have no measure: one ending for all of them
    if database_joins():
        chunks = browse_pieces(ids, request, fmt, separator=separator, ending=without,
                               marked=(Measure._meta.db_table, Measure._meta.get_field("claim").column))
    else:
        chunks = ([(line, pk) for pk, line in chunk] for chunk in browse_lines(ids, request, fmt))
    return _joined(chunks, ending, without, separator)


def _joined(chunks, ending, without, separator):
    """Each chunk's pieces joined, a piece with a claim pk followed by that claim's measure columns."""
    for chunk in chunks:
        summaries = measure_summaries([pk for _, pk in chunk if pk is not None])
        yield separator.join(
            text if pk is None else text + (without if (found := summaries.get(pk)) is None else ending(found))
            for text, pk in chunk)


def _streamed(request, part, body, content_type, extension):
    """The body streamed, gzipped here when the client accepts it (reader/gzip_bodies.py), with
    the part's place among the others in its headers and file name."""
    compressed = accepts_gzip(request)
    response = mark(StreamingHttpResponse(gzip_stream(body) if compressed else body, content_type=content_type),
                    compressed)
    response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in _part_urls(request, part).items())
    response["X-Total-Count"] = str(part.count)
    stem = "claims" if part.parts == 1 else f"claims-part-{part.number}-of-{part.parts}"
    return attach(response, filename(stem, extension))


def claims_csv(request):
    part, refused = _part(request)
    if refused:
        return refused
    chunks = _chunks(part.ids, request, "csv")

    def body():
        yield csv_part(BROWSE_COLUMNS) + "\r\n"
        yield from chunks

    return _streamed(request, part, body(), "text/csv; charset=utf-8", "csv")


def claims_json(request):
    part, refused = _part(request)
    if refused:
        return refused
    meta = meta_block(request, part.params(part.number))
    links = _part_urls(request, part)
    meta["part"] = {**part.as_meta(), "next": links.get("next"), "previous": links.get("prev")}
    chunks = _chunks(part.ids, request, "json", ",\n")

    def body():
        yield '{"meta": ' + json.dumps(meta, ensure_ascii=False) + ', "data": ['
        # Objects are separated by ",\n" and the first starts on a line of its own.
        for i, chunk in enumerate(chunks):
            yield ("," if i else "") + "\n" + chunk
        yield "\n]}\n"

    return _streamed(request, part, body(), "application/json; charset=utf-8", "json")
