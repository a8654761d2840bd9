"""Browse downloads (/claims.csv, /claims.json): every claim matching /claims/'s filters.

They live here, not in claims/downloads.py, because their columns include each claim's
measures and claims must not import measures. Both formats stream the same records (one
generator), so the CSV and JSON hold identical data. Three queries whatever the size:
topic names, measures, then the claim rows themselves, fetched in chunks as the stream
is read. The first two, and compiling the third, happen before the response starts,
so a download either fails before its first byte or is sent whole.
"""

import csv
import json

from django.http import StreamingHttpResponse

from claims.downloads import BROWSE_CLAIM_COLUMNS, Echo, attach, browse_records, csv_cells, filename, meta_block
from claims.errors import bad_query
from claims.forms import BrowseForm
from claims.models import Claim
from measures.selectors import MeasureSummary, measure_summaries

MEASURE_COLUMNS = ["measure_count", "measure_description", "measure_sentence", "measure_outcome", "measure_checked"]
BROWSE_COLUMNS = [*BROWSE_CLAIM_COLUMNS, *MEASURE_COLUMNS]

_NO_MEASURE = MeasureSummary(0, "", "", "", None)


def _browse(request):
    """(form, queryset) for the request's filters, or (form, None) when they are invalid."""
    form = BrowseForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, form.sorted(form.filter(Claim.objects.for_list()))


def _browse_query(request):
    return {k: v for k, v in request.GET.items() if k != "page" and v}


def _records(claims, request):
    """BROWSE_COLUMNS for every claim; the measures query runs now, not when the stream starts."""
    summaries = measure_summaries(claims)
    return _with_measures(browse_records(claims, request), summaries)


def _with_measures(rows, summaries):
    for record in rows:
        m = summaries.get(record["slug"], _NO_MEASURE)
        record.update(
            {
                "measure_count": m.count,
                "measure_description": m.description,
                "measure_sentence": m.sentence,
                "measure_outcome": m.outcome,
                "measure_checked": m.last_checked.isoformat() if m.last_checked else "",
            }
        )
        yield record


def claims_csv(request):
    form, claims = _browse(request)
    if claims is None:
        return bad_query(request, form, "Invalid filter", plain=True)
    records = _records(claims, request)

    def lines():
        writer = csv.writer(Echo())
        yield writer.writerow(BROWSE_COLUMNS)
        for record in records:
            yield writer.writerow(csv_cells(record, BROWSE_COLUMNS))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    return attach(response, filename("claims", "csv"))


def claims_json(request):
    form, claims = _browse(request)
    if claims is None:
        return bad_query(request, form, "Invalid filter", plain=True)
    meta = meta_block(request, _browse_query(request))
    records = _records(claims, request)

    def chunks():
        yield '{"meta": ' + json.dumps(meta, ensure_ascii=False) + ', "data": ['
        for i, record in enumerate(records):
            yield ("," if i else "") + "\n" + json.dumps(record, ensure_ascii=False)
        yield "\n]}\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    return attach(response, filename("claims", "json"))
