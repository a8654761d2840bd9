"""Evidence suggestions: after a feed or arXiv run, which new items bear on which claims?

Editorial listens to ingest's ``run_succeeded`` signal (editorial/tasks.py); ingest knows
nothing of claims or of this module.

An item is suggested for a published claim when

1. it is about AI at all (``AI_TERMS``: "energy" or "diffusion" alone would pull physics
   preprints onto AI claims);
2. it contains at least one of the claim's own key phrases (``Claim.match_phrases``,
   editable by editors; editorial/phrases.py has the syntax). Topic keywords alone never
   suggest: "OpenAI", "capabilities" or "training" are in half of all AI news, which is how
   DeepSeek-R1's claim used to collect eleven unrelated items;
3. none of the claim's or its topics' exclude phrases appears.

Score: 2 for each claim phrase found in the title, 1 for one found only in the summary,
plus 0.25 for each keyword of the claim's topics (``TOPIC_KEYWORDS`` and
``Topic.match_phrases``), at most 1 in all, so topic words rank but do not decide.
Every suggestion that scores is stored, with its score and a reason naming the phrases:
no per-item cap drops a better match because an item already has three.

Suggestions are claims.Evidence(state="suggested"), never accepted here and never
duplicated (the database holds one row per claim and item; re-running adds nothing).
"""

import logging
from dataclasses import dataclass

from claims.models import Claim, Evidence
from ingest.models import DataSource, FeedItem, IngestRun
from ingest.sanitize import plain_text

from .phrases import Phrase, parse_lines, parse_list
from .topic_keywords import AI_TERMS, TOPIC_KEYWORDS

log = logging.getLogger(__name__)

SUGGESTING_KINDS = {DataSource.Kind.FEED, DataSource.Kind.ARXIV}
TITLE_WEIGHT, SUMMARY_WEIGHT = 2.0, 1.0
TOPIC_WEIGHT, TOPIC_BONUS_CAP = 0.25, 1.0
MIN_SCORE = 1.0

_AI = parse_list(AI_TERMS)
_TOPIC_DEFAULTS = {slug: parse_list(words) for slug, words in TOPIC_KEYWORDS.items()}


def is_about_ai(text: str) -> bool:
    return any(phrase.found_in(text) for phrase in _AI)


def topic_hits(text: str) -> dict[str, list[str]]:
    """{topic slug: [default keywords found]} for one item's text."""
    hits = {}
    for slug, phrases in _TOPIC_DEFAULTS.items():
        found = [p.text for p in phrases if p.found_in(text)]
        if found:
            hits[slug] = found
    return hits


@dataclass(frozen=True)
class ItemText:
    title: str
    summary: str

    @property
    def full(self) -> str:
        return f"{self.title}\n{self.summary}"

    @property
    def lowered(self) -> tuple[str, str]:
        return self.title.lower(), self.full.lower()


@dataclass(frozen=True)
class ClaimRules:
    """What one claim matches on, gathered from the claim and its topics."""

    claim_id: int
    phrases: tuple[Phrase, ...]
    excludes: tuple[Phrase, ...]
    topic_words: tuple[Phrase, ...]

    @classmethod
    def for_claim(cls, claim: Claim) -> "ClaimRules":
        topics = list(claim.topics.all())
        words = [p for t in topics for p in _TOPIC_DEFAULTS.get(t.slug, ()) + parse_lines(t.match_phrases)]
        excludes = parse_lines(claim.exclude_phrases) + tuple(p for t in topics for p in parse_lines(t.exclude_phrases))
        return cls(claim.pk, parse_lines(claim.match_phrases), excludes, tuple(words))


@dataclass(frozen=True)
class Match:
    """A scored suggestion and the words that earned it: the reason editors read in the queue."""

    claim_id: int
    item_id: int
    score: float
    in_title: tuple[str, ...]
    in_summary: tuple[str, ...]
    topic_words: tuple[str, ...]

    @property
    def reason(self) -> str:
        parts = []
        if self.in_title:
            parts.append("title has " + ", ".join(f"“{w}”" for w in self.in_title))
        if self.in_summary:
            parts.append("summary has " + ", ".join(f"“{w}”" for w in self.in_summary))
        why = "Claim key phrases: " + "; ".join(parts) + "."
        if self.topic_words:
            why += " Topic words: " + ", ".join(self.topic_words[:6]) + "."
        return f"{why} Score {self.score:g}."


def match(rules: ClaimRules, item_id: int, text: ItemText) -> Match | None:
    title, full = text.title, text.full
    low_title, low_full = text.lowered
    if not rules.phrases or any(p.found_in(full, low_full) for p in rules.excludes):
        return None
    in_title = tuple(p.text for p in rules.phrases if p.found_in(title, low_title))
    in_summary = tuple(p.text for p in rules.phrases if p.text not in in_title and p.found_in(full, low_full))
    if not in_title and not in_summary:
        return None
    words = tuple(dict.fromkeys(p.text for p in rules.topic_words if p.found_in(full, low_full)))
    score = (TITLE_WEIGHT * len(in_title) + SUMMARY_WEIGHT * len(in_summary)
             + min(TOPIC_BONUS_CAP, TOPIC_WEIGHT * len(words)))
    if score < MIN_SCORE:
        return None
    return Match(rules.claim_id, item_id, score, in_title, in_summary, words)


def matches_for(items, claims) -> list[Match]:
    """Every (claim, item) match, best first. ``items`` is [(id, ItemText)]."""
    rules = [ClaimRules.for_claim(claim) for claim in claims]
    found = []
    for item_id, text in items:
        if not is_about_ai(text.full):
            continue
        for claim_rules in rules:
            result = match(claim_rules, item_id, text)
            if result is not None:
                found.append(result)
    return sorted(found, key=lambda m: (-m.score, m.item_id, m.claim_id))


def item_text(item: FeedItem) -> ItemText:
    return ItemText(item.title, plain_text(item.summary))


def suggest_for_run(run_id: int) -> int:
    """Store suggestions for the items a successful feed/arXiv run wrote. Returns how many."""
    run = IngestRun.objects.select_related("source").get(pk=run_id)
    if run.source.kind not in SUGGESTING_KINDS or run.status != IngestRun.Status.OK:
        return 0
    items = [(item.pk, item_text(item)) for item in FeedItem.objects.filter(run=run).only("id", "title", "summary")]
    claims = list(Claim.objects.published().prefetch_related("topics")
                  .only("id", "match_phrases", "exclude_phrases"))
    if not items or not claims:
        return 0
    return store(matches_for(items, claims))


def store(found: list[Match]) -> int:
    if not found:
        return 0
    existing = set(
        Evidence.objects.filter(feed_item_id__in={m.item_id for m in found}).values_list("claim_id", "feed_item_id")
    )
    new = [
        Evidence(claim_id=m.claim_id, feed_item_id=m.item_id, state=Evidence.State.SUGGESTED,
                 match_reason=m.reason, match_score=m.score)
        for m in found if (m.claim_id, m.item_id) not in existing
    ]
    Evidence.objects.bulk_create(new, ignore_conflicts=True)
    log.info("suggested %d evidence item(s)", len(new))
    return len(new)
