"""Facet counts for /claims/: each facet counted under every filter but its own.

One grouped query per facet over the narrow facet table (claims.ClaimFacet, kept by triggers),
each an index-only scan of the rows its filters match: at 100k claims the same counts over the
claims table read its 300 MB of quotes and joined every topic.
"""

import hashlib

from django.core.cache import cache
from django.db.models import Count, Q
from django.http import QueryDict

from . import facet_table, text_match
from .forms import FACET_COLUMNS, PERSON_NONE, YEAR_UNKNOWN, BrowseForm
from .models import Claim, ClaimFacet, FacetCount, Person, Topic


NO_PERSON_LABEL = "no person: the essays' own claims"

# Values a facet shows at most; the rest are one "more" link away (?expand=<facet>). At 100k
# claims the person facet alone had 2,000 values and made /claims/ 792 KB.
FACET_TOP = 30
EXPANDABLE = ("topic", "person")


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


def cached_facet_counts(form: BrowseForm, params) -> dict:
    """facet_counts, computed once per claims version and filter combination (no query when cached).

    Keyed, and linked, on the recognised, normalised filters only: junk parameters or a
    different spelling of the same filters share one entry instead of making a new one
    each (an easy way to fill the cache).
    """
    expand = params.get("expand", "")
    params = recognised_params(form)
    if expand in EXPANDABLE:  # the view has refused any other value
        params["expand"] = expand
    key = hashlib.sha256(repr((claims_version(), sorted(params.items()))).encode()).hexdigest()
    return cache.get_or_set(f"facets:v3:{key}", lambda: facet_counts(form, params), 3600)


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


COLUMNS = FACET_COLUMNS
COUNT_TTL = 24 * 3600


def facet_filters(form: BrowseForm) -> dict:
    """The filters as the facet table holds them, q included."""
    q = form.cleaned_data.get("q")
    return {**({"q": q} if q else {}), **form.facet_values()}


def facet_rows(filters: dict, counted: str | None = None):
    """The facet rows of the claims ``filters`` match, one per claim (or per claim and topic when
    ``counted`` is "topic")."""
    from .search import search_claims

    rows = ClaimFacet.objects.all()
    for name, value in filters.items():
        if name == "q":
            rows = rows.filter(claim_id__in=search_claims(Claim.objects.published(), value).order_by().values("pk"))
        else:
            rows = rows.filter(**{COLUMNS[name]: value})  # None is IS NULL: no person, or no date
    if counted == "topic":
        return rows.filter(topic__isnull=False)
    # Under a topic filter that topic's rows are one per claim; otherwise the lead rows are.
    return rows if "topic" in filters else rows.filter(lead=True)


def _count_by(name: str, filters: dict) -> dict:
    rows = facet_rows(filters, name).values_list(COLUMNS[name]).annotate(n=Count("*")).order_by()
    return dict(rows)


def _key(generation: int, name: str, filters: dict) -> str:
    digest = hashlib.sha256(repr(sorted(filters.items(), key=lambda item: item[0])).encode()).hexdigest()[:32]
    return f"facet-count:v1:{generation}:{name}:{digest}"


def _decode(name: str, value: str):
    """A FacetCount value back as the facet table holds it ("" is NULL)."""
    if name in ("status", "kind"):
        return value
    return int(value) if value else None


def _encode(value) -> str:
    return "" if value is None else str(value)


def is_precounted(under: dict) -> bool:
    """Whether claims.FacetCount holds the counts under these filters: none, one, or two of
    facet_table.PAIRED (a person's rows are few: counted as they are)."""
    if "q" in under:
        return False
    return len(under) <= 1 or (len(under) == 2 and all(name in facet_table.PAIRED for name in under))


def _precounted(wanted: dict) -> dict[str, dict]:
    """{facet: {value: n}} from the pre-aggregated counts, for facets under filters is_precounted()
    holds (``wanted``: facet -> its filters), all in one query over claims.FacetCount's key."""
    if not wanted:
        return {}
    which = Q()
    for name, under in wanted.items():
        if len(under) == 2:
            (a, va), (b, vb) = sorted(under.items(), key=lambda item: facet_table.PAIRED.index(item[0]))
            which |= Q(facet=name, under=facet_table.pair_name(a, b), under_value=f"{_encode(va)}+{_encode(vb)}")
            continue
        (other, value), = under.items() if under else [("", "")]
        which |= Q(facet=name, under=other, under_value=_encode(value) if other else "")
    counts = {name: {} for name in wanted}
    for name, value, n in FacetCount.objects.filter(which, n__gt=0).values_list("facet", "value", "n"):
        counts[name][_decode(name, value)] = n
    return counts


def raw_counts(filters: dict, match=None) -> dict[str, dict]:
    """Each facet's {value: n} under every filter but its own.

    A facet under no filter, one, or two that are not a person (every facet of a page with one or
    two such filters, the filtered facets of a page with three) reads claims.FacetCount: one query
    for all of them. Narrower ones are a grouped index-only count each over the facet table, of
    the rows that intersection matches.
    Cached per claims generation and (facet, filter set), not per whole URL: the topic counts
    under kind=prediction serve every URL that filters on kind=prediction plus a topic. Under q
    the counts come from q's match (``match()`` returns it; text_match.text_match if not given).
    """
    from .generation import claims_generation

    match = match or (lambda: text_match.text_match(filters["q"]))

    generation = claims_generation()
    under = {name: {k: v for k, v in filters.items() if k != name} for name in COLUMNS}
    keys = {name: _key(generation, name, under[name]) for name in COLUMNS}
    found = cache.get_many(list(keys.values()))
    counts = {name: found[key] for name, key in keys.items() if key in found}
    missing = [name for name in COLUMNS if name not in counts]
    counts.update(_precounted({name: under[name] for name in missing if is_precounted(under[name])}))
    if "q" in filters and any(name not in counts for name in missing):
        # Every facet under q from q's match (claims/text_match.py text_match): for one lexeme a
        # grouped pass per facet over its stored lexeme rows, one statement for all of them; for
        # any other q the TextMatch's facet rows, read once per generation and q, counted here.
        counts.update(match().counts({name: under[name] for name in missing if name not in counts}))
    counts.update({name: _count_by(name, under[name]) for name in missing if name not in counts})
    if missing:
        cache.set_many({keys[name]: counts[name] for name in missing}, COUNT_TTL)
    return counts


def matching_count(filters: dict, counts: dict, match=None) -> int:
    """How many claims the filters match, from the facet counts when a facet every claim has one
    value of is not itself filtered (the sum of its counts); otherwise one index-only count."""
    for name in ("status", "kind", "person", "year"):
        if name not in filters:
            return sum(counts[name].values())
    if "q" in filters:
        return len((match() if match else text_match.text_match(filters["q"])).matching(filters))
    return facet_rows(filters).count()


def claim_count(form: BrowseForm) -> int:
    """How many claims the form's filters match: the browse page's own figure, from the same
    cached facet counts (so a download of a page just seen counts nothing)."""
    filters = facet_filters(form)

    def match():
        return text_match.of_form(form)

    return matching_count(filters, raw_counts(filters, match), match)


def _names(model, ids) -> dict:
    ids = [pk for pk in ids if pk is not None]
    if not ids:
        return {}
    return {pk: (slug, name) for pk, slug, name in model.objects.filter(pk__in=ids).values_list("pk", "slug", "name")}


def _candidates(counts: dict, keep, expand: bool) -> list:
    """The values that can make the top FACET_TOP (ties at the cut included), and ``keep``."""
    if expand or len(counts) <= FACET_TOP:
        return list(counts)
    cut = sorted(counts.values(), reverse=True)[FACET_TOP - 1]
    return [value for value, n in counts.items() if n >= cut or value == keep]


def facet_counts(form: BrowseForm, params) -> dict:
    """The five facets' options (top values, links, counts) and the number of matching claims."""
    filters = facet_filters(form)

    def match():  # read only if a count needs it: most pages find every count cached
        return text_match.of_form(form)

    counts = raw_counts(filters, match)
    data = form.cleaned_data
    facets = {}
    expand = params.get("expand", "")
    topics = _names(Topic, _candidates(counts["topic"], form.ids.get("topic"), expand == "topic"))
    facets["topic"] = ((*topics[pk], n) for pk, n in counts["topic"].items() if pk in topics)
    # Claims with no person (the essays' own) are a value of their own, listed last.
    people = _names(Person, _candidates(counts["person"], filters.get("person", 0), expand == "person"))
    people[None] = (PERSON_NONE, NO_PERSON_LABEL)
    facets["person"] = ((*people[pk], n) for pk, n in counts["person"].items() if pk in people)
    more = {}
    for name in EXPANDABLE:
        facets[name], more[name] = _top(list(facets[name]), name, data.get(name) or "", expand)
        if len(counts[name]) > FACET_TOP and expand != name:
            more[name] = True  # values left out before ranking still count as "more"
    facets["person"].sort(key=lambda f: f[0] == PERSON_NONE)  # stable: the ranking stays
    for name, choices in (("status", Claim.Status.choices), ("kind", Claim.Kind.choices)):
        facets[name] = [(value, label, counts[name][value]) for value, label in choices if value in counts[name]]
    years = sorted(counts["year"].items(), key=lambda f: (f[0] is None, -(f[0] or 0)))
    facets["year"] = [
        (str(y) if y is not None else YEAR_UNKNOWN, str(y) if y is not None else "date unknown", n) for y, n in years
    ]
    options = [
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
    return {"facets": options, "count": matching_count(filters, counts, match)}


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
