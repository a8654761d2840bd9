"""Dashboard figures, computed once per generation instead of aggregated on every view.

Claim counts by status and per topic are read from claims.FacetCount (kept by triggers), other
figures are computed; all are cached (or stored) under the claims generation. The model count
follows the data generation (ingest runs).
"""

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Count, Exists, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce

from ingest.generation import data_generation
from ingest.models import AIModel

from . import payload_store
from .generation import claims_generation
from .models import ClaimFacet, Evidence, FacetCount, Person, Topic
from .track_record import resolved_by_topic

TTL = 24 * 3600


def _cached(name, version, compute):
    return cache.get_or_set(f"dashboard:v1:{name}:{version}", compute, TTL)


def _stored(name, version, compute):
    """For the figures that scan every claim: cached and stored (claims.payload_store), so after a
    cache flush the topic counts cost a read of one row, not a join of every claim with its topics
    (600 ms at 100k). Two more queries on a miss, so cheap figures stay in the cache only."""
    return payload_store.stored(f"dashboard:{name}", version, compute)


def status_counts() -> dict[str, int]:
    """Published claims per status (1 query on a miss: claims.FacetCount's rows, kept by triggers)."""
    return _stored("status", claims_generation(), lambda: dict(
        FacetCount.objects.filter(facet="status", under="", n__gt=0).values_list("value", "n")))


def topics_with_counts() -> list[Topic]:
    """Every topic with ``n``, its number of published claims, most first (1 query on a miss).

    Read from claims.FacetCount (one row a topic, kept current by triggers on every write), not
    counted: the join of every claim with its topics cost 600 ms at 100k on each miss, which
    every edit causes, and the topic pages count their claims from here."""
    counted = FacetCount.objects.filter(facet="topic", under="", value=Cast(OuterRef("pk"), CharField()))
    return _stored("topics", claims_generation(), lambda: list(
        Topic.objects.annotate(n=Coalesce(Subquery(counted.values("n")[:1]), 0)).order_by("-n", "name")))


def resolved_summary() -> dict:
    """How resolved claims came out, by topic and overall (track_record.resolved_by_topic: two
    grouped scans of every resolved claim on a miss, none warm)."""
    return _cached("resolved", claims_generation(), resolved_by_topic)


def newest_evidence(limit: int = 5) -> list:
    """The newest public evidence, with its claim, source and feed item (1 query on a miss).

    Cached per claims generation (evidence and claim edits advance it) and data generation
    (feed items come with ingest runs): SQLite plans this join as a scan of every claim and a
    sort of every evidence row (a second at 10k claims), so it must not run per view.
    """
    return _cached(f"newest-evidence:{limit}", f"{claims_generation()}:{data_generation()}",
                   lambda: list(Evidence.objects.newest_public()[:limit]))


def model_count() -> int:
    return _cached("models", data_generation(), AIModel.objects.count)


PEOPLE_PAGE = 48


class _PeopleWithClaims:
    """People with published claims, by name, as a Paginator's object list: its length and each
    page are read once per claims generation (a page at a time, not 2,000 people per request)."""

    def __init__(self):
        self.generation = claims_generation()

    @staticmethod
    def _query():
        # Over the facet table (a row per published claim and topic): an index probe per person,
        # where counting through the claims table read all 100k claims for the count and again per page.
        facets = ClaimFacet.objects.filter(person=OuterRef("pk"))
        claims = facets.filter(lead=True).order_by().values("person").annotate(n=Count("*")).values("n")
        return Person.objects.filter(Exists(facets)).annotate(n=Subquery(claims)).order_by("name", "pk")

    def __len__(self):
        return _cached("people-count", self.generation, lambda: self._query().count())

    def __getitem__(self, window: slice):
        return _cached(f"people-page:{window.start}:{window.stop}", self.generation,
                       lambda: list(self._query()[window]))


def people_page(number) -> Page:
    """One page of the people with published claims, ``n`` their number, by name (``number`` as
    the query string gives it; 2 queries on a miss, none warm)."""
    return Paginator(_PeopleWithClaims(), PEOPLE_PAGE).get_page(number)
