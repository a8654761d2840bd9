"""Page benchmark: server p50/p95 and queries per page at scale, warm and cold.

Generates (once per size, with COPY) a synthetic data set in a database of its own named after
the size (cwbench_c100000_s10000000 on the server BENCH_DATABASE_URL names), then requests
every page through Django's test client with parameters drawn at random for each request
(facets, q words, sorts, pages, claims, people, topics, benchmarks), and prints one row per
page, the ratio to the 10k-claim size, and the EXPLAIN ANALYZE plan of the slowest query.

It never touches a database it did not create: each holds a marker table, and a database of
the same name without it is refused. It starts from an empty cache of its own (locmem, or the
Redis database BENCH_CACHE_URL names, which it flushes: give it one of its own), then brings
the stored charts and downloads up to date as a finished ingest does (measures.chart_warmup:
a first run builds them all, later runs re-stamp them), measures every page warm, and then
cold (the cache flushed before each request; stored payloads stay, as they do in production). Besides wall time it reports this process's
CPU time and the database time per request: on a shared machine those move less with the load.

    .venv/bin/python bench/pages.py                                  # 100,000 claims, 10,000,000 scores
    .venv/bin/python bench/pages.py --claims 10000 --scores 1000000  # the baseline size
    .venv/bin/python bench/pages.py --sqlite --claims 10000 --scores 1000000  # the embedded default
    BENCH_DATABASE_URL=postgres://user@host:5432/postgres BENCH_CACHE_URL=redis://127.0.0.1:6379/13 ...

Not a test: run on demand. Figures are also written to var/bench/pages-<size>.json.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _benchdb  # noqa: E402

BASELINE = (10_000, 1_000_000)
RESULTS = ROOT / "var" / "bench"


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


class Draw:
    """Random parameters for each request, from what the data set holds."""

    def __init__(self, seed=7):
        from django.db.models import Count

        from claims.forms import SORTS
        from claims.models import Claim, Person, Topic
        from ingest.models import Benchmark, Series
        from measures.models import Measure

        from _dataset import CHART_BENCHMARKS, OWID_ENTITIES, WORDS

        self.rng = random.Random(seed)
        self.words = WORDS
        published = Claim.objects.published()
        self.claim_count = published.count()
        # 5,000 claims drawn with the seeded generator, not ORDER BY random(): one run's claims are
        # the next run's, so two runs (and two commits) are compared on the same pages. A fifth of
        # the claims chart a measure and cost twice as much, and an unseeded draw moved the claim
        # page's p95 by 1.8x between runs.
        ids = sorted(published.values_list("pk", flat=True))
        chosen = sorted(self.rng.sample(ids, min(5000, len(ids))))
        self.claims = list(published.filter(pk__in=chosen).order_by("pk").values_list("slug", flat=True))
        self.people = list(Person.objects.order_by("pk").values_list("slug", flat=True))
        self.topics = list(Topic.objects.order_by("pk").values_list("slug", flat=True))
        self.benchmarks = list(Benchmark.objects.order_by("pk").values_list("slug", flat=True))
        self.chart_benchmarks = [b for b in CHART_BENCHMARKS if b in self.benchmarks]
        self.series = list(Series.objects.order_by("pk").values_list("slug", flat=True))
        self.entities = OWID_ENTITIES
        # Issue 8's page: a claim whose page charts its primary measure and tells three results.
        self.measured3 = list(
            published.filter(pk__in=Measure.objects.values("claim_id").annotate(n=Count("id")).filter(n=3)
                             .values("claim_id")).order_by("pk").values_list("slug", flat=True)[:2000])
        self.statuses = [s for s, _ in Claim.Status.choices]
        self.sorts = list(SORTS)

    def pick(self, seq):
        return self.rng.choice(seq)

    def facets(self, k=None):
        from urllib.parse import urlencode

        rng = self.rng
        chosen = rng.sample(["topic", "person", "status", "kind", "year"], k or rng.randint(1, 3))
        values = {"topic": lambda: self.pick(self.topics), "person": lambda: self.pick(self.people),
                  "status": lambda: self.pick(self.statuses),
                  "kind": lambda: self.pick(["prediction", "assessment", "recommendation"]),
                  "year": lambda: str(rng.randint(2005, 2025))}
        return urlencode({name: values[name]() for name in chosen})

    def part(self):
        from claims.download_parts import PART_SIZE

        return self.rng.randint(1, max(1, self.claim_count // PART_SIZE))

    def deep_page(self):
        last = max(1, self.claim_count // 25)
        return self.rng.randint(max(1, last - last // 10), last)


GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def get(client, target):
    """A page's request: a URL, or (URL, request headers)."""
    url, headers = (target, {}) if isinstance(target, str) else target
    return client.get(url, **headers)


def pages(d: Draw) -> dict:
    rng = d.rng
    return {
        "browse": lambda: f"/claims/?page={rng.randint(1, 20)}",
        "browse facets": lambda: f"/claims/?{d.facets()}",
        "browse q": lambda: f"/claims/?q={d.pick(d.words)}",
        "browse q+facet": lambda: f"/claims/?q={d.pick(d.words)}&{d.facets(1)}",
        "browse sort": lambda: f"/claims/?sort={d.pick(d.sorts)}&page={rng.randint(1, 20)}",
        "browse deep page": lambda: f"/claims/?page={d.deep_page()}",
        "browse deep sorted": lambda: f"/claims/?sort={d.pick(d.sorts)}&page={d.deep_page()}",
        "claim": lambda: f"/claims/{d.pick(d.claims)}/",
        "claim (3 measures)": lambda: f"/claims/{d.pick(d.measured3)}/",
        "person": lambda: f"/people/{d.pick(d.people)}/",
        "people": lambda: "/people/",
        "topic": lambda: f"/topics/{d.pick(d.topics)}/?page={rng.randint(1, 10)}",
        "topics": lambda: "/topics/",
        "home": lambda: "/",
        "timeline": lambda: "/timeline/" + d.pick(["", f"?topic={d.pick(d.topics)}", f"?person={d.pick(d.people)}",
                                                   "?show=claims"]),
        "search": lambda: f"/search/?q={d.pick(d.words)}+{d.pick(d.words)}",
        "data": lambda: "/data/",
        "benchmark (chart)": lambda: f"/data/benchmarks/{d.pick(d.chart_benchmarks)}/",
        "benchmark (any)": lambda: f"/data/benchmarks/{d.pick(d.benchmarks)}/",
        "series": lambda: f"/data/series/{d.pick(d.series)}/?entity={d.pick(d.entities)}",
        "models": lambda: f"/data/models/?page={rng.randint(1, 60)}&sort={d.pick(['date', 'compute', 'name'])}",
        "feed claims": lambda: d.pick(["/feeds/claims.rss", "/feeds/claims.atom"]),
        "feed verdicts": lambda: d.pick(["/feeds/verdicts.rss", "/feeds/verdicts.atom"]),
        "feed topic": lambda: f"/feeds/topics/{d.pick(d.topics)}.rss",
        "feed person": lambda: f"/feeds/people/{d.pick(d.people)}.atom",
        "feed claim": lambda: f"/feeds/claims/{d.pick(d.claims)}.rss",
        "feed browse": lambda: f"/feeds/browse.rss?{d.facets()}",
        "download claim": lambda: f"/claims/{d.pick(d.claims)}.{d.pick(['csv', 'json'])}",
        "download browse": lambda: f"/claims.{d.pick(['csv', 'json'])}?{d.facets(2)}",
        # As browsers and curl --compressed ask for it: the body is gzipped as it streams.
        "download browse gz": lambda: (f"/claims.{d.pick(['csv', 'json'])}?{d.facets(2)}", GZIP),
        # A whole part (claims.download_parts.PART_SIZE claims) anywhere in the matches, in any sort:
        # the same number of claims shown at each size, where a filtered part holds what matches.
        "download browse part": lambda: f"/claims.{d.pick(['csv', 'json'])}?part={d.part()}&sort={d.pick(d.sorts)}",
        "download benchmark": lambda: f"/data/benchmarks/{d.pick(d.chart_benchmarks)}.csv",
        "download compute": lambda: "/data/compute.json",
    }


def measure(requests, cold_runs, only=None):
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    draw = Draw()
    client = Client()
    chosen = {name: url_for for name, url_for in pages(draw).items() if not only or any(o in name for o in only)}
    rows, slowest = [], []
    warm_up_charts()
    for url in ("/", "/claims/", "/data/"):  # the process's own first-request costs (imports, templates)
        client.get(url)
    # Warm first, every page, while the post-ingest charts are in the cache; cold after, since
    # each cold request starts by flushing it.
    for name, url_for in chosen.items():
        for _ in range(3):  # warm-up: connection, templates, this page's cached parts
            get(client, url_for())
        times, cpu, db, queries, size = [], [], [], [], []
        for _ in range(requests):
            url = url_for()
            with CaptureQueriesContext(connection) as captured:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = get(client, url)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                elapsed = (time.perf_counter() - start) * 1000
                cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            times.append(elapsed)
            queries.append(len(captured.captured_queries))
            db.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            size.append(len(body))
            for q in captured.captured_queries:
                # Only reads: EXPLAIN ANALYZE runs the statement, and a COMMIT or RELEASE has no plan.
                if q["sql"].lstrip().split(None, 1)[0].upper() in ("SELECT", "WITH"):
                    slowest.append((float(q["time"]) * 1000, name, url, q["sql"]))
        slowest = sorted(slowest, reverse=True)[:5]
        # Wall time, and this process's CPU time: on a shared machine the second is the steadier.
        rows.append({"page": name, "p50_ms": statistics.median(times), "p95_ms": percentile(times, 0.95),
                     "cpu_p50_ms": statistics.median(cpu), "cpu_p95_ms": percentile(cpu, 0.95),
                     "db_p50_ms": statistics.median(db),
                     "queries": [min(queries), max(queries)], "kb": statistics.median(size) / 1024,
                     # A download's file grows with the data it holds: its cost per MB is what must stay flat.
                     "ms_per_mb_p50": statistics.median(t / max(s / 2**20, 1e-6) for t, s in zip(times, size)),
                     "mb_max": max(size) / 2**20})
        print(f"  warm: {name}", file=sys.stderr, flush=True)
    for row in rows:
        # Cold: the first request after a cache flush (the generation numbers go too).
        cold = []
        for _ in range(cold_runs):
            cache.clear()
            url = chosen[row["page"]]()
            start = time.perf_counter()
            response = get(client, url)
            if response.streaming:
                b"".join(response.streaming_content)
            cold.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        row.update(cold_p50_ms=statistics.median(cold), cold_max_ms=max(cold))
        low, high = row["queries"]
        span = f"{low}" if low == high else f"{low}-{high}"
        print(f"{row['page']:20} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {span:>8}   "
              f"{row['cold_p50_ms']:8.1f} {row['cold_max_ms']:8.1f} {row['kb']:8.1f}   "
              f"{row['cpu_p50_ms']:8.1f} {row['cpu_p95_ms']:8.1f} {row['db_p50_ms']:8.1f}", flush=True)
    return rows, slowest


def warm_up_charts():
    """What a finished ingest does (measures.chart_warmup): rebuild the charts and downloads
    pages show (those whose series moved), so warm figures are those readers see after an
    ingest, not first visits to each series."""
    from measures.chart_warmup import charted_series, warm_series

    start = time.perf_counter()
    refs = charted_series()
    built = warm_series(refs)
    print(f"post-ingest rebuild: {built} payloads (charts, downloads) rebuilt for {len(refs)} series in {time.perf_counter() - start:.1f} s\n",
          flush=True)


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--scores", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=40, help="warm requests per page")
    parser.add_argument("--cold", type=int, default=3, help="cold requests per page (cache flushed before each)")
    parser.add_argument("--sqlite", action="store_true", help="the embedded default (SQLite) instead of PostgreSQL")
    parser.add_argument("--regenerate", action="store_true", help="drop and rebuild this size's data set")
    parser.add_argument("--no-baseline", action="store_true", help="do not run the 10k size for the ratio")
    parser.add_argument("--only", nargs="*", help="measure only pages whose name contains one of these")
    parser.add_argument("--generate-only", action="store_true", help="build the data set, measure nothing")
    parser.add_argument("--plans", type=int, default=1, help="EXPLAIN ANALYZE the N slowest queries")
    args = parser.parse_args()
    size = _benchdb.Size(args.claims, args.scores, "sqlite" if args.sqlite else "postgresql")
    baseline = _benchdb.Size(*BASELINE, size.engine)
    if size != baseline and not args.no_baseline and not (RESULTS / f"pages-{baseline.label}.json").exists():
        print(f"no baseline figures yet: measuring {baseline.label} first")
        command = [sys.executable, __file__, "--claims", str(BASELINE[0]), "--scores", str(BASELINE[1]),
                   "--requests", str(args.requests), "--cold", str(args.cold), "--no-baseline"]
        subprocess.run(command + (["--sqlite"] if args.sqlite else []), check=True)

    needs_data = _benchdb.prepare(size, regenerate=args.regenerate)
    _benchdb.configure_django(size, os.environ.get("BENCH_CACHE_URL"))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if needs_data:
        from _dataset import generate

        print(f"generating {size.label}: {size.claims:,} claims, {size.people:,} people, "
              f"{size.evidence:,} evidence links, {size.scores:,} scores")
        generate(size)
        _benchdb.mark_complete(size)
    # Claims loaded by COPY after the migrations have no stored download lines yet: fill them as
    # the post-migrate fill and the worker's refill do, so the downloads measure reading lines,
    # not building them on the first read (which the data of a real site never waits for twice).
    from claims.download_rows import fill_missing

    start = time.perf_counter()
    print(f"stored download lines filled: {fill_missing():,} in {time.perf_counter() - start:.1f} s", flush=True)
    if args.generate_only:
        return
    _benchdb.settle()
    from django.db import connection

    from claims.models import Claim, Evidence, Person
    from ingest.models import BenchmarkScore

    print(f"data ({connection.vendor}, {size.label}): {Claim.objects.count():,} claims, "
          f"{Person.objects.count():,} people, {Evidence.objects.count():,} evidence links, "
          f"{BenchmarkScore.objects.count():,} benchmark scores")
    print(f"\n{'page':20} {'p50_ms':>8} {'p95_ms':>8} {'queries':>8}   {'cold_p50':>8} {'cold_max':>8} {'KB':>8}"
          f"   {'cpu_p50':>8} {'cpu_p95':>8} {'db_p50':>8}"
          f"   (warm n={args.requests}, cold n={args.cold}, random parameters per request)")
    rows, slowest = measure(args.requests, args.cold, args.only)

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"pages-{size.label}.json"
    if not args.only:
        out.write_text(json.dumps({"size": size.label, "rows": rows}, indent=1))
    base_file = RESULTS / f"pages-{baseline.label}.json"
    if size != baseline and base_file.exists():
        base = {r["page"]: r for r in json.loads(base_file.read_text())["rows"]}
        print(f"\nratio to {baseline.label} (p95 here / p95 there; target <= 1.5)")
        for row in rows:
            if row["page"] in base:
                ratio = row["p95_ms"] / max(base[row["page"]]["p95_ms"], 0.1)
                print(f"{row['page']:20} {base[row['page']]['p95_ms']:8.1f} -> {row['p95_ms']:8.1f}   "
                      f"x{ratio:4.2f}{'  OVER' if ratio > 1.5 else ''}")
        downloads = [row for row in rows if row["page"].startswith("download") and row["page"] in base
                     and "ms_per_mb_p50" in base[row["page"]]]
        if downloads:
            print(f"\ndownloads: a file holds what matches, so it grows with the data; its cost per MB "
                  f"(median of wall ms / body MB per request) at {baseline.label} and here")
            for row in downloads:
                there = base[row["page"]]
                print(f"{row['page']:20} {there['ms_per_mb_p50']:8.1f} -> {row['ms_per_mb_p50']:8.1f} ms/MB   "
                      f"largest file {there['mb_max']:.1f} -> {row['mb_max']:.1f} MB")
    over = [r["page"] for r in rows if r["p95_ms"] > 100]
    cold_over = [r["page"] for r in rows if r["cold_max_ms"] > 500]
    print(f"\npages over 100 ms p95: {', '.join(over) or 'none'}")
    print(f"pages over 500 ms cold: {', '.join(cold_over) or 'none'}")
    for ms, name, url, sql in slowest[: args.plans]:
        print(f"\nslowest query: {ms:.1f} ms on {name} ({url})\n{sql[:2000]}\n\nplan:\n{explain(sql)}")


if __name__ == "__main__":
    main()
