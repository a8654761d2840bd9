"""What may stand behind a claim's status.

A status other than "open" says something about the world, so it needs at least one of:

* accepted evidence that takes a side (supports or contradicts; context alone backs nothing),
* the claimant's own later verdict on the claim (accepted evidence marked ``by_claimant``),
* a measure result: the measures app, which claims must not import, registers a backer
  callable here (``register_backer(measures.backing.measure_backs)``) and so does any other
  app whose results can back a verdict.

The seed loader and the verdict service both ask ``require_backing`` before they set a status,
so an unbacked "supported so far" cannot be stored by either road.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Backing:
    """One reason a status may stand: what kind of thing it is and a line naming it."""

    kind: str  # "evidence", "claimant", or a registered backer's own kind ("measure", ...)
    label: str


Backer = Callable[[object], Iterable[Backing]]
_BACKERS: dict[str, Backer] = {}


def register_backer(name: str, backer: Backer) -> None:
    """Add a source of backing; the name keeps a second registration (app reload) from doubling it."""
    _BACKERS[name] = backer


def unregister_backer(name: str) -> None:
    _BACKERS.pop(name, None)


def evidence_backs(claim) -> list[Backing]:
    from .models import Evidence

    found = []
    rows = (
        Evidence.objects.filter(claim=claim, state=Evidence.State.ACCEPTED)
        .select_related("source", "feed_item")
        .order_by("pk")
    )
    for evidence in rows:
        if evidence.by_claimant:
            found.append(Backing("claimant", f"the claimant's own later verdict in “{evidence.title}”"))
        elif evidence.stance != Evidence.Stance.CONTEXT:
            found.append(Backing("evidence", f"accepted evidence ({evidence.get_stance_display()}): “{evidence.title}”"))
    return found


def backings(claim) -> list[Backing]:
    found = evidence_backs(claim)
    for backer in _BACKERS.values():
        found.extend(backer(claim))
    return found


def require_backing(claim, status: str) -> list[Backing]:
    """Raise a ValidationError on ``status`` unless something backs it; return what does."""
    from .models import Claim

    if status == Claim.Status.OPEN:
        return []
    found = backings(claim)
    if not found:
        label = Claim.Status(status).label if status in Claim.Status.values else status
        raise ValidationError({"status": (
            f"“{label}” needs backing: accept evidence that supports or contradicts the claim, record a measure "
            f"result, or cite the claimant's own later verdict. Until then the claim stays open."
        )})
    return found
