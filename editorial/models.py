"""Editorial records that sit beside the claims: proposed verdicts (from measures), audit log."""

from django.conf import settings
from django.db import models

from claims.models import AuditEntry, Claim, Verdict  # noqa: F401  (AuditEntry: moved to claims, named here)
from measures.models import Measure


class ProposedVerdictQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ProposedVerdict.State.PENDING)


class ProposedVerdict(models.Model):
    """A verdict change suggested by a measure's new outcome; an editor accepts or dismisses it."""

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        ACCEPTED = "accepted", "accepted"
        DISMISSED = "dismissed", "dismissed"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="proposed_verdicts")
    measure = models.ForeignKey(
        "measures.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    proposed_status = models.CharField(max_length=20, choices=Claim.Status.choices)
    outcome = models.CharField(max_length=10, choices=Measure.Outcome.choices)
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
