"""Dates with an honest precision: a claim 'made in 2022' is not 'made on 1 January 2022'."""

import datetime as dt
import re

from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"
    UNKNOWN = "unknown", "unknown"


_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), Precision.DAY),
    (re.compile(r"^(\d{4})-(\d{2})$"), Precision.MONTH),
    (re.compile(r"^(\d{4})$"), Precision.YEAR),
)


def parse_partial_date(text: str | None) -> tuple[dt.date | None, str]:
    """'2022' -> (2022-01-01, 'year'); '2016-03' -> (2016-03-01, 'month'); None -> (None, 'unknown')."""
    if not text:
        return None, Precision.UNKNOWN
    for pattern, precision in _PATTERNS:
        match = pattern.match(text.strip())
        if match:
            parts = [int(p) for p in match.groups()] + [1, 1]
            return dt.date(parts[0], parts[1], parts[2]), precision
    raise ValueError(f"not a YYYY, YYYY-MM or YYYY-MM-DD date: {text!r}")


def format_partial_date(value: dt.date | None, precision: str) -> str:
    if value is None or precision == Precision.UNKNOWN:
        return "date unknown"
    if precision == Precision.YEAR:
        return f"{value.year}"
    if precision == Precision.MONTH:
        return value.strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


def iso_partial_date(value: dt.date | None, precision: str) -> str:
    """The machine-readable form at its real precision (ISO 8601 reduced precision)."""
    if value is None or precision == Precision.UNKNOWN:
        return ""
    if precision == Precision.YEAR:
        return f"{value.year:04d}"
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()
