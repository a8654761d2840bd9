"""Our World in Data grapher CSVs -> Series + SeriesPoint rows.

A grapher download has ``Entity``, an optional ``Code``, ``Year`` or ``Day``, then one or
more value columns whose names vary per chart (and may contain commas, which the CSV
quotes). Every numeric column becomes one Series, keyed by the chart's name (the file
name, which is also the slug in ``ourworldindata.org/grapher/<chart>.csv``) and the
column, so the bundled snapshot and the live URL write the same series. Text columns
(``Domain``, ``Organization``) annotate points in the chart; they are not series.
``options["value_columns"]`` names the value columns when the guess is not wanted.

What the files hold that is not data:

- trend lines OWID draws as pseudo-entities ("4.7x/year between 2010–2025"): rejected
  with a reason, they are a fit, not a measurement;
- ``OWID_WRL`` and other ``OWID_`` pseudo-codes: kept, flagged ``aggregate`` so a world
  total is never summed with the countries in it;
- a record broken by a line break inside an unquoted entity name (it arrives as a
  one-field row followed by a row with an empty Entity): rejected as one record;
- petaFLOP (and other FLOP multiples) are converted to FLOP, and the Series says so.

Counts are per point: one per non-empty value cell; an empty cell is "no data" in OWID's
format, not a rejected value.
"""

import datetime as dt
import math
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.utils.text import slugify

from ..models import Series, SeriesPoint
from .base import LoadContext, ParseError, read_csv
from .values import BadValue, clean, date, number

WHAT = "Our World in Data grapher CSV"
KEY_COLUMNS = {"Entity", "Code", "Year", "Day"}
FLOP_MULTIPLES = {"FLOP": 1.0, "kiloFLOP": 1e3, "megaFLOP": 1e6, "gigaFLOP": 1e9, "teraFLOP": 1e12,
                  "petaFLOP": 1e15, "exaFLOP": 1e18, "zettaFLOP": 1e21}
TREND_LINE = re.compile(r"^\s*[\d.]+x\s*/\s*year\b|\btrend\s*line\b", re.IGNORECASE)
_UNIT = re.compile(r"^(?P<name>.*?)\s*\((?P<unit>[^()]+)\)\s*$")


def load(data: bytes, ctx: LoadContext) -> None:
    header, rows = read_csv(data, ("Entity",), WHAT)
    time_column = "Day" if "Day" in header else "Year" if "Year" in header else None
    if time_column is None:
        raise ParseError(f"this does not look like an {WHAT}: it has neither a 'Year' nor a 'Day' column; "
                         f"found {', '.join(h for h in header[:12] if h)}")
    value_columns = _value_columns(header, rows, ctx.source.options or {})
    if not value_columns:
        raise ParseError(f"this {WHAT} has no numeric value column next to Entity and {time_column}")
    chart = _chart_name(ctx)
    series = {column: _series(chart, column, time_column, ctx) for column in value_columns}
    points: dict[tuple, dict] = {}
    first_seen: dict[tuple, str] = {}
    total, index = len(rows), 0
    while index < len(rows):
        row = rows[index]
        index += 1
        ctx.progress(index, total)
        where = row.lines
        if row.n_fields < len(header) and index < len(rows) and not clean(rows[index].get("Entity")) \
                and row.n_fields + rows[index].n_fields - 1 == len(header):
            follow = rows[index]
            index += 1
            span = f"lines {where.split()[-1].split('-')[0]}-{follow.lines.split()[-1].split('-')[-1]}"
            ctx.reject(span, "broken record: a line break inside the unquoted entity name "
                             f"{clean(row.get('Entity'))!r} split it over two lines", {**row, "continued": ",".join(
                                 follow.get(h, "") for h in header if h)})
            continue
        if row.n_fields != len(header):
            ctx.reject(where, f"row has {row.n_fields} fields but the header has {len(header)}", row)
            continue
        entity = clean(row.get("Entity"))
        if not entity:
            ctx.reject(where, "no entity name", row)
            continue
        if TREND_LINE.search(entity):
            ctx.reject(where, f"{entity!r} is a trend line drawn by Our World in Data, not a measured value", row)
            continue
        try:
            when = _when(row.get(time_column), time_column)
        except BadValue as exc:
            ctx.reject(where, str(exc), row)
            continue
        code = clean(row.get("Code"))[:50]
        for column, target in series.items():
            raw = clean(row.get(column))
            if raw == "":
                continue
            spot = f"{where}, column {column!r}"
            try:
                value = number(raw, column, allow_negative=True)
            except BadValue as exc:
                ctx.reject(spot, str(exc), row)
                continue
            key = (target.pk, entity[:300], when)
            if key in points:
                ctx.reject(spot, f"duplicate of {entity!r} {when.isoformat()} at {first_seen[key]}", row)
                continue
            points[key] = {
                "series_id": target.pk,
                "entity": entity[:300],
                "code": code,
                "aggregate": code.startswith("OWID_"),
                "date": when,
                "value": value * target.factor,
            }
            first_seen[key] = where
    if rows and not points:
        raise ParseError(f"none of the {len(rows)} rows could be read; see the rejected rows")
    ctx.upsert(SeriesPoint, ("series_id", "entity", "date"), points.values())


def _value_columns(header: list[str], rows, options: dict) -> list[str]:
    wanted = options.get("value_columns")
    if wanted:
        missing = [c for c in wanted if c not in header]
        if missing:
            raise ParseError(f"the value column(s) {', '.join(missing)} named in the source's options are not "
                             f"in this file; found {', '.join(h for h in header if h)}")
        return list(wanted)
    columns = []
    for column in header:
        if not column or column in KEY_COLUMNS:
            continue
        cells = [clean(row.get(column)) for row in rows]
        filled = [c for c in cells if c]
        numeric = sum(1 for c in filled if _is_number(c))
        # A numeric column may hold a few bad cells (rejected one by one); a text column
        # (Domain, Organization) holds almost no numbers.
        if filled and numeric >= 0.8 * len(filled):
            columns.append(column)
    return columns


def _is_number(text: str) -> bool:
    try:
        number(text, "", allow_negative=True)
    except BadValue:
        return False
    return True


def _when(text, column: str) -> dt.date:
    raw = clean(text)
    if not raw:
        raise BadValue(f"{column}: no date")
    if column == "Year":
        if not re.fullmatch(r"\d{1,4}", raw) or int(raw) < 1:
            raise BadValue(f"Year: {raw[:20]!r} is not a year this site can show")
        return dt.date(int(raw), 1, 1)
    return date(raw, column)


def _chart_name(ctx: LoadContext) -> str:
    options = ctx.source.options or {}
    if options.get("chart"):
        return slugify(options["chart"])
    location = urlsplit(ctx.source.url).path if ctx.source.url else ctx.source.path
    stem = PurePosixPath(location or "").stem
    return slugify(stem) or ctx.source.slug


def _series(chart: str, column: str, time_column: str, ctx: LoadContext) -> Series:
    name, unit, factor, note = column, "", 1.0, ""
    match = _UNIT.match(column)
    if match:
        name, unit = match["name"], match["unit"].strip()
    if unit in FLOP_MULTIPLES and unit != "FLOP":
        factor = FLOP_MULTIPLES[unit]
        note = f"converted from {unit} to FLOP (× 10^{round(math.log10(factor))})"
        unit = "FLOP"
    slug = f"{chart}--{slugify(column)}"[:200]
    values = {"name": name[:300], "unit": unit[:100], "unit_note": note[:300],
              "date_precision": "year" if time_column == "Year" else "day", "source": ctx.source}
    series, created = Series.objects.get_or_create(slug=slug, defaults=values)
    if not created and any(getattr(series, f) != v for f, v in values.items()):
        for field, value in values.items():
            setattr(series, field, value)
        series.save()
    series.factor = factor
    return series
