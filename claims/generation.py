"""The claims generation: bumped by every commit that changes what browse, facets and counts show.

Receivers here cover claims, their topics, evidence, verdicts and the people and topics whose
names facets print. Code that writes with ``QuerySet.update()`` or ``bulk_create()`` (which send
no signals) calls ``bump_claims()`` itself.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from ingest import generation

from .models import Claim, Evidence, Person, Source, Topic, Verdict

CLAIMS = "claims"


def claims_generation() -> int:
    return generation.current(CLAIMS)


def bump_claims() -> None:
    generation.bump(CLAIMS)


@receiver(post_save, sender=Claim)
@receiver(post_delete, sender=Claim)
@receiver(post_save, sender=Evidence)
@receiver(post_delete, sender=Evidence)
@receiver(post_save, sender=Verdict)
@receiver(post_delete, sender=Verdict)
@receiver(post_save, sender=Person)
@receiver(post_delete, sender=Person)
@receiver(post_save, sender=Topic)
@receiver(post_delete, sender=Topic)
@receiver(post_save, sender=Source)
@receiver(post_delete, sender=Source)
def _changed(sender, **kwargs):
    bump_claims()


@receiver(m2m_changed, sender=Claim.topics.through)
def _topics_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump_claims()
