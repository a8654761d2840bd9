"""The synthetic data set the page benchmarks run on, written with COPY.

It exercises what real data does: the real topics that carry charts (so claims sit on
benchmark and compute charts), claims on benchmark pages, skewed topics and people (facets
with a long tail), evidence counts, verdicts, drafts, undated claims, search words as
selective as in real text, and benchmark scores spread over many benchmarks.
"""

import datetime as dt
import random
import time

from claims.series import TOPIC_CHARTS

WORDS = ("scaling wall compute energy agents autocomplete benchmark reasoning transformer architecture data "
         "parameters frontier lab open weights alphafold protein science research careers training cost "
         "inference latency reliability brownout memory planning world model physical understanding").split()
# Most words come from a large made-up vocabulary, so that a real search word is as selective
# as in real text (a 40-word vocabulary would make every query match half the rows).
FILLER = [f"w{i:04d}" for i in range(5000)]
CHART_BENCHMARKS = sorted({key.split(":", 1)[1] for key in TOPIC_CHARTS.values() if key.startswith("benchmark:")})
EXTRA_TOPICS = 9
BENCHMARKS = 200
MODELS = 3000
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
# Loaded without their secondary indexes and constraints, which are rebuilt once at the end.
BIG_TABLES = ("claims_claim", "claims_claim_topics", "claims_evidence", "claims_verdict", "ingest_benchmarkscore")


def _text(rng, n):
    words = rng.choices(FILLER, k=n)
    for i in range(n):
        if rng.random() < 0.04:
            words[i] = rng.choice(WORDS)
    return " ".join(words)


def _copy(cursor, model, rows):
    """COPY ``rows`` (dicts keyed by attname) into ``model``'s table; other columns get the
    fields' defaults, which COPY does not know (Django keeps them in Python)."""
    import json

    rows = iter(rows)
    first = next(rows)
    fields = [f for f in model._meta.concrete_fields if f.attname in first or not f.primary_key]
    defaults = {}
    for f in fields:
        value = f.get_default()
        defaults[f.attname] = json.dumps(value) if isinstance(value, (list, dict)) else value
    columns = ", ".join(f'"{f.column}"' for f in fields)
    if not hasattr(cursor, "copy"):  # SQLite: no COPY; batched inserts in the one transaction
        import itertools

        sql = f'INSERT INTO "{model._meta.db_table}" ({columns}) VALUES ({", ".join("?" * len(fields))})'
        rows = itertools.chain([first], rows)
        while batch := [[_sqlite(row.get(f.attname, defaults[f.attname])) for f in fields]
                        for row in itertools.islice(rows, 5000)]:
            cursor.executemany(sql, batch)
        return
    with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        copy.write_row([first.get(f.attname, defaults[f.attname]) for f in fields])
        for row in rows:
            copy.write_row([row.get(f.attname, defaults[f.attname]) for f in fields])


def _sqlite(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _without_indexes(cursor, table):
    """Drop a table's secondary indexes and constraints; return the statements that rebuild them.

    Building an index once after 10M rows is several times faster than maintaining six
    indexes and three foreign-key checks row by row.
    """
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
        [table])
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", [table, table])
    indexes = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints]


def generate(size, log=print):
    from django.db import connection, transaction

    from claims.models import Claim, Evidence, Person, Source, Topic, Verdict
    from ingest.aggregates import refresh_benchmark_summaries
    from ingest.models import AIModel, Benchmark, BenchmarkScore, DataSource, IngestRun

    rng = random.Random(42)
    started = time.perf_counter()
    statuses = [s for s, _ in Claim.Status.choices]
    with transaction.atomic(), connection.cursor() as django_cursor:
        cur = django_cursor.cursor  # the driver's own cursor: COPY on psycopg
        postgres = connection.vendor == "postgresql"
        rebuild = []
        if postgres:
            cur.execute("SET LOCAL synchronous_commit = off")
            cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for table in BIG_TABLES:
                rebuild += _without_indexes(cur, table)
        topic_slugs = sorted(TOPIC_CHARTS) + [f"topic-{i}" for i in range(EXTRA_TOPICS)]
        _copy(cur, Topic, ({"id": i + 1, "slug": slug, "name": slug.replace("-", " ").title(),
                            "description": _text(rng, 12)} for i, slug in enumerate(topic_slugs)))
        _copy(cur, Person, ({"id": i + 1, "slug": f"person-{i}", "name": f"{rng.choice(WORDS).title()} Person {i}",
                             "bio": _text(rng, 25), "created": EPOCH, "updated": EPOCH} for i in range(size.people)))
        sources = max(100, size.claims // 10)
        _copy(cur, Source, ({"id": i + 1, "title": f"Source {i}: {_text(rng, 6)}", "url": f"https://example.org/{i}",
                             "created": EPOCH} for i in range(sources)))
        log(f"  topics, {size.people:,} people, {sources:,} sources")

        # People and topics follow a long tail, as real ones do: a few prolific, most rare.
        person_weights = [1 / (i + 1) ** 0.8 for i in range(size.people)]
        topic_weights = [1 / (i + 1) for i in range(len(topic_slugs))]
        people = rng.choices(range(1, size.people + 1), weights=person_weights, k=size.claims)
        day0 = dt.date(2005, 1, 1)

        def claims():
            for i in range(size.claims):
                dated = rng.random() > 0.03
                created = EPOCH + dt.timedelta(minutes=i)
                yield {"id": i + 1, "slug": f"claim-{i}", "title": f"Claim {i}: {_text(rng, 6)}",
                       "statement": _text(rng, 20), "quote": _text(rng, 40), "person_id": people[i],
                       "source_id": rng.randint(1, sources),
                       "date_made": day0 + dt.timedelta(days=rng.randrange(7600)) if dated else None,
                       "date_precision": "day" if dated else "unknown",
                       "kind": rng.choice(["prediction", "assessment", "recommendation"]),
                       "status": rng.choice(statuses),
                       "editorial_state": "published" if rng.random() < 0.95 else "draft",
                       "created": created, "updated": created}

        _copy(cur, Claim, claims())
        log(f"  {size.claims:,} claims ({time.perf_counter() - started:.0f} s)")
        through = Claim.topics.through

        def links():
            n = 0
            for claim in range(1, size.claims + 1):
                for topic in set(rng.choices(range(1, len(topic_slugs) + 1), weights=topic_weights,
                                             k=rng.randint(1, 3))):
                    n += 1
                    yield {"id": n, "claim_id": claim, "topic_id": topic}

        _copy(cur, through, links())
        claim_weights = None  # uniform: every claim has some evidence, a few have much

        def evidence():
            targets = rng.choices(range(1, size.claims + 1), weights=claim_weights, k=size.evidence)
            for i, claim in enumerate(targets):
                when = EPOCH + dt.timedelta(seconds=i)
                yield {"id": i + 1, "claim_id": claim, "source_id": rng.randint(1, sources),
                       "stance": rng.choice(["supports", "contradicts", "context"]), "strength": rng.randint(1, 3),
                       "tier": "unverified", "summary": _text(rng, 20),
                       "state": "accepted" if rng.random() < 0.7 else "suggested", "created": when, "updated": when}

        _copy(cur, Evidence, evidence())
        log(f"  {size.evidence:,} evidence links ({time.perf_counter() - started:.0f} s)")
        cur.execute(
            'UPDATE claims_claim AS c SET evidence_count = e.n FROM (SELECT claim_id, count(*) AS n FROM claims_evidence '
            "WHERE state = 'accepted' GROUP BY claim_id) AS e WHERE e.claim_id = c.id")
        verdict_claims = rng.sample(range(1, size.claims + 1), size.claims * 3 // 10)
        _copy(cur, Verdict, ({"id": i + 1, "claim_id": c, "status": rng.choice(statuses), "rationale": _text(rng, 15),
                              "as_of": day0 + dt.timedelta(days=rng.randrange(7600)), "as_of_precision": "day",
                              "created": EPOCH + dt.timedelta(minutes=i)} for i, c in enumerate(verdict_claims)))

        source = DataSource.objects.create(slug="bench", name="Synthetic", kind="epoch-benchmarks",
                                           publisher="Synthetic", licence="CC0")
        run = IngestRun.objects.create(source=source, status="ok", finished_at=EPOCH)
        _copy(cur, AIModel, ({"key": f"m{i}", "name": f"Model {i}", "notable": True, "run_id": run.pk,
                              "organization": f"Lab {i % 40}",
                              "publication_date": dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(13000)),
                              "training_compute_flop": 10 ** rng.uniform(10, 26)} for i in range(MODELS)))
        slugs = CHART_BENCHMARKS + [f"bench-{i}" for i in range(BENCHMARKS - len(CHART_BENCHMARKS))]
        _copy(cur, Benchmark, ({"id": i + 1, "slug": slug, "name": slug.replace("-", " ").title()}
                               for i, slug in enumerate(slugs)))
        per = size.scores // len(slugs)

        def scores():
            n = 0
            for b in range(1, len(slugs) + 1):
                for j in range(per):
                    n += 1
                    day = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(2500))
                    yield {"id": n, "key": f"{b}-{j}", "benchmark_id": b, "model_name": f"Model {rng.randrange(MODELS)}",
                           "date": day, "score": rng.random(), "stderr": 0.02, "source_link": "", "run_id": run.pk}

        _copy(cur, BenchmarkScore, scores())
        log(f"  {per * len(slugs):,} benchmark scores copied ({time.perf_counter() - started:.0f} s)")
        for statement in rebuild:
            cur.execute(statement)
        log(f"  indexes and constraints rebuilt ({time.perf_counter() - started:.0f} s)")
        for table in () if not postgres else ("claims_topic", "claims_person", "claims_source", "claims_claim", "claims_claim_topics",
                      "claims_evidence", "claims_verdict", "ingest_benchmark", "ingest_benchmarkscore"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        refresh_benchmark_summaries()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    log(f"generated the data set in {time.perf_counter() - started:.0f} s")
