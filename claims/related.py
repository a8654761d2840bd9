"""A claim page's related claims: the newest published claims sharing one of its topics.

Asked per claim, "the newest claims in these topics, but not this one" is a walk down the
claims in date order probing each for the topics: for a topic of 2,600 of 100,000 claims that
is 2,900 probes (7 ms), ten times what it is at 10,000 claims, and a reader of a claim seldom
finds its list cached. The newest few of each topic are the same for every claim of it, so
they are read once per topic and claims generation (every claim, topic and tagging edit
advances it); a claim's list is then the newest of its topics' lists, read by id.
"""

from django.core.cache import cache

from .generation import claims_generation
from .models import Claim

RELATED = 5
TTL = 24 * 3600


def _newest(topic_ids: list[int], generation: int) -> dict[int, list[int]]:
    """The ids of each topic's newest RELATED + 1 published claims (one more than a page shows,
    so one of them can be the page's own claim): from the cache, else one query per topic missing."""
    keys = {f"topic-newest:v1:{pk}:{generation}": pk for pk in topic_ids}
    found = {keys[key]: ids for key, ids in cache.get_many(list(keys)).items()}
    missing = {}
    for key, pk in keys.items():
        if pk not in found:
            found[pk] = missing[key] = list(
                Claim.objects.for_list().filter(topics=pk).values_list("pk", flat=True)[:RELATED + 1])
    if missing:
        cache.set_many(missing, TTL)
    return found


def related_claims(claim: Claim, topics) -> list[Claim]:
    """Up to RELATED published claims sharing a topic with ``claim``, newest first (as the
    claims list orders them), with their people; cached per claim and claims generation."""
    generation = claims_generation()
    key = f"related:v2:{claim.pk}:{generation}"
    related = cache.get(key)
    if related is None:
        candidates = {pk for ids in _newest([t.pk for t in topics], generation).values() for pk in ids}
        candidates.discard(claim.pk)
        # Enough: a claim among the newest RELATED of all the topics has at most RELATED - 1
        # others and this claim newer than it in its own topic, so it is in that topic's list.
        related = list(Claim.objects.for_list().prefetch_related(None).filter(pk__in=candidates)[:RELATED]) \
            if candidates else []
        cache.set(key, related, TTL)
    return related
