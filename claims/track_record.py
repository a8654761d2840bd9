"""Track records: how claims stand, for one person (from loaded claims, or two grouped counts
over the facet table) or for everyone (one grouped query), overall and by topic.

Every status is its own column: folding "supported so far" into "open" hid claims the
data already bears on. Resolved claims get their own summary, with N, because "2 of 3
came out true" means little without the 3.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse

from .models import Claim, ClaimFacet

RESOLVED = (
    Claim.Status.RESOLVED_TRUE,
    Claim.Status.RESOLVED_PARTLY,
    Claim.Status.RESOLVED_FALSE,
    Claim.Status.UNRESOLVABLE,
)
_LABELS = dict(Claim.Status.choices)


@dataclass(frozen=True)
class _TopicRef:
    """A topic as the grouped query gives it: enough to name and link it."""

    slug: str
    name: str

    def get_absolute_url(self):
        return reverse("claims:topic", args=[self.slug])


@dataclass(frozen=True)
class ResolvedSummary:
    """How the resolved claims on one topic (or overall) came out."""

    topic: object  # a Topic, or None for all topics
    counts: tuple  # ((status, label, n), ...) in RESOLVED order
    n: int

    @property
    def true_share(self) -> int | None:
        """Per cent resolved true (partly true counts half), of those that could be decided."""
        by = {status: n for status, _, n in self.counts}
        decided = self.n - by[Claim.Status.UNRESOLVABLE]
        if not decided:
            return None
        score = by[Claim.Status.RESOLVED_TRUE] + 0.5 * by[Claim.Status.RESOLVED_PARTLY]
        return round(100 * score / decided)


def _summary(topic, counter: Counter) -> ResolvedSummary:
    counts = tuple((status, _LABELS[status], counter[status]) for status in RESOLVED)
    return ResolvedSummary(topic, counts, sum(n for _, _, n in counts))


def track_record(claims) -> dict:
    """Counts per status overall and per topic, from already-loaded claims (no queries)."""
    overall = Counter()
    by_topic = defaultdict(Counter)
    for claim in claims:
        overall[claim.status] += 1
        for topic in claim.topics.all():
            by_topic[topic][claim.status] += 1
    return _record(overall, by_topic)


def person_track_record(person) -> dict:
    """track_record() for one person's published claims without loading them: two grouped
    index-only counts over the facet table (overall: one lead row per claim; by topic: every
    topic row), so a person with thousands of claims costs what one with ten does."""
    rows = ClaimFacet.objects.filter(person=person).order_by()
    overall = Counter(dict(rows.filter(lead=True).values_list("status").annotate(n=Count("*"))))
    by_topic = defaultdict(Counter)
    for slug, name, status, n in (rows.filter(topic__isnull=False).values_list("topic__slug", "topic__name", "status")
                                  .annotate(n=Count("*"))):
        by_topic[_TopicRef(slug, name)][status] += n
    return _record(overall, by_topic)


def _record(overall: Counter, by_topic: dict) -> dict:
    # Only statuses somebody's claims have: every claim is counted, no empty columns.
    columns = [(value, label) for value, label in Claim.Status.choices if overall[value]]
    topics = sorted(by_topic.items(), key=lambda item: item[0].name)
    return {
        "buckets": columns,
        "overall": [(key, label, overall[key]) for key, label in columns],
        "total": sum(overall.values()),
        "by_topic": [(topic, [(key, label, counts[key]) for key, label in columns]) for topic, counts in topics],
        "resolved": resolved_summaries({topic: counts for topic, counts in topics}, overall),
    }


def resolved_summaries(by_topic: dict, overall: Counter) -> dict:
    rows = [_summary(topic, counts) for topic, counts in by_topic.items()]
    return {"overall": _summary(None, overall), "by_topic": [row for row in rows if row.n]}


def resolved_by_topic() -> dict:
    """The same summary over every published claim: two grouped index-only counts over the facet
    table (by topic, overall), not two scans of the claims table (300 ms each at 100k claims).

    Overall is counted on its own (one lead row per claim) because a claim with two topics is
    one claim, not two.
    """
    resolved = ClaimFacet.objects.filter(status__in=RESOLVED).order_by()
    rows = (resolved.filter(topic__isnull=False).values_list("status", "topic__slug", "topic__name")
            .annotate(n=Count("*")))
    by_topic = defaultdict(Counter)
    for status, slug, name, n in rows:
        by_topic[_TopicRef(slug, name)][status] += n
    overall = Counter(dict(resolved.filter(lead=True).values_list("status").annotate(n=Count("*"))))
    return resolved_summaries(dict(sorted(by_topic.items(), key=lambda item: item[0].name)), overall)
