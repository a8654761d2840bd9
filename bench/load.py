"""Load benchmark: gunicorn with production settings on loopback, wrk over a mix of pages
while an ingest runs. Prints throughput, p50, p99 and errors. Not a test: run on demand.

    .venv/bin/python bench/load.py                        # PostgreSQL claimwatch_bench_load, Redis cache db 12
    .venv/bin/python bench/load.py --duration 30 --connections 50 --workers 4
    BENCH_DATABASE_URL=postgres://... BENCH_CACHE_URL=redis://... .venv/bin/python bench/load.py

Set-up (once, idempotent): migrate, the seed claims, every bundled data source ingested.
During the measurement a loop ingests Epoch's two largest model files alternately (so
every run really parses and writes 1,000-2,000 rows in one transaction), through the same
run_ingest as the worker. Everything listens on 127.0.0.1 only. Needs wrk
(apt-get install wrk).
"""

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/claimwatch_bench_load")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/12")
INGEST_FILES = ("ingest/snapshots/epoch/all_ai_models.csv", "ingest/snapshots/epoch/notable_ai_models.csv")

WRK_SCRIPT = """
paths = {%(paths)s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format(
    'WRK-JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
"""


def production_env(static_root: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; TLS ends at a proxy in production
        DJANGO_STATIC_ROOT=static_root,
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=DB_URL,
        CACHE_URL=CACHE_URL,
        CELERY_BROKER_URL="filesystem://",
        CLAIMWATCH_VAR_DIR=str(Path(static_root).parent / "var"),
    )
    return env


def manage(env, *args, quiet=True):
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    if not quiet:
        print(result.stdout.strip())
    return result.stdout


def ensure_database():
    import psycopg

    parts = urlsplit(DB_URL)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def set_up(env):
    ensure_database()
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "loadseed")
    manage(env, "shell", "-c", "from ingest.bundled import register_bundled_sources; register_bundled_sources()")
    started = time.monotonic()
    manage(env, "ingest", "--all")
    print(f"set-up: seed and bundled data in place ({time.monotonic() - started:.0f} s for the ingests)")


PATHS_QUERY = """
import json
from claims.models import Claim, Person, Topic
from ingest.models import Benchmark
claims = list(Claim.objects.published().values_list("slug", flat=True)[:6])
people = list(Person.objects.filter(claims__isnull=False).values_list("slug", flat=True).distinct()[:3])
topics = list(Topic.objects.values_list("slug", flat=True)[:3])
benchmarks = list(Benchmark.objects.values_list("slug", flat=True)[:2])
print(json.dumps({"claims": claims, "people": people, "topics": topics, "benchmarks": benchmarks}))
"""


def page_mix(env) -> list[str]:
    found = json.loads(manage(env, "shell", "-c", PATHS_QUERY).strip().splitlines()[-1])
    paths = ["/", "/claims/", "/claims/?q=wall", "/claims/?status=open&sort=updated", "/people/", "/topics/",
             "/timeline/", "/data/", "/data/models/", "/search/?q=compute", "/feeds/claims.rss",
             "/feeds/browse.atom?q=scaling", "/claims.csv", "/claims.json?q=deep+learning", "/healthz"]
    paths += [f"/claims/{s}/" for s in found["claims"]]
    paths += [f"/people/{s}/" for s in found["people"]]
    paths += [f"/topics/{s}/" for s in found["topics"]]
    paths += [f"/claims/?topic={s}" for s in found["topics"]]
    paths += [f"/data/benchmarks/{s}/" for s in found["benchmarks"]]
    return paths


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url_host, port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((url_host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not listen on {url_host}:{port}")


def check_every_path(port, paths):
    """Before loading: each page answers 200 on its own, so errors under load mean load."""
    import httpx

    bad = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        for path in paths:
            status = client.get(path).status_code
            if status != 200:
                bad.append((path, status))
    if bad:
        sys.exit(f"pages that fail even without load: {bad}")


def ingest_loop(env, stop_file: Path, log):
    """A shell loop of real ingests, alternating files so each one parses and writes."""
    script = (
        f'while [ ! -e "{stop_file}" ]; do '
        + " ".join(f'"{PY}" manage.py ingest --kind epoch-models --file {f} >/dev/null 2>>"{log}";' for f in INGEST_FILES)
        + f' echo run >> "{log}.count"; done'
    )
    return subprocess.Popen(["bash", "-c", script], cwd=ROOT, env=env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--timeout", type=int, default=10, help="wrk's per-request timeout, seconds")
    parser.add_argument("--skip-setup", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")

    work = Path(tempfile.mkdtemp(prefix="claimwatch-load-"))
    env = production_env(str(work / "static"))
    if not args.skip_setup:
        set_up(env)
    else:
        manage(env, "collectstatic", "--noinput")
    paths = page_mix(env)

    port = free_port()
    gunicorn = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "project.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
         str(args.workers), "--no-control-socket", "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=open(work / "gunicorn.log", "w"), stderr=subprocess.STDOUT,
    )
    stop, log = work / "stop", work / "ingest.log"
    loop = None
    try:
        wait_for("127.0.0.1", port)
        check_every_path(port, paths)
        lua = work / "mix.lua"
        lua.write_text(WRK_SCRIPT % {"paths": ", ".join(json.dumps(p) for p in paths)})
        load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
        loop = ingest_loop(env, stop, log)
        time.sleep(2)  # the first ingest is under way before the load starts
        result = subprocess.run(
            ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.duration}s", "--timeout", f"{args.timeout}s",
             "--latency", "-s", str(lua), f"http://127.0.0.1:{port}"],
            capture_output=True, text=True,
        )
    finally:
        stop.touch()
        if loop is not None:
            loop.wait(timeout=300)
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    line = next((x for x in result.stdout.splitlines() if x.startswith("WRK-JSON ")), None)
    if line is None:
        sys.exit(f"wrk gave no summary:\n{result.stdout}\n{result.stderr}")
    figures = json.loads(line.removeprefix("WRK-JSON "))
    seconds = figures["duration_us"] / 1e6
    errors = {k: figures[k] for k in ("connect", "read", "write", "status", "timeout")}
    ingests = len((Path(f"{log}.count").read_text().split()) if Path(f"{log}.count").exists() else [])
    print(f"gunicorn --workers {args.workers} (DJANGO_DEBUG=0, PostgreSQL, Redis cache) on 127.0.0.1; "
          f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --timeout {args.timeout}s "
          f"over {len(paths)} pages")
    print(f"machine: {os.cpu_count()} cores, load average before/after {load_before} / "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"ingest while loading: {ingests} pair(s) of full ingests of {', '.join(Path(f).name for f in INGEST_FILES)}")
    print(f"requests: {figures['requests']} in {seconds:.1f} s = {figures['requests'] / seconds:.1f} req/s "
          f"({figures['bytes'] / seconds / 1e6:.1f} MB/s)")
    print(f"latency: p50 {figures['p50_us'] / 1000:.1f} ms, p90 {figures['p90_us'] / 1000:.1f} ms, "
          f"p99 {figures['p99_us'] / 1000:.1f} ms, max {figures['max_us'] / 1000:.1f} ms")
    print(f"errors: {sum(errors.values())} ({', '.join(f'{k} {v}' for k, v in errors.items())}; "
          "status = non-2xx/3xx answers)")
    # The ingest command writes its progress to stderr too; only its error lines matter here.
    lines = log.read_text().splitlines() if log.exists() else []
    ingest_errors = [line for line in lines if "error" in line.lower() or "Traceback" in line]
    print(f"ingest errors: {len(ingest_errors)}" + "".join(f"\n  {line}" for line in ingest_errors[-10:]))
    shutil.rmtree(work, ignore_errors=True)
    return 1 if sum(errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
