"""Text written for the record, made fit for readers outside the editorial room.

The seed's rationales cite their seed documents by internal number ("The seed (000)
reports..."); readers of a feed have no way to look those up, so they are dropped.
"""

import re

# Seed document numbers are three digits from 000: "(000)", "(004)". A real figure in
# parentheses ("(100)", "(2022)") does not start with 0 and is left alone.
_SEED_REFERENCE = re.compile(r"\s*\(0\d\d\)(?=[\s.,;:!?)]|$)")


def without_internal_ids(text: str) -> str:
    return _SEED_REFERENCE.sub("", text or "")
