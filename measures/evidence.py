"""A measure's stored result as data evidence: its stance follows from the measure's
expectation, its tier is "data", its provenance the records and ingest runs it read."""

import dataclasses

from .models import Measure

TIER = "data"


def stance_of(measure: Measure) -> str | None:
    """supports / contradicts / context; None when there is no result to count."""
    Outcome = Measure.Outcome
    if measure.last_checked is None or measure.outcome == Outcome.PENDING:
        return None
    if measure.outcome == Outcome.MEASURED:
        return "context"
    borne_out = (measure.outcome == Outcome.MET) == (measure.expects == Measure.Expects.MET)
    return "supports" if borne_out else "contradicts"


@dataclasses.dataclass(frozen=True)
class DataEvidence:
    measure: Measure
    stance: str
    tier: str = TIER

    @property
    def title(self) -> str:
        return self.measure.description

    @property
    def summary(self) -> str:
        return self.measure.sentence

    @property
    def run_ids(self) -> list[int]:
        return list(self.measure.run_ids or [])

    @property
    def record_count(self) -> int:
        return len(self.measure.record_ids or [])


def data_evidence(measures) -> list[DataEvidence]:
    items = []
    for measure in measures:
        stance = stance_of(measure)
        if stance is not None:
            items.append(DataEvidence(measure, stance))
    return items
