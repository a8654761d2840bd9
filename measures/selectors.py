"""Named reads of stored measure results for pages; each a fixed number of queries."""

import dataclasses
import datetime as dt

from claims.id_list import ids_in

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


@dataclasses.dataclass(frozen=True)
class MeasureSummary:
    """How many measures a claim has, and its primary measure's stored result, for lists."""

    count: int
    description: str
    sentence: str
    outcome: str
    last_checked: dt.datetime | None


def measure_summaries(claim_ids) -> dict[int, MeasureSummary]:
    """One query for any number of claims (ids): MeasureSummary by claim id (claims without measures absent).

    Plain rows, not Measure objects: a download of every claim reads these once per claim.
    The primary measure is chosen as ClaimMeasures.primary chooses it (the ordering puts it first).
    """
    if not claim_ids:
        return {}
    rows = (Measure.objects.filter(ids_in(Measure, "claim_id", claim_ids))
            .order_by("claim_id", "-is_primary", "order", "id")
            .values_list("claim_id", "description", "sentence", "outcome", "last_checked"))
    grouped: dict[int, list] = {}
    for claim_id, *fields in rows:
        grouped.setdefault(claim_id, []).append(fields)
    return {claim_id: MeasureSummary(len(found), *found[0]) for claim_id, found in grouped.items()}
