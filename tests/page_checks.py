"""The third-party page checkers, shared by the public and the editorial page tests.

W3C Nu HTML checker (vnu-jar, run with java) and axe-core (WCAG 2.1 AA, in Chromium), both
from npm: `npm ci` installs them (`make test` and .ci/run do).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# htmx's attributes are not HTML5; everything else the checker reports is an error.
HTMX_NOISE = ("Attribute \u201chx-",)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def need(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path.relative_to(ROOT)} missing: run `npm ci`")


def nu_errors(pages: list[tuple[str, bytes]], folder: Path) -> list[str]:
    """Nu checker errors for each (label, html) page, as "label:line: message" lines."""
    need(VNU)
    if not shutil.which("java"):
        pytest.skip("java not found (apt-get install default-jre-headless)")
    files = {}
    for index, (label, html) in enumerate(pages):
        file = folder / f"page{index}.html"
        file.write_bytes(html)
        files[f"file:{file}"] = label
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *[name[5:] for name in files]],
        capture_output=True, text=True, timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{files.get(m.get('url'), m.get('url'))}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error" and not m["message"].startswith(HTMX_NOISE)
    ]


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 AA violations on the page as it stands (the context must bypass CSP)."""
    need(AXE)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
