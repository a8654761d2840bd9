"""Page benchmark: p50/p95 server time and query count per page on PostgreSQL at scale.

Generates (once) a synthetic data set of 10,000 claims, 500 people, 100,000 evidence links
and 1,000,000 benchmark scores in its own database, then requests each page many times
through Django's test client and prints the figures. Not a test: run on demand.

    .venv/bin/python bench/pages.py                # uses postgres://postgres@127.0.0.1:5432/claimwatch_bench_pages
    BENCH_DATABASE_URL=postgres://... .venv/bin/python bench/pages.py --requests 50
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/claimwatch_bench_pages")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

CLAIMS, PEOPLE, EVIDENCE, SCORES, TOPICS, BENCHMARKS, MODELS = 10_000, 500, 100_000, 1_000_000, 20, 20, 3_000
WORDS = ("scaling wall compute energy agents autocomplete benchmark reasoning transformer architecture data "
         "parameters frontier lab open weights alphafold protein science research careers training cost "
         "inference latency reliability brownout memory planning world model physical understanding").split()


def ensure_database():
    import psycopg
    from urllib.parse import urlsplit

    parts = urlsplit(DB_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


# Most words are drawn from a large made-up vocabulary, so that a real search word is as
# selective as in real text (a 40-word vocabulary would make every query match half the rows).
FILLER = [f"w{i:04d}" for i in range(5000)]


def text(rng, n):
    return " ".join(rng.choice(WORDS) if rng.random() < 0.04 else rng.choice(FILLER) for _ in range(n))


def generate():
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from claims.models import Claim, Evidence, Person, Source, Topic, Verdict
    from ingest.models import AIModel, Benchmark, DataSource, IngestRun

    rng = random.Random(42)
    started = time.perf_counter()
    with transaction.atomic():
        topics = Topic.objects.bulk_create(
            Topic(slug=f"topic-{i}", name=f"Topic {i} {text(rng, 2)}", description=text(rng, 12)) for i in range(TOPICS)
        )
        people = Person.objects.bulk_create(
            Person(slug=f"person-{i}", name=f"Person {i} {rng.choice(WORDS).title()}", bio=text(rng, 25))
            for i in range(PEOPLE)
        )
        sources = Source.objects.bulk_create(
            Source(title=f"Source {i}: {text(rng, 6)}", url=f"https://example.org/{i}") for i in range(1000)
        )
        statuses = [s for s, _ in Claim.Status.choices]
        claims = Claim.objects.bulk_create(
            (
                Claim(slug=f"claim-{i}", title=f"Claim {i}: {text(rng, 6)}", statement=text(rng, 20),
                      quote=text(rng, 40), person=rng.choice(people), source=rng.choice(sources),
                      date_made=dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(6000)), date_precision="day",
                      kind=rng.choice(["prediction", "assessment", "recommendation"]), status=rng.choice(statuses),
                      editorial_state="published")
                for i in range(CLAIMS)
            ),
            batch_size=2000,
        )
        through = Claim.topics.through
        through.objects.bulk_create(
            (through(claim_id=c.pk, topic_id=t.pk) for c in claims for t in rng.sample(topics, 2)), batch_size=5000
        )
        Evidence.objects.bulk_create(
            (
                Evidence(claim=rng.choice(claims), source=rng.choice(sources),
                         stance=rng.choice(["supports", "contradicts", "context"]), strength=rng.randint(1, 3),
                         summary=text(rng, 20), state="accepted" if rng.random() < 0.7 else "suggested")
                for _ in range(EVIDENCE)
            ),
            batch_size=5000,
        )
        Verdict.objects.bulk_create(
            Verdict(claim=c, status=c.status, rationale=text(rng, 15), as_of=c.date_made)
            for c in rng.sample(claims, 3000)
        )
        source = DataSource.objects.create(slug="bench", name="Synthetic", kind="epoch-benchmarks",
                                           publisher="Synthetic", licence="CC0")
        run = IngestRun.objects.create(source=source, status="ok", finished_at=timezone.now())
        AIModel.objects.bulk_create(
            (AIModel(key=f"m{i}", name=f"Model {i}", notable=True, run=run,
                     publication_date=dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(13000)),
                     training_compute_flop=10 ** rng.uniform(10, 26)) for i in range(MODELS)),
            batch_size=2000,
        )
        benchmarks = Benchmark.objects.bulk_create(
            [Benchmark(slug="gpqa-diamond", name="GPQA diamond")]
            + [Benchmark(slug=f"bench-{i}", name=f"Benchmark {i}") for i in range(1, BENCHMARKS)]
        )
        per = SCORES // BENCHMARKS
        with connection.cursor() as cursor:
            columns = "(key, benchmark_id, model_name, date, score, stderr, source_link, run_id)"
            with cursor.cursor.copy(f"COPY ingest_benchmarkscore {columns} FROM STDIN") as copy:
                for b in benchmarks:
                    for j in range(per):
                        day = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(2500))
                        copy.write_row((f"{b.slug}-{j}", b.pk, f"Model {rng.randrange(MODELS)}", day,
                                        rng.random(), 0.02, "", run.pk))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated the data set in {time.perf_counter() - started:.0f} s")


def measure(requests):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from claims.models import Claim

    rng = random.Random(7)
    slugs = list(Claim.objects.values_list("slug", flat=True)[:2000])
    client = Client()
    pages = {
        "browse": lambda: f"/claims/?page={rng.randint(1, 50)}",
        "browse (topic+year)": lambda: f"/claims/?topic=topic-{rng.randrange(TOPICS)}&year={rng.randint(2010, 2026)}",
        "browse (q)": lambda: f"/claims/?q={rng.choice(WORDS)}",
        "claim": lambda: f"/claims/{rng.choice(slugs)}/",
        "person": lambda: f"/people/person-{rng.randrange(PEOPLE)}/",
        "search": lambda: f"/search/?q={rng.choice(WORDS)}+{rng.choice(WORDS)}",
        "home": lambda: "/",
        "topic": lambda: f"/topics/topic-{rng.randrange(TOPICS)}/",
        "timeline": lambda: "/timeline/",
        "benchmark": lambda: "/data/benchmarks/gpqa-diamond/",
        "models": lambda: f"/data/models/?page={rng.randint(1, 50)}",
    }
    print(f"\n{'page':22} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}   (n={requests}, PostgreSQL, warm cache)")
    for name, url_for in pages.items():
        for _ in range(3):  # warm-up: caches, connection, plotly's first figure
            client.get(url_for())
        times, queries = [], set()
        for _ in range(requests):
            url = url_for()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries.add(len(captured.captured_queries))
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
        span = f"{min(queries)}" if len(queries) == 1 else f"{min(queries)}-{max(queries)}"
        print(f"{name:22} {statistics.median(times):8.1f} {p95:8.1f} {span:>8}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--regenerate", action="store_true", help="drop and rebuild the data set")
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from claims.models import Claim

    if args.regenerate:
        call_command("flush", "--noinput", verbosity=0)
    if Claim.objects.count() < CLAIMS:
        call_command("flush", "--noinput", verbosity=0)
        generate()
    from ingest.models import BenchmarkScore

    print(f"data: {Claim.objects.count():,} claims, {BenchmarkScore.objects.count():,} benchmark scores")
    measure(args.requests)


if __name__ == "__main__":
    main()
