"""Browse downloads (/claims.csv, /claims.json): every claim matching /claims/'s filters.

They live here, not in claims/downloads.py, because their columns include each claim's
measures and claims must not import measures. Each claim's columns come stored, as text
(claims/download_rows.py); its measure columns are appended here, rendered from one query
of the claims' measures, so the CSV and JSON hold identical data. The queries: the matching
ids in their order, their measures, then their stored lines, one query per thousand claims as
the stream is read. The first two happen before the response starts, so a download either
fails before its first byte or is sent whole.
"""

import json
from itertools import batched

from django.http import StreamingHttpResponse

from claims.download_rows import csv_part, json_members
from claims.downloads import BROWSE_CLAIM_COLUMNS, attach, browse_lines, filename, meta_block
from claims.errors import bad_query
from claims.forms import BrowseForm
from claims.models import Claim
from measures.selectors import MeasureSummary, measure_summaries

MEASURE_COLUMNS = ["measure_count", "measure_description", "measure_sentence", "measure_outcome", "measure_checked"]
BROWSE_COLUMNS = [*BROWSE_CLAIM_COLUMNS, *MEASURE_COLUMNS]
# Lines sent per chunk of the stream: one string per line cost a third of the time.
LINES_PER_CHUNK = 500

_NO_MEASURE = MeasureSummary(0, "", "", "", None)


def _browse(request):
    """(form, queryset) for the request's filters, or (form, None) when they are invalid."""
    form = BrowseForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, form.sorted(form.filter(Claim.objects.for_list()))


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


def _lines(claims, request, fmt):
    """Every claim's whole line in ``fmt``; the measures query runs now, not when the stream starts."""
    summaries = measure_summaries(claims)
    ending = ENDINGS[fmt]
    without = ending(_NO_MEASURE)  # most claims have no measure: one ending for all of them
    for pk, line in browse_lines(claims, request, fmt):
        found = summaries.get(pk)
        yield line + (without if found is None else ending(found))


def _chunks(lines, separator=""):
    for chunk in batched(lines, LINES_PER_CHUNK):
        yield separator.join(chunk)


def claims_csv(request):
    form, claims = _browse(request)
    if claims is None:
        return bad_query(request, form, "Invalid filter", plain=True)
    lines = _lines(claims, request, "csv")

    def body():
        yield csv_part(BROWSE_COLUMNS) + "\r\n"
        yield from _chunks(lines)

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    return attach(response, filename("claims", "csv"))


def claims_json(request):
    form, claims = _browse(request)
    if claims is None:
        return bad_query(request, form, "Invalid filter", plain=True)
    meta = meta_block(request, _browse_query(request))
    lines = _lines(claims, request, "json")

    def body():
        yield '{"meta": ' + json.dumps(meta, ensure_ascii=False) + ', "data": ['
        # Objects are separated by ",\n" and the first starts on a line of its own.
        for i, chunk in enumerate(_chunks(lines, ",\n")):
            yield ("," if i else "") + "\n" + chunk
        yield "\n]}\n"

    response = StreamingHttpResponse(body(), content_type="application/json; charset=utf-8")
    return attach(response, filename("claims", "json"))
