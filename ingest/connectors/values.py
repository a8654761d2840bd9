"""Parsing single cell values from upstream files, with reasons when they are bad."""

import datetime as dt
import math
import re


class BadValue(ValueError):
    """A cell that cannot be what its column says; the message names the problem."""


def clean(text) -> str:
    # str.split() splits on exactly the characters \s matches; it runs for every cell.
    return " ".join((text or "").split())


def cleaned_once(column: str, limit: int):
    """``row -> clean(row[column])[:limit]``, each distinct cell cleaned once per payload.

    For columns whose cells repeat: an Epoch models table names 7 confidence levels, 118
    domains and 345 countries over 2,228 rows, and a dict lookup costs less than the split
    and join of ``clean``.
    """
    seen: dict = {}

    def cleaned(row) -> str:
        text = row.get(column)
        value = seen.get(text)
        if value is None:
            value = seen[text] = clean(text)[:limit]
        return value

    return cleaned


def number(text, column: str, *, allow_negative: bool = False) -> float | None:
    """'1.0692E+025', '135000000000.0', '1,200' -> float; '' -> None."""
    if not text:
        return None
    try:
        # What nearly every cell holds. float() itself ignores surrounding whitespace and
        # refuses commas and inner whitespace, so when it takes the cell as it is, the
        # cleaned text below would have given the same number.
        value = float(text)
    except ValueError:
        value = _cleaned_number(text, column)
        if value is None:
            return None
    if math.isnan(value) or math.isinf(value):
        raise BadValue(f"{column}: {clean(text).replace(',', '')!r} is not a finite number")
    if value < 0 and not allow_negative:
        raise BadValue(f"{column}: {clean(text).replace(',', '')!r} is negative")
    return value


def _cleaned_number(text: str, column: str) -> float | None:
    raw = clean(text).replace(",", "")
    if raw == "":
        return None
    try:
        return float(raw)
    except ValueError:
        raise BadValue(f"{column}: {clean(text)[:40]!r} is not a number") from None


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2})?")
# _ISO, and a timestamp with a "T" or a UTC offset ("2025-03-11 19:27:29+00:00", Epoch's
# "Last modified"), which the cleaning below turns into _ISO's form. Only the offsets it
# drops ("+hh:mm", "Z") are taken, so no cell is read here that it would refuse.
_ISO_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}:\d{2}(?:\+\d{2}:\d{2}|Z)?)?")
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%Y-%m")


def date(text, column: str) -> dt.date | None:
    if text and _ISO_STAMP.fullmatch(text):
        # An ISO date (and time), what nearly every cell holds: the cleaning below would
        # give the same date.
        return dt.date.fromisoformat(text[:10])
    raw = clean(text)
    if raw == "":
        return None
    raw = raw.replace("T", " ").split("+")[0].rstrip("Z")
    if _ISO.fullmatch(raw):  # what nearly every cell holds: skip strptime's format machinery
        return dt.date.fromisoformat(raw[:10])
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}", raw):
        return dt.date(int(raw), 1, 1)
    raise BadValue(f"{column}: {raw[:40]!r} is not a date")


_TRUE = ("true", "yes", "y", "1", "checked")
_FALSE = ("false", "no", "n", "0", "unchecked")


def flag(text, column: str, *, blank: bool | None = None) -> bool | None:
    """'True' / 'yes' / '1' -> True, 'False' / 'no' / '0' -> False, '' -> ``blank``.

    ``blank`` says what an empty cell means in this column. For most columns it is None
    (the export does not know), so it never clears a stored flag. A spreadsheet checkbox
    column is different: its export writes "True" for a ticked box and nothing for an
    unticked one, never "False", so there an empty cell is an explicit False; the caller
    says so by passing ``blank=False``, and only when the column is present at all.
    """
    raw = clean(text).casefold()
    if raw == "":
        return blank
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise BadValue(f"{column}: {clean(text)[:40]!r} is neither true nor false")


def model_key(name: str) -> str:
    """The upsert key for a model name: case and spacing do not make a new model."""
    return clean(name).casefold()
