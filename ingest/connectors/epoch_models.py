"""Epoch AI model tables (notable, large-scale, all models) -> AIModel rows.

Columns are found by name, not position: the three exports order them differently
and rename a few between versions (e.g. 'Country (of organization)' became
'Country (from Organization)'). Rows are keyed by normalised model name, so loading
the notable file and then the all-models file updates rather than duplicates.
"""

from ..models import AIModel
from .base import LoadContext, ParseError, read_csv
from .rows import accept_rows
from .values import BadValue, clean, cleaned_once, date, flag, model_key, number

REQUIRED = ("Model", "Publication date")
ALIASES = {
    "country": ("Country (of organization)", "Country (from Organization)", "Country"),
    "cost": ("Training compute cost (2023 USD)", "Training compute cost (2020 USD)", "Training compute cost"),
    "organization": ("Organization", "Organisation"),
    "accessibility": ("Model accessibility",),
}
# Every column the connector reads, under any of its names: the records hold only these.
READS = (*REQUIRED, "Last modified", "Frontier model", "Domain", "Task", "Confidence", "Parameters",
         "Training compute (FLOP)", "Training power draw (W)", "Link",
         *(name for names in ALIASES.values() for name in names))


def _pick(header, names):
    return next((name for name in names if name in header), None)


# When two exports carry the same as-of date and disagree, the more reviewed table wins:
# Epoch curates the notable table model by model (it alone has costs, power draw and the
# frontier flag), the large-scale table is a filtered view reviewed for its compute
# figures, and all-models is the broad database with the least review of each entry.
PRECEDENCE = (("notable", 30), ("large_scale", 20), ("large-scale", 20), ("all_ai_models", 10), ("all-models", 10))


def precedence(source) -> int:
    if "precedence" in (source.options or {}):
        return int(source.options["precedence"])
    where = f"{source.slug} {source.path} {source.url}".lower()
    return next((rank for name, rank in PRECEDENCE if name in where), 0)


def load(data: bytes, ctx: LoadContext) -> None:
    header, rows = read_csv(data, REQUIRED, "Epoch AI models CSV", reads=READS)
    if "Training compute (FLOP)" not in header and "Parameters" not in header:
        raise ParseError("this Epoch AI models file has neither 'Parameters' nor 'Training compute (FLOP)'")
    columns = {field: _pick(header, names) for field, names in ALIASES.items()}
    # Only the notable table says a model is notable; the other exports list notable and
    # other models alike, so they leave the flag alone rather than offer False.
    notable = bool(ctx.source.options.get("notable", "notable" in ctx.source.slug))
    frontier = "Frontier model" in header
    last_modified = "Last modified" in header
    texts = _Texts(columns)

    def parse(row, where):
        name = clean(row.get("Model"))
        if not name:
            raise BadValue("no model name")
        values = _values(row, name, columns, texts)
        ctx.saw_date(values["publication_date"], "Publication date")
        if last_modified:
            ctx.saw_date(_date_or_none(row.get("Last modified")), "Last modified")
        if notable:
            values["notable"] = True
        if frontier:
            # A checkbox column in Epoch's exports: "True" when ticked, empty when not.
            values["frontier_model"] = flag(row.get("Frontier model"), "Frontier model", blank=False)
        yield values["key"], values

    accepted = accept_rows(ctx, rows, parse, width=len(header), describe=lambda key: f"model {key!r}")
    ctx.upsert(AIModel, "key", accepted.values())


def _date_or_none(text):
    # A bookkeeping date that does not parse only stops being evidence of the as-of date.
    try:
        return date(text, "Last modified")
    except BadValue:
        return None


class _Texts:
    """The text columns' cleaners, one per column, each cleaning a repeated cell once."""

    def __init__(self, columns: dict):
        self.organization = _cleaner(columns["organization"], 500)
        self.domain = _cleaner("Domain", 300)
        self.task = _cleaner("Task", 500)
        self.confidence = _cleaner("Confidence", 100)
        self.accessibility = _cleaner(columns["accessibility"], 200)
        self.country = _cleaner(columns["country"], 300)


def _cleaner(column, limit: int):
    """``row -> the column's cleaned text``; "" for a column the file does not have."""
    if not column:
        return lambda row: ""
    return cleaned_once(column, limit)


def _values(row, name: str, columns: dict, texts: _Texts) -> dict:
    return {
        "key": model_key(name)[:300],
        "name": name[:300],
        "organization": texts.organization(row),
        "publication_date": date(row.get("Publication date"), "Publication date"),
        "domain": texts.domain(row),
        "task": texts.task(row),
        "parameters": number(row.get("Parameters"), "Parameters"),
        "training_compute_flop": number(row.get("Training compute (FLOP)"), "Training compute (FLOP)"),
        "training_compute_cost_usd": number(row.get(columns["cost"]), columns["cost"]) if columns["cost"] else None,
        "training_power_draw_w": number(row.get("Training power draw (W)"), "Training power draw (W)"),
        "confidence": texts.confidence(row),
        "accessibility": texts.accessibility(row),
        "country": texts.country(row),
        "link": _first_link(row.get("Link")),
    }


def _first_link(text) -> str:
    # Epoch sometimes lists several links separated by commas or spaces; keep the first URL.
    # split() alone: it splits on the whitespace clean() would collapse, so the parts are the same.
    for part in (text or "").replace(",", " ").split():
        if part.startswith(("http://", "https://")):
            return part[:2000]
    return ""
