"""What a run's changes moved outside ingest (its blast radius), as the apps that compute
from ingest data report it.

Ingest knows which records a run created, changed or lost (``signals.data_changed``), not
what depends on them. An app that does (editorial, for claims' measures) registers a
reporter here; the run page lists what the reporters say. Ingest imports none of them.
"""

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Moved:
    """One value elsewhere that a run's changes moved."""

    what: str
    before: str
    after: str
    url: str = ""


Reporter = Callable[[int], list[Moved]]
_REPORTERS: dict[str, Reporter] = {}


def register_reporter(name: str, reporter: Reporter) -> None:
    """Add a reporter; the name keeps a second registration (app reload) from doubling it."""
    _REPORTERS[name] = reporter


def moved_by(run_id: int) -> list[Moved]:
    return [moved for reporter in _REPORTERS.values() for moved in reporter(run_id)]
