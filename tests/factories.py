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


def ingested(count):
    """An ok ingest run with `count` notable models and `count` GPQA diamond scores."""
    from django.utils import timezone

    from ingest.models import AIModel, Benchmark, BenchmarkScore, DataSource, IngestRun

    source = DataSource.objects.create(slug=f"src-{next(_seq)}", name="Epoch AI test", kind="epoch-models",
                                       publisher="Epoch AI", licence="CC BY 4.0")
    run = IngestRun.objects.create(source=source, status="ok", finished_at=timezone.now())
    AIModel.objects.bulk_create(
        AIModel(key=f"model-{i}", name=f"Model {i}", organization="Lab", notable=True, run=run,
                publication_date=dt.date(2015, 1, 1) + dt.timedelta(days=30 * i), training_compute_flop=1e20 * (i + 1))
        for i in range(count)
    )
    gpqa = Benchmark.objects.create(slug="gpqa-diamond", name="GPQA diamond")
    BenchmarkScore.objects.bulk_create(
        BenchmarkScore(key=f"score-{i}", benchmark=gpqa, model_name=f"Model {i}", score=min(0.99, 0.3 + i / 100),
                       stderr=0.02, date=dt.date(2023, 1, 1) + dt.timedelta(days=7 * i), run=run)
        for i in range(count)
    )
    from ingest.aggregates import refresh_after_run

    refresh_after_run(run)  # as the runner does after a successful run
    return run
