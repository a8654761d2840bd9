"""Keep Claim.evidence_count equal to the number of its accepted evidence."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import Claim, Evidence


def refresh_evidence_counts(claims) -> None:
    """Recount accepted evidence for ``claims`` (a queryset) in one UPDATE."""
    accepted = (
        Evidence.objects.filter(claim=OuterRef("pk"), state=Evidence.State.ACCEPTED)
        .order_by()
        .values("claim")
        .annotate(n=Count("pk"))
        .values("n")
    )
    claims.update(evidence_count=Coalesce(Subquery(accepted), 0))


@receiver(post_save, sender=Evidence)
@receiver(post_delete, sender=Evidence)
def _evidence_changed(sender, instance, **kwargs):
    refresh_evidence_counts(Claim.objects.filter(pk=instance.claim_id))




# Sent by claims.seed.load_seed after the seed claims are in (inside its transaction).
seed_loaded = Signal()
