"""Editorial records that sit beside the claims: measurable tests, proposed verdicts, audit log."""

from django.conf import settings
from django.db import models

from claims.models import AuditEntry, Claim, Verdict  # noqa: F401  (AuditEntry: moved to claims, named here)


class Operationalisation(models.Model):
    """A measurable test of a claim over ingested data, re-checked after every ingest run."""

    class Metric(models.TextChoices):
        BENCHMARK_BEST = "benchmark_best", "best score on a benchmark"
        MAX_TRAINING_COMPUTE = "max_training_compute", "largest training compute of any AI model (FLOP)"
        SERIES_LATEST = "series_latest", "latest value of an Our World in Data series for an entity"

    class Comparison(models.TextChoices):
        GTE = "gte", "≥"
        GT = "gt", ">"
        LTE = "lte", "≤"
        LT = "lt", "<"

    class Outcome(models.TextChoices):
        PENDING = "pending", "pending (no data yet)"
        MET = "met", "met"
        NOT_MET = "not_met", "not met (yet)"
        EXPIRED = "expired", "expired: not met by the deadline"

    class Expects(models.TextChoices):
        MET = "met", "the claim is borne out if the test is met"
        NOT_MET = "not_met", "the claim is borne out if the test is not met"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="operationalisations")
    description = models.CharField(max_length=300, help_text="The test in words, for readers.")
    metric = models.CharField(max_length=30, choices=Metric.choices)
    benchmark = models.ForeignKey(
        "ingest.Benchmark", null=True, blank=True, on_delete=models.PROTECT, related_name="operationalisations"
    )
    series = models.ForeignKey(
        "ingest.Series", null=True, blank=True, on_delete=models.PROTECT, related_name="operationalisations"
    )
    entity = models.CharField(max_length=300, blank=True, help_text="Series entity, e.g. World or United States.")
    comparison = models.CharField(max_length=5, choices=Comparison.choices, default=Comparison.GTE)
    threshold = models.FloatField()
    deadline = models.DateField(null=True, blank=True, help_text="Only data dated on or before this day counts.")
    expects = models.CharField(max_length=10, choices=Expects.choices, default=Expects.MET)
    current_value = models.FloatField(null=True, blank=True)
    current_detail = models.CharField(max_length=500, blank=True, help_text="Where the current value comes from.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    last_checked = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim", "created", "id"]

    def __str__(self):
        return self.description

    @property
    def condition_display(self):
        return f"{self.get_metric_display()} {self.get_comparison_display()} {self.threshold:g}"


class ProposedVerdictQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ProposedVerdict.State.PENDING)


class ProposedVerdict(models.Model):
    """A verdict change suggested by a test's new outcome; an editor accepts or dismisses it."""

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        ACCEPTED = "accepted", "accepted"
        DISMISSED = "dismissed", "dismissed"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="proposed_verdicts")
    operationalisation = models.ForeignKey(
        Operationalisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    proposed_status = models.CharField(max_length=20, choices=Claim.Status.choices)
    outcome = models.CharField(max_length=10, choices=Operationalisation.Outcome.choices)
    reason = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    verdict = models.ForeignKey(Verdict, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    objects = ProposedVerdictQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.claim}: {self.get_proposed_status_display()} ({self.state})"
