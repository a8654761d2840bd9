"""A measure: one metric over ingested data that a claim is held against, with the result
stored when an ingest finishes (never computed per request)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from claims.models import Claim

from .sentences import test_phrase, value_phrase


class MeasureQuerySet(models.QuerySet):
    def for_claim_page(self, claim):
        """A claim's measures, primary first, with what their sentences name (one query)."""
        return self.filter(claim=claim).select_related("benchmark", "series").order_by(
            "-is_primary", "order", "id"
        )

    def for_claims(self, claims):
        """The measures of every claim in a claims queryset, each claim's primary first."""
        return self.filter(claim__in=claims.order_by().values("pk")).order_by(
            "claim_id", "-is_primary", "order", "id"
        )

    def with_result(self):
        return self.filter(last_checked__isnull=False).exclude(outcome=Measure.Outcome.PENDING)


class Measure(models.Model):
    """What a claim is held against: a metric kind, its target, group filters, a window, and
    optionally a threshold whose outcome bears the claim out or not."""

    class Kind(models.TextChoices):
        FRONTIER_AT = "frontier_at", "frontier at a date"
        CHANGE_SINCE = "change_since", "change since the claim"
        GROWTH_RATE = "growth_rate", "growth rate over a window (doubling time)"
        GROUP_LAG = "group_lag", "lag of a group behind the frontier"
        GAP = "gap", "gap between two groups or two models"
        SERIES_LATEST = "series_latest", "latest value of an Our World in Data series"
        PROJECTED_CROSSING = "projected_crossing", "projected crossing of a threshold"

    class Attribute(models.TextChoices):
        """AIModel columns a measure can take the frontier of (instead of a benchmark)."""

        TRAINING_COMPUTE_FLOP = "training_compute_flop", "training compute (FLOP)"
        TRAINING_COMPUTE_COST_USD = "training_compute_cost_usd", "training compute cost (2023 USD)"
        TRAINING_POWER_DRAW_W = "training_power_draw_w", "training power draw (W)"
        PARAMETERS = "parameters", "parameters"

    class Statistic(models.TextChoices):
        """Which number of a multi-number result the threshold is compared with."""

        DEFAULT = "", "the metric's own value"
        RATIO = "ratio", "ratio"
        DIFFERENCE = "difference", "difference"
        DOUBLINGS = "doublings", "doublings"
        LATEST = "latest", "latest"
        MEDIAN = "median", "median"

    class Comparison(models.TextChoices):
        GTE = "gte", "≥"
        GT = "gt", ">"
        LTE = "lte", "≤"
        LT = "lt", "<"

    class Outcome(models.TextChoices):
        PENDING = "pending", "pending (no data yet)"
        MEASURED = "measured", "measured (no threshold)"
        MET = "met", "met"
        NOT_MET = "not_met", "not met (yet)"
        EXPIRED = "expired", "expired: not met by the deadline"

    class Expects(models.TextChoices):
        MET = "met", "the claim is borne out if the test is met"
        NOT_MET = "not_met", "the claim is borne out if the test is not met"

    class Robustness(models.TextChoices):
        UNCHECKED = "", "not checked"
        ROBUST = "robust", "robust"
        FRAGILE = "fragile", "flips under some reading of the data"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="measures")
    # Seeded measures are found again by (claim, key) so reloading never duplicates them.
    key = models.SlugField(max_length=100, blank=True)
    description = models.CharField(max_length=300, help_text="The measure in words, for readers.")
    kind = models.CharField(max_length=30, choices=Kind.choices)

    # Target: a benchmark, an AI model attribute, or an OWID series for one entity.
    benchmark = models.ForeignKey(
        "ingest.Benchmark", null=True, blank=True, on_delete=models.PROTECT, related_name="measures"
    )
    attribute = models.CharField(max_length=40, choices=Attribute.choices, blank=True)
    series = models.ForeignKey("ingest.Series", null=True, blank=True, on_delete=models.PROTECT, related_name="measures")
    entity = models.CharField(max_length=300, blank=True, help_text="Series entity, e.g. World or United States.")

    # The group (lag, gap): filters on the record's country, organisation and accessibility.
    country = models.CharField(max_length=300, blank=True, help_text="e.g. China")
    organization = models.CharField(max_length=300, blank=True, help_text="e.g. Meta")
    accessibility = models.CharField(max_length=200, blank=True, help_text="e.g. Open weights")
    # Gap: a second group (empty filters mean the whole frontier) or two named models.
    other_country = models.CharField(max_length=300, blank=True)
    other_organization = models.CharField(max_length=300, blank=True)
    other_accessibility = models.CharField(max_length=200, blank=True)
    model_name = models.CharField(max_length=300, blank=True, help_text="Gap between models: the first model.")
    other_model_name = models.CharField(max_length=300, blank=True, help_text="Gap between models: the second.")

    # Window: change since window_start (default: the claim's date), fit growth within it.
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    # Growth rate against an earlier window ("accelerating"): the value becomes the speed-up.
    baseline_start = models.DateField(null=True, blank=True)
    baseline_end = models.DateField(null=True, blank=True)
    statistic = models.CharField(max_length=20, choices=Statistic.choices, blank=True)

    threshold = models.FloatField(null=True, blank=True)
    comparison = models.CharField(max_length=5, choices=Comparison.choices, default=Comparison.GTE)
    deadline = models.DateField(null=True, blank=True, help_text="Only data dated on or before this day counts.")
    expects = models.CharField(max_length=10, choices=Expects.choices, default=Expects.MET)
    rationale = models.CharField(max_length=300, blank=True, help_text="One line: why this series tests this claim.")
    is_primary = models.BooleanField(default=False, help_text="The measure the claim page charts.")
    order = models.PositiveSmallIntegerField(default=0)
    proxy = models.BooleanField(default=False, help_text="The series stands in for what the claim names.")
    proxy_label = models.CharField(max_length=200, blank=True, help_text="e.g. METR horizons as a proxy")

    # The stored result, written by measures.results after each ingest.
    value = models.FloatField(null=True, blank=True)
    value_low = models.FloatField(null=True, blank=True)
    value_high = models.FloatField(null=True, blank=True)
    sentence = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    robustness = models.CharField(max_length=10, choices=Robustness.choices, blank=True)
    robustness_note = models.CharField(max_length=500, blank=True, help_text="What flips the outcome, if anything.")
    detail = models.JSONField(default=dict, blank=True, help_text="The typed result, serialised.")
    record_ids = models.JSONField(default=list, blank=True, help_text="[[kind, id], ...] of the records used.")
    run_ids = models.JSONField(default=list, blank=True, help_text="Ingest runs those records came from.")
    last_checked = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "-is_primary", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "key"], condition=~Q(key=""), name="measure_unique_key"),
        ]
        # The claims a chart marks and a data page lists are found by the measure's target: an OWID
        # series' entity was a filter over every measure of the series' index (33,000 rows at 100k
        # claims, 12 ms), a model attribute a bitmap of every measure without a benchmark.
        indexes = [
            models.Index(fields=["series", "entity"], name="measure_series_entity"),
            models.Index(fields=["attribute"], name="measure_attribute",
                         condition=Q(benchmark__isnull=True, series__isnull=True)),
        ]
        # Also measure_claim_targets (migration 0006: PostgreSQL's INCLUDE is not a model index here,
        # since SQLite has none), for the markers' probe of each claim's measures.

    def __str__(self):
        return self.description

    @property
    def target_display(self) -> str:
        if self.benchmark_id:
            return self.benchmark.name
        if self.series_id:
            return f"{self.series.name} ({self.entity})" if self.entity else self.series.name
        return self.get_attribute_display() if self.attribute else ""

    @property
    def condition_display(self) -> str:
        if self.threshold is None:
            return ""
        return f"{self.get_comparison_display()} {self.threshold:g}"

    @property
    def test_display(self) -> str:
        """The threshold test in words and units ("the doubling time of ... ≤ 730 days")."""
        return test_phrase(self)

    @property
    def value_display(self) -> str:
        """The stored value in the units of the test ("129 days", "−25.1 points")."""
        return value_phrase(self)

    @property
    def bears_out(self) -> bool | None:
        """True when the stored outcome is the one the claim expects; None without a test result."""
        if self.outcome not in (self.Outcome.MET, self.Outcome.NOT_MET, self.Outcome.EXPIRED):
            return None
        return (self.outcome == self.Outcome.MET) == (self.expects == self.Expects.MET)

    @property
    def has_result(self) -> bool:
        return self.last_checked is not None and self.outcome != self.Outcome.PENDING


class RemovedSeed(models.Model):
    """A seeded measure an editor removed: reloading the seed must not bring it back."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "key"], name="removedseed_unique")]


class Untestable(models.Model):
    """Why the shipped data cannot test a claim: said on its page instead of a decorative chart."""

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="untestable")
    reason = models.CharField(max_length=500)

    def __str__(self):
        return f"{self.claim}: {self.reason}"


from .chart_config import FeaturedChart  # noqa: E402,F401 (the chart configuration, its own module)
