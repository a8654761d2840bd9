"""Field-by-field differences between two snapshots of a claim, for the history page.

Inside a field the diff is by word, then cleaned up for reading: a lone space or
word left "equal" between two changes is folded into them, so a rewritten sentence
reads as one deletion followed by one insertion ("The seed says" -> "GPQA Diamond
shows") instead of interleaved fragments ("TheGPQA seedDiamond...").
"""

import dataclasses
import difflib
import re

LABELS = {
    "slug": "Slug", "title": "Title", "statement": "Statement", "quote": "Quote", "person_id": "Person",
    "source_id": "Source", "date_made": "Date made", "date_precision": "Date precision", "kind": "Kind",
    "deadline": "Deadline", "status": "Status", "verdict_rationale": "Verdict rationale",
    "verdict_as_of": "Verdict as of", "verdict_as_of_precision": "Verdict as-of precision",
    "editorial_state": "Editorial state", "topics": "Topics",
    "quote_kind": "Quote kind", "framing": "Framing", "attributions": "Attributions",
}
# A word with the whitespace after it, so equal runs keep their spacing and no change
# is a bare space.
_TOKENS = re.compile(r"\S+\s*|\s+")
# Single values (a status, a date, a slug, a person) read best as "old -> new", not as a word diff.
WHOLE_VALUE_FIELDS = {
    "slug", "person_id", "source_id", "date_made", "date_precision", "kind", "deadline", "status",
    "verdict_as_of", "verdict_as_of_precision", "editorial_state", "topics", "quote_kind",
}
# An equal run this short between two changes is folded into them.
_FOLD_WORDS = 2


@dataclasses.dataclass
class FieldDiff:
    field: str
    label: str
    old: str
    new: str
    # [(op, text)] with op in {"equal", "delete", "insert"}: drawn as <del>/<ins>.
    segments: list[tuple[str, str]]

    @property
    def is_short(self) -> bool:
        return self.field in WHOLE_VALUE_FIELDS


def _text(field: str, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if field == "topics":
        return ", ".join(value) or "—"
    if field == "attributions":
        return "; ".join(f"{a['attributed_to']} ({names.get(('source_id', a['source_id']), 'source #%s' % a['source_id'])}): "
                         f"“{a['passage']}”" for a in value) or "—"
    if field in {"person_id", "source_id"}:
        return names.get((field, value), f"#{value} (deleted)")
    return str(value)


def _raw_segments(old: str, new: str) -> list[tuple[str, str]]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
            continue
        if op in {"delete", "replace"}:
            segments.append(("delete", "".join(a[i1:i2])))
        if op in {"insert", "replace"}:
            segments.append(("insert", "".join(b[j1:j2])))
    return segments


def _is_minor(text: str) -> bool:
    return len(text.split()) <= _FOLD_WORDS


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level segments with short equal runs between changes folded into them."""
    raw = _raw_segments(old, new)
    out: list[tuple[str, str]] = []
    deleted, inserted = "", ""

    def flush():
        nonlocal deleted, inserted
        if deleted:
            out.append(("delete", deleted))
        if inserted:
            out.append(("insert", inserted))
        deleted, inserted = "", ""

    for index, (op, text) in enumerate(raw):
        if op == "delete":
            deleted += text
        elif op == "insert":
            inserted += text
        else:
            pending = deleted or inserted
            more_changes = any(o != "equal" for o, _ in raw[index + 1:index + 2])
            if pending and more_changes and _is_minor(text):
                deleted += text
                inserted += text
                continue
            flush()
            out.append(("equal", text))
    flush()
    return out


def diff_snapshots(old: dict | None, new: dict, names: dict | None = None) -> list[FieldDiff]:
    names = names or {}
    old = old or {}
    diffs = []
    for field in LABELS:
        if field not in new and field not in old:
            continue
        before, after = old.get(field), new.get(field)
        # An absent key (a revision older than the field) and an empty value read the same.
        if before == after or (not before and not after):
            continue
        old_text, new_text = _text(field, before, names), _text(field, after, names)
        diffs.append(FieldDiff(field, LABELS[field], old_text, new_text, word_diff(old_text, new_text)))
    return diffs


def names_for(revisions) -> dict:
    """Display names for the people and sources the snapshots refer to (two queries)."""
    from claims.models import Person, Source

    person_ids = {r.snapshot.get("person_id") for r in revisions} - {None}
    source_ids = {r.snapshot.get("source_id") for r in revisions} - {None}
    source_ids |= {a["source_id"] for r in revisions for a in r.snapshot.get("attributions", [])}
    names = {("person_id", p.pk): p.name for p in Person.objects.filter(pk__in=person_ids)}
    names.update({("source_id", s.pk): s.title for s in Source.objects.filter(pk__in=source_ids)})
    return names


def history(revisions) -> list[tuple]:
    """[(revision, [FieldDiff])] newest first; each diff is against the revision before it."""
    ordered = sorted(revisions, key=lambda r: (r.created, r.pk))
    names = names_for(ordered)
    rows, previous = [], None
    for revision in ordered:
        rows.append((revision, diff_snapshots(previous, revision.snapshot, names)))
        previous = revision.snapshot
    return list(reversed(rows))
