"""Search result highlights: the matched words marked inside a short fragment of a field.

PostgreSQL makes the fragment with ts_headline (so stemmed matches are marked too: "scaled"
marks "scaling"); other databases get the same shape from `fallback`, which marks the
literal terms the fallback search matched. Either way the result is a `Highlight`, a
typed value whose text is escaped when rendered: only the <mark> tags are ours.
"""

import re
from dataclasses import dataclass

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

# Private-use characters as ts_headline's StartSel/StopSel: they cannot clash with text a
# source wrote (and are stripped from it first), so parsing the headline is unambiguous.
START, STOP = "\ue000", "\ue001"
FRAGMENT_WORDS = 35
_LEAD_WORDS = 8
ELLIPSIS = "…"


@dataclass(frozen=True)
class Part:
    text: str
    hit: bool


@dataclass(frozen=True)
class Highlight:
    parts: tuple[Part, ...]

    @property
    def has_hits(self) -> bool:
        return any(p.hit for p in self.parts)

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts)

    def __bool__(self):
        return bool(self.parts)

    def __html__(self) -> str:
        return mark_safe("".join(
            f"<mark>{conditional_escape(p.text)}</mark>" if p.hit else str(conditional_escape(p.text))
            for p in self.parts
        ))

    __str__ = __html__


def _clean(text: str | None) -> str:
    return (text or "").replace(START, "").replace(STOP, "")


def from_headline(headline: str | None, original: str | None) -> Highlight:
    """Parse ts_headline output (matches between START and STOP); mark a cut with an ellipsis."""
    parts = []
    for index, chunk in enumerate(re.split(f"[{START}{STOP}]", headline or "")):
        if chunk:
            parts.append(Part(chunk, hit=index % 2 == 1))
    plain = "".join(p.text for p in parts).strip()
    full = _clean(original).strip()
    if parts and plain and plain != full:
        if not full.startswith(plain[:30]):
            parts.insert(0, Part(ELLIPSIS + " ", False))
        if not full.endswith(plain[-30:]):
            parts.append(Part(" " + ELLIPSIS, False))
    return Highlight(tuple(parts))


def fallback(text: str | None, words: list[str], *, whole: bool = False) -> Highlight:
    """The same shape without ts_headline: literal, case-insensitive matches of `words`."""
    text = _clean(text)
    if not text:
        return Highlight(())
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I) if words else None
    if not whole:
        text = _fragment(text, pattern)
    parts, position = [], 0
    for match in pattern.finditer(text) if pattern else ():
        if match.start() > position:
            parts.append(Part(text[position:match.start()], False))
        parts.append(Part(match.group(0), True))
        position = match.end()
    if position < len(text):
        parts.append(Part(text[position:], False))
    return Highlight(tuple(parts))


def _fragment(text: str, pattern) -> str:
    """About FRAGMENT_WORDS words around the first match (or from the start), with ellipses."""
    tokens = text.split()
    if len(tokens) <= FRAGMENT_WORDS:
        return text
    first = 0
    if pattern:
        first = next((i for i, token in enumerate(tokens) if pattern.search(token)), 0)
    start = max(0, min(first - _LEAD_WORDS, len(tokens) - FRAGMENT_WORDS))
    end = start + FRAGMENT_WORDS
    return (ELLIPSIS + " " if start else "") + " ".join(tokens[start:end]) + (" " + ELLIPSIS if end < len(tokens) else "")
