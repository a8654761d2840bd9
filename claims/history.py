"""Revision history for claims and evidence.

A revision is a full JSON snapshot of the row (and of a claim's topics) taken after a
change; consecutive identical snapshots are not stored, so re-running the seed loader
or saving an unchanged form adds nothing.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

from .models import Claim, Revision

# Snapshots taken before a key was recorded read as this (older revisions have no
# attributions key), so a save that changes nothing still adds no revision.
_MISSING = {"attributions": []}

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
        # Who each source says spoke the words is content too: kept so history shows and revert restores it.
        data["attributions"] = sorted(
            ({"source_id": a.source_id, "attributed_to": a.attributed_to, "person_id": a.person_id,
              "passage": a.passage} for a in obj.attributions.all()),
            key=lambda a: (a["source_id"], a["attributed_to"]))
    # Round-trip through JSON so dates compare equal to what the database returns.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record_revision(obj, user=None, comment: str = "") -> Revision | None:
    target = Revision.Target.CLAIM if isinstance(obj, Claim) else Revision.Target.EVIDENCE
    data = snapshot(obj)
    last = Revision.objects.filter(target=target, object_id=obj.pk).order_by("-created", "-id").first()
    changed = sorted(k for k in data if last is None or last.snapshot.get(k, _MISSING.get(k)) != data[k])
    if last is not None and not changed:
        return None
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

