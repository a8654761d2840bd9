"""Full-text search over claims, people, topics, accepted evidence, benchmarks, AI models
and ingested feed items, with the matches highlighted (claims/highlight.py).

PostgreSQL gets real full-text search (websearch syntax, weighted vectors, ts_rank).
SQLite gets the same behaviour from the outside: every term must match somewhere (as a
word or the start of one, case- and accent-insensitively), and a match in a title outranks
one in the body. The big
tables, claims and evidence, have their documents stored and indexed: a GIN-indexed
tsvector column on PostgreSQL (claims migration 0003), an FTS5 word index ranked by bm25
on SQLite (migration 0009, claims/fts.py). The small ones are searched per query (LIKE on SQLite).

The search page ranks a bounded candidate set (CANDIDATES matches per group, found through
the index), so its cost does not grow with the number of matches: ranking 30,000 matches of
a common word only to show ten is what made it take seconds at 100k claims. Its counts stop
at the same bound and say so ("100+"). On PostgreSQL claims and evidence are ranked on narrow
search tables that hold only public rows (claims.ClaimSearch, claims/search_rows.py), and only
the rows shown are read from the wide tables; AI models use stored documents while their row
is unchanged (search_rows.ModelSearch).
"""

import logging
import re
from dataclasses import dataclass, field

from django import forms
from django.db import DatabaseError, connection
from django.db.models import Case, Count, F, FloatField, Q, Value, When, Window
from django.db.models.expressions import Expression
from django.shortcuts import render

from ingest.models import AIModel, Benchmark, FeedItem

from . import highlight
from .errors import bad_query
from .models import Claim, Evidence, Person, Topic
from .query_forms import QueryForm

logger = logging.getLogger(__name__)

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

# How many matches per group the search page ranks, and counts up to. A group shows 10 or 20;
# past 100 matches a reader is better served by more words than by a longer ranking, and the
# count says "100+". Each candidate is a heap row read at random: on the evidence group at 1M
# links 100 candidates cost 12-21 ms, 200 30-37 ms, 500 50-160 ms (shared machine, warm cache).
CANDIDATES = 100
# A one- or two-letter prefix expands to a large share of the FTS5 vocabulary: such terms
# (and ones with no letter or digit FTS5 would index) are matched with LIKE among the rows
# the longer ones found (or over the table, if alone).
_FTS_MIN_TERM = 3
_FTS_TOKEN = re.compile(r"[^\W_]", re.UNICODE)

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
STORED_DOCUMENTS = {"claims.claim": "claims_claim", "claims.evidence": "claims_evidence",
                    "claims.person": "claims_person"}  # people: claims migration 0010_search_fts_postgres
# Their SQLite FTS5 counterparts (claims/fts.py): the relation to join, one column per weight.
FTS_ROWS = {"claims.claim": "search_row", "claims.evidence": "search_row"}


class _StoredDocument(Expression):
    """The stored ``search_document`` column of the queryset's own table.

    Not an ORM field (the column exists only on PostgreSQL), so it is an expression that
    knows its table alias and follows it when the query is relabelled as a subquery (a
    download's topics query, a count): raw SQL naming the table broke exactly there.
    """

    def __init__(self, alias=None, column="search_document"):
        super().__init__(output_field=_search_vector_field())
        self.alias, self.column = alias, column

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        # Once only: an ORDER BY is resolved again when its query is compiled as a subquery,
        # and the query's initial alias then still names the outer table (a correlated
        # ts_rank the planner re-ran for every outer row).
        if self.alias is not None:
            return self
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        return type(self)(change_map.get(self.alias, self.alias), self.column)

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name(self.alias)}.{self.column}", []


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


def _like_filter(queryset, words, fields):
    for word in words:
        anywhere = Q()
        for names in fields.values():
            for name in names:
                anywhere |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(anywhere)
    return queryset


def _fallback_search(queryset, q, fields):
    words = terms(q)
    if not words:
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    queryset = _like_filter(queryset, words, fields)
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


def fts_expression(words: list[str]) -> str:
    """An FTS5 query for ``words`` (from `terms`): each a quoted prefix phrase, all required.

    Quoted, a term is taken literally (no FTS5 operators or column filters); a phrase's words
    must follow each other, its last one as a prefix ("scal" finds "scaling", "off-ramp" the
    words "off ramp").
    """
    return " AND ".join('"' + word.replace('"', '""') + '"*' for word in words)


def _bm25(relation):
    """-bm25 over the FTS row's columns, weighted as the fallback scores are (higher is better)."""
    from django.db.models import Func

    weights = [Value(w, output_field=FloatField()) for w in _FALLBACK_SCORE.values()]
    return Func(F(f"{relation}__document"), *weights, function="bm25", template="-%(function)s(%(expressions)s)",
                output_field=FloatField())


def _fts_search(queryset, q, fields):
    words = terms(q)
    indexed = [w for w in words if len(w) >= _FTS_MIN_TERM and _FTS_TOKEN.search(w)]
    if not indexed:
        return _fallback_search(queryset, q, fields)
    relation = FTS_ROWS[queryset.model._meta.label_lower]
    queryset = queryset.filter(**{f"{relation}__document__match": fts_expression(indexed)})
    queryset = _like_filter(queryset, [w for w in words if w not in indexed], fields)
    return queryset.annotate(search_rank=_bm25(relation))


def _indexed(queryset) -> bool:
    """Whether the queryset's table has a stored, indexed document on this database."""
    return queryset.model._meta.label_lower in (STORED_DOCUMENTS if uses_postgres() else FTS_ROWS)


def _search(queryset, q, fields):
    q = (q or "").strip()
    if not q:
        return queryset
    if uses_postgres():
        return _postgres_search(queryset, q, fields)
    if queryset.model._meta.label_lower in FTS_ROWS:
        return _fts_search(queryset, q, fields)
    return _fallback_search(queryset, q, fields)


# Each group's order: best match first, then a tie-break a reader can follow.
ORDERS = {
    "claims": (F("search_rank").desc(), F("date_made").desc(nulls_last=True), "title"),
    "people": (F("search_rank").desc(), "name"),
    "topics": (F("search_rank").desc(), "name"),
    "evidence": (F("search_rank").desc(), "-created"),
    "benchmarks": (F("search_rank").desc(), "name"),
    "models": (F("search_rank").desc(), F("publication_date").desc(nulls_last=True), "name"),
    "feed_items": (F("search_rank").desc(), F("published").desc(nulls_last=True)),
}


def search_claims(queryset, q: str):
    """Filter a Claim queryset to the claims matching ``q``, best match first.

    Matches title (weighted highest), statement and quote, then the person's name. The
    result is annotated with ``search_rank`` (a float, higher is better) and ordered by
    it, then newest first. A blank ``q`` returns the queryset unchanged; a ``q`` with no
    searchable words (only punctuation) matches nothing. The caller decides what is
    published: pass ``Claim.objects.published()`` or ``for_list()``. ``q`` should be at
    most MAX_QUERY_LENGTH characters (BrowseForm and SearchForm enforce it).

    Every match is kept (browse counts and facets need them all); a caller showing only
    the best few ranks a bounded set with `best_of`.
    """
    if not (q or "").strip():
        return queryset
    return _search(queryset, q, CLAIM_FIELDS).order_by(*ORDERS["claims"])


def search_people(queryset, q: str):
    return _search(queryset, q, PERSON_FIELDS).order_by(*ORDERS["people"])


def search_evidence(queryset, q: str):
    return _search(queryset, q, EVIDENCE_FIELDS).order_by(*ORDERS["evidence"])


def search_feed_items(queryset, q: str):
    return _search(queryset, q, FEED_ITEM_FIELDS).order_by(*ORDERS["feed_items"])


def search_topics(queryset, q: str):
    return _search(queryset, q, TOPIC_FIELDS).order_by(*ORDERS["topics"])


def search_benchmarks(queryset, q: str):
    return _search(queryset, q, BENCHMARK_FIELDS).order_by(*ORDERS["benchmarks"])


def search_models(queryset, q: str):
    return _search(queryset, q, MODEL_FIELDS).order_by(*ORDERS["models"])


def candidates(matches):
    """The ids of at most CANDIDATES + 1 of ``matches``, in whatever order the index yields them.

    No ranking and no sort: the GIN index (or FTS5) finds them, and reading stops at the
    bound, so a common word costs what a rare one does. The one past the bound says "more".
    """
    return matches.order_by().values("pk")[:CANDIDATES + 1]


class _AmongIds(Expression):
    """``pk = ANY(ARRAY(ids))`` (PostgreSQL): the id list is computed once and then looked up in
    the primary key. With ``pk IN (a sliced subquery)`` the planner ran the subquery as a filter
    on every row of a join over all published claims (seconds at 10k claims)."""

    conditional = True

    def __init__(self, ids, pk=None):
        from django.db.models import BooleanField

        super().__init__(output_field=BooleanField())
        self.ids, self.pk = ids, pk

    def get_source_expressions(self):
        return [self.pk, self.ids] if self.pk is not None else []

    def set_source_expressions(self, exprs):
        if exprs:
            self.pk, self.ids = exprs

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        from django.db.models import Subquery

        clone = self.copy()
        clone.pk = F("pk").resolve_expression(query, allow_joins, reuse, summarize, for_save)
        clone.ids = Subquery(self.ids).resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone

    def as_sql(self, compiler, connection):
        pk_sql, pk_params = compiler.compile(self.pk)
        ids_sql, ids_params = compiler.compile(self.ids)
        return f"{pk_sql} = ANY(ARRAY{ids_sql})", [*pk_params, *ids_params]


def _among(queryset, ids):
    return queryset.filter(_AmongIds(ids)) if uses_postgres() else queryset.filter(pk__in=ids)


def _ranked(base, ids, q, fields):
    """``base`` rows among ``ids``, annotated with search_rank.

    On PostgreSQL the rank is read from the stored document of those rows only (no second
    match over the table); FTS5's bm25 needs its MATCH in the same query, so SQLite repeats it,
    which costs an index lookup, not a scan.
    """
    if uses_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank

        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        return _among(base, ids).annotate(search_rank=SearchRank(_StoredDocument(), query))
    return _search(base.filter(pk__in=ids), q, fields)


def best_of(base, q: str, fields, order):
    """``base``'s matches for ``q``, ranked within a bounded candidate set: slice it for the best.

    Returns rows ordered by ``order``, each annotated with ``search_rank`` and ``search_total``
    (the number of candidates: the number of matches, up to CANDIDATES + 1; on PostgreSQL a
    window count, so the candidates are found once). Exact whenever there are at most
    CANDIDATES matches; beyond, the best of the first CANDIDATES the index found. PostgreSQL
    computes what comes after the sort (ts_headline) for the returned rows only.
    """
    ids = candidates(_search(base, q, fields))
    if uses_postgres():
        total = Window(Count("pk"))
    else:
        # SQLite runs a window function over a subquery of its own, where bm25 has no MATCH.
        total = _candidate_count(base.model, ids)
    return _ranked(base, ids, q, fields).annotate(search_total=total).order_by(*order, "pk")


def _candidate_count(model, ids):
    """COUNT over the candidate ids as a scalar subquery: at most CANDIDATES + 1, however many match."""
    from django.db.models import Func, IntegerField, Subquery

    counted = model._base_manager.filter(pk__in=ids).order_by().annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    ).values("n")
    return Subquery(counted, output_field=IntegerField())


@dataclass
class ResultGroup:
    key: str
    title: str
    items: list = field(default_factory=list)
    total: int = 0
    capped: bool = False  # total is a lower bound: more than CANDIDATES matched

    @property
    def more(self):
        return self.capped or self.total - len(self.items)

    @property
    def total_display(self) -> str:
        return f"{self.total:,}+" if self.capped else f"{self.total:,}"


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


GROUPS = [
    ("claims", "Claims", lambda: Claim.objects.published().select_related("person"), CLAIM_FIELDS),
    ("people", "People", lambda: Person.objects.all(), PERSON_FIELDS),
    ("topics", "Topics", lambda: Topic.objects.all(), TOPIC_FIELDS),
    ("evidence", "Evidence", lambda: Evidence.objects.public().select_related("claim", "source", "feed_item"),
     EVIDENCE_FIELDS),
    ("benchmarks", "Benchmarks", lambda: Benchmark.objects.all(), BENCHMARK_FIELDS),
    ("models", "AI models", lambda: AIModel.objects.all(), MODEL_FIELDS),
    ("feed_items", "Papers and posts", lambda: FeedItem.objects.select_related("source"), FEED_ITEM_FIELDS),
]


# The narrow search rows each big group ranks over on PostgreSQL: table, key column, the columns
# of the group's order after the rank, and that order (ORDERS, in SQL). Only public rows are in them: the published
# claims (claims.ClaimSearch, 0013_claim_search_rows) and accepted evidence on published claims
# (claims/search_rows.py, 0017_evidence_search_rows).
NARROW_ROWS = {
    "claims": ("claims_claimsearch", "claim_id", "date_made, title", "date_made DESC NULLS LAST, title ASC"),
    "evidence": ("claims_evidencesearch", "evidence_id", "created", "created DESC"),
}


def _narrow_best(key, q, limit):
    """The best ``limit`` of a group's narrow rows matching ``q`` as (pk, rank, candidates).

    The same bounded ranking as `best_of` (the first CANDIDATES + 1 the index finds, ranked by
    the group's order), read from the narrow table alone and in one pass: the candidates' rows
    hold the document and every column the order needs, so none is read from the wide table
    (at 1M evidence links, 101 random reads of claims_evidence and as many of claims_claim) and
    none twice (an id lookup after the match read each candidate again: 407 buffers, now 105).
    """
    table, pk, columns, order = NARROW_ROWS[key]
    query = "websearch_to_tsquery(%s::regconfig, %s)"
    sql = (
        f"SELECT pk, rank, count(*) OVER () FROM ("
        f" SELECT s.{pk} AS pk, ts_rank(s.document, {query}) AS rank, {columns}"
        f" FROM {table} s WHERE s.document @@ {query} LIMIT %s) candidates"
        f" ORDER BY rank DESC, {order}, pk LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [SEARCH_CONFIG, q, SEARCH_CONFIG, q, CANDIDATES + 1, limit])
        return cursor.fetchall()


def _narrow_top(base, q, key, limit):
    """A big group's best rows on PostgreSQL: ranked on its narrow table, then only those read.

    Two queries, the second an id lookup of at most ``limit`` rows; the wide table is read for
    the rows shown and what they show (joins, ts_headline), never for a candidate. ``base``
    still filters them, so a row that is not public could never be shown.
    """
    best = _narrow_best(key, q, limit)
    if not best:
        return [], 0
    found = {row.pk: row for row in _with_headlines(base.filter(pk__in=[pk for pk, _, _ in best]), q, HIGHLIGHTS[key])}
    rows = []
    for pk, rank, total in best:
        if pk in found:
            row = found[pk]
            row.search_rank, row.search_total = rank, total
            rows.append(row)
    return rows, best[0][2]


# The data generation a process last brought the stored model documents up to (claims/search_rows.py):
# they are refreshed once per process per generation, on the first search after it moves.
_models_refreshed_at = None


def _models_top(q, limit):
    """The AI-model group on PostgreSQL: stored documents where current (search_rows.ModelSearch)."""
    global _models_refreshed_at
    from ingest import generation

    from . import search_rows

    now = generation.current(generation.DATA)
    if now != _models_refreshed_at:
        try:
            search_rows.refresh_model_documents()
            _models_refreshed_at = now
        except DatabaseError:
            # Only speed depends on it: the search below stems every model it has no current
            # document for. A lock or a read-only connection must not turn a search into a 500.
            logger.warning("Could not refresh the stored AI-model search documents", exc_info=True)
    options = ", ".join(connection.ops.compose_sql(f"{name}=%s", [value]) for name, value in
                        (("StartSel", highlight.START), ("StopSel", highlight.STOP), ("HighlightAll", True)))
    order = "search_rank DESC, m.publication_date DESC NULLS LAST, m.name ASC, m.id"
    rows = list(AIModel.objects.raw(search_rows.model_matches_sql(order), [options, options, SEARCH_CONFIG, q, limit]))
    return rows, (rows[0].search_total if rows else 0)


def _top(base, q, fields, key):
    """The best rows of a group and how many matched, in one query (two for the narrow tables).

    The big tables rank a bounded candidate set (`best_of`, or its narrow-table form on
    PostgreSQL); the small ones rank every match, with the total riding along on every row as
    a window count.
    """
    limit = GROUP_LIMITS[key]
    if uses_postgres() and key in NARROW_ROWS:
        rows, total = _narrow_top(base, q, key, min(limit, CANDIDATES))
        return rows, min(total, CANDIDATES), total > CANDIDATES
    if uses_postgres() and key == "models":
        rows, total = _models_top(q, limit)
        return rows, min(total, CANDIDATES), total > CANDIDATES
    if _indexed(base):
        rows = list(_with_headlines(best_of(base, q, fields, ORDERS[key]), q, HIGHLIGHTS[key])[:min(limit, CANDIDATES)])
    else:
        matches = _with_headlines(_search(base, q, fields).order_by(*ORDERS[key]), q, HIGHLIGHTS[key])
        rows = list(matches.annotate(search_total=Window(Count("pk")))[:limit])
    total = rows[0].search_total if rows else 0
    return rows, min(total, CANDIDATES), total > CANDIDATES


def search_everything(q: str) -> list[ResultGroup]:
    """Ranked, highlighted results per type: one query per group, whatever the number of matches."""
    groups = []
    for key, title, base, fields in GROUPS:
        items, total, capped = _top(base(), q, fields, key)
        _attach_highlights(items, q, HIGHLIGHTS[key])
        groups.append(ResultGroup(key=key, title=title, items=items, total=total, capped=capped))
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
        # A lower bound when a group stopped counting at CANDIDATES: "230+ results".
        "total_display": f"{sum(g.total for g in groups):,}" + ("+" if any(g.capped for g in groups) else ""),
        "engine": "postgresql" if uses_postgres() else "fallback",
    }
    return render(request, "claims/search.html", context)
