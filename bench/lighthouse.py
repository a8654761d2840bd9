"""Lighthouse scores for the key pages, against gunicorn with production settings.

Sets up its own PostgreSQL database (the seed claims and the bundled Epoch snapshots,
ingested through the real connectors), collects static files with the production
storage (hashed, pre-compressed), starts gunicorn with DJANGO_DEBUG=0 on 127.0.0.1 and
runs Lighthouse 12 (npm, desktop preset) in Debian's Chromium on /, /claims/, a claim
page and /data/. Prints one row per page and category. Not a test: run on demand.

    .venv/bin/python bench/lighthouse.py                  # prints the scores
    .venv/bin/python bench/lighthouse.py --check          # exit 1 if any score < 0.95
    .venv/bin/python bench/lighthouse.py --runs 3         # the median run per page (scores vary on a busy machine)
    BENCH_DATABASE_URL=postgres://... LIGHTHOUSE=path/to/lighthouse .venv/bin/python bench/lighthouse.py

Lighthouse comes from `npm ci` (package.json pins lighthouse 12.2.3); LIGHTHOUSE overrides the path.
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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import ensure_database  # noqa: E402  (after the path is set)

PYTHON = sys.executable
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/claimwatch_bench_lighthouse")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PAGES = ["/", "/claims/", "/claims/marcus-deep-learning-hitting-a-wall/", "/data/"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGET = 0.95
SNAP = "ingest/snapshots/epoch"


def lighthouse_binary() -> str:
    path = os.environ.get("LIGHTHOUSE") or str(ROOT / "node_modules" / ".bin" / "lighthouse")
    if not Path(path).exists():
        sys.exit(f"lighthouse not found at {path}: run `npm ci` (or set LIGHTHOUSE)")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(port: int, static_root: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain http on loopback: no redirect to an https port nobody listens on.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DATABASE_URL": DB_URL,
        "CACHE_URL": CACHE_URL,
        "CLAIMWATCH_SITE_URL": f"http://127.0.0.1:{port}",
        "CLAIMWATCH_VAR_DIR": str(static_root.parent / "var"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }


LOAD_DATA = f"""
from claims.seed import load_seed
from ingest.models import DataSource
from ingest.runner import queue_run, run_ingest

load_seed()
for slug, kind, path, options in (
    ("epoch-notable-models", "epoch-models", "{SNAP}/notable_ai_models.csv", {{"notable": True}}),
    ("epoch-benchmark-runs", "epoch-benchmarks", "{SNAP}/benchmarks_runs.csv",
     {{"model_versions": "{SNAP}/model_versions.csv", "table": "runs"}}),
):
    source, _ = DataSource.objects.get_or_create(slug=slug, defaults=dict(name=slug, kind=kind, path=path,
                                                                          options=options))
    if not source.runs.filter(status="ok").exists():
        run_ingest(queue_run(source).pk)
"""


def prepare(env: dict):
    ensure_database(DB_URL)
    for args in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "shell", "-c", LOAD_DATA], cwd=ROOT, env=env, check=True)


def wait_until_up(url: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"gunicorn did not answer {url} within {timeout} s")


def audit(binary: str, url: str, out: Path) -> dict:
    flags = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update " \
            "--disable-sync --no-first-run --disable-quic"
    command = [binary, url, "--preset=desktop", f"--chrome-path={CHROMIUM}", f"--chrome-flags={flags}",
               f"--only-categories={','.join(CATEGORIES)}", "--output=json", f"--output-path={out}", "--quiet"]
    for attempt in (1, 2):
        # One retry: on a loaded machine Chromium occasionally fails to start in time.
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if done.returncode == 0:
            break
        print(f"lighthouse failed on {url} (attempt {attempt}): {done.stderr.strip()[-500:]}", file=sys.stderr)
    else:
        sys.exit(f"lighthouse could not audit {url}")
    report = json.loads(out.read_text())
    scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
    audits = report["audits"]
    extra = {
        "transfer_kib": round(audits["total-byte-weight"]["numericValue"] / 1024),
        "dom_elements": int(audits["dom-size"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "si_ms": round(audits["speed-index"]["numericValue"]),
        "ttfb_ms": round(audits["server-response-time"]["numericValue"]),
    }
    failing = sorted(
        (a["id"] for a in audits.values() if a.get("score") is not None and a["score"] < 0.9
         and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")),
    )
    return {"scores": scores, **extra, "below_0.9": failing}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help=f"exit 1 when any score is below {TARGET}")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1, help="audit each page this many times, report the median")
    args = parser.parse_args()
    binary = lighthouse_binary()
    if not shutil.which(CHROMIUM):
        sys.exit(f"Chromium not found at {CHROMIUM}")

    work = Path(tempfile.mkdtemp(prefix="claimwatch-lighthouse-"))
    port = free_port()
    env = environment(port, work / "static")
    prepare(env)
    server = subprocess.Popen(
        [str(Path(PYTHON).with_name("gunicorn")), "project.wsgi", f"--bind=127.0.0.1:{port}",
         f"--workers={args.workers}", "--log-level=warning"],
        cwd=ROOT, env=env,
    )
    results = {}
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/healthz")
        for path in PAGES:
            urllib.request.urlopen(base + path, timeout=30).read()  # warm the caches, as a returning reader would
            runs = sorted((audit(binary, base + path, work / "report.json") for _ in range(args.runs)),
                          key=lambda r: r["scores"]["performance"] or 0)
            results[path] = runs[len(runs) // 2]
            results[path]["performance_runs"] = [r["scores"]["performance"] for r in runs]
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)

    print(f"Lighthouse 12, desktop preset, gunicorn ({args.workers} workers, DJANGO_DEBUG=0), PostgreSQL"
          + (f", median of {args.runs} runs" if args.runs > 1 else ""))
    print(f"{'page':48} " + " ".join(f"{c[:13]:>13}" for c in CATEGORIES)
          + "  transfer KiB  DOM  TTFB ms  FCP ms  LCP ms  SI ms  TBT ms  CLS")
    low = []
    for path, r in results.items():
        s = r["scores"]
        low += [(path, c, s[c]) for c in CATEGORIES if s[c] is None or s[c] < TARGET]
        print(f"{path:48} " + " ".join(f"{s[c]:>13.2f}" for c in CATEGORIES)
              + f"  {r['transfer_kib']:>12}  {r['dom_elements']:>4}  {r['ttfb_ms']:>7}  {r['fcp_ms']:>6}"
              f"  {r['lcp_ms']:>6}  {r['si_ms']:>5}  {r['tbt_ms']:>6}  {r['cls']:>4}")
        if args.runs > 1:
            print(f"{'':48} performance in each run: {', '.join(f'{v:.2f}' for v in r['performance_runs'])}")
        if r["below_0.9"]:
            print(f"{'':48} audits below 0.9: {', '.join(r['below_0.9'])}")
    if low:
        print("below target:", "; ".join(f"{p} {c} {v}" for p, c, v in low))
    if args.check and low:
        sys.exit(1)


if __name__ == "__main__":
    main()
