"""Facet counts for /claims/: each facet counted under every filter but its own.

One grouped query per facet, so the page costs the same whatever the number of claims.
"""

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import QueryDict

from .forms import PERSON_NONE, YEAR_UNKNOWN, BrowseForm
from .models import Claim


NO_PERSON_LABEL = "no person: the essays' own claims"

# Values a facet shows at most; the rest are one "more" link away (?expand=<facet>). At 100k
# claims the person facet alone had 2,000 values and made /claims/ 792 KB.
FACET_TOP = 30
EXPANDABLE = ("topic", "person")


def _grouped(queryset, *fields):
    # No DISTINCT: no filter or grouping joins a claim to more than one row (one topic slug at a
    # time), and a DISTINCT aggregate forces PostgreSQL to sort every row, on disk at 100k.
    return queryset.order_by().values(*fields).annotate(n=Count("id"))


def _top(options, name, selected, expand):
    """The FACET_TOP most frequent options (and the selected one), unless this facet is expanded."""
    ranked = sorted(options, key=lambda f: (-f[2], f[1]))
    if expand == name or len(ranked) <= FACET_TOP:
        return ranked, False
    shown = ranked[:FACET_TOP]
    shown += [o for o in ranked[FACET_TOP:] if o[0] == selected]
    return shown, True


def claims_version() -> int:
    """Changes whenever a claim is added, edited or removed: the key for cached facet counts.

    A generation number (claims/generation.py), read from the cache: no query per request.
    """
    from .generation import claims_generation

    return claims_generation()


# The parameters a facet link carries; anything else in the query string is dropped.
KEYED_PARAMS = ("q", "topic", "person", "status", "kind", "year", "sort")


def recognised_params(form: BrowseForm) -> QueryDict:
    """The browse filters as the form understood them (cleaned, in a fixed order)."""
    params = QueryDict(mutable=True)
    for name in KEYED_PARAMS:
        value = form.cleaned_data.get(name)
        if value:
            params[name] = str(value)
    return params


def cached_facet_counts(form: BrowseForm, params) -> list[dict]:
    """facet_counts, computed once per claims version and filter combination (1 query when cached).

    Keyed, and linked, on the recognised, normalised filters only: junk parameters or a
    different spelling of the same filters share one entry instead of making a new one
    each (an easy way to fill the cache).
    """
    import hashlib

    from django.core.cache import cache

    expand = params.get("expand", "")
    params = recognised_params(form)
    if expand in EXPANDABLE:  # the view has refused any other value
        params["expand"] = expand
    key = hashlib.sha256(repr((claims_version(), sorted(params.items()))).encode()).hexdigest()
    return cache.get_or_set(f"facets:v2:{key}", lambda: facet_counts(form, params), 3600)


def _href(params, name, value):
    """The browse URL with one facet set (or cleared when value is None), back on page 1."""
    query = params.copy()
    query.pop("page", None)
    if name != "expand":
        query.pop("expand", None)  # choosing a value folds an expanded facet back to its top values
    if value is None:
        query.pop(name, None)
    else:
        query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def facet_counts(form: BrowseForm, params) -> list[dict]:
    base = Claim.objects.published()
    data = form.cleaned_data
    facets = {}

    expand = params.get("expand", "")
    rows = _grouped(form.filter(base, skip="topic").filter(topics__isnull=False), "topics__slug", "topics__name")
    facets["topic"] = ((r["topics__slug"], r["topics__name"], r["n"]) for r in rows)
    # Claims with no person (the essays' own) are a value of their own, listed last.
    rows = _grouped(form.filter(base, skip="person"), "person__slug", "person__name")
    facets["person"] = ((r["person__slug"] or PERSON_NONE, r["person__name"] or NO_PERSON_LABEL, r["n"]) for r in rows)
    more = {}
    for name in EXPANDABLE:
        facets[name], more[name] = _top(facets[name], name, data.get(name) or "", expand)
    facets["person"].sort(key=lambda f: f[0] == PERSON_NONE)  # stable: the ranking stays
    labels = dict(Claim.Status.choices)
    counts = {r["status"]: r["n"] for r in _grouped(form.filter(base, skip="status"), "status")}
    facets["status"] = [(value, labels[value], counts[value]) for value, _ in Claim.Status.choices if value in counts]
    labels = dict(Claim.Kind.choices)
    counts = {r["kind"]: r["n"] for r in _grouped(form.filter(base, skip="kind"), "kind")}
    facets["kind"] = [(value, labels[value], counts[value]) for value, _ in Claim.Kind.choices if value in counts]
    rows = _grouped(form.filter(base, skip="year").annotate(y=ExtractYear("date_made")), "y")
    years = sorted(((r["y"], r["n"]) for r in rows), key=lambda f: (f[0] is None, -(f[0] or 0)))
    facets["year"] = [
        (str(y) if y is not None else YEAR_UNKNOWN, str(y) if y is not None else "date unknown", n) for y, n in years
    ]
    return [
        {
            "name": name,
            "title": title,
            "selected": data.get(name) or "",
            "clear_href": _href(params, name, None),
            "more_href": _href(params, "expand", name) if more.get(name) else "",
            "options": [
                {"value": value, "label": label, "n": n, "href": _href(params, name, value),
                 "selected": value == (data.get(name) or "")}
                for value, label, n in facets[name]
            ],
        }
        for name, title in (("topic", "Topic"), ("person", "Person"), ("status", "Status"), ("kind", "Kind"),
                            ("year", "Year made"))
    ]


def browse_title(facets: list[dict], q: str = "") -> str:
    """The page title for a filtered view, from the selected facet labels (no queries)."""
    parts = []
    for facet in facets:
        label = next((o["label"] for o in facet["options"] if o["selected"]), None)
        if label:
            parts.append(f"{facet['title'].lower()}: {label}" if facet["name"] in ("year", "kind") else label)
    if q:
        parts.append(f"“{q}”")
    return f"Claims: {', '.join(parts)}" if parts else "Claims"
