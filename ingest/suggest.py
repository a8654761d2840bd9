"""Evidence suggestions: after a feed or arXiv run, which new items bear on which claims?

An item is suggested for a published claim when both hold:

1. topic: the item is about AI at all and its title or summary contains a keyword of
   one of the claim's topics (ingest/topic_keywords.py);
2. text: the item shares at least two distinctive terms with the claim's title and
   statement. On PostgreSQL this is a full-text match (SearchVector over the item,
   a SearchQuery of claim-term pairs, ranked with SearchRank, English stemming); on
   SQLite a term-overlap fallback with a light stemmer does the same job.

Suggestions are stored as claims.Evidence(state="suggested") with the reason spelled out,
for an editor to accept or reject: never accepted here, never duplicated (the database
holds one row per claim and item; re-running adds nothing).
"""

import itertools
import logging
import re
from collections import defaultdict
from functools import reduce
from operator import or_

from django.db import connection

from .models import DataSource, FeedItem, IngestRun
from .sanitize import plain_text
from .topic_keywords import AI_TERMS, TOPIC_KEYWORDS

log = logging.getLogger(__name__)

SUGGESTING_KINDS = {DataSource.Kind.FEED, DataSource.Kind.ARXIV}
MIN_SHARED_TERMS = 2
MAX_CLAIM_TERMS = 10
MAX_SUGGESTIONS_PER_ITEM = 3

STOPWORDS = set("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers him his how i if in into is it its itself just let may me might more most must my no nor not now of off
on once one only or other our out over own same she should so some such than that the their them then there
these they this those through to too under until up upon very was we were what when where which while who whom
why will with would you your yours new way ways much many make makes made get gets getting thing things
ai model models system systems people someone something use used using within without even still yet
since going done next alone number total single significantly increasingly longer available function
often always never rather less least every well better best good great large small high low long first last
year years time times part based show shows shown need needs needed work works across around already
""".split())

_WORD = re.compile(r"[a-z0-9][a-z0-9+\-]*[a-z0-9+]|[a-z0-9]")


def stem(word: str) -> str:
    """A deliberately small stemmer: enough that 'scaling'/'scale' and 'agents'/'agent' meet."""
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("e", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + replacement
    return word


def terms(text: str) -> list[str]:
    """Distinctive words of a text, in order of first appearance (stop words dropped)."""
    seen = []
    for word in _WORD.findall(text.lower()):
        if len(word) >= 3 and word not in STOPWORDS and word not in seen:
            seen.append(word)
    return seen


def _keyword_pattern(keyword: str) -> re.Pattern:
    body = re.escape(keyword.rstrip("*")).replace(r"\ ", r"[\s-]+")
    tail = r"\w*" if keyword.endswith("*") else ""
    # Acronyms (LLM, IDE, GPU) must match in capitals, or 'ide' would match 'idea'.
    flags = 0 if keyword.rstrip("*").isupper() else re.IGNORECASE
    return re.compile(rf"(?<!\w){body}{tail}(?!\w)", flags)


_PATTERNS = {slug: [(kw, _keyword_pattern(kw)) for kw in keywords] for slug, keywords in TOPIC_KEYWORDS.items()}
_AI_PATTERNS = [_keyword_pattern(kw) for kw in AI_TERMS]


def is_about_ai(text: str) -> bool:
    return any(pattern.search(text) for pattern in _AI_PATTERNS)


def topic_hits(text: str) -> dict[str, list[str]]:
    """{topic slug: [keywords found]} for one item's text."""
    hits = {}
    for slug, patterns in _PATTERNS.items():
        found = [kw for kw, pattern in patterns if pattern.search(text)]
        if found:
            hits[slug] = found
    return hits


def suggest_for_run(run_id: int) -> int:
    """Store suggestions for the items a successful feed/arXiv run wrote. Returns how many."""
    from claims.models import Claim

    run = IngestRun.objects.select_related("source").get(pk=run_id)
    if run.source.kind not in SUGGESTING_KINDS or run.status != IngestRun.Status.OK:
        return 0
    items = list(FeedItem.objects.filter(run=run).only("id", "title", "summary"))
    claims = list(Claim.objects.published().prefetch_related("topics").only("id", "title", "statement"))
    if not items or not claims:
        return 0
    texts = {item.pk: f"{item.title}\n{plain_text(item.summary)}" for item in items}
    item_topics = {item.pk: topic_hits(texts[item.pk]) for item in items if is_about_ai(texts[item.pk])}
    claim_terms = {claim.pk: terms(f"{claim.title} {claim.statement}")[:MAX_CLAIM_TERMS] for claim in claims}
    # Candidates pass the topic gate; the text test below decides.
    candidates: dict[int, list[tuple]] = defaultdict(list)  # claim id -> [(item id, topic, keywords)]
    for claim in claims:
        for topic in claim.topics.all():
            for item_id, hits in item_topics.items():
                if topic.slug in hits:
                    candidates[claim.pk].append((item_id, topic.name, hits[topic.slug]))
    if connection.vendor == "postgresql":
        matches = _postgres_matches(candidates, claim_terms)
    else:
        matches = _overlap_matches(candidates, claim_terms, texts)
    return _store(matches, candidates, claim_terms, texts)


def _overlap_matches(candidates, claim_terms, texts) -> dict[tuple[int, int], float]:
    item_stems = {}
    matches = {}
    for claim_id, entries in candidates.items():
        wanted = {stem(t) for t in claim_terms[claim_id]}
        for item_id, _, _ in entries:
            if item_id not in item_stems:
                item_stems[item_id] = {stem(t) for t in terms(texts[item_id])}
            shared = wanted & item_stems[item_id]
            if len(shared) >= MIN_SHARED_TERMS:
                matches[(claim_id, item_id)] = float(len(shared))
    return matches


def _postgres_matches(candidates, claim_terms) -> dict[tuple[int, int], float]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    document = SearchVector("title", weight="A", config="english") + SearchVector("summary", weight="B", config="english")
    matches = {}
    for claim_id, entries in candidates.items():
        words = claim_terms[claim_id]
        if len(words) < MIN_SHARED_TERMS:
            continue
        # "Any two of the claim's terms": an OR of AND-pairs, stemmed by PostgreSQL.
        query = reduce(or_, (SearchQuery(a, config="english") & SearchQuery(b, config="english")
                             for a, b in itertools.combinations(words, 2)))
        item_ids = {item_id for item_id, _, _ in entries}
        found = (
            FeedItem.objects.filter(pk__in=item_ids)
            .annotate(document=document)
            .filter(document=query)
            .annotate(rank=SearchRank(document, query))
            .values_list("pk", "rank")
        )
        for item_id, rank in found:
            matches[(claim_id, item_id)] = float(rank)
    return matches


def _store(matches, candidates, claim_terms, texts) -> int:
    from claims.models import Evidence

    if not matches:
        return 0
    topics_for = {(claim_id, item_id): (topic, keywords)
                  for claim_id, entries in candidates.items() for item_id, topic, keywords in entries}
    best_per_item = defaultdict(list)
    for (claim_id, item_id), score in matches.items():
        best_per_item[item_id].append((score, claim_id))
    existing = set(
        Evidence.objects.filter(feed_item_id__in=best_per_item.keys()).values_list("claim_id", "feed_item_id")
    )
    new = []
    for item_id, scored in best_per_item.items():
        # The strongest few per item: an editor's queue, not a flood.
        for score, claim_id in sorted(scored, reverse=True)[:MAX_SUGGESTIONS_PER_ITEM]:
            if (claim_id, item_id) in existing:
                continue
            topic, keywords = topics_for[(claim_id, item_id)]
            item_stems = {stem(t) for t in terms(texts[item_id])}
            shared = [t for t in claim_terms[claim_id] if stem(t) in item_stems]
            how = (f"PostgreSQL full-text match (rank {score:.3f})" if connection.vendor == "postgresql"
                   else f"{int(score)} shared terms")
            reason = (f"Topic “{topic}”: the item mentions {', '.join(keywords[:5])}. "
                      f"Text: {how}; terms shared with the claim: {', '.join(shared[:8]) or 'stemmed forms only'}.")
            new.append(Evidence(claim_id=claim_id, feed_item_id=item_id, state=Evidence.State.SUGGESTED,
                                match_reason=reason))
    Evidence.objects.bulk_create(new, ignore_conflicts=True)
    log.info("suggested %d evidence item(s)", len(new))
    return len(new)
