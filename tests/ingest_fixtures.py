"""Shared fixtures for the ingest tests: a real local HTTP server and run helpers.

Import the fixtures into a test module with ``from tests.ingest_fixtures import *``-free
explicit names, e.g. ``from tests.ingest_fixtures import http_server, fast_fetch``.
The server serves the real snapshot files (or scripted answers) over a socket, so every
ingest goes through httpx, the retry loop and the size limit exactly as in production.
"""

import csv
import dataclasses
import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingest.models import DataSource, IngestRun
from ingest.runner import queue_run, run_ingest

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "ingest" / "snapshots"


@dataclasses.dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = dataclasses.field(default_factory=dict)
    delay: float = 0.0
    # Claim a longer body than is sent, then hang up: a truncated transfer.
    truncate_to: int | None = None
    # Send no Content-Length (the body ends when the connection closes, as HTTP/1.0 allows).
    no_length: bool = False


class LocalServer:
    """Routes -> a queue of answers (the last one repeats); records every request."""

    def __init__(self):
        self.routes: dict[str, list[Answer]] = {}
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                server._serve(self)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def answer(self, path: str, *answers: Answer) -> str:
        self.routes[path] = list(answers)
        return self.url(path)

    def serve_file(self, path: str, file: Path, etag: str | None = None) -> str:
        headers = {"ETag": etag} if etag else {}
        return self.answer(path, Answer(body=file.read_bytes(), headers=headers))

    def hits(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.requests.append({"path": handler.path, "headers": dict(handler.headers)})
            queue = self.routes.get(handler.path)
            answer = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else Answer(status=404, body=b"no route")
        if answer.delay:
            time.sleep(answer.delay)
        etag = answer.headers.get("ETag")
        if etag and handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.end_headers()
            return
        handler.send_response(answer.status)
        length = len(answer.body)
        if not answer.no_length:
            handler.send_header("Content-Length", str(length))
        for name, value in answer.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        body = answer.body if answer.truncate_to is None else answer.body[: answer.truncate_to]
        try:
            handler.wfile.write(body)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
        if answer.truncate_to is not None or answer.no_length:
            handler.close_connection = True

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server(settings):
    # The server is on loopback, which ingest refuses unless the operator allows it.
    settings.CLAIMWATCH_INGEST_ALLOW_PRIVATE = True
    server = LocalServer()
    yield server
    server.close()


@pytest.fixture
def fast_fetch(settings):
    """Short timeouts and backoff, so fault tests take a fraction of a second."""
    settings.CLAIMWATCH_INGEST_ATTEMPTS = 3
    settings.CLAIMWATCH_INGEST_BACKOFF = 0.01
    settings.CLAIMWATCH_INGEST_TIMEOUT = 0.5
    return settings


def make_source(slug: str, kind: str, *, url: str = "", path: str = "", **options) -> DataSource:
    return DataSource.objects.create(
        slug=slug, name=slug, kind=kind, url=url, path=path,
        options=options,
    )


def run_once(source: DataSource) -> IngestRun:
    return run_ingest(queue_run(source).pk)


def snapshot(relative: str) -> Path:
    return SNAPSHOTS / relative


def rejected_reasons(run: IngestRun) -> list[str]:
    return [entry["reason"] for entry in run.rejected_rows]


# Variants of the real notable export. Its as-of date is its newest publication date
# (2025-04-10): a newer export is the real one plus a model published after it.

def notable_rows() -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(snapshot("epoch/notable_ai_models.csv").read_text(encoding="utf-8-sig"),
                                        newline=""))
    return list(reader.fieldnames), list(reader)


def write_notable(path, header, rows) -> str:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def newer(header, rows, cells: dict | None = None) -> list[dict]:
    """``rows`` plus one model published after them (``cells`` fill more of its columns)."""
    return rows + [{**{name: "" for name in header}, "Model": "Later model", "Publication date": "2025-06-02",
                    "Parameters": "1e9", "Organization": "Lab", **(cells or {})}]
