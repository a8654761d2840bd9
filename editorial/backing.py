"""Editorial's own data tests back a verdict once they have a result (claims/backing.py registry)."""

from claims.backing import Backing

from .models import Operationalisation, ProposedVerdict


def data_test_backs(claim) -> list[Backing]:
    pending = Operationalisation.Outcome.PENDING
    tests = Operationalisation.objects.filter(claim=claim).exclude(outcome=pending).order_by("pk")
    # A proposal keeps the outcome that raised it, even if the test has been re-checked since.
    proposals = (ProposedVerdict.objects.filter(claim=claim).exclude(outcome=pending)
                 .exclude(state=ProposedVerdict.State.DISMISSED).order_by("pk"))
    return ([Backing("measure", f"data test “{op.description}”: {op.get_outcome_display()}") for op in tests]
            + [Backing("measure", f"proposed by a data test result: {p.get_outcome_display()}") for p in proposals])
