"""Measure results back a verdict once the data has given one (claims/backing.py registry).

Registered here rather than in measures so that the rule about proposals, which are
editorial's, sits beside them."""

from claims.backing import Backing
from measures.models import Measure

from .models import ProposedVerdict


def measure_result_backs(claim) -> list[Backing]:
    measures = Measure.objects.filter(claim=claim).with_result().order_by("pk")
    # A proposal keeps the outcome that raised it, even if the measure has been re-checked since.
    proposals = (ProposedVerdict.objects.filter(claim=claim).exclude(outcome=Measure.Outcome.PENDING)
                 .exclude(state=ProposedVerdict.State.DISMISSED).order_by("pk"))
    return ([Backing("measure", f"measure “{m}”: {m.get_outcome_display()}") for m in measures]
            + [Backing("measure", f"proposed by a measure result: {p.get_outcome_display()}") for p in proposals])
