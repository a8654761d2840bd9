"""Named reads for the editorial pages; each is a fixed number of queries."""

from django.db.models import Count, Q

from claims.models import Claim, Evidence, Revision

from measures.models import Measure

from .models import AuditEntry, ProposedVerdict

QUEUE_PAGE_SIZE = 20  # a page an editor can finish; abstracts are collapsed too


def claims_tests_for_claim(claim) -> list[Measure]:
    """A claim's measures with their stored result, for the editors' pages (one query)."""
    return list(Measure.objects.for_claim_page(claim))


def evidence_counts() -> dict[str, int]:
    counts = Evidence.objects.aggregate(
        **{state: Count("id", filter=Q(state=state)) for state in Evidence.State.values}
    )
    return {state: counts[state] for state in Evidence.State.values}


def suggestions(offset: int = 0, limit: int = QUEUE_PAGE_SIZE) -> list[Evidence]:
    """The review queue: oldest first, so nothing waits forever behind newer items."""
    return list(
        Evidence.objects.filter(state=Evidence.State.SUGGESTED)
        .select_related("claim", "feed_item__source", "source")
        .order_by("created", "id")[offset : offset + limit]
    )


def pending_proposals() -> list[ProposedVerdict]:
    return list(
        ProposedVerdict.objects.pending().select_related("claim", "measure").order_by("created", "id")
    )


def claims_for_editors(state: str | None = None):
    claims = Claim.objects.select_related("person").order_by("-updated", "-id")
    return claims.filter(editorial_state=state) if state else claims


def claim_revisions(claim) -> list[Revision]:
    return list(
        Revision.objects.filter(target=Revision.Target.CLAIM, object_id=claim.pk)
        .select_related("user")
        .order_by("-created", "-id")
    )


def claim_audit(claim) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(claim=claim).select_related("actor").order_by("-created", "-id"))


def audit_log():
    return AuditEntry.objects.select_related("actor", "claim").order_by("-created", "-id")
