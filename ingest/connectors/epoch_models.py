"""Epoch AI model tables (notable, large-scale, all models) -> AIModel rows.

Columns are found by name, not position: the three exports order them differently
and rename a few between versions (e.g. 'Country (of organization)' became
'Country (from Organization)'). Rows are keyed by normalised model name, so loading
the notable file and then the all-models file updates rather than duplicates.
"""

from ..models import AIModel
from .base import LoadContext, ParseError, read_csv
from .values import BadValue, clean, date, model_key, number

REQUIRED = ("Model", "Publication date")
ALIASES = {
    "country": ("Country (of organization)", "Country (from Organization)", "Country"),
    "cost": ("Training compute cost (2023 USD)", "Training compute cost (2020 USD)", "Training compute cost"),
    "organization": ("Organization", "Organisation"),
    "accessibility": ("Model accessibility",),
}


def _pick(header, names):
    return next((name for name in names if name in header), None)


def load(data: bytes, ctx: LoadContext) -> None:
    header, rows = read_csv(data, REQUIRED, "Epoch AI models CSV")
    if "Training compute (FLOP)" not in header and "Parameters" not in header:
        raise ParseError("this Epoch AI models file has neither 'Parameters' nor 'Training compute (FLOP)'")
    columns = {field: _pick(header, names) for field, names in ALIASES.items()}
    notable = bool(ctx.source.options.get("notable", "notable" in ctx.source.slug))
    accepted: dict[str, dict] = {}
    first_line: dict[str, str] = {}
    total = len(rows)
    for done, row in enumerate(rows, start=1):
        ctx.progress(done, total)
        where = row.lines
        if row.n_fields > len(header):
            # A spreadsheet that broke a quoted cell pushes every later cell one or more
            # columns right; no value in such a row can be trusted.
            ctx.reject(where, f"row has {row.n_fields} fields but the header has {len(header)}: "
                       "columns are shifted", row)
            continue
        name = clean(row.get("Model"))
        if not name:
            ctx.reject(where, "no model name", row)
            continue
        key = model_key(name)
        if key in accepted:
            ctx.reject(where, f"duplicate of model {name!r} at {first_line[key]}", row)
            continue
        try:
            values = {
                "key": key[:300],
                "name": name[:300],
                "organization": clean(row.get(columns["organization"]))[:500] if columns["organization"] else "",
                "publication_date": date(row.get("Publication date"), "Publication date"),
                "domain": clean(row.get("Domain"))[:300],
                "task": clean(row.get("Task"))[:500],
                "parameters": number(row.get("Parameters"), "Parameters"),
                "training_compute_flop": number(row.get("Training compute (FLOP)"), "Training compute (FLOP)"),
                "training_compute_cost_usd": number(row.get(columns["cost"]), columns["cost"]) if columns["cost"] else None,
                "training_power_draw_w": number(row.get("Training power draw (W)"), "Training power draw (W)"),
                "confidence": clean(row.get("Confidence"))[:100],
                "accessibility": clean(row.get(columns["accessibility"]))[:200] if columns["accessibility"] else "",
                "country": clean(row.get(columns["country"]))[:300] if columns["country"] else "",
                "link": _first_link(row.get("Link")),
            }
        except BadValue as exc:
            ctx.reject(where, str(exc), row)
            continue
        if notable:
            values["notable"] = True
        if "Frontier model" in header:
            values["frontier_model"] = clean(row.get("Frontier model")).lower() in ("true", "yes", "1")
        accepted[key] = values
        first_line[key] = where
    if rows and not accepted:
        raise ParseError(f"none of the {len(rows)} rows could be read; see the rejected rows")
    ctx.upsert(AIModel, "key", accepted.values())


def _first_link(text) -> str:
    # Epoch sometimes lists several links separated by commas or spaces; keep the first URL.
    for part in clean(text).replace(",", " ").split():
        if part.startswith(("http://", "https://")):
            return part[:2000]
    return ""
