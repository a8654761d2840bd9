"""Evidence-suggestion quality on demand (not a test): `.venv/bin/python bench/suggest.py`.

Builds a scratch SQLite database, loads the seed claims, ingests every bundled feed and
arXiv snapshot through the real connectors, runs editorial/suggest.py over each run, and
holds the stored suggestions against tests/data/suggestions_labelled.csv: (feed item,
claim) pairs labelled relevant or not by reading the item and the claim.

Prints precision (relevant suggestions / labelled suggestions), recall (relevant pairs
suggested / relevant pairs in the set), the count of relevant suggestions found, any
suggestion the set has no label for (label it, or the figures are not the whole truth),
and the time the suggester took.

`--list` prints every suggestion with its label and reason instead.
"""

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "suggestions_labelled.csv"


def read_labels(path: Path = LABELS) -> dict[tuple[str, str, str], bool]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {(row["source"], row["guid"], row["claim"]): row["relevant"] == "1" for row in csv.DictReader(fh)}


def score(suggested: set, labels: dict) -> dict:
    """Precision and recall of a set of (source, guid, claim) suggestions against the labels."""
    labelled = suggested & labels.keys()
    hits = {key for key in labelled if labels[key]}
    relevant = {key for key, yes in labels.items() if yes}
    return {
        "suggested": len(suggested),
        "labelled": len(labelled),
        "unlabelled": sorted(suggested - labels.keys()),
        "relevant_found": len(hits),
        "relevant_in_set": len(relevant),
        "precision": len(hits) / len(labelled) if labelled else 0.0,
        "recall": len(hits) / len(relevant) if relevant else 0.0,
    }


def bundled_suggestions() -> tuple[list, float]:
    """[(source slug, guid, claim slug, score, reason)] from a fresh database, and the seconds taken."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp(prefix="cw-suggest-")) / "bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from claims.models import Evidence
    from claims.seed import load_seed
    from editorial.suggest import SUGGESTING_KINDS, suggest_for_run
    from ingest.bundled import register_bundled_sources
    from ingest.runner import queue_run, run_ingest
    from ingest.signals import run_succeeded

    # Suggest here, in this process, timed: not on a worker the signal would wake.
    run_succeeded.receivers = []
    load_seed()
    runs = [run_ingest(queue_run(s).pk) for s in register_bundled_sources() if s.kind in SUGGESTING_KINDS]
    started = time.perf_counter()
    for run in runs:
        suggest_for_run(run.pk)
    took = time.perf_counter() - started
    rows = (Evidence.objects.filter(feed_item__isnull=False)
            .values_list("feed_item__source__slug", "feed_item__guid", "claim__slug", "match_score", "match_reason"))
    return list(rows), took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every suggestion with its label")
    args = parser.parse_args()
    labels = read_labels()
    rows, took = bundled_suggestions()
    if args.list:
        for source, guid, claim, points, reason in sorted(rows, key=lambda r: (r[0], r[1], -r[3])):
            label = {True: "relevant", False: "not", None: "UNLABELLED"}[labels.get((source, guid, claim))]
            print(f"{label:10} {points:4.2f} {source}/{guid[:40]} -> {claim}\n           {reason}")
        return
    result = score({(s, g, c) for s, g, c, _, _ in rows}, labels)
    positives = sum(labels.values())
    print(f"labelled pairs: {len(labels)} ({positives} relevant, {len(labels) - positives} not)")
    print(f"suggestions: {result['suggested']} ({result['labelled']} labelled, {len(result['unlabelled'])} unlabelled)")
    print(f"relevant suggestions found: {result['relevant_found']} of {result['relevant_in_set']}")
    print(f"precision: {result['precision']:.1%}")
    print(f"recall: {result['recall']:.1%}")
    print(f"suggester time over {len({(s, g) for s, g, _, _, _ in rows})} matched items: {took * 1000:.0f} ms")
    for key in result["unlabelled"]:
        print("unlabelled:", *key)


if __name__ == "__main__":
    main()
