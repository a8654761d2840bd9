"""The synthetic data set the page benchmarks run on, written with COPY.

It exercises what real data does: claims held against the series the real measures read
(benchmark frontiers, model attributes such as training compute, Our World in Data series),
one to three measures per measured claim with stored results (as an ingest's re-check leaves
them), so claim, topic and benchmark pages chart and list them; the dashboard's, /data/'s and
topics' configured charts (measures.FeaturedChart); skewed topics and people (facets with a
long tail); evidence counts; verdicts, drafts, undated claims; search words as selective as in
real text; and benchmark scores spread over many benchmarks.
"""

import datetime as dt
import json
import random
import time

WORDS = ("scaling wall compute energy agents autocomplete benchmark reasoning transformer architecture data "
         "parameters frontier lab open weights alphafold protein science research careers training cost "
         "inference latency reliability brownout memory planning world model physical understanding").split()
# Most words come from a large made-up vocabulary, so that a real search word is as selective
# as in real text (a 40-word vocabulary would make every query match half the rows).
FILLER = [f"w{i:04d}" for i in range(5000)]
# Topics named as the seed's are; the first ones carry most claims (a long tail after them).
TOPICS = ("scaling", "compute", "agents", "reasoning", "open-weights", "energy", "science", "research-careers",
          "infrastructure", "safety", "labs", "benchmarks")
EXTRA_TOPICS = 9
# The benchmarks measures read, with their units: METR horizons are minutes (a log axis).
MEASURED_BENCHMARKS = {"gpqa-diamond": "fraction correct", "frontiermath": "fraction correct",
                       "swe-bench-verified": "fraction correct", "math-level-5": "fraction correct",
                       "metr-horizon-p50": "minutes", "epoch-capabilities-index": "index"}
CHART_BENCHMARKS = sorted(MEASURED_BENCHMARKS)
ATTRIBUTES = ("training_compute_flop", "training_compute_cost_usd", "training_power_draw_w", "parameters")
OWID_SERIES = ("owid-ai-researchers", "owid-ai-investment", "owid-ai-patents")
OWID_ENTITIES = ("World", "United States", "China", "European Union", "United Kingdom", "India")
# The share of claims with measures, and how many each has (1 to 3).
MEASURED_SHARE = 0.2
BENCHMARKS = 200
MODELS = 3000
COUNTRIES = ("United States", "China", "United Kingdom", "France", "Canada")
ACCESS = ("Open weights (unrestricted)", "API access", "Unreleased", "Open weights (restricted use)")
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
# Loaded without their secondary indexes and constraints, which are rebuilt once at the end.
BIG_TABLES = ("claims_claim", "claims_claim_topics", "claims_evidence", "claims_verdict", "ingest_benchmarkscore",
              "measures_measure")
# The triggers that keep the search rows: claims.ClaimSearch (claims migrations 0013 and 0015) and
# claims.EvidenceSearch (0017_evidence_search_rows), and the per-word rows kept from ClaimSearch's
# (claims.ClaimLexeme, 0017_claim_lexemes).
SEARCH_ROW_TRIGGERS = (("claims_claim", "claims_search_claim"), ("claims_claim", "claims_search_claim_update"),
                       ("claims_claim_topics", "claims_search_topics"),
                       ("claims_evidence", "claims_evidence_search_insert"),
                       ("claims_evidence", "claims_evidence_search_delete"),
                       ("claims_evidence", "claims_evidence_search_update"),
                       ("claims_claim", "claims_evidence_search_claim"),
                       ("claims_claimsearch", "claims_lexeme_rows"), ("claims_claimsearch", "claims_lexeme_rows_update"))
# Every published claim's row, as the triggers' claims_search_refresh() writes one, in one statement:
# called per claim, that function's cached plan deletes from the table with the sequential scan
# it planned while the table was empty (minutes at 100k). tests/test_scale_dataset.py checks
# the rows against the claims.
SEARCH_ROWS = """
INSERT INTO claims_claimsearch
  (claim_id, document, title, date_made, updated, evidence_count, person_id, status, kind, topic_ids)
SELECT c.id, coalesce(c.search_document, ''::tsvector), c.title, c.date_made, c.updated, c.evidence_count,
       c.person_id, c.status, c.kind, coalesce(t.ids, '{}')
FROM claims_claim c
LEFT JOIN (SELECT claim_id, array_agg(topic_id ORDER BY topic_id) AS ids FROM claims_claim_topics GROUP BY claim_id) t
  ON t.claim_id = c.id
WHERE c.editorial_state = 'published';
INSERT INTO claims_evidencesearch (evidence_id, document, created)
SELECT e.id, coalesce(e.search_document, ''::tsvector), e.created
FROM claims_evidence e JOIN claims_claim c ON c.id = e.claim_id
WHERE e.state = 'accepted' AND c.editorial_state = 'published';
-- In lexeme order, as the migration that made the table fills it (one word's rows share pages).
INSERT INTO claims_claimlexeme (claim_id, lexeme, rank, date_made, person_id, status, kind, topic_ids)
SELECT s.claim_id, l.lexeme, ts_rank(s.document, claims_lexeme_query(l.lexeme)), s.date_made, s.person_id,
       s.status, s.kind, s.topic_ids
FROM claims_claimsearch s, unnest(s.document) l
ORDER BY l.lexeme;
"""
# Bumped when the data set's shape changes, so a database built by an older generator is rebuilt
# (bench/_benchdb.py keeps it in the marker).
VERSION = 2


def _text(rng, n):
    words = rng.choices(FILLER, k=n)
    for i in range(n):
        if rng.random() < 0.04:
            words[i] = rng.choice(WORDS)
    return " ".join(words)


def _copy(cursor, model, rows):
    """COPY ``rows`` (dicts keyed by attname) into ``model``'s table; other columns get the
    fields' defaults, which COPY does not know (Django keeps them in Python). JSON fields take
    their values serialised."""
    import itertools

    rows = iter(rows)
    first = next(rows)
    fields = [f for f in model._meta.concrete_fields if f.attname in first or not f.primary_key]
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    order = []
    for f in fields:
        value = f.get_default()
        order.append((f.attname, json.dumps(value) if f.attname in json_fields else value))

    json_positions = [(i, name) for i, (name, _) in enumerate(order) if name in json_fields]

    def values(row):
        out = [row.get(name, default) for name, default in order]
        for i, name in json_positions:
            if name in row:
                out[i] = json.dumps(row[name])
        return out

    rows = itertools.chain([first], rows)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    if not hasattr(cursor, "copy"):  # SQLite: no COPY; batched inserts in the one transaction
        sql = f'INSERT INTO "{model._meta.db_table}" ({columns}) VALUES ({", ".join("?" * len(fields))})'
        while batch := [[_sqlite(v) for v in values(row)] for row in itertools.islice(rows, 5000)]:
            cursor.executemany(sql, batch)
        return
    with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(values(row))


def _copy_tuples(cursor, model, columns, rows):
    """COPY rows given as tuples in ``columns`` order; the other columns get their defaults.

    The fast path for the 10M scores: no dict per row, no per-field lookup."""
    import itertools

    fields = {f.attname: f for f in model._meta.concrete_fields}
    rest = [f for name, f in fields.items() if name not in columns and not f.primary_key]
    tail = tuple(json.dumps(f.get_default()) if f.get_internal_type() == "JSONField" else f.get_default()
                 for f in rest)
    names = ", ".join(f'"{fields[name].column}"' for name in columns) + "".join(f', "{f.column}"' for f in rest)
    if not hasattr(cursor, "copy"):
        sql = f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES ({", ".join("?" * (len(columns) + len(rest)))})'
        rows = iter(rows)
        while batch := [[_sqlite(v) for v in row + tail] for row in itertools.islice(rows, 5000)]:
            cursor.executemany(sql, batch)
        return
    with cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row + tail)


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


def _measure_specs(rng, benchmark_ids, series_ids):
    """The targets and kinds measures take, as the seeded ones do: mostly the named benchmarks
    and compute, some Our World in Data series, a few any benchmark (so benchmark pages list claims)."""
    named = [benchmark_ids[slug] for slug in CHART_BENCHMARKS]
    others = [pk for slug, pk in benchmark_ids.items() if slug not in MEASURED_BENCHMARKS]
    metr, eci = benchmark_ids["metr-horizon-p50"], benchmark_ids["epoch-capabilities-index"]

    def spec():
        roll = rng.random()
        if roll < 0.45:
            benchmark = rng.choice(named)
            kind = rng.choice(["frontier_at", "change_since", "growth_rate"]
                              + (["projected_crossing"] if benchmark == metr else [])
                              + (["group_lag", "gap"] if benchmark == eci else []))
            extra = {"country": "China", "accessibility": ACCESS[0]} if kind == "group_lag" else {}
            return {"kind": kind, "benchmark_id": benchmark, **extra}
        if roll < 0.55:
            return {"kind": rng.choice(["frontier_at", "change_since"]), "benchmark_id": rng.choice(others)}
        if roll < 0.85:
            return {"kind": rng.choice(["frontier_at", "change_since", "growth_rate"]),
                    "attribute": rng.choice(ATTRIBUTES)}
        return {"kind": "series_latest", "series_id": rng.choice(series_ids), "entity": rng.choice(OWID_ENTITIES)}
    return spec


def _stored_result(rng, kind, run_id):
    """A result as measures.results.recheck_all stores it (pages only ever read these)."""
    outcome = rng.choices(["met", "not_met", "measured", "pending"], weights=[4, 3, 2, 1])[0]
    if outcome == "pending":
        return {"outcome": "pending"}
    value = rng.uniform(0.1, 100)
    detail = {"crossing": "2027-06-01", "crossing_low": "2026-09-01", "crossing_high": "2028-11-01"} \
        if kind == "projected_crossing" else {}
    return {"outcome": outcome, "value": value, "value_low": value * 0.9, "value_high": value * 1.1,
            "sentence": f"Since the claim the best result rose from {value / 3:.2f} to {value:.2f} "
                        f"({value / (value / 3):.1f}×).",
            "robustness": rng.choice(["", "robust", "fragile"]), "detail": detail,
            "record_ids": [["score", rng.randrange(1, 1000)] for _ in range(rng.randint(2, 6))],
            "run_ids": [run_id], "last_checked": EPOCH}


def generate(size, log=print):
    from django.db import connection, transaction

    from claims import facet_table
    from claims.generation import bump_claims
    from claims.models import Claim, Evidence, Person, Source, Topic, Verdict
    from ingest import generation
    from ingest.aggregates import refresh_benchmark_summaries
    from ingest.models import AIModel, Benchmark, BenchmarkScore, DataSource, IngestRun, Series, SeriesPoint
    from measures.models import FeaturedChart, Measure

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
            facet_table.set_triggers(False)  # refilled once at the end, not per claim and topic link
            # The search rows' triggers too: each topic link refreshes its claim's row, which reads
            # the claim's links, and with the links' indexes dropped that is a scan per link (hours
            # at 100k claims). The rows are built once at the end, by the triggers' own function.
            for table, trigger in SEARCH_ROW_TRIGGERS:
                cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        topic_slugs = list(TOPICS) + [f"topic-{i}" for i in range(EXTRA_TOPICS)]
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
        dates = {}

        def claims():
            for i in range(size.claims):
                dated = rng.random() > 0.03
                created = EPOCH + dt.timedelta(minutes=i)
                dates[i + 1] = day0 + dt.timedelta(days=rng.randrange(7600)) if dated else None
                yield {"id": i + 1, "slug": f"claim-{i}", "title": f"Claim {i}: {_text(rng, 6)}",
                       "statement": _text(rng, 20), "quote": _text(rng, 40), "person_id": people[i],
                       "source_id": rng.randint(1, sources), "date_made": dates[i + 1],
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

        def evidence():
            # Uniform over claims: every claim has some evidence, a few have much.
            targets = rng.choices(range(1, size.claims + 1), k=size.evidence)
            for i, claim in enumerate(targets):
                when = EPOCH + dt.timedelta(seconds=i)
                yield {"id": i + 1, "claim_id": claim, "source_id": rng.randint(1, sources),
                       "stance": rng.choice(["supports", "contradicts", "context"]), "strength": rng.randint(1, 3),
                       "tier": "unverified", "summary": _text(rng, 20),
                       "state": "accepted" if rng.random() < 0.7 else "suggested", "created": when, "updated": when}

        _copy(cur, Evidence, evidence())
        log(f"  {size.evidence:,} evidence links ({time.perf_counter() - started:.0f} s)")
        # One grouped join (the evidence has no index yet: a subquery per claim would scan it each time).
        cur.execute(
            'UPDATE claims_claim AS c SET evidence_count = e.n FROM (SELECT claim_id, count(*) AS n FROM claims_evidence '
            "WHERE state = 'accepted' GROUP BY claim_id) AS e WHERE e.claim_id = c.id")
        verdict_claims = rng.sample(range(1, size.claims + 1), size.claims * 3 // 10)
        _copy(cur, Verdict, ({"id": i + 1, "claim_id": c, "status": rng.choice(statuses), "rationale": _text(rng, 15),
                              "as_of": day0 + dt.timedelta(days=rng.randrange(7600)), "as_of_precision": "day",
                              "created": EPOCH + dt.timedelta(minutes=i)} for i, c in enumerate(verdict_claims)))

        source = DataSource.objects.create(slug="bench", name="Synthetic", kind="epoch-benchmarks",
                                           publisher="Synthetic", licence="CC0")
        run = IngestRun.objects.create(source=source, status="ok", finished_at=EPOCH, as_of=EPOCH)
        _copy(cur, AIModel, ({"key": f"m{i}", "name": f"Model {i}", "notable": True, "run_id": run.pk,
                              "organization": f"Lab {i % 40}", "country": COUNTRIES[i % len(COUNTRIES)],
                              "accessibility": ACCESS[i % len(ACCESS)], "frontier_model": i % 17 == 0,
                              "confidence": rng.choice(["Confident", "Likely", "Speculative"]),
                              "publication_date": dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(13000)),
                              "training_compute_flop": 10 ** rng.uniform(10, 26),
                              "training_compute_cost_usd": 10 ** rng.uniform(2, 9) if i % 3 else None,
                              "training_power_draw_w": 10 ** rng.uniform(3, 8) if i % 4 else None,
                              "parameters": 10 ** rng.uniform(5, 12)} for i in range(MODELS)))
        slugs = CHART_BENCHMARKS + [f"bench-{i}" for i in range(BENCHMARKS - len(CHART_BENCHMARKS))]
        _copy(cur, Benchmark, ({"id": i + 1, "slug": slug, "name": slug.replace("-", " ").title(),
                                "unit": MEASURED_BENCHMARKS.get(slug, "fraction correct")}
                               for i, slug in enumerate(slugs)))
        benchmark_ids = {slug: i + 1 for i, slug in enumerate(slugs)}
        per = size.scores // len(slugs)

        # The 10M rows: tuples in a fixed column order, each model's columns built once.
        columns = ("id", "key", "benchmark_id", "date", "score", "stderr", "run_id",
                   "model_name", "display_name", "organization", "country", "accessibility")
        model_columns = [(f"model-{m}", f"Model {m}", f"Lab {m % 40}", COUNTRIES[m % len(COUNTRIES)],
                          ACCESS[m % len(ACCESS)]) for m in range(MODELS)]

        def scores():
            n = 0
            randrange, rand, run_id = rng.randrange, rng.random, run.pk
            start = dt.date(2019, 1, 1)
            days = [start + dt.timedelta(days=d) for d in range(2500)]
            for b in range(1, len(slugs) + 1):
                for j in range(per):
                    n += 1
                    yield (n, f"{b}-{j}", b, days[randrange(2500)], rand(), 0.02, run_id) \
                        + model_columns[randrange(MODELS)]

        _copy_tuples(cur, BenchmarkScore, columns, scores())
        log(f"  {per * len(slugs):,} benchmark scores copied ({time.perf_counter() - started:.0f} s)")

        owid_source = DataSource.objects.create(slug="bench-owid", name="Synthetic OWID", kind="owid",
                                                publisher="Our World in Data", licence="CC BY 4.0")
        owid_run = IngestRun.objects.create(source=owid_source, status="ok", finished_at=EPOCH, as_of=EPOCH)
        series_ids = [Series.objects.create(slug=slug, name=slug.removeprefix("owid-").replace("-", " ").title(),
                                            unit="", date_precision="year", source=owid_source).pk
                      for slug in OWID_SERIES]
        _copy(cur, SeriesPoint, ({"series_id": s, "entity": entity, "date": dt.date(year, 1, 1),
                                  "value": rng.uniform(1, 1e4), "run_id": owid_run.pk}
                                 for s in series_ids for entity in OWID_ENTITIES for year in range(1998, 2025)))

        spec = _measure_specs(rng, benchmark_ids, series_ids)

        def measures():
            n = 0
            for claim in range(1, size.claims + 1):
                if rng.random() >= MEASURED_SHARE:
                    continue
                for order in range(rng.choices([1, 2, 3], weights=[5, 3, 2])[0]):
                    n += 1
                    target = spec()
                    threshold = rng.choice([None, rng.uniform(0.1, 50)])
                    yield {"id": n, "claim_id": claim, "key": f"bench-{order}", "order": order,
                           "description": f"Measure {n}: {_text(rng, 5)}", "is_primary": order == 0,
                           "threshold": threshold, "window_start": dates[claim],
                           "rationale": _text(rng, 8), "created": EPOCH, "updated": EPOCH,
                           **target, **_stored_result(rng, target["kind"], run.pk)}

        _copy(cur, Measure, measures())
        log(f"  {Measure.objects.count():,} measures ({time.perf_counter() - started:.0f} s)")
        for statement in rebuild:
            cur.execute(statement)
        log(f"  indexes and constraints rebuilt ({time.perf_counter() - started:.0f} s)")
        # Charts the dashboard and /data/ show besides the migration's, and topics' own charts.
        FeaturedChart.objects.get_or_create(place="data", kind="benchmark", slug="metr-horizon-p50",
                                            defaults={"order": 1})
        FeaturedChart.objects.get_or_create(place="data", kind="owid", slug=OWID_SERIES[0], entity="World",
                                            defaults={"order": 2})
        for i, topic in enumerate(Topic.objects.order_by("id")):
            FeaturedChart.objects.get_or_create(place="topic", topic=topic, kind="benchmark",
                                                slug=slugs[len(CHART_BENCHMARKS) + i])
        for table in () if not postgres else (
                "claims_topic", "claims_person", "claims_source", "claims_claim", "claims_claim_topics",
                "claims_evidence", "claims_verdict", "ingest_benchmark", "ingest_benchmarkscore", "measures_measure"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        refresh_benchmark_summaries()
        if postgres:
            facet_table.refill()  # and the triggers back on
            # Its document index is built after the rows, not grown by each of them.
            rebuild_search = [statement for table in ("claims_claimsearch", "claims_evidencesearch", "claims_claimlexeme")
                              for statement in _without_indexes(cur, table)]
            cur.execute(SEARCH_ROWS)
            for statement in rebuild_search:
                cur.execute(statement)
            for table, trigger in SEARCH_ROW_TRIGGERS:
                cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
            log(f"  facet table and search rows filled ({time.perf_counter() - started:.0f} s)")
        # COPY sends no signals: advance the generations the page caches are keyed on.
        bump_claims()
        generation.bump(generation.DATA)
    if not connection.in_atomic_block:  # a test's transaction cannot VACUUM
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    log(f"generated the data set in {time.perf_counter() - started:.0f} s")
