"""Editorial writes on claims and evidence. Views call these; nothing writes inline.

Every function here records a revision of what it changed (claims/history.py) and an
audit entry (claims/audit.py) in the same transaction as the change itself, so a
change without its record cannot exist.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import audit
from .backing import require_backing
from .dates import Precision
from .history import record_revision, revisions_for
from .models import Attribution, Claim, Evidence, Person, Revision, Source, Topic, Verdict


class EditorialConflict(Exception):
    """The change no longer applies (already decided, not allowed from this state...)."""


# Fields an editor sets through the claim form; status and editorial state have their
# own services because each needs more than a value (a rationale, an allowed step).
CONTENT_FIELDS = ("slug", "title", "statement", "quote", "quote_kind", "framing", "person", "source", "date_made",
                  "date_precision", "kind", "deadline")
VERDICT_FIELDS = ("status", "verdict_rationale", "verdict_as_of", "verdict_as_of_precision")

# draft -> in review -> published; back one step is always possible.
TRANSITIONS = {
    Claim.EditorialState.DRAFT: {Claim.EditorialState.IN_REVIEW},
    Claim.EditorialState.IN_REVIEW: {Claim.EditorialState.DRAFT, Claim.EditorialState.PUBLISHED},
    Claim.EditorialState.PUBLISHED: {Claim.EditorialState.IN_REVIEW},
}


def _ensure_baseline(obj, user=None) -> None:
    # Rows made outside these services (ingest suggestions, old data) may have no
    # revision yet; keep their state before the first edit, or the diff has no "before".
    if not revisions_for(obj).exists():
        record_revision(obj, comment="State before the first recorded edit.")


def _save_attributions(claim: Claim, rows) -> None:
    """Apply the editor's attribution rows: {"id" (None for a new one), "source", "attributed_to",
    "person", "passage", "delete"}. Removals go first so a row can take a removed one's place."""
    existing = {a.pk: a for a in claim.attributions.all()}
    rows = list(rows or ())
    unknown = {row["id"] for row in rows if row.get("id")} - existing.keys()
    if unknown:
        raise ValidationError("An attribution on the form belongs to another claim or was removed meanwhile.")
    for row in rows:
        if row.get("id") and row.get("delete"):
            existing[row["id"]].delete()
    for row in rows:
        if row.get("delete"):
            continue
        attribution = existing[row["id"]] if row.get("id") else Attribution(claim=claim)
        for name in ("source", "attributed_to", "person", "passage"):
            setattr(attribution, name, row[name])
        try:
            attribution.full_clean()
        except ValidationError as exc:
            # Named as the attribution's, not the claim's: the claim form has its own "source".
            raise ValidationError(f"Attribution to {row['attributed_to']}: {' '.join(exc.messages)}") from None
        attribution.save()


def _require_whose_words(claim: Claim) -> None:
    # "Reported" words are the source's account, not a quote: the page must be able to say
    # whose account it is, by the essay's own framing or at least one attribution.
    if claim.quote_kind == Claim.QuoteKind.REPORTED and not claim.framing and not claim.attributions.exists():
        raise ValidationError({"quote_kind": "Reported words need the source's framing or at least one attribution."})


@transaction.atomic
def create_claim(*, user, values: dict, topics, comment: str = "", attributions=()) -> Claim:
    claim = Claim(editorial_state=Claim.EditorialState.DRAFT)
    for name in CONTENT_FIELDS:
        setattr(claim, name, values[name])
    claim.full_clean(exclude=["topics"])
    claim.save()
    claim.topics.set(topics)
    _save_attributions(claim, attributions)
    _require_whose_words(claim)
    record_revision(claim, user=user, comment=comment or "Created.")
    audit.record(user, "claim.created", target=claim, summary=f"Created claim “{claim.title}” as a draft")
    return claim


@transaction.atomic
def update_claim(claim: Claim, *, user, values: dict, topics, comment: str = "", attributions=()) -> Revision | None:
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    _ensure_baseline(claim)
    if claim.editorial_state == Claim.EditorialState.PUBLISHED and values["slug"] != claim.slug:
        raise ValidationError({"slug": "A published claim keeps its slug: its permalink is cited elsewhere."})
    for name in CONTENT_FIELDS:
        setattr(claim, name, values[name])
    claim.full_clean(exclude=["topics"])
    claim.save()
    claim.topics.set(topics)
    _save_attributions(claim, attributions)
    _require_whose_words(claim)
    revision = record_revision(claim, user=user, comment=comment or "Edited.")
    if revision is not None:
        audit.record(user, "claim.updated", target=claim, summary=f"Edited “{claim.title}”: "
                     f"{', '.join(revision.changed_fields)}", data={"revision": revision.pk,
                                                                     "fields": revision.changed_fields})
    return revision


@transaction.atomic
def change_editorial_state(claim: Claim, new_state: str, *, user) -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    old = claim.editorial_state
    if new_state not in TRANSITIONS.get(old, set()):
        raise EditorialConflict(
            f"A claim that is {claim.get_editorial_state_display()} cannot move to "
            f"{Claim.EditorialState(new_state).label if new_state in Claim.EditorialState.values else new_state}."
        )
    _ensure_baseline(claim)
    claim.editorial_state = new_state
    claim.save(update_fields=["editorial_state", "updated"])
    label = claim.get_editorial_state_display()
    record_revision(claim, user=user, comment=f"Moved to {label}.")
    audit.record(user, "claim.state_changed", target=claim, summary=f"“{claim.title}”: {old} → {new_state}",
                 data={"from": old, "to": new_state})
    return claim


@transaction.atomic
def change_verdict(
    claim: Claim, *, user, status: str, rationale: str, as_of: dt.date | None = None,
    as_of_precision: str | None = None, source: str = "editor", comment: str = "",
) -> Verdict:
    """Set a claim's verdict. A rationale is required: a verdict nobody can explain is not one; and a
    status other than open needs backing (claims/backing.py), or a ValidationError names what is missing."""
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError({"rationale": "A verdict change needs a rationale."})
    if status not in Claim.Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if as_of is None:
        as_of, as_of_precision = timezone.localdate(), Precision.DAY
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    # A verdict says something about the world: something accepted must stand behind it.
    require_backing(claim, status)
    _ensure_baseline(claim)
    old = claim.status
    claim.status = status
    claim.verdict_rationale = rationale
    claim.verdict_as_of = as_of
    claim.verdict_as_of_precision = as_of_precision or Precision.DAY
    claim.save(update_fields=[*VERDICT_FIELDS, "updated"])
    verdict = Verdict.objects.create(
        claim=claim, status=status, rationale=rationale, as_of=as_of,
        as_of_precision=claim.verdict_as_of_precision, recorded_by=user if user and user.is_authenticated else None,
    )
    record_revision(claim, user=user, comment=comment or f"Verdict: {claim.get_status_display()}.")
    audit.record(user, "verdict.changed", target=claim,
                 summary=f"Verdict on “{claim.title}”: {old} → {status}",
                 data={"from": old, "to": status, "verdict": verdict.pk, "via": source})
    return verdict


@transaction.atomic
def revert_claim(claim: Claim, revision: Revision, *, user, reason: str = "") -> Revision | None:
    """Bring back a revision's content and verdict; the revert is itself a new revision.

    The slug and the editorial state stay as they are: a permalink and a publication
    decision are separate acts, not content to roll back by accident. When the verdict
    changes back, its history entry is an editorial correction, with the editor's reason.
    """
    reason = " ".join((reason or "").split())
    if revision.target != Revision.Target.CLAIM or revision.object_id != claim.pk:
        raise EditorialConflict("That revision belongs to another record.")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    snap = revision.snapshot
    person_id, source_id = snap.get("person_id"), snap.get("source_id")
    if person_id and not Person.objects.filter(pk=person_id).exists():
        raise EditorialConflict("The person this revision names has since been deleted.")
    if source_id and not Source.objects.filter(pk=source_id).exists():
        raise EditorialConflict("The source this revision cites has since been deleted.")
    claim.title, claim.statement, claim.quote = snap["title"], snap["statement"], snap["quote"]
    # Revisions older than these fields have no value for them: the claim keeps what it has.
    claim.quote_kind = snap.get("quote_kind", claim.quote_kind)
    claim.framing = snap.get("framing", claim.framing)
    claim.person_id, claim.source_id, claim.kind = person_id, source_id, snap["kind"]
    claim.date_made, claim.date_precision = _date(snap.get("date_made")), snap["date_precision"]
    claim.deadline = _date(snap.get("deadline"))
    verdict_before = tuple(getattr(claim, f) for f in VERDICT_FIELDS)
    claim.status, claim.verdict_rationale = snap["status"], snap.get("verdict_rationale", "")
    claim.verdict_as_of = _date(snap.get("verdict_as_of"))
    claim.verdict_as_of_precision = snap.get("verdict_as_of_precision", Precision.UNKNOWN)
    claim.save()
    claim.topics.set(Topic.objects.filter(slug__in=snap.get("topics", [])))
    if "attributions" in snap:
        _restore_attributions(claim, snap["attributions"])
    when = timezone.localtime(revision.created).strftime("%Y-%m-%d %H:%M")
    if tuple(getattr(claim, f) for f in VERDICT_FIELDS) != verdict_before:
        because = f" {reason.rstrip('.')}." if reason else ""
        Verdict.objects.create(
            claim=claim, status=claim.status, as_of=claim.verdict_as_of, as_of_precision=claim.verdict_as_of_precision,
            rationale=f"Editorial correction: the verdict of {when} is restored.{because} "
                      f"{claim.verdict_rationale or 'That version gave no rationale.'}",
            recorded_by=user if user and user.is_authenticated else None,
            is_correction=True,
        )
    comment = f"Reverted to revision #{revision.pk} ({when})." + (f" Reason: {reason}" if reason else "")
    new = record_revision(claim, user=user, comment=comment)
    if new is not None:
        audit.record(user, "claim.reverted", target=claim, summary=f"Reverted “{claim.title}” to revision "
                     f"#{revision.pk}", data={"revision": revision.pk, "new_revision": new.pk,
                                              "fields": new.changed_fields, "reason": reason})
    return new


def _restore_attributions(claim: Claim, rows: list) -> None:
    sources = set(Source.objects.filter(pk__in={r["source_id"] for r in rows}).values_list("pk", flat=True))
    people = set(Person.objects.filter(pk__in={r["person_id"] for r in rows} - {None}).values_list("pk", flat=True))
    if any(r["source_id"] not in sources or (r["person_id"] and r["person_id"] not in people) for r in rows):
        raise EditorialConflict("A source or person this revision's attributions name has since been deleted.")
    claim.attributions.all().delete()
    Attribution.objects.bulk_create(
        Attribution(claim=claim, source_id=r["source_id"], attributed_to=r["attributed_to"],
                    person_id=r["person_id"], passage=r["passage"]) for r in rows)


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _decided(evidence_id: int) -> Evidence:
    evidence = Evidence.objects.select_for_update().select_related("claim").get(pk=evidence_id)
    if evidence.state != Evidence.State.SUGGESTED:
        raise EditorialConflict(f"This suggestion was already {evidence.get_state_display()}.")
    _ensure_baseline(evidence)
    return evidence


@transaction.atomic
def accept_evidence(evidence_id: int, *, user, stance: str, strength: int, tier: str, note: str = "") -> Evidence:
    evidence = _decided(evidence_id)
    evidence.state = Evidence.State.ACCEPTED
    evidence.stance, evidence.strength, evidence.tier = stance, strength, tier
    evidence.note = note.strip()
    evidence.added_by = user
    evidence.full_clean()
    evidence.save()
    record_revision(evidence, user=user, comment="Accepted from the curation queue.")
    audit.record(user, "evidence.accepted", target=evidence,
                 summary=f"Accepted “{evidence.title}” as {stance} ({evidence.get_strength_display()}, {tier}) "
                         f"for “{evidence.claim.title}”",
                 data={"stance": stance, "strength": strength, "tier": tier})
    return evidence


@transaction.atomic
def reject_evidence(evidence_id: int, *, user, reason: str) -> Evidence:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this suggestion is rejected."})
    evidence = _decided(evidence_id)
    evidence.state = Evidence.State.REJECTED
    # The note is the editor's word on the item; for a rejected one, that is why.
    evidence.note = reason
    evidence.added_by = user
    evidence.save()
    record_revision(evidence, user=user, comment=f"Rejected: {reason}")
    audit.record(user, "evidence.rejected", target=evidence,
                 summary=f"Rejected “{evidence.title}” for “{evidence.claim.title}”: {reason}",
                 data={"reason": reason})
    return evidence


@transaction.atomic
def decide_in_bulk(evidence_ids, *, user, action: str, reason: str = "") -> tuple[int, int]:
    """Accept as context, or reject with one reason. Returns (decided, skipped as already decided)."""
    if action not in {"accept_context", "reject"}:
        raise ValidationError({"action": "Unknown bulk action."})
    if action == "reject" and not (reason or "").strip():
        raise ValidationError({"reason": "Say why these suggestions are rejected."})
    decided = skipped = 0
    for evidence_id in sorted(set(evidence_ids)):
        try:
            if action == "accept_context":
                accept_evidence(evidence_id, user=user, stance=Evidence.Stance.CONTEXT,
                                strength=Evidence.Strength.WEAK, tier=Evidence.Tier.UNVERIFIED)
            else:
                reject_evidence(evidence_id, user=user, reason=reason)
            decided += 1
        except (EditorialConflict, Evidence.DoesNotExist):
            skipped += 1
    return decided, skipped


@transaction.atomic
def find_or_create_source(*, user, title: str, url: str = "", publisher: str = "") -> Source:
    """A source an editor names on the claim form: reuse the one with the same URL if any."""
    if url:
        existing = Source.objects.filter(url=url).order_by("pk").first()
        if existing is not None:
            return existing
    source = Source.objects.create(title=title.strip(), url=url, publisher=publisher.strip())
    audit.record(user, "source.created", target=source, summary=f"Added source “{source.title}”",
                 data={"url": url})
    return source
