"""A run's diff as download: the stored lines, in the same columns for CSV and JSON."""

import csv
import io

DIFF_COLUMNS = ["kind", "table", "record", "field", "before", "after", "flag", "note"]


def diff_rows(changes) -> list[dict]:
    return [dict(zip(DIFF_COLUMNS, row, strict=True)) for row in changes.values_list(*DIFF_COLUMNS)]


def diff_csv(changes) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(DIFF_COLUMNS)
    writer.writerows(changes.values_list(*DIFF_COLUMNS))
    return out.getvalue()
