from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .dates import Precision, format_partial_date, iso_partial_date
from .fts import DocumentField


def published_q(prefix: str = "") -> Q:
    """Q for published claims, through `prefix` (e.g. "claims__" from a person or topic)."""
    return Q(**{f"{prefix}editorial_state": "published"})


class WithPublishedClaimsQuerySet(models.QuerySet):
    """For people and topics: how many published claims each has, and only those with any."""

    def with_published_counts(self):
        return self.annotate(n=models.Count("claims", filter=published_q("claims__")))

    def with_published_claims(self):
        return self.with_published_counts().filter(n__gt=0)


class Person(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    affiliation = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    links = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = WithPublishedClaimsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("claims:person", args=[self.slug])


class Topic(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Evidence suggestions (editorial/suggest.py) match an item on these, one phrase a line;
    # editors keep them here so a claim's vocabulary is its own, not a topic's.
    match_phrases = models.TextField(blank=True, help_text=(
        "Key phrases, one a line, that make an ingested item worth suggesting here. \"a + b\" needs both; "
        "a trailing * matches any ending; ALL-CAPS phrases match in capitals only."))
    exclude_phrases = models.TextField(blank=True, help_text="Phrases, one a line, that rule an item out.")

    objects = WithPublishedClaimsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("claims:topic", args=[self.slug])


class Source(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", "paper"
        POST = "post", "post"
        ARTICLE = "article", "article"
        TALK = "talk", "talk"
        DATASET = "dataset", "dataset"
        SOCIAL = "social", "social post"

    # Stable key for curated sources (the seed document name); blank for editor-added ones.
    key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=1000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=10, choices=Precision.choices, default=Precision.UNKNOWN)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    excerpt = models.TextField(blank=True, help_text="Archived text of the document, as it stood when cited.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def date_display(self):
        return format_partial_date(self.date, self.date_precision)


class ClaimQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q())

    def for_list(self):
        """Everything a claim card shows, in a fixed number of queries."""
        return (
            self.published()
            .select_related("person", "source")
            .prefetch_related("topics")
            .order_by("-date_made", "title")
        )

    def for_detail(self):
        return self.published().select_related("person", "source").prefetch_related("topics")


class Claim(models.Model):
    class Kind(models.TextChoices):
        PREDICTION = "prediction", "prediction"
        ASSESSMENT = "assessment", "assessment"
        RECOMMENDATION = "recommendation", "recommendation"

    class Status(models.TextChoices):
        OPEN = "open", "open"
        SUPPORTED = "supported", "supported so far"
        CONTRADICTED = "contradicted", "contradicted so far"
        MIXED = "mixed", "mixed evidence"
        RESOLVED_TRUE = "resolved_true", "resolved true"
        RESOLVED_FALSE = "resolved_false", "resolved false"
        RESOLVED_PARTLY = "resolved_partly", "resolved partly true"
        UNRESOLVABLE = "unresolvable", "unresolvable"

    class EditorialState(models.TextChoices):
        DRAFT = "draft", "draft"
        IN_REVIEW = "in_review", "in review"
        PUBLISHED = "published", "published"

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    statement = models.TextField(help_text="The claim normalised into one plain sentence.")
    class QuoteKind(models.TextChoices):
        OWN_WORDS = "own_words", "the claimant's own words"
        REPORTED = "reported", "the source's account (not a direct quote)"

    quote = models.TextField(help_text="The verbatim words, exactly as the source has them.")
    # Kept apart so an essay's sentence about someone is never shown as that person's words.
    quote_kind = models.CharField(max_length=20, choices=QuoteKind.choices, default=QuoteKind.OWN_WORDS)
    framing = models.TextField(
        blank=True, help_text="The source's own sentence around the quote (its framing), verbatim; from the claim's source."
    )
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="claims")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="claims")
    date_made = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=10, choices=Precision.choices, default=Precision.UNKNOWN)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ASSESSMENT)
    topics = models.ManyToManyField(Topic, related_name="claims", blank=True)
    deadline = models.DateField(null=True, blank=True, help_text="For predictions with a horizon.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    verdict_rationale = models.TextField(blank=True)
    verdict_as_of = models.DateField(null=True, blank=True)
    verdict_as_of_precision = models.CharField(max_length=10, choices=Precision.choices, default=Precision.UNKNOWN)
    editorial_state = models.CharField(
        max_length=20, choices=EditorialState.choices, default=EditorialState.DRAFT, db_index=True
    )
    # Evidence suggestions (editorial/suggest.py) match an item on these, one phrase a line;
    # editors keep them here so a claim's vocabulary is its own, not a topic's.
    match_phrases = models.TextField(blank=True, help_text=(
        "Key phrases, one a line, that make an ingested item worth suggesting here. \"a + b\" needs both; "
        "a trailing * matches any ending; ALL-CAPS phrases match in capitals only."))
    exclude_phrases = models.TextField(blank=True, help_text="Phrases, one a line, that rule an item out.")
    # Accepted evidence, kept current by claims/signals.py: counting per page of a 10k-claim
    # browse (and sorting by it) would otherwise aggregate the whole evidence table.
    evidence_count = models.PositiveIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-date_made", "title"]
        indexes = [
            models.Index(fields=["editorial_state", "-date_made"]),
            # claim_timeline_order (the timeline's order to the last key) is PostgreSQL-only too: see
            # migration 0009_timeline_order_index.
            # claim_browse_order (newest first, undated last) is PostgreSQL-only: see migration 0004.
            models.Index(fields=["updated"], name="claim_updated"),
            models.Index(fields=["-created"], name="claim_newest"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("claims:claim", args=[self.slug])

    @property
    def date_display(self):
        return format_partial_date(self.date_made, self.date_precision)

    @property
    def date_iso(self):
        return iso_partial_date(self.date_made, self.date_precision)

    @property
    def verdict_as_of_display(self):
        return format_partial_date(self.verdict_as_of, self.verdict_as_of_precision)

    def attribution_list(self) -> "AttributionAccounts":
        """Every source's account of who said the words, in one query (the claim page shows them all)."""
        return AttributionAccounts(list(self.attributions.select_related("source", "person")))

    @property
    def is_resolved(self):
        return self.status.startswith("resolved_") or self.status == self.Status.UNRESOLVABLE


class ClaimFacet(models.Model):
    """A published claim's facet values, narrow, for browse counts: one row per topic of the claim.

    A claim with no topic has one row with no topic. ``lead`` marks one row per claim (its lowest
    topic, or its only row), so a count over lead rows counts each claim once; under a topic
    filter the topic's rows already are one per claim. Database triggers (migration
    0009_facet_table) keep it current on every write path, ORM or not; the indexes lead with
    each facet, so a grouped count under any filter is an index-only scan of the matching rows,
    never of the 300 MB claims table with its quotes.
    """

    # No foreign-key constraints: the triggers, not Django's collector, keep the rows in step.
    claim = models.ForeignKey(Claim, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    topic = models.ForeignKey(Topic, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                              related_name="+", db_index=False)
    person = models.ForeignKey(Person, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+", db_index=False)
    status = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)
    year = models.SmallIntegerField(null=True)
    # The claim's own date, for a topic's newest claims (the timeline): migration 0021_facet_date.
    date_made = models.DateField(null=True)
    # When the claim was added, for a topic's newest claims (its browse feed): 0023_facet_created.
    created = models.DateTimeField(null=True)
    lead = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["topic", "status", "kind", "year", "person", "lead"], name="facet_by_topic"),
            models.Index(fields=["topic", "date_made", "claim"], name="facet_topic_newest"),
            models.Index(fields=["topic", "created", "claim", "status", "kind", "person", "year"],
                         name="facet_topic_created"),
            models.Index(fields=["person", "status", "kind", "year", "topic", "lead"], name="facet_by_person"),
            models.Index(fields=["status", "kind", "year", "person", "topic", "lead"], name="facet_by_status"),
            models.Index(fields=["kind", "year", "status", "person", "topic", "lead"], name="facet_by_kind"),
            models.Index(fields=["year", "status", "kind", "person", "topic", "lead"], name="facet_by_year"),
        ]


class FacetCount(models.Model):
    """Browse facet counts, pre-aggregated: claims with ``value`` for ``facet``, overall (``under``
    blank) or among the claims with ``under_value`` for the facet ``under``.

    Kept by triggers on claims.ClaimFacet (migration 0010_facet_counts), so every page with no
    filter or one reads its counts from here (an index range, whatever the number of claims)
    and only narrower combinations count the facet table. Under two filters of topic, status,
    kind and year (0022_facet_pair_counts) ``under`` names both ("topic+kind") and
    ``under_value`` holds both values the same way. Values are text; "" is NULL (no person, no
    date). Rows that fall to 0 stay, and reads skip them.
    """

    facet = models.CharField(max_length=10)
    value = models.CharField(max_length=30, blank=True)
    under = models.CharField(max_length=20, blank=True)
    under_value = models.CharField(max_length=60, blank=True)
    n = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["under", "under_value", "facet", "value"],
                                               name="facetcount_key")]


class VerdictQuerySet(models.QuerySet):
    def public(self):
        """Verdict history rows of published claims: what readers and feeds may see."""
        return self.filter(published_q("claim__"))


class Verdict(models.Model):
    """One entry in a claim's verdict history; the claim row carries the current one."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    status = models.CharField(max_length=20, choices=Claim.Status.choices)
    rationale = models.TextField()
    as_of = models.DateField(null=True, blank=True)
    as_of_precision = models.CharField(max_length=10, choices=Precision.choices, default=Precision.UNKNOWN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # A revert: the record was put right, not a new judgement on the evidence.
    is_correction = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    objects = VerdictQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["-created"], name="verdict_newest")]

    def __str__(self):
        return f"{self.claim}: {self.get_status_display()}"

    @property
    def as_of_display(self):
        return format_partial_date(self.as_of, self.as_of_precision)


class EvidenceQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(state=Evidence.State.ACCEPTED)

    def public(self):
        """Accepted evidence on published claims: what readers may see."""
        return self.accepted().filter(published_q("claim__"))

    def with_content(self):
        """Rows that have something to show: an item, a source, or a summary of their own."""
        return self.filter(Q(feed_item__isnull=False) | Q(source__isnull=False) | ~Q(summary=""))

    def newest_public(self):
        return (
            self.public().with_content().select_related("claim", "source", "feed_item")
            .order_by("-updated", "-id")
        )


class Evidence(models.Model):
    class Stance(models.TextChoices):
        SUPPORTS = "supports", "supports"
        CONTRADICTS = "contradicts", "contradicts"
        CONTEXT = "context", "context"

    class Strength(models.IntegerChoices):
        WEAK = 1, "weak"
        MODERATE = 2, "moderate"
        STRONG = 3, "strong"

    class Tier(models.TextChoices):
        OFFICIAL = "official", "official"
        VERIFIED = "verified", "verified"
        UNVERIFIED = "unverified", "unverified"

    class State(models.TextChoices):
        SUGGESTED = "suggested", "suggested"
        ACCEPTED = "accepted", "accepted"
        REJECTED = "rejected", "rejected"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    feed_item = models.ForeignKey(
        "ingest.FeedItem", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    stance = models.CharField(max_length=20, choices=Stance.choices, default=Stance.CONTEXT)
    strength = models.PositiveSmallIntegerField(choices=Strength.choices, default=Strength.MODERATE)
    tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.UNVERIFIED)
    summary = models.TextField(blank=True)
    note = models.TextField(blank=True, help_text="Editor's note, Markdown.")
    match_reason = models.TextField(blank=True, help_text="Why this item was suggested: the phrases it matched.")
    match_score = models.FloatField(null=True, blank=True, help_text="The suggestion's score; higher ranks first.")
    # The claimant's own later verdict on their claim (Huszár's 2026 retrospective).
    by_claimant = models.BooleanField(default=False, help_text="The claimant's own later verdict on the claim.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUGGESTED, db_index=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "evidence"
        indexes = [models.Index(fields=["state", "-updated"], name="evidence_newest_by_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "feed_item"],
                condition=Q(feed_item__isnull=False),
                name="evidence_one_suggestion_per_item",
            )
        ]

    def __str__(self):
        target = self.feed_item or self.source
        return f"{self.get_stance_display()} {self.claim}: {target}"

    @property
    def title(self):
        if self.feed_item_id:
            return self.feed_item.title
        if self.source_id:
            return self.source.title
        return self.summary[:80]

    @property
    def note_html(self):
        """The editor's Markdown note as sanitised HTML (nh3-cleaned in claims/markdown.py)."""
        from django.utils.safestring import mark_safe

        from .markdown import render_markdown

        return mark_safe(render_markdown(self.note))  # noqa: S308 (cleaned by nh3)

    @property
    def url(self):
        if self.feed_item_id:
            return self.feed_item.link
        if self.source_id:
            return self.source.url
        return ""


@dataclass(frozen=True)
class AttributionAccounts:
    """A claim's attributions, and whether the sources disagree on who spoke (a person, or not)."""

    rows: list

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    @property
    def disagree(self) -> bool:
        return len({row.person_id for row in self.rows}) > 1


class Attribution(models.Model):
    """Who one source says spoke a claim's words. Sources can disagree; every account is kept."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attributions")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="attributions")
    attributed_to = models.CharField(max_length=300, help_text="Who the source says said it, in its own terms.")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="attributions")
    passage = models.TextField(help_text="The source's sentence making the attribution, verbatim.")

    class Meta:
        ordering = ["claim", "source__title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "source", "attributed_to"], name="attribution_once_per_source")
        ]

    def __str__(self):
        return f"{self.claim}: {self.attributed_to} ({self.source})"


class Revision(models.Model):
    """A snapshot of a claim or evidence row after a change: who, when, what, revertible."""

    class Target(models.TextChoices):
        CLAIM = "claim", "claim"
        EVIDENCE = "evidence", "evidence"

    target = models.CharField(max_length=20, choices=Target.choices)
    object_id = models.PositiveBigIntegerField()
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions")
    snapshot = models.JSONField()
    changed_fields = models.JSONField(default=list)
    comment = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["target", "object_id", "-created"])]

    def __str__(self):
        return f"{self.target} {self.object_id} @ {self.created:%Y-%m-%d %H:%M}"


class AuditEntry(models.Model):
    """Who did what, when, to which row: one line per change, never edited afterwards.

    It lives with the services that write it (claims/services.py, claims/audit.py), so claims
    need not reach into editorial; the table keeps its first name (editorial_auditentry).
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=50, db_index=True)
    target_type = models.CharField(max_length=50)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries")
    summary = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "editorial_auditentry"
        ordering = ["-created", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["claim", "-created"], name="editorial_a_claim_i_8910d1_idx")]

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M} {self.action}: {self.summary}"

    @property
    def actor_display(self):
        return self.actor.get_username() if self.actor_id else "system"


class ClaimSearchRow(models.Model):
    """A claim's row in SQLite's FTS5 index (claims/fts.py, migration 0009_search_fts): SQLite only."""

    row = models.OneToOneField(Claim, primary_key=True, db_column="rowid", on_delete=models.DO_NOTHING,
                               db_constraint=False, related_name="search_row")
    document = DocumentField(db_column="claims_claim_fts")

    class Meta:
        managed = False
        db_table = "claims_claim_fts"


class EvidenceSearchRow(models.Model):
    """An evidence link's row in SQLite's FTS5 index (claims/fts.py, migration 0009_search_fts): SQLite only."""

    row = models.OneToOneField(Evidence, primary_key=True, db_column="rowid", on_delete=models.DO_NOTHING,
                               db_constraint=False, related_name="search_row")
    document = DocumentField(db_column="claims_evidence_fts")

    class Meta:
        managed = False
        db_table = "claims_evidence_fts"


class ClaimSearch(models.Model):
    """A published claim's search document and what browse under ?q= reads beside it: PostgreSQL
    only (on SQLite the FTS5 rows above are the index and this table is never created).

    Narrow (122 MB at 100k claims, the claims heap 312), so one bitmap scan of the matches
    gives the rank, every order and the facet values (claims/text_match.py), with no probe of
    the facet table per match: the weighted tsvector (claims_claim.search_document's copy), the
    columns browse's orders use, and the facet values, the topics as one sorted array.
    Triggers (migration 0013_claim_search_rows) keep it current on every write path, in place
    since 0017_claim_lexemes_s19q (whose lexeme rows follow it: ClaimLexeme). A model,
    managed, so that a flush empties it with the claims (a table of its own would keep rows of
    claims gone); no foreign key: the triggers, not Django's collector, own the rows. Two
    columns are not fields, as claims_claim.search_document is not: ``document`` (tsvector) and
    ``topic_ids`` (bigint[]), read by claims/text_match.py's SQL; their fields would want
    django.contrib.postgres installed, and its per-connection type lookups with it.
    """

    claim = models.OneToOneField(Claim, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                 related_name="+")
    title = models.CharField(max_length=200)
    date_made = models.DateField(null=True)
    updated = models.DateTimeField()
    evidence_count = models.IntegerField()
    person = models.ForeignKey(Person, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+", db_index=False)
    status = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)


class ClaimLexeme(models.Model):
    """One lexeme of a published claim's search document, with the claim's rank under that lexeme
    alone and its facet values: PostgreSQL only, kept by triggers on the search rows (migration
    0017_claim_lexemes_s19q). Browse under a one-word ?q= pages and counts from its ordered
    index (claims/lexeme_match.py) without reading a document. A model so that a flush empties
    it; ``rank`` (real) and ``topic_ids`` (bigint[]) are columns, not fields, as in ClaimSearch.
    """

    pk = models.CompositePrimaryKey("claim", "lexeme")
    claim = models.ForeignKey(Claim, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                              db_index=False)
    lexeme = models.TextField()
    date_made = models.DateField(null=True)
    person = models.ForeignKey(Person, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+", db_index=False)
    status = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)

from .payload_store import StoredPayload  # noqa: E402,F401 (derived payloads, their own module)
from .download_rows import DownloadRow  # noqa: E402,F401 (stored download lines, their own module)
from .search_rows import EvidenceSearch, ModelSearch  # noqa: E402,F401 (narrow search rows, their own module)
