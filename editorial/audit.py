"""The audit log: every editorial change writes one AuditEntry (who, when, what)."""

from .models import AuditEntry


def record(actor, action: str, *, target=None, claim=None, summary: str, data: dict | None = None) -> AuditEntry:
    """Write one entry. `target` is the changed row; its claim is found when not given."""
    if claim is None and target is not None:
        claim = target if target._meta.label == "claims.Claim" else getattr(target, "claim", None)
    return AuditEntry.objects.create(
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=target.pk if target is not None else None,
        claim=claim,
        summary=summary[:500],
        data=data or {},
    )
