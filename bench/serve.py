"""Load benchmark through gunicorn as the README runs it, with wrk on loopback; Datasette side by side.

Uses the data set bench/pages.py generates (same size flags, same database of its own; it is
generated first if missing) and production settings (DEBUG off, Redis cache of its own). For
each page wrk requests URLs drawn at random (a Lua script picks from a pre-drawn list) and the
script prints req/s and p99 per page. Then:

- Datasette (installed by this script into its own virtualenv under var/bench/) serves the same
  published claims exported to SQLite with an FTS5 index; faceted browse (five facets) and
  full-text search run against both servers, interleaved round by round, reported as ratios;
- gunicorn worker RSS after the load (target < 300 MB);
- a Celery worker's peak RSS while it ingests the largest bundled file (target < 500 MB).

    .venv/bin/python bench/serve.py --claims 10000 --scores 1000000 --duration 10
    BENCH_CACHE_URL=redis://127.0.0.1:6379/13 BENCH_BROKER_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/serve.py

Loopback only. Not a test: run on demand.
"""

import argparse
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _benchdb  # noqa: E402

OUT = ROOT / "var" / "bench"
DATASETTE_VENV = OUT / "datasette-venv"
DATASETTE_VERSION = "0.65.5"
LUA = """
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def stop(process):
    """End a server this script started (its own process group), forcibly if it lingers."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:  # Datasette waits for queries still running
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout=60):
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def wrk(base, paths, duration, connections, threads=2, headers=()) -> dict:
    """req/s and latency percentiles for random draws from ``paths``, sent with ``headers`` ("Name: value")."""
    listing = OUT / "wrk-paths.txt"
    # Percent-encoded: a drawn parameter may hold a space ("United States"), which the test
    # client encodes for itself but wrk would send as is, breaking the request line.
    listing.write_text("\n".join(quote(path, safe="/?&=%+:,.-_~") for path in paths) + "\n")
    script = OUT / "wrk-random.lua"
    script.write_text(LUA)
    result = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency", "--timeout", "30s",
         *[arg for header in headers for arg in ("-H", header)], "-s", str(script), base, "--", str(listing)],
        capture_output=True, text=True, check=True)
    text = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    pct = {m.group(1): _ms(m.group(2), m.group(3)) for m in re.finditer(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\b",
                                                                          text, re.M)}
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:(.*)", text)
    return {"rps": rps, "p50_ms": pct.get("50"), "p99_ms": pct.get("99"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(1).strip() if errors else ""}


def drain(base, path="/healthz", timeout=120):
    """Wait until the workers have finished the previous page's backlog (wrk leaves requests queued)."""
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        start = time.time()
        try:
            urllib.request.urlopen(f"{base}{path}", timeout=timeout).read()
        except Exception:
            pass
        if time.time() - start < 0.5:
            return


def _ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def draw_paths(n_per_page) -> dict[str, tuple[list[str], list[str]]]:
    """Each page's drawn paths and the request headers it is sent with (bench/pages.py: a page
    drawn as (URL, headers) asks as a browser does, e.g. for gzip)."""
    from pages import Draw, pages

    table = pages(Draw(seed=11))
    drawn = {}
    for name, url_for in table.items():
        targets = [url_for() for _ in range(n_per_page)]
        extra = {} if isinstance(targets[0], str) else targets[0][1]
        headers = [f"{key.removeprefix('HTTP_').replace('_', '-').title()}: {value}" for key, value in extra.items()]
        drawn[name] = ([t if isinstance(t, str) else t[0] for t in targets], headers)
    return drawn


# --- Datasette ----------------------------------------------------------------------------

def datasette_bin() -> Path:
    binary = DATASETTE_VENV / "bin" / "datasette"
    if not binary.exists():
        print(f"installing datasette {DATASETTE_VERSION} into {DATASETTE_VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        subprocess.run([str(DATASETTE_VENV / "bin" / "pip"), "install", "-q", f"datasette=={DATASETTE_VERSION}"],
                       check=True)
    return binary


def export_sqlite(size) -> Path:
    """The published claims as one flat SQLite table (topics as a JSON array) with FTS5."""
    path = OUT / f"{size.label}-datasette.db"
    if path.exists():
        return path
    from django.db.models import F

    from claims.models import Claim

    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.execute("CREATE TABLE claims (id INTEGER PRIMARY KEY, slug TEXT, title TEXT, statement TEXT, quote TEXT, "
               "person TEXT, status TEXT, kind TEXT, year INTEGER, date_made TEXT, evidence_count INTEGER, "
               "topics TEXT)")
    topics = {}
    for claim_id, slug in Claim.topics.through.objects.values_list("claim_id", "topic__slug").iterator(chunk_size=20000):
        topics.setdefault(claim_id, []).append(slug)
    rows = (Claim.objects.published().order_by("id")
            .values_list("id", "slug", "title", "statement", "quote", F("person__name"), "status", "kind",
                         "date_made", "evidence_count").iterator(chunk_size=5000))
    batch = []
    for pk, slug, title, statement, quote, person, status, kind, made, evidence in rows:
        batch.append((pk, slug, title, statement, quote, person, status, kind, made.year if made else None,
                      made.isoformat() if made else None, evidence, json.dumps(sorted(topics.get(pk, [])))))
        if len(batch) == 5000:
            db.executemany("INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", batch)
            batch = []
    db.executemany("INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", batch)
    for column in ("person", "status", "kind", "year", "date_made"):
        db.execute(f"CREATE INDEX claims_{column} ON claims ({column})")
    db.execute("CREATE VIRTUAL TABLE claims_fts USING fts5(title, statement, quote, content='claims', "
               "content_rowid='id')")
    db.execute("INSERT INTO claims_fts (rowid, title, statement, quote) SELECT id, title, statement, quote FROM claims")
    db.commit()
    db.execute("ANALYZE")
    db.close()
    tmp.rename(path)
    return path


def datasette_paths(draw, n, database) -> dict[str, list[str]]:
    """The Datasette equivalents of our faceted browse and full-text search."""
    facets = "_facet_array=topics&_facet=person&_facet=status&_facet=kind&_facet=year"
    from urllib.parse import urlencode

    def browse():
        params = dict(p.split("=") for p in draw.facets(draw.rng.randint(1, 2)).split("&"))
        ours = "/claims/?" + urlencode(params)
        theirs = {}
        for key, value in params.items():
            if key == "topic":
                theirs["topics__arraycontains"] = value
            elif key == "person":
                theirs["person"] = _person_name(value)
            else:
                theirs[key] = value
        return ours, f"/{database}/claims?{facets}&{urlencode(theirs)}"

    def search():
        q = f"{draw.pick(draw.words)} {draw.pick(draw.words)}"
        return f"/search/?q={q.replace(' ', '+')}", f"/{database}/claims?_search={q.replace(' ', '+')}&_sort_desc=evidence_count"

    pairs = {"browse (5 facets)": [browse() for _ in range(n)], "full-text search": [search() for _ in range(n)]}
    return pairs


_PEOPLE = {}


def _person_name(slug):
    from claims.models import Person

    if not _PEOPLE:
        _PEOPLE.update(Person.objects.values_list("slug", "name"))
    return _PEOPLE[slug]


# --- Celery -------------------------------------------------------------------------------

def celery_ingest_rss(env, broker) -> dict:
    """Peak RSS of a real Celery worker while it ingests the largest bundled file."""
    from ingest.models import DataSource
    from ingest.tasks import start_run

    worker_env = {**env, "CELERY_BROKER_URL": broker}
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "project", "worker", "--loglevel", "WARNING", "--concurrency", "1",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=worker_env, stdout=open(OUT / "celery.log", "w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        time.sleep(8)
        idle = max([rss_mb(worker.pid)] + [rss_mb(c) for c in children(worker.pid)])
        source, _ = DataSource.objects.update_or_create(
            slug="bench-all-models", defaults={"name": "Epoch AI: all AI models (benchmark)", "kind": "epoch-models",
                                               "path": "ingest/snapshots/epoch/all_ai_models.csv"})
        run = start_run(source)
        peak, started = idle, time.time()
        while time.time() - started < 300:
            run.refresh_from_db()
            peak = max([peak, rss_mb(worker.pid)] + [rss_mb(c) for c in children(worker.pid)])
            if run.is_finished:
                break
            time.sleep(0.2)
        figures = {"idle_mb": idle, "peak_mb": peak, "run": run.pk, "status": run.status,
                   "rows": run.created_count + run.updated_count + run.unchanged_count,
                   "seconds": time.time() - started}
        _forget(source)
        return figures
    finally:
        stop(worker)


def _forget(source):
    """Leave the data set as generated: the measured run's models and runs go again."""
    from ingest import generation
    from ingest.models import AIModel

    AIModel.objects.filter(run__source=source).delete()
    source.delete()
    generation.bump(generation.DATA)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--scores", type=int, default=10_000_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds against Datasette")
    parser.add_argument("--only", nargs="*", help="pages whose name contains one of these")
    parser.add_argument("--skip", nargs="*", default=[], choices=["pages", "datasette", "celery"])
    args = parser.parse_args()
    size = _benchdb.Size(args.claims, args.scores)
    cache_url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/13")
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/0")
    os.environ["CELERY_BROKER_URL"] = broker  # this process queues the ingest task the worker runs
    if _benchdb.prepare(size):
        _benchdb.drop(size)
        subprocess.run([sys.executable, str(ROOT / "bench/pages.py"), "--claims", str(args.claims), "--scores",
                        str(args.scores), "--generate-only", "--no-baseline"], check=True)
        _benchdb.prepare(size)
    _benchdb.configure_django(size, cache_url)  # flushes the benchmark's own cache
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _benchdb.settle()
    OUT.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **_benchdb.production_env(), "DATABASE_URL": _benchdb.database_url(size),
           "CACHE_URL": cache_url, "DJANGO_LOG_LEVEL": "WARNING"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "project.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
         str(args.workers), "--access-logfile", str(OUT / "gunicorn-access.log"), "--no-control-socket"],
        cwd=ROOT, env=env, stdout=open(OUT / "gunicorn.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    datasette = None
    results = {"size": size.label, "workers": args.workers, "connections": args.connections}
    try:
        wait_for(f"{base}/healthz")
        print(f"gunicorn: {args.workers} workers on {base}; wrk: {args.connections} connections, "
              f"{args.duration} s per page; data {size.label}")
        if "pages" not in args.skip:
            print(f"\n{'page':20} {'req/s':>8} {'p50_ms':>8} {'p99_ms':>8}  errors")
            results["pages"] = {}
            for name, (paths, headers) in draw_paths(200).items():
                if args.only and not any(o in name for o in args.only):
                    continue
                drain(base)
                r = wrk(base, paths, args.duration, args.connections, headers=headers)
                results["pages"][name] = r
                flag = f"non-2xx {r['non2xx']}" if r["non2xx"] else ""
                print(f"{name:20} {r['rps']:8.1f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f}  {flag}{r['socket_errors']}",
                      flush=True)
        workers = children(gunicorn.pid)
        results["worker_rss_mb"] = [round(rss_mb(w), 1) for w in workers]
        print(f"\ngunicorn worker RSS after the load: {', '.join(f'{m:.0f} MB' for m in results['worker_rss_mb'])}"
              f" (target < 300 MB)")

        if "datasette" not in args.skip:
            from pages import Draw

            db = export_sqlite(size)
            dport = free_port()
            datasette = subprocess.Popen(
                [str(datasette_bin()), "serve", str(db), "--host", "127.0.0.1", "--port", str(dport),
                 "--setting", "sql_time_limit_ms", "30000", "--setting", "facet_time_limit_ms", "30000",
                 "--setting", "default_page_size", "25"],
                stdout=open(OUT / "datasette.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
            dbase = f"http://127.0.0.1:{dport}"
            wait_for(f"{dbase}/-/versions.json")
            print(f"\nDatasette {DATASETTE_VERSION} (one process) on the same {size.claims:,} claims exported to "
                  f"SQLite; interleaved, {args.rounds} rounds of {args.duration} s each")
            print(f"{'query':20} {'ours req/s':>10} {'theirs':>8} {'ratio':>6} {'ours p99':>9} {'theirs p99':>10}")
            results["datasette"] = {}
            for name, pairs in datasette_paths(Draw(seed=13), 200, db.stem).items():
                ours, theirs = [], []
                for _ in range(args.rounds):
                    drain(base)
                    ours.append(wrk(base, [p[0] for p in pairs], args.duration, args.connections))
                    drain(dbase, "/-/versions.json")
                    theirs.append(wrk(dbase, [p[1] for p in pairs], args.duration, args.connections))
                o = sum(r["rps"] for r in ours) / len(ours)
                t = sum(r["rps"] for r in theirs) / len(theirs)
                op99 = max(r["p99_ms"] for r in ours)
                tp99 = max(r["p99_ms"] for r in theirs)
                results["datasette"][name] = {"ours": ours, "theirs": theirs, "ratio": o / max(t, 0.001)}
                print(f"{name:20} {o:10.1f} {t:8.1f} {o / max(t, 0.001):5.2f}x {op99:9.1f} {tp99:10.1f}"
                      f"{'  (datasette non-2xx %d)' % sum(r['non2xx'] for r in theirs) if any(r['non2xx'] for r in theirs) else ''}",
                      flush=True)
    finally:
        for process in (gunicorn, datasette):
            if process is not None:
                stop(process)

    if "celery" not in args.skip:
        r = celery_ingest_rss(env, broker)
        results["celery"] = r
        print(f"\nCelery worker RSS: {r['idle_mb']:.0f} MB idle, {r['peak_mb']:.0f} MB peak while ingesting "
              f"all_ai_models.csv ({r['rows']:,} rows, run {r['run']} {r['status']}, {r['seconds']:.1f} s; "
              f"target < 500 MB)")
    (OUT / f"serve-{size.label}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
