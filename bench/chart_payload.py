"""Chart payload benchmark: bytes of chart JSON (json_script blocks) each chart page carries.

Not a test: run on demand against a database with the seed claims and bundled data loaded
(`make seed ingest-bundled` and a worker, or DATABASE_URL pointing at such a database).

    DATABASE_URL=postgres://... .venv/bin/python bench/chart_payload.py
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

PAGES = ("/", "/data/", "/data/benchmarks/gpqa-diamond/", "/data/benchmarks/metr-horizon-p50/",
         "/topics/scaling-walls/", "/claims/marcus-deep-learning-hitting-a-wall/")
FIGURE = re.compile(r'<script id="([\w-]+)-data" type="application/json">(.*?)</script>', re.S)


def main():
    import django

    django.setup()
    from django.test import Client

    client = Client()
    print(f"{'page':52} {'status':>6} {'html':>9} {'chart JSON':>11}  charts")
    for url in PAGES:
        response = client.get(url)
        html = response.content.decode()
        figures = FIGURE.findall(html)
        total = sum(len(body.encode()) for _, body in figures)
        detail = ", ".join(f"{name} {len(body.encode()):,}" for name, body in figures)
        print(f"{url:52} {response.status_code:>6} {len(response.content):>9,} {total:>11,}  {detail}")


if __name__ == "__main__":
    main()
