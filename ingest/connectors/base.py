"""What connectors share: the load context (counts, rejections, provenance) and bulk upserts."""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from operator import attrgetter, itemgetter

from django.db import models
from django.utils import timezone

from .. import asof, merge
from ..bulk_sql import insert_rows, write_fields
from ..merge import Stamp
from ..models import IngestRun
from ..run_diff import DiffRecorder
from ..stored import StoredRows


class ParseError(Exception):
    """The whole payload is not what this source expects; the message is for people."""


class LoadContext:
    """Collects what a run did. Connectors write through it; the runner saves it on the run.

    ``companions`` holds the bytes of companion files (e.g. model_versions.csv) that the
    runner read before the write transaction; connectors never fetch anything themselves.
    """

    def __init__(self, run: IngestRun, progress: Callable[[int, int | None], None] | None = None,
                 companions: dict[str, bytes] | None = None, fallback_as_of: tuple | None = None):
        self.run = run
        self.source = run.source
        self.companions = companions or {}
        self.created = self.updated = self.unchanged = self.rejected = 0
        self.rejected_rows: list[dict] = []
        self.records = 0
        # Why the payload itself looks damaged (ends mid-quote, short rows): each trips the hold.
        self.damage: list[str] = []
        self.diff = DiffRecorder()
        self._progress = progress
        self._fallback = fallback_as_of or (timezone.now(), "fetch time")
        self._newest: tuple | None = None
        self._newest_day: dt.date | None = None
        self._stamp: Stamp | None = None

    def reject(self, where: str, reason: str, row: dict | None = None) -> None:
        self.rejected += 1
        if len(self.rejected_rows) < IngestRun.MAX_REJECTED_KEPT:
            entry = {"where": str(where), "reason": reason}
            if row:
                entry["row"] = {str(k)[:60]: str(v)[:200] for k, v in list(row.items())[:12] if k}
            self.rejected_rows.append(entry)

    def progress(self, done: int, total: int | None = None) -> None:
        if self._progress:
            self._progress(done, total)

    def saw_date(self, value, column: str) -> None:
        """A date inside the data (a 'Last modified', a publication date): the newest is the as-of."""
        if value is None:
            return
        # A plain date up to the newest one's UTC day cannot be newer (it counts as that
        # day's midnight UTC): the common case, settled without building a datetime.
        if type(value) is dt.date and self._newest_day is not None and value <= self._newest_day:
            return
        when = asof.as_datetime(value)
        if self._newest is None or when > self._newest[0]:
            self._newest = (when, column)
            self._newest_day = when.astimezone(dt.UTC).date()

    @property
    def stamp(self) -> Stamp:
        """Fixed at the first write: the run's as-of date and the rule that gave it."""
        if self._stamp is None:
            self.run.as_of, self.run.as_of_rule = asof.payload_as_of(self._newest, self._fallback)
            self._stamp = Stamp.of_run(self.run)
        return self._stamp

    def upsert(self, model: type[models.Model], key_field, rows: Iterable[dict]) -> None:
        """Merge ``rows`` into ``model`` by ``key_field``, field by field (see ingest.merge).

        ``key_field`` is one field name or a tuple of them (e.g. ``("series_id", "entity",
        "date")``). Each row dict holds field values (without ``run``). Changed and new rows
        get ``run = this run``; every field records the run that set it. Records this source
        carried before and no longer offers are reported as disappeared (never deleted).
        """
        rows = list(rows)
        fields = (key_field,) if isinstance(key_field, str) else tuple(key_field)
        stamp, run_id, table = self.stamp, self.run.pk, model.__name__

        row_key, key_of = _key_getters(fields)
        existing = self._existing(model, fields, rows, key_of)
        merger = merge.Merger(stamp, run_id, merge.owner_stamps(list(existing.values())), fields)
        to_create, to_update, fields_changed = {}, {}, {"provenance"}
        for row in rows:
            key = row_key(row)
            obj = existing.get(key)
            if obj is None:
                if key not in to_create:
                    # A value the row does not know (None) takes the field's default, as a missing column would.
                    new = {name: value for name, value in row.items() if value is not None}
                    new.update(run_id=run_id, provenance=merger.created_provenance(row))
                    to_create[key] = new
                    self.diff.record_created(table, _label(key))
                continue
            replaced, touched = self._merge_stored(merger, obj, row, table, key)
            if replaced:
                fields_changed.update(replaced)
                fields_changed.add("run")
            if (replaced or touched) and obj.pk:
                to_update[obj.pk] = obj
        self._disappeared(model, existing, {row_key(row) for row in rows}, to_update)
        insert_rows(model, list(to_create.values()))
        self.created += len(to_create)
        if to_update:
            write_fields(model, list(to_update.values()), sorted(fields_changed))

    def _merge_stored(self, merger: merge.Merger, obj, row: dict, table: str, key: tuple) -> tuple[list[str], bool]:
        """Merge ``row`` into the stored ``obj``: the fields it replaced, and whether its provenance changed."""
        merged = merger.merge(obj, row)
        touched = merger.mark_carried(obj) or merged.provenance_changed
        diff = self.diff
        diff.compared_values += merged.compared
        diff.blanked_values += merged.blanked
        replaced = []
        if merged.decisions:  # most stored rows of a run change nothing: their label is never built
            label = _label(key)
            for decision in merged.decisions:
                diff.record_field(table, label, decision.field, decision.before, decision.after,
                                  conflict=decision.conflict)
                if decision.replaced:
                    replaced.append(decision.field)
        if replaced:
            obj.run_id = merger.run_id
            self.updated += 1
        else:
            self.unchanged += 1
        return replaced, touched

    def _existing(self, model, fields, rows, key_of) -> dict:
        """The stored records the rows name, and those this source carried (to report the ones gone).

        Narrowed by the first key field, in chunks that stay under SQLite's parameter
        limit; composite keys are then matched exactly in Python.
        """
        lead = fields[0]
        leads = list(dict.fromkeys(row[lead] for row in rows))
        existing = {}
        for obj in StoredRows(model).load(lead, leads, carried_by=self.source.slug):
            existing.setdefault(key_of(obj), obj)
        return existing

    def _disappeared(self, model, existing, offered, to_update) -> None:
        slug = self.source.slug
        for key, obj in existing.items():
            if key in offered:
                continue
            if slug in (obj.provenance or {}).get("carried_by", {}):
                self.diff.record_disappeared(model.__name__, _label(key))
                merge.unmark_carried(obj, slug)
                to_update[obj.pk] = obj


def _key_getters(fields: tuple) -> tuple[Callable, Callable]:
    """(key of a row dict, key of a stored object), both tuples; called for every row."""
    if len(fields) == 1:
        name = fields[0]
        return (lambda row: (row[name],)), (lambda obj: (getattr(obj, name),))
    return itemgetter(*fields), attrgetter(*fields)


def _label(key: tuple) -> str:
    return " / ".join(v.isoformat() if hasattr(v, "isoformat") else str(v) for v in key)


class CsvRecord(dict):
    """One CSV record as {column: value}, with where it sat in the file.

    ``lines`` is the physical line span ("line 7" or "lines 37-45": quoted cells may hold
    line breaks) and ``n_fields`` how many fields the record really had, so a connector
    can tell a shifted row from a short one.
    """

    # Slots, and the line span kept as numbers until asked for: a payload has thousands of
    # records, and only the rejected ones are ever placed in the file by a person.
    __slots__ = ("start", "end", "n_fields")

    @classmethod
    def at(cls, values, start: int, end: int, n_fields: int) -> "CsvRecord":
        record = cls(values)  # a dict or (column, value) pairs
        record.start, record.end, record.n_fields = start, end, n_fields
        return record

    @property
    def lines(self) -> str:
        return f"line {self.start}" if self.start == self.end else f"lines {self.start}-{self.end}"


class CsvRecords(list):
    """The records of a CSV payload, plus what makes the payload itself look damaged."""

    def __init__(self, records=(), damage=()):
        super().__init__(records)
        self.damage = list(damage)


def read_csv(data: bytes, required: Iterable[str], what: str,
             reads: Iterable[str] | None = None) -> tuple[list[str], CsvRecords]:
    """Decode a CSV payload and check it has the columns a connector needs, by name.

    Columns with an empty name (a spreadsheet's padding) are dropped; a named column
    that appears twice keeps its first occurrence. ``reads`` names every column the
    connector may read (None: all of them); the records leave the others out. The header
    returned is the whole header, and each record's ``n_fields`` counts every field, so
    width checks see the row as it is in the file.

    The payload is decoded as it is read, in chunks, not into one string first: one
    character outside the Basic Multilingual Plane (an Epoch abstract has a few) makes a
    whole decoded string four bytes a character, which the CSV reader then walks, and the
    decoding and reading of the 4 MB all_ai_models.csv took a third longer. As with
    ``decode_text``, a payload that is not UTF-8 throughout is read as Windows-1252.
    """
    _refuse_binary(data, what)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return _read_records(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""),
                                 _damage(data), required, what, reads)
        except UnicodeDecodeError:
            continue
        except ParseError:
            # Whatever the reader refused before it reached an undecodable byte is judged on
            # the encoding the whole payload decodes in, as when it was decoded first.
            if _decodes(data, encoding):
                raise
    raise ParseError(f"the {what} payload is neither UTF-8 nor Windows-1252 text")


def _read_records(lines, damage: list[str], required: Iterable[str], what: str,
                  reads: Iterable[str] | None) -> tuple[list[str], CsvRecords]:
    reader = csv.reader(lines)
    header = _header(reader, what)
    _require(header, required, what)
    positions = _positions(header)
    if reads is not None:
        # An Epoch models export has 43 columns and its connector reads 17: building each
        # record's dict of all of them was a fifth of reading the file.
        wanted = set(reads)
        positions = {name: index for name, index in positions.items() if name in wanted}
    names, width = list(positions), len(header)
    # A full-width row (nearly all of them) is picked in one call; a short one cell by cell.
    pick = _picker(list(positions.values()))
    records, previous_end = CsvRecords(damage=damage), reader.line_num
    try:
        for fields in reader:
            start, end = previous_end + 1, reader.line_num
            previous_end = end
            if fields:  # a blank line is not a record
                if len(fields) >= width:
                    values = zip(names, pick(fields))  # CsvRecord builds the one dict
                else:
                    values = {name: (fields[i] if i < len(fields) else "") for name, i in positions.items()}
                records.append(CsvRecord.at(values, start, end, len(fields)))
    except csv.Error as exc:
        raise ParseError(f"the {what} file is not valid CSV near line {reader.line_num}: {exc}") from None
    return header, records


def _header(reader, what: str) -> list[str]:
    try:
        raw_header = next(reader, None)
    except csv.Error as exc:
        raise ParseError(f"the {what} file is not valid CSV: {exc}") from None
    header = [h.strip() if h else "" for h in (raw_header or [])]
    if not any(header):
        raise ParseError(f"the {what} file is empty or has no header row")
    return header


def _require(header: list[str], required: Iterable[str], what: str) -> None:
    missing = [name for name in required if name not in header]
    if missing:
        found = ", ".join(h for h in header[:12] if h) or "none"
        raise ParseError(f"this does not look like a {what} file: missing column(s) {', '.join(missing)}; found {found}")


def _positions(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if name and name not in positions:
            positions[name] = index
    return positions


def _picker(indexes: list[int]) -> Callable[[list], tuple]:
    """The cells at ``indexes`` of a row, as a tuple, in one call per row."""
    if not indexes:
        return lambda fields: ()
    if len(indexes) == 1:  # itemgetter of one index returns the cell itself, not a 1-tuple
        index = indexes[0]
        return lambda fields: (fields[index],)
    return itemgetter(*indexes)


def _damage(data: bytes) -> list[str]:
    # Well-formed quoting always pairs its quote characters ("" inside a field is a pair too),
    # so an odd count means a quoted field never closed: a cut transfer or a broken export.
    # Counted in the bytes: in UTF-8 and in Windows-1252 alike the byte 0x22 is '"' and only '"'.
    if data.count(b'"') % 2:
        return ["the file ends inside a quoted field (an unterminated quote)"]
    return []


def _refuse_binary(data: bytes, what: str) -> None:
    if b"\x00" in data[:4096]:
        raise ParseError(f"the {what} payload is binary, not text")


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def decode_text(data: bytes, what: str) -> str:
    _refuse_binary(data, what)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError(f"the {what} payload is neither UTF-8 nor Windows-1252 text")
