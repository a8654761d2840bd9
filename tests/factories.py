"""Small builders for test data; each returns saved rows."""

import datetime as dt
import itertools

from claims.models import Claim, Evidence, Person, Source, Topic

_seq = itertools.count(1)


def person(**kw):
    n = next(_seq)
    return Person.objects.create(**{"name": f"Person {n}", "slug": f"person-{n}", **kw})


def topic(**kw):
    n = next(_seq)
    return Topic.objects.create(**{"name": f"Topic {n}", "slug": f"topic-{n}", **kw})


def source(**kw):
    n = next(_seq)
    return Source.objects.create(**{"title": f"Source {n}", "url": f"https://example.org/{n}", **kw})


def claim(topics=(), **kw):
    n = next(_seq)
    values = {
        "slug": f"claim-{n}",
        "title": f"Claim number {n}",
        "statement": f"Statement {n}.",
        "quote": f"Verbatim quote number {n}.",
        "date_made": dt.date(2020, 1, 1) + dt.timedelta(days=n),
        "date_precision": "day",
        "editorial_state": Claim.EditorialState.PUBLISHED,
        **kw,
    }
    obj = Claim.objects.create(**values)
    if topics:
        obj.topics.set(topics)
    return obj


def many_claims(count, *, people=3, topics=3, evidence_per_claim=1):
    """`count` published claims spread over a few people and topics, each with evidence."""
    folks = [person() for _ in range(people)]
    subjects = [topic() for _ in range(topics)]
    src = source()
    made = []
    for i in range(count):
        resolved = {"status": "resolved_true", "verdict_as_of": dt.date(2025, 1, 1)} if i % 5 == 0 else {}
        c = claim(
            person=folks[i % people], source=src, topics=[subjects[i % topics], subjects[(i + 1) % topics]], **resolved
        )
        for _ in range(evidence_per_claim):
            Evidence.objects.create(claim=c, source=src, stance="supports", state="accepted", summary="s")
        made.append(c)
    return made, folks, subjects
