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
from .base import CsvRecords, LoadContext, ParseError, read_csv
from .rows import accept_rows
from .values import BadValue, clean, date, number

WHAT = "Our World in Data grapher CSV"
KEY_COLUMNS = {"Entity", "Code", "Year", "Day"}
FLOP_MULTIPLES = {"FLOP": 1.0, "kiloFLOP": 1e3, "megaFLOP": 1e6, "gigaFLOP": 1e9, "teraFLOP": 1e12,
                  "petaFLOP": 1e15, "exaFLOP": 1e18, "zettaFLOP": 1e21}
TREND_LINE = re.compile(r"^\s*[\d.]+x\s*/\s*year\b|\btrend\s*line\b", re.IGNORECASE)
_UNIT = re.compile(r"^(?P<name>.*?)\s*\((?P<unit>[^()]+)\)\s*$")
# Grapher exports of a chart with a dimension picker prefix each column with the picked
# key ("all_Industry" for Field: All). The key is no part of the series' name.
_DIMENSION_KEY = re.compile(r"^[a-z0-9]+_(?P<label>[A-Z].*)$")


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
    width = len(header)

    def parse(row, where):
        entity = clean(row.get("Entity"))
        if not entity:
            raise BadValue("no entity name")
        if TREND_LINE.search(entity):
            raise BadValue(f"{entity!r} is a trend line drawn by Our World in Data, not a measured value")
        when = _when(row.get(time_column), time_column)
        ctx.saw_date(when, time_column)
        code = clean(row.get("Code"))[:50]
        # Without a code the row does not say whether the entity is an aggregate: None
        # leaves a stored flag alone; a code says it either way.
        for column, target in series.items():
            value = _cell(row, column, f"{where}, column {column!r}", ctx)
            if value is not None:
                yield (target.pk, entity[:300], when), {
                    "series_id": target.pk, "entity": entity[:300], "code": code,
                    "aggregate": code.startswith("OWID_") if code else None, "date": when, "value": value * target.factor,
                }

    points = accept_rows(ctx, _mend_broken_records(rows, header, ctx), parse, width=width,
                         describe=lambda key: f"{key[1]!r} {key[2].isoformat()}")
    ctx.upsert(SeriesPoint, ("series_id", "entity", "date"), points.values())


def _cell(row, column: str, spot: str, ctx: LoadContext) -> float | None:
    """One value cell; an empty cell is "no data" in OWID's format, a bad one is rejected alone."""
    raw = clean(row.get(column))
    if raw == "":
        return None
    try:
        return number(raw, column, allow_negative=True)
    except BadValue as exc:
        ctx.reject(spot, str(exc), row)
        return None


def _mend_broken_records(rows, header: list[str], ctx: LoadContext):
    """Reject a record that a line break in its unquoted entity name split over two lines, as one record.

    It arrives as a short row followed by a row with no Entity whose fields make up the rest.
    """
    kept = CsvRecords(damage=rows.damage)
    index = 0
    while index < len(rows):
        row, follow = rows[index], rows[index + 1] if index + 1 < len(rows) else None
        index += 1
        if follow is not None and row.n_fields < len(header) and not clean(follow.get("Entity")) \
                and row.n_fields + follow.n_fields - 1 == len(header):
            index += 1
            span = f"lines {row.lines.split()[-1].split('-')[0]}-{follow.lines.split()[-1].split('-')[-1]}"
            ctx.records += 1
            ctx.reject(span, "broken record: a line break inside the unquoted entity name "
                             f"{clean(row.get('Entity'))!r} split it over two lines",
                       {**row, "continued": ",".join(follow.get(h, "") for h in header if h)})
            continue
        kept.append(row)
    return kept


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
    keyed = _DIMENSION_KEY.match(name)
    if keyed:
        # The label alone ("Industry") says little; the source's options may name the chart.
        title = (ctx.source.options or {}).get("title", "")
        name = f"{title}: {keyed['label']}" if title else keyed["label"]
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
