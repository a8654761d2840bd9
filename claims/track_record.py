"""A person's track record: how their claims stand, overall and by topic."""

from collections import Counter, defaultdict

from .models import Claim

# The buckets a reader cares about; in-progress statuses all count as open.
BUCKETS = (
    ("resolved_true", "resolved true"),
    ("resolved_false", "resolved false"),
    ("resolved_partly", "partly true"),
    ("unresolvable", "unresolvable"),
    ("open", "open"),
)
_OPEN = {Claim.Status.OPEN, Claim.Status.SUPPORTED, Claim.Status.CONTRADICTED, Claim.Status.MIXED}


def bucket_of(status: str) -> str:
    return "open" if status in _OPEN else status


def track_record(claims) -> dict:
    """Counts per bucket overall and per topic, from already-loaded claims (no queries)."""
    overall = Counter()
    by_topic = defaultdict(Counter)
    for claim in claims:
        bucket = bucket_of(claim.status)
        overall[bucket] += 1
        for topic in claim.topics.all():
            by_topic[topic][bucket] += 1
    return {
        "buckets": BUCKETS,
        "overall": [(key, label, overall[key]) for key, label in BUCKETS],
        "total": sum(overall.values()),
        "by_topic": [
            (topic, [(key, label, counts[key]) for key, label in BUCKETS])
            for topic, counts in sorted(by_topic.items(), key=lambda item: item[0].name)
        ],
    }
