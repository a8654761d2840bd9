"""Deciding proposed verdicts. Accepting goes through the same verdict service as an
editor's own change, so it needs a rationale and leaves a Verdict row: a test never
publishes a verdict by itself."""

from django.db import transaction
from django.utils import timezone

from claims.services import EditorialConflict, change_verdict

from . import audit
from .models import ProposedVerdict


def _pending(proposal_id: int) -> ProposedVerdict:
    proposal = ProposedVerdict.objects.select_for_update().select_related("claim").get(pk=proposal_id)
    if proposal.state != ProposedVerdict.State.PENDING:
        raise EditorialConflict(f"This proposal was already {proposal.get_state_display()}.")
    return proposal


@transaction.atomic
def accept_proposal(proposal_id: int, *, user, rationale: str, as_of=None, as_of_precision=None) -> ProposedVerdict:
    proposal = _pending(proposal_id)
    verdict = change_verdict(
        proposal.claim, user=user, status=proposal.proposed_status, rationale=rationale, as_of=as_of,
        as_of_precision=as_of_precision, source=f"proposal #{proposal.pk}",
        comment=f"Verdict from proposal #{proposal.pk}: {proposal.get_proposed_status_display()}.",
    )
    proposal.state = ProposedVerdict.State.ACCEPTED
    proposal.decided_by, proposal.decided_at = user, timezone.now()
    proposal.verdict, proposal.decision_note = verdict, verdict.rationale
    proposal.save()
    audit.record(user, "proposal.accepted", target=proposal, claim=proposal.claim,
                 summary=f"Accepted proposed verdict “{proposal.get_proposed_status_display()}” for "
                         f"“{proposal.claim.title}”", data={"verdict": verdict.pk})
    return proposal


@transaction.atomic
def dismiss_proposal(proposal_id: int, *, user, note: str = "") -> ProposedVerdict:
    proposal = _pending(proposal_id)
    proposal.state = ProposedVerdict.State.DISMISSED
    proposal.decided_by, proposal.decided_at = user, timezone.now()
    proposal.decision_note = note.strip()
    proposal.save()
    audit.record(user, "proposal.dismissed", target=proposal, claim=proposal.claim,
                 summary=f"Dismissed proposed verdict “{proposal.get_proposed_status_display()}” for "
                         f"“{proposal.claim.title}”{': ' + proposal.decision_note if proposal.decision_note else ''}")
    return proposal
