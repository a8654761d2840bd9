"""Facet counts for /claims/: each facet counted under every filter but its own.

One grouped query per facet, so the page costs the same whatever the number of claims.
"""

from django.db.models import Count
from django.db.models.functions import ExtractYear

from .forms import YEAR_UNKNOWN, BrowseForm
from .models import Claim


def _grouped(queryset, *fields):
    return queryset.order_by().values(*fields).annotate(n=Count("id", distinct=True))


def claims_version() -> int:
    """Changes whenever a claim is added, edited or removed: the key for cached facet counts.

    A generation number (claims/generation.py), read from the cache: no query per request.
    """
    from .generation import claims_generation

    return claims_generation()


def cached_facet_counts(form: BrowseForm, params) -> list[dict]:
    """facet_counts, computed once per claims version and filter combination (1 query when cached)."""
    import hashlib

    from django.core.cache import cache

    filters = sorted((k, str(v)) for k, v in form.cleaned_data.items() if v and k not in ("page", "sort"))
    rest = sorted((k, v) for k, v in params.items() if k != "page")
    key = hashlib.sha256(repr((claims_version(), filters, rest)).encode()).hexdigest()
    return cache.get_or_set(f"facets:v1:{key}", lambda: facet_counts(form, params), 3600)


def _href(params, name, value):
    """The browse URL with one facet set (or cleared when value is None), back on page 1."""
    query = params.copy()
    query.pop("page", None)
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

    rows = _grouped(form.filter(base, skip="topic").filter(topics__isnull=False), "topics__slug", "topics__name")
    facets["topic"] = sorted(
        ((r["topics__slug"], r["topics__name"], r["n"]) for r in rows), key=lambda f: (-f[2], f[1])
    )
    rows = _grouped(form.filter(base, skip="person").filter(person__isnull=False), "person__slug", "person__name")
    facets["person"] = sorted(((r["person__slug"], r["person__name"], r["n"]) for r in rows), key=lambda f: f[1])
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
            "options": [
                {"value": value, "label": label, "n": n, "href": _href(params, name, value),
                 "selected": value == (data.get(name) or "")}
                for value, label, n in facets[name]
            ],
        }
        for name, title in (("topic", "Topic"), ("person", "Person"), ("status", "Status"), ("kind", "Kind"),
                            ("year", "Year made"))
    ]
