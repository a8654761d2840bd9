"""A measure added, edited or removed changes which claims a chart marks: it advances the
claims generation, which the cached marker lists and topic series are keyed on
(measures/claim_charts.py). Stored results written in bulk after an ingest do not: they change
no marker, and the data generation that ingest advances already keys the charts."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from claims.generation import bump_claims

from .models import Measure


@receiver(post_save, sender=Measure, dispatch_uid="measures.invalidation.saved")
@receiver(post_delete, sender=Measure, dispatch_uid="measures.invalidation.deleted")
def _measure_changed(sender, **kwargs):
    bump_claims()
