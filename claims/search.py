"""Full-text search over claims, people, topics, accepted evidence, benchmarks, AI models
and ingested feed items, with the matches highlighted (claims/highlight.py).

PostgreSQL gets real full-text search (websearch syntax, weighted vectors, ts_rank).
SQLite gets a fallback that behaves the same way from the outside: every term must
match somewhere, and a match in a title outranks one in the body. The vectors are
stored and GIN-indexed for claims and evidence (the big tables) and computed per query
for people and feed items.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Q, Value, When, Window
from django.db.models.expressions import Expression, RawSQL
from django.shortcuts import render

from ingest.models import AIModel, Benchmark, FeedItem

from . import highlight
from .errors import bad_query
from .models import Claim, Evidence, Person, Topic
from .query_forms import QueryForm

MAX_QUERY_LENGTH = 200
# A fallback query is one LIKE per term per field; bound it so a pasted paragraph
# cannot produce a statement with thousands of clauses.
MAX_TERMS = 8
SEARCH_CONFIG = "english"

# Weights per field: A (titles, names) > B (statement, quote, summaries) > C (the rest).
CLAIM_FIELDS = {"A": ("title",), "B": ("statement", "quote"), "C": ("person__name",)}
PERSON_FIELDS = {"A": ("name",), "B": ("bio",), "C": ("affiliation", "role")}
EVIDENCE_FIELDS = {"A": ("source__title", "feed_item__title"), "B": ("summary",), "C": ("note",)}
FEED_ITEM_FIELDS = {"A": ("title",), "B": ("summary",)}
TOPIC_FIELDS = {"A": ("name",), "B": ("description",)}
BENCHMARK_FIELDS = {"A": ("name",), "B": ("description",), "C": ("publisher",)}
MODEL_FIELDS = {"A": ("name",), "B": ("organization",), "C": ("domain", "task")}

# Fallback scores mirror PostgreSQL's default ts_rank weights (A=1.0, B=0.4, C=0.2).
_FALLBACK_SCORE = {"A": 1.0, "B": 0.4, "C": 0.2}

_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|(\S+)')
_WORD_CHARS = re.compile(r"\w", re.UNICODE)
_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$", re.UNICODE)


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def terms(q: str) -> list[str]:
    """Split a query the way a reader means it: "quoted phrases" stay whole, words split.

    Leading/trailing punctuation is dropped (so 'wall?' finds 'wall'), terms with no
    letters or digits are ignored, and so is websearch's '-'/'or' syntax, which the
    fallback does not implement: it is better to ignore an operator than to search
    for it literally.
    """
    found = []
    for phrase, word in _PHRASE_OR_WORD.findall(q or ""):
        term = " ".join(phrase.split()) if phrase else word
        term = _EDGE_PUNCTUATION.sub("", term)
        if not _WORD_CHARS.search(term) or term.lower() == "or":
            continue
        if term.lower() not in (t.lower() for t in found):
            found.append(term)
    return found[:MAX_TERMS]


# Tables whose weighted document is stored and GIN-indexed (filled by triggers; see
# claims/migrations/0002): searching them reads the index instead of parsing every row.
STORED_DOCUMENTS = {"claims.claim": "claims_claim", "claims.evidence": "claims_evidence"}


class _StoredDocument(Expression):
    """The stored ``search_document`` column of the queryset's own table.

    Not an ORM field (the column exists only on PostgreSQL), so it is an expression that
    knows its table alias and follows it when the query is relabelled as a subquery (a
    download's topics query, a count): raw SQL naming the table broke exactly there.
    """

    def __init__(self, alias=None):
        super().__init__(output_field=_search_vector_field())
        self.alias = alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        return type(self)(change_map.get(self.alias, self.alias))

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name(self.alias)}.search_document", []


def _search_vector_field():
    from django.contrib.postgres.search import SearchVectorField

    return SearchVectorField()


def _stored_search(queryset, q):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorExact

    query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
    return queryset.filter(SearchVectorExact(_StoredDocument(), query)).annotate(
        search_rank=SearchRank(_StoredDocument(), query)
    )


def _postgres_search(queryset, q, fields):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    if queryset.model._meta.label_lower in STORED_DOCUMENTS:
        return _stored_search(queryset, q)

    vector = None
    for weight, names in fields.items():
        # SearchVector coalesces each column, so a claim without a person still matches.
        part = SearchVector(*names, weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
    return queryset.annotate(search_document=vector).filter(search_document=query).annotate(
        search_rank=SearchRank(vector, query)
    )


def _fallback_search(queryset, q, fields):
    words = terms(q)
    if not words:
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    for word in words:
        anywhere = Q()
        for names in fields.values():
            for name in names:
                anywhere |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(anywhere)
    score = Value(0.0, output_field=FloatField())
    for word in words:
        for weight, names in fields.items():
            hit = Q()
            for name in names:
                hit |= Q(**{f"{name}__icontains": word})
            score = score + Case(
                When(hit, then=Value(_FALLBACK_SCORE[weight])), default=Value(0.0), output_field=FloatField()
            )
    return queryset.annotate(search_rank=score)


def _search(queryset, q, fields):
    q = (q or "").strip()
    if not q:
        return queryset
    if uses_postgres():
        return _postgres_search(queryset, q, fields)
    return _fallback_search(queryset, q, fields)


def search_claims(queryset, q: str):
    """Filter a Claim queryset to the claims matching ``q``, best match first.

    Matches title (weighted highest), statement and quote, then the person's name. The
    result is annotated with ``search_rank`` (a float, higher is better) and ordered by
    it, then newest first. A blank ``q`` returns the queryset unchanged; a ``q`` with no
    searchable words (only punctuation) matches nothing. The caller decides what is
    published: pass ``Claim.objects.published()`` or ``for_list()``. ``q`` should be at
    most MAX_QUERY_LENGTH characters (BrowseForm and SearchForm enforce it).
    """
    if not (q or "").strip():
        return queryset
    return _search(queryset, q, CLAIM_FIELDS).order_by(
        F("search_rank").desc(), F("date_made").desc(nulls_last=True), "title"
    )


def search_people(queryset, q: str):
    return _search(queryset, q, PERSON_FIELDS).order_by(F("search_rank").desc(), "name")


def search_evidence(queryset, q: str):
    return _search(queryset, q, EVIDENCE_FIELDS).order_by(F("search_rank").desc(), "-created")


def search_feed_items(queryset, q: str):
    return _search(queryset, q, FEED_ITEM_FIELDS).order_by(
        F("search_rank").desc(), F("published").desc(nulls_last=True)
    )


def search_topics(queryset, q: str):
    return _search(queryset, q, TOPIC_FIELDS).order_by(F("search_rank").desc(), "name")


def search_benchmarks(queryset, q: str):
    return _search(queryset, q, BENCHMARK_FIELDS).order_by(F("search_rank").desc(), "name")


def search_models(queryset, q: str):
    return _search(queryset, q, MODEL_FIELDS).order_by(
        F("search_rank").desc(), F("publication_date").desc(nulls_last=True), "name"
    )


@dataclass
class ResultGroup:
    key: str
    title: str
    items: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self):
        return self.total - len(self.items)


GROUP_LIMITS = {"claims": 20, "people": 10, "topics": 10, "evidence": 10, "benchmarks": 10, "models": 10,
                "feed_items": 10}

# Which fields each group highlights: True marks the whole field (titles, names), False a
# fragment around the matches (long text). Feed item summaries are HTML from outside, so
# only their titles are highlighted (the summary is shown as stripped plain text).
HIGHLIGHTS = {
    "claims": {"title": True, "quote": False},
    "people": {"name": True, "bio": False},
    "topics": {"name": True, "description": False},
    "evidence": {"summary": False},
    "benchmarks": {"name": True, "description": False},
    "models": {"name": True, "organization": True},
    "feed_items": {"title": True},
}


def _with_headlines(queryset, q, fields):
    """On PostgreSQL, ts_headline per highlighted field, in the same query as the results."""
    if not uses_postgres():
        return queryset
    from django.contrib.postgres.search import SearchHeadline, SearchQuery

    query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
    return queryset.annotate(**{
        f"headline_{name}": SearchHeadline(
            name, query, config=SEARCH_CONFIG, start_sel=highlight.START, stop_sel=highlight.STOP,
            highlight_all=whole or None, max_words=None if whole else highlight.FRAGMENT_WORDS,
            min_words=None if whole else 15,
        )
        for name, whole in fields.items()
    })


def _attach_highlights(rows, q, fields):
    words = terms(q)
    postgres = uses_postgres()
    for row in rows:
        row.highlights = {
            name: highlight.from_headline(getattr(row, f"headline_{name}"), getattr(row, name)) if postgres
            else highlight.fallback(getattr(row, name), words, whole=whole)
            for name, whole in fields.items()
        }


def _top(queryset, limit):
    """The best ``limit`` rows and the number of all matches, in one query.

    The total rides along on every row as a window count over the filtered set, so a
    group costs one query however many rows match.
    """
    rows = list(queryset.annotate(search_total=Window(Count("pk")))[:limit])
    return rows, (rows[0].search_total if rows else 0)


def search_everything(q: str) -> list[ResultGroup]:
    """Ranked, highlighted results per type: one query per group, whatever the number of matches."""
    sources = [
        ("claims", "Claims", search_claims(Claim.objects.published().select_related("person"), q)),
        ("people", "People", search_people(Person.objects.all(), q)),
        ("topics", "Topics", search_topics(Topic.objects.all(), q)),
        (
            "evidence",
            "Evidence",
            search_evidence(Evidence.objects.public().select_related("claim", "source", "feed_item"), q),
        ),
        ("benchmarks", "Benchmarks", search_benchmarks(Benchmark.objects.all(), q)),
        ("models", "AI models", search_models(AIModel.objects.all(), q)),
        ("feed_items", "Papers and posts", search_feed_items(FeedItem.objects.select_related("source"), q)),
    ]
    groups = []
    for key, title, queryset in sources:
        items, total = _top(_with_headlines(queryset, q, HIGHLIGHTS[key]), GROUP_LIMITS[key])
        _attach_highlights(items, q, HIGHLIGHTS[key])
        groups.append(ResultGroup(key=key, title=title, items=items, total=total))
    return groups


class SearchForm(QueryForm):
    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, strip=True, label="Search Claimwatch")


def search_view(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form, "Invalid search")
    q = form.cleaned_data["q"]
    groups = search_everything(q) if q else []
    context = {
        "form": form,
        "q": q,
        "groups": groups,
        "total": sum(g.total for g in groups),
        "engine": "postgresql" if uses_postgres() else "fallback",
    }
    return render(request, "claims/search.html", context)
