"""Named reads of stored measure results for pages; each a fixed number of queries."""

import dataclasses

from .evidence import DataEvidence, data_evidence
from .models import Measure


@dataclasses.dataclass(frozen=True)
class ClaimMeasures:
    """A claim's measures (primary first) and their results counted as data evidence."""

    measures: list[Measure]
    evidence: list[DataEvidence]

    @property
    def primary(self) -> Measure | None:
        return next((m for m in self.measures if m.is_primary), self.measures[0] if self.measures else None)

    def evidence_for(self, stance: str) -> list[DataEvidence]:
        return [e for e in self.evidence if e.stance == stance]

    def count(self, stance: str) -> int:
        return sum(e.stance == stance for e in self.evidence)


def claim_measures(claim) -> ClaimMeasures:
    """One query: the claim's measures with the benchmark or series their sentences name."""
    measures = list(Measure.objects.for_claim_page(claim))
    return ClaimMeasures(measures, data_evidence(measures))
