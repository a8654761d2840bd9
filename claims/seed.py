"""Loading the curated seed claims (claims/seed_data/claims.json) into the database.

Idempotent: rows are matched by slug (sources by key; attributions and evidence by claim,
source and passage) and only created when missing, so a second load adds nothing and never
overwrites what editors have changed since.

A seed claim whose status is not "open" must be backed (claims/backing.py) once its evidence
is in; otherwise the whole load is refused and nothing is written.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from django.core.exceptions import ValidationError

from .backing import require_backing
from .dates import parse_partial_date
from .history import record_revision
from .models import Attribution, Claim, Evidence, Person, Source, Topic, Verdict
from .signals import seed_loaded

SEED_DIR = Path(__file__).resolve().parent / "seed_data"


class UnbackedSeedStatus(Exception):
    """A seed claim carries a status nothing in the seed backs."""


@dataclass
class SeedCounts:
    created: dict = field(default_factory=lambda: {
        "sources": 0, "people": 0, "topics": 0, "claims": 0, "verdicts": 0, "attributions": 0, "evidence": 0,
        "corrections": 0,
    })
    existing: int = 0


@transaction.atomic
def load_seed(path: Path = SEED_DIR / "claims.json") -> SeedCounts:
    data = json.loads(path.read_text(encoding="utf-8"))
    counts = SeedCounts()

    def tally(kind, created):
        if created:
            counts.created[kind] += 1
        else:
            counts.existing += 1

    sources = {}
    for spec in data["sources"]:
        date, precision = parse_partial_date(spec.get("date"))
        document = (path.parent / "documents" / spec["file"]).read_text(encoding="utf-8")
        sources[spec["key"]], created = Source.objects.get_or_create(
            key=spec["key"],
            defaults={
                "title": spec["title"][:500],
                "url": spec.get("url") or "",
                "publisher": spec.get("publisher") or "",
                "author": spec.get("author") or "",
                "date": date,
                "date_precision": precision,
                "kind": spec.get("kind") or Source.Kind.ARTICLE,
                "excerpt": document,
            },
        )
        tally("sources", created)
    people = {}
    for spec in data["people"]:
        people[spec["slug"]], created = Person.objects.get_or_create(
            slug=spec["slug"],
            defaults={k: spec.get(k) or default for k, default in
                      (("name", ""), ("affiliation", ""), ("role", ""), ("bio", ""), ("links", []))},
        )
        tally("people", created)
    topics = {}
    for spec in data["topics"]:
        topics[spec["slug"]], created = Topic.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "description": spec.get("description", "")}
        )
        tally("topics", created)
        _fill_blank_phrases(topics[spec["slug"]], spec)
    corrections = path.parent / "corrections.json"
    if corrections.exists():
        counts.created["corrections"] = apply_corrections(json.loads(corrections.read_text(encoding="utf-8")))
    new_claims = []
    for spec in data["claims"]:
        existing = Claim.objects.filter(slug=spec["slug"]).first()
        if existing is not None:
            counts.existing += 1
            _fill_blank_phrases(existing, spec)
            continue
        made, made_precision = parse_partial_date(spec.get("date_made"))
        as_of, as_of_precision = parse_partial_date(spec.get("verdict_as_of"))
        deadline, _ = parse_partial_date(spec.get("deadline"))
        claim = Claim.objects.create(
            slug=spec["slug"],
            title=spec["title"],
            statement=spec["statement"],
            quote=spec["quote"],
            quote_kind=spec.get("quote_kind") or Claim.QuoteKind.OWN_WORDS,
            framing=spec.get("framing") or "",
            person=people.get(spec.get("person")),
            source=sources[spec["source"]],
            date_made=made,
            date_precision=made_precision,
            kind=spec["kind"],
            deadline=deadline,
            status=spec["status"],
            verdict_rationale=spec.get("verdict_rationale") or "",
            verdict_as_of=as_of,
            verdict_as_of_precision=as_of_precision,
            editorial_state=Claim.EditorialState.PUBLISHED,
            match_phrases="\n".join(spec.get("match_phrases", [])),
            exclude_phrases="\n".join(spec.get("exclude_phrases", [])),
        )
        claim.topics.set([topics[slug] for slug in spec["topics"]])
        counts.created["claims"] += 1
        new_claims.append(claim)
        record_revision(claim, comment=f"Imported from “{claim.source.title}”.")
    claims = {c.slug: c for c in Claim.objects.filter(slug__in={a["claim"] for a in data.get("attributions", [])}
                                                     | {e["claim"] for e in data.get("evidence", [])})}
    for spec in data.get("attributions", []):
        _, created = Attribution.objects.get_or_create(
            claim=claims[spec["claim"]], source=sources[spec["source"]], attributed_to=spec["attributed_to"],
            defaults={"person": people.get(spec.get("person")), "passage": spec["passage"]},
        )
        tally("attributions", created)
    for spec in data.get("evidence", []):
        # Matched by passage: an editor's later decision on the row (rejecting it) is kept.
        _, created = Evidence.objects.get_or_create(
            claim=claims[spec["claim"]], source=sources[spec["source"]], feed_item=None, summary=spec["passage"],
            defaults={"stance": spec["stance"], "strength": spec["strength"], "tier": spec["tier"],
                      "by_claimant": spec.get("by_claimant", False), "state": Evidence.State.ACCEPTED},
        )
        tally("evidence", created)
    unbacked = []
    for claim in new_claims:
        if claim.status == Claim.Status.OPEN:
            continue
        try:
            require_backing(claim, claim.status)
        except ValidationError:
            unbacked.append(f"{claim.slug} ({claim.status})")
            continue
        Verdict.objects.create(
            claim=claim,
            status=claim.status,
            rationale=claim.verdict_rationale,
            as_of=claim.verdict_as_of,
            as_of_precision=claim.verdict_as_of_precision,
        )
        counts.created["verdicts"] += 1
    if unbacked:
        raise UnbackedSeedStatus("Seed claims with a status nothing backs: " + ", ".join(unbacked))
    # Apps that build on the claims (measures) load their own seed rows on this signal.
    seed_loaded.send(sender=Claim, counts=counts)
    return counts


def _fill_blank_phrases(row, spec) -> None:
    """Suggestion phrases arrived after the first claims: give a row that has none the curated
    ones, but never overwrite phrases an editor has written."""
    changed = []
    for name in ("match_phrases", "exclude_phrases"):
        if not getattr(row, name) and spec.get(name):
            setattr(row, name, "\n".join(spec[name]))
            changed.append(name)
    if changed:
        row.save(update_fields=changed)


def apply_corrections(spec: dict) -> int:
    """Fix defects in rows loaded from an earlier seed: each only while the row still holds the
    old value (an editor's change wins), each recorded as a revision. Returns how many applied."""
    applied = 0
    claims = {c.slug: c for c in Claim.objects.filter(slug__in={fix["slug"] for fix in spec.get("claims", [])})}
    changed = {}
    for fix in spec.get("claims", []):
        claim = claims.get(fix["slug"])
        if claim is None:
            continue
        if fix["field"] == "date_made":
            was, now = parse_partial_date(fix["was"]), parse_partial_date(fix["now"])
            if (claim.date_made, claim.date_precision) == was:
                claim.date_made, claim.date_precision = now
                changed.setdefault(claim.slug, []).append("date")
        elif getattr(claim, fix["field"]) == fix["was"]:
            setattr(claim, fix["field"], fix["now"])
            changed.setdefault(claim.slug, []).append(fix["field"])
    for slug, fields in changed.items():
        claim = claims[slug]
        claim.save()
        record_revision(claim, comment=f"Corrected against “{claim.source.title}”: {', '.join(fields)}.")
        applied += len(fields)
    people = {p.slug: p for p in Person.objects.filter(slug__in={fix["slug"] for fix in spec.get("people", [])})}
    for fix in spec.get("people", []):
        person = people.get(fix["slug"])
        if person is not None and getattr(person, fix["field"]) == fix["was"]:
            setattr(person, fix["field"], fix["now"])
            person.save(update_fields=[fix["field"], "updated"])
            applied += 1
    for fix in spec.get("verdicts", []):
        applied += Verdict.objects.filter(claim__slug=fix["claim"], rationale=fix["was"]).update(rationale=fix["now"])
    return applied
