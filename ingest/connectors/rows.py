"""The row loop every connector shares: progress, width checks, rejections, duplicates.

A connector hands over its records and a ``parse(record, where)`` function that returns
the ``(key, values)`` pairs one record yields (usually one; an OWID row yields one per
value column) or raises ``BadValue`` to reject the record with that reason. The loop
counts the payload's records for the hold rules and notes damage (short rows) on the
context, so no connector can accept a row that lost its last fields.
"""

from collections.abc import Callable, Iterable

from .base import LoadContext, ParseError


def accept_rows(
    ctx: LoadContext,
    records: list,
    parse: Callable[[object, str], Iterable[tuple]],
    *,
    width: int | None = None,
    what: str = "rows",
    describe: Callable[[object], str] | None = None,
    empty_error: str | None = None,
    shown: Callable[[object], dict | None] | None = None,
    where_prefix: str = "entry",
    require_some: bool = True,
) -> dict:
    """{key: values} of every accepted record, first occurrence kept; the rest rejected with a reason."""
    ctx.records += len(records)
    ctx.damage.extend(getattr(records, "damage", ()))
    accepted: dict = {}
    first_seen: dict = {}
    short: list[str] = []
    total = len(records)
    for done, record in enumerate(records, start=1):
        ctx.progress(done, total)
        where = getattr(record, "lines", None) or f"{where_prefix} {done}"
        if width is not None and record.n_fields != width:
            if record.n_fields > width:
                # A spreadsheet that broke a quoted cell pushes every later cell right.
                reason = f"row has {record.n_fields} fields but the header has {width}: columns are shifted"
            else:
                reason = f"row has {record.n_fields} fields but the header has {width}: the row is cut short"
                short.append(where)
            ctx.reject(where, reason, record)
            continue
        try:
            pairs = list(parse(record, where))
        except ValueError as exc:  # BadValue, or a connector's own ValueError: the reason is for people
            ctx.reject(where, str(exc), (shown or _shown)(record))
            continue
        for key, values in pairs:
            if key in accepted:
                ctx.reject(where, f"duplicate of {(describe or _name)(key)} at {first_seen[key]}", (shown or _shown)(record))
                continue
            accepted[key], first_seen[key] = values, where
    if short:
        ctx.damage.append(f"{len(short)} row(s) have fewer fields than the header (first at {short[0]})")
    if require_some and records and not accepted:
        raise ParseError(empty_error or f"none of the {len(records)} {what} could be read; see the rejected rows")
    return accepted


def _name(key) -> str:
    if isinstance(key, tuple):
        return " ".join(v.isoformat() if hasattr(v, "isoformat") else repr(v) for v in key)
    return str(key)


def _shown(record):
    return record if isinstance(record, dict) else None
