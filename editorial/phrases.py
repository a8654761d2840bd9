"""Key phrases as editors write them, parsed once into matchers that say what they found.

One phrase a line. Matching is case-insensitive on word boundaries; spaces also match
hyphens ("open weights" finds "open-weights"); a trailing ``*`` matches any ending
("outage*" finds "outages"); an ALL-CAPS word matches in capitals only (so "IDE" does not
match "idea"); ``a + b`` needs both parts somewhere in the text.
"""

import re
from dataclasses import dataclass
from functools import lru_cache


# Every run re-reads every claim's phrases; compiling them once per process keeps a run cheap
# (re's own cache holds 512 patterns, fewer than the claims and topics have between them).
@lru_cache(maxsize=8192)
def _pattern(word: str) -> re.Pattern:
    body = re.escape(word.rstrip("*")).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]*")
    tail = r"\w*" if word.endswith("*") else ""
    flags = 0 if word.rstrip("*").isupper() else re.IGNORECASE
    return re.compile(rf"(?<!\w){body}{tail}(?!\w)", flags)


@dataclass(frozen=True)
class Phrase:
    """One editor-written phrase: its text as written and the patterns that must all match."""

    text: str
    patterns: tuple[re.Pattern, ...]
    # The first word of each part, lower-cased: a plain substring test that rules out most
    # texts before any regular expression runs (a run tests every claim against every item).
    needles: tuple[str, ...] = ()

    @classmethod
    def parse(cls, line: str) -> "Phrase | None":
        parts = [part.strip() for part in line.split(" + ") if part.strip()]
        if not parts:
            return None
        needles = tuple(re.split(r"[\s-]+", part.rstrip("*").lower())[0] for part in parts)
        return cls(text=" + ".join(parts), patterns=tuple(_pattern(part) for part in parts), needles=needles)

    def found_in(self, text: str, lowered: str | None = None) -> bool:
        lowered = text.lower() if lowered is None else lowered
        if not all(needle in lowered for needle in self.needles):
            return False
        return all(pattern.search(text) for pattern in self.patterns)


def parse_lines(text: str) -> tuple[Phrase, ...]:
    """Each non-blank line that is not a comment (#) is one phrase; duplicates are dropped."""
    phrases, seen = [], set()
    for line in (text or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        phrase = Phrase.parse(line)
        if phrase and phrase.text.lower() not in seen:
            seen.add(phrase.text.lower())
            phrases.append(phrase)
    return tuple(phrases)


def parse_list(words) -> tuple[Phrase, ...]:
    return parse_lines("\n".join(words))
