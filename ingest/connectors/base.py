"""What connectors share: the load context (counts, rejections, provenance) and bulk upserts."""

import csv
import io
from collections.abc import Callable, Iterable

from django.db import models

from ..models import IngestRun


class ParseError(Exception):
    """The whole payload is not what this source expects; the message is for people."""


class LoadContext:
    """Collects what a run did. Connectors write through it; the runner saves it on the run."""

    def __init__(self, run: IngestRun, progress: Callable[[int, int | None], None] | None = None):
        self.run = run
        self.source = run.source
        self.created = self.updated = self.unchanged = self.rejected = 0
        self.rejected_rows: list[dict] = []
        self._progress = progress

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

    def upsert(self, model: type[models.Model], key_field, rows: Iterable[dict], batch_size: int = 500):
        """Create or update ``model`` rows by ``key_field``; rows that match stay untouched.

        ``key_field`` is one field name or a tuple of them (e.g. ``("series_id", "entity",
        "date")``). Each row dict holds field values (without ``run``). Changed and new rows
        get ``run = this run``: every number points at the run that last wrote it.
        Returns {key: instance} for all rows given.
        """
        rows = list(rows)
        fields = (key_field,) if isinstance(key_field, str) else tuple(key_field)

        def key_of(values) -> tuple:
            return tuple(values[f] if isinstance(values, dict) else getattr(values, f) for f in fields)

        # Narrow the lookup by the first key field, in chunks that stay under SQLite's
        # parameter limit; composite keys are then matched exactly in Python.
        lead = fields[0]
        leads = list(dict.fromkeys(row[lead] for row in rows))
        existing = {}
        for start in range(0, len(leads), 5000):
            chunk = leads[start : start + 5000]
            for obj in model.objects.filter(**{f"{lead}__in": chunk}):
                existing[key_of(obj)] = obj
        to_create, to_update, fields_changed, result = [], {}, set(), {}
        for row in rows:
            key = key_of(row)
            obj = existing.get(key)
            if obj is None:
                obj = model(**row, run=self.run)
                to_create.append(obj)
                existing[key] = obj
            else:
                changed = [f for f, v in row.items() if getattr(obj, f) != v]
                if changed:
                    for f in changed:
                        setattr(obj, f, row[f])
                    obj.run = self.run
                    fields_changed.update(changed)
                    if obj.pk:
                        to_update[obj.pk] = obj
                    self.updated += 1
                else:
                    self.unchanged += 1
            result[key[0] if len(fields) == 1 else key] = obj
        model.objects.bulk_create(to_create, batch_size=batch_size)
        self.created += len(to_create)
        if to_update:
            model.objects.bulk_update(list(to_update.values()), sorted(fields_changed | {"run"}), batch_size=batch_size)
        return result


class CsvRecord(dict):
    """One CSV record as {column: value}, with where it sat in the file.

    ``lines`` is the physical line span ("line 7" or "lines 37-45": quoted cells may hold
    line breaks) and ``n_fields`` how many fields the record really had, so a connector
    can tell a shifted row from a short one.
    """

    def __init__(self, values: dict, lines: str, n_fields: int):
        super().__init__(values)
        self.lines = lines
        self.n_fields = n_fields


def read_csv(data: bytes, required: Iterable[str], what: str) -> tuple[list[str], list[CsvRecord]]:
    """Decode a CSV payload and check it has the columns a connector needs, by name.

    Columns with an empty name (a spreadsheet's padding) are dropped; a named column
    that appears twice keeps its first occurrence.
    """
    text = decode_text(data, what)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        raw_header = next(reader, None)
    except csv.Error as exc:
        raise ParseError(f"the {what} file is not valid CSV: {exc}") from None
    header = [h.strip() if h else "" for h in (raw_header or [])]
    if not any(header):
        raise ParseError(f"the {what} file is empty or has no header row")
    missing = [name for name in required if name not in header]
    if missing:
        found = ", ".join(h for h in header[:12] if h) or "none"
        raise ParseError(
            f"this does not look like a {what} file: missing column(s) {', '.join(missing)}; found {found}"
        )
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if name and name not in positions:
            positions[name] = index
    records, previous_end = [], reader.line_num
    try:
        for fields in reader:
            start, end = previous_end + 1, reader.line_num
            previous_end = end
            if not fields:
                continue  # a blank line is not a record
            values = {name: (fields[i] if i < len(fields) else "") for name, i in positions.items()}
            lines = f"line {start}" if start == end else f"lines {start}-{end}"
            records.append(CsvRecord(values, lines, len(fields)))
    except csv.Error as exc:
        raise ParseError(f"the {what} file is not valid CSV near line {reader.line_num}: {exc}") from None
    return header, records


def decode_text(data: bytes, what: str) -> str:
    if b"\x00" in data[:4096]:
        raise ParseError(f"the {what} payload is binary, not text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError(f"the {what} payload is neither UTF-8 nor Windows-1252 text")
