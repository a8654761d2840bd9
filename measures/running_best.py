"""The running best of a series: the one step both the metric functions and the re-check
cache need, kept apart so records.py (which memoises it) does not import metrics.py."""

from collections.abc import Sequence


def better(a: float, b: float, higher_is_better: bool) -> bool:
    return a > b if higher_is_better else a < b


def frontier_records(points: Sequence, higher_is_better: bool = True) -> list:
    """The records (``records.Point``) that set a new best when they appeared: the running
    best's steps. Same-day records are taken best first, so a tie on a day is one step, not two."""
    ordered = sorted(points, key=lambda p: (p.date, -p.value if higher_is_better else p.value, p.ref.id))
    steps: list = []
    for point in ordered:
        if not steps or better(point.value, steps[-1].value, higher_is_better):
            steps.append(point)
    return steps
