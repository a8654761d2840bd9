"""Revision history for claims and evidence.

A revision is a full JSON snapshot of the row (and of a claim's topics) taken after a
change; consecutive identical snapshots are not stored, so re-running the seed loader
or saving an unchanged form adds nothing.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

from .models import Claim, Revision

# Bookkeeping, not content: a revert must not write these back.
_SKIP = {"id", "created", "updated", "evidence_count"}


def snapshot(obj) -> dict:
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SKIP:
            continue
        data[field.attname] = field.value_from_object(obj)
    if isinstance(obj, Claim) and obj.pk:
        data["topics"] = sorted(obj.topics.values_list("slug", flat=True))
    # Round-trip through JSON so dates compare equal to what the database returns.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record_revision(obj, user=None, comment: str = "") -> Revision | None:
    target = Revision.Target.CLAIM if isinstance(obj, Claim) else Revision.Target.EVIDENCE
    data = snapshot(obj)
    last = Revision.objects.filter(target=target, object_id=obj.pk).order_by("-created", "-id").first()
    if last is not None and last.snapshot == data:
        return None
    changed = sorted(k for k in data if last is None or last.snapshot.get(k) != data[k])
    claim = obj if isinstance(obj, Claim) else obj.claim
    return Revision.objects.create(
        target=target,
        object_id=obj.pk,
        claim=claim,
        snapshot=data,
        changed_fields=changed,
        comment=comment[:500],
        user=user if (user is not None and user.is_authenticated) else None,
    )


def revisions_for(obj):
    target = Revision.Target.CLAIM if isinstance(obj, Claim) else Revision.Target.EVIDENCE
    return Revision.objects.filter(target=target, object_id=obj.pk).select_related("user")

