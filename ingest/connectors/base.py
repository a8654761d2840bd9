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

    def upsert(self, model: type[models.Model], key_field: str, rows: Iterable[dict], batch_size: int = 500):
        """Create or update ``model`` rows by ``key_field``; rows that match stay untouched.

        Each row dict holds field values (without ``run``). Changed and new rows get
        ``run = this run``: every number points at the run that last wrote it.
        Returns {key: instance} for all rows given.
        """
        rows = list(rows)
        keys = [row[key_field] for row in rows]
        existing = {}
        for start in range(0, len(keys), 5000):
            chunk = keys[start : start + 5000]
            existing.update({getattr(o, key_field): o for o in model.objects.filter(**{f"{key_field}__in": chunk})})
        to_create, to_update, fields_changed, result = [], {}, set(), {}
        for row in rows:
            obj = existing.get(row[key_field])
            if obj is None:
                obj = model(**row, run=self.run)
                to_create.append(obj)
                existing[row[key_field]] = obj
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
            result[row[key_field]] = obj
        model.objects.bulk_create(to_create, batch_size=batch_size)
        self.created += len(to_create)
        if to_update:
            model.objects.bulk_update(list(to_update.values()), sorted(fields_changed | {"run"}), batch_size=batch_size)
        return result


def read_csv(data: bytes, required: Iterable[str], what: str) -> tuple[list[str], list[dict]]:
    """Decode a CSV payload and check it has the columns a connector needs, by name."""
    text = decode_text(data, what)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() if h else "" for h in (reader.fieldnames or [])]
    if not header:
        raise ParseError(f"the {what} file is empty or has no header row")
    reader.fieldnames = header
    missing = [name for name in required if name not in header]
    if missing:
        raise ParseError(
            f"this does not look like a {what} file: missing column(s) {', '.join(missing)}; "
            f"found {', '.join(h for h in header[:12] if h) or 'none'}"
        )
    try:
        return header, list(reader)
    except csv.Error as exc:
        raise ParseError(f"the {what} file is not valid CSV: {exc}") from None


def decode_text(data: bytes, what: str) -> str:
    if b"\x00" in data[:4096]:
        raise ParseError(f"the {what} payload is binary, not text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError(f"the {what} payload is neither UTF-8 nor Windows-1252 text")
