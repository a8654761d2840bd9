"""A chart's numbers as a file (CSV or JSON), with where they came from, built once per data generation.

A benchmark's download at ten million scores is a 5 MB file of fifty thousand rows: built per
request it cost 1.6 s. The whole-series files are stored (claims.payload_store) under the
series they hold and brought up to date by the post-ingest warm-up (re-stamped when the series
did not move, rebuilt when it did); files of a year range or a filter are cached per generation.
``generated_at`` in a file's metadata is when the file was built.

The bytes are those the views wrote row by row into the response before: the same columns, the
same csv dialect, the same JSON encoder and indentation (tests/test_pages_data.py reads them).
"""

import csv
import dataclasses
import gzip
import hashlib
import io
import json
import secrets
import threading
from collections import OrderedDict

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.text import slugify

from ingest.models import Benchmark, Series

from claims import payload_store

from .series import COMPUTE, BenchmarkSeries, OwidSeries, Provenance, data_version, frontier

FORMATS = ("csv", "json")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@dataclasses.dataclass(frozen=True)
class Years:
    """The years a download keeps (``?from=&to=``, validated by the view's form); None is open."""

    first: int | None = None
    last: int | None = None

    @property
    def whole(self) -> bool:
        return not self.first and not self.last

    def keeps(self, date) -> bool:
        return (not self.first or date.year >= self.first) and (not self.last or date.year <= self.last)

    def meta(self) -> dict:
        return {} if self.whole else {"years": [self.first, self.last]}

    @property
    def label(self) -> str:
        return f"{self.first or ''}-{self.last or ''}"


ALL_YEARS = Years()


@dataclasses.dataclass(frozen=True)
class Download:
    """A built file: what a view sends as an attachment."""

    body: bytes
    fmt: str
    name: str  # without the extension

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.fmt]

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.fmt}"


def provenance_meta(provenance: Provenance, **extra) -> dict:
    return {
        "publisher": provenance.publisher,
        "licence": provenance.licence,
        "ingest_runs": [{"id": r[0], "source": r[1], "finished": r[2].isoformat() if r[2] else None}
                        for r in provenance.runs],
        "data_as_of": provenance.data_as_of.isoformat() if provenance.data_as_of else None,
        "last_fetched": provenance.latest.isoformat() if provenance.latest else None,
        "generated_at": timezone.now().isoformat(),
        "generated_by": "Claimwatch",
        **extra,
    }


def render(fmt: str, name: str, meta: dict, header: list, rows) -> Download:
    """The file, written whole into one buffer (one write per row into a response cost a third of the time)."""
    if fmt == "json":
        data = {"meta": meta, "data": [dict(zip(header, row)) for row in rows]}
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header + ["source", "licence"])
        tail = [meta["publisher"], meta["licence"]]
        writer.writerows(list(row) + tail for row in rows)
        body = buffer.getvalue().encode()
    return Download(body, fmt, name)


# --- the files of a series ------------------------------------------------------------------

def _benchmark(benchmark: Benchmark, fmt: str, years: Years, loaded=None) -> Download:
    points, provenance = loaded or BenchmarkSeries(benchmark.slug).points()
    records = {(p.date, p.label, p.value) for p in frontier(points, benchmark.higher_is_better)}
    points = [p for p in points if years.keeps(p.date)]
    meta = provenance_meta(provenance, title=benchmark.name, unit=benchmark.unit,
                           higher_is_better=benchmark.higher_is_better, **years.meta())
    rows = [(p.date.isoformat(), p.label, p.value, p.low, p.high, (p.date, p.label, p.value) in records)
            for p in points]
    return render(fmt, f"claimwatch-{benchmark.slug}", meta, ["date", "model", "score", "low", "high", "is_record"],
                  rows)


def _compute(fmt: str, years: Years, loaded=None) -> Download:
    points, provenance = loaded or COMPUTE.points()
    records = {(p.date, p.label) for p in frontier(points)}
    points = [p for p in points if years.keeps(p.date)]
    meta = provenance_meta(provenance, title="Training compute of notable AI models", unit="FLOP", **years.meta())
    rows = [(p.date.isoformat(), p.label, p.extra, p.value, (p.date, p.label) in records) for p in points]
    return render(fmt, "claimwatch-training-compute", meta,
                  ["publication_date", "model", "organization", "training_compute_flop", "is_record"], rows)


def _series(series: Series, entity: str, fmt: str, years: Years, loaded=None) -> Download:
    points, provenance = loaded or OwidSeries(series.slug, entity).points()
    points = [p for p in points if years.keeps(p.date)]
    meta = provenance_meta(provenance, title=series.name, unit=series.unit, unit_note=series.unit_note,
                           entity=entity or None, date_precision=series.date_precision, **years.meta())
    dates = (lambda d: str(d.year)) if series.date_precision == "year" else (lambda d: d.isoformat())
    rows = [(dates(p.date), p.label, p.value) for p in points]
    name = f"claimwatch-{series.slug}" + (f"-{slugify(entity)}" if entity else "")
    return render(fmt, name, meta, ["date", "entity", "value"], rows)


class _Held:
    """The whole-series files this process sent last, up to MAX_BYTES, each with a token it put in
    the shared cache when it read the file.

    A benchmark's file grows with its scores (5 MB at ten million, 500 KB at one million), and
    so did reading it from the shared cache and unpickling it on every request. Held here, a
    file costs one small cache read: its token, under the file's key and the data generation
    the request reads. A file is used only while that token is the one it was read with, so an
    ingest (a new generation), a flushed cache, or a test database that numbers its generations
    again from the start all make it read the stored file again. The oldest files go first
    when those held pass MAX_BYTES.

    A held file's gzip body (gzipped()) is made on the first request that accepts gzip, and held
    with it: compressing 5 MB on every request cost 170 ms.
    """

    MAX_BYTES = 64 * 1024 * 1024
    GZIP_LEVEL = 6  # once per file and process: the smaller output wins

    def __init__(self):
        # key: [token, download, its gzip body or None]
        self.files: OrderedDict[str, list] = OrderedDict()
        self.lock = threading.Lock()

    @staticmethod
    def _token_key(key: str, version) -> str:
        # Hashed: an entity's name may hold spaces and run long.
        return f"held-download:v1:{hashlib.sha256(key.encode()).hexdigest()}:{version}"

    def get(self, key: str, version) -> Download | None:
        with self.lock:
            held = self.files.get(key)
        if held is None or cache.get(self._token_key(key, version)) != held[0]:
            return None
        with self.lock:
            if key in self.files:
                self.files.move_to_end(key)
        return held[1]

    def put(self, key: str, version, download: Download) -> None:
        token = cache.get(self._token_key(key, version))
        if token is None:
            token = secrets.token_hex(8)
            if not cache.add(self._token_key(key, version), token, payload_store.CACHE_SECONDS):
                token = cache.get(self._token_key(key, version))  # another process's, just added
        with self.lock:
            self.files[key] = [token, download, None]
            self.files.move_to_end(key)
            self._trim()

    def gzipped(self, download: Download) -> bytes | None:
        """``download``'s body gzipped, made once and held with it; None when it is not held here."""
        with self.lock:
            entry = next((e for e in self.files.values() if e[1] is download), None)
        if entry is None:
            return None
        if entry[2] is None:
            # mtime=0: the same file compresses to the same bytes in every process.
            entry[2] = gzip.compress(download.body, compresslevel=self.GZIP_LEVEL, mtime=0)
            with self.lock:
                self._trim()
        return entry[2]

    def _trim(self) -> None:
        while len(self.files) > 1 and sum(len(d.body) + len(z or b"") for _, d, z in self.files.values()) > self.MAX_BYTES:
            self.files.popitem(last=False)


HELD = _Held()


def _served(key: str, ref, years: Years, build) -> Download:
    """The whole series from the store (built and stored on a miss); a year range from the cache."""
    version = data_version()
    if not years.whole:
        return payload_store.cache_only(f"{key}:{years.label}", version, build)
    download = HELD.get(key, version)
    if download is not None:
        return download
    download = payload_store.read(key, version)
    if download is None:
        fingerprint = ref.fingerprint()
        download = build()
        payload_store.write(key, version, download, fingerprint)
    HELD.put(key, version, download)
    return download


def benchmark_download(benchmark: Benchmark, fmt: str, years: Years = ALL_YEARS) -> Download:
    return _served(_key("benchmark", benchmark.slug, fmt), BenchmarkSeries(benchmark.slug), years,
                   lambda: _benchmark(benchmark, fmt, years))


def compute_download(fmt: str, years: Years = ALL_YEARS) -> Download:
    return _served(_key("compute", fmt), COMPUTE, years, lambda: _compute(fmt, years))


def series_download(series: Series, entity: str, fmt: str, years: Years = ALL_YEARS) -> Download:
    """An OWID series' file. Only entities the series holds are stored: the entity is the reader's text."""
    build = lambda: _series(series, entity, fmt, years)  # noqa: E731
    key = _key("series", series.slug, entity, fmt)
    if entity and not series.points.filter(entity=entity).exists():
        return payload_store.cache_only(f"{key}:{years.label}", data_version(), build)
    return _served(key, OwidSeries(series.slug, entity), years, build)


# --- after an ingest ----------------------------------------------------------------------

def _key(kind: str, *parts: str) -> str:
    return ":".join(("download", kind, *parts))


def _parse(key: str):
    """(ref, build(loaded)) for a stored download's key, or None when its series is gone."""
    parts = key.split(":")
    kind, fmt = parts[1], parts[-1]
    if kind == "compute":
        return COMPUTE, lambda loaded=None: _compute(fmt, ALL_YEARS, loaded)
    if kind == "benchmark":
        benchmark = Benchmark.objects.filter(slug=parts[2]).first()
        return benchmark and (BenchmarkSeries(benchmark.slug),
                              lambda loaded=None: _benchmark(benchmark, fmt, ALL_YEARS, loaded))
    series = Series.objects.filter(slug=parts[2]).first()
    entity = ":".join(parts[3:-1])
    return series and (OwidSeries(series.slug, entity),
                       lambda loaded=None: _series(series, entity, fmt, ALL_YEARS, loaded))


def whole_series_keys(ref) -> list[str]:
    """The stored whole-series downloads of ``ref`` (none for model attributes but compute:
    the models table's files are a filtered query, cached per generation)."""
    if ref == COMPUTE:
        return [_key("compute", fmt) for fmt in FORMATS]
    if isinstance(ref, BenchmarkSeries):
        return [_key("benchmark", ref.slug, fmt) for fmt in FORMATS]
    if isinstance(ref, OwidSeries):
        return [_key("series", ref.slug, ref.entity, fmt) for fmt in FORMATS]
    return []


def build_stored(key: str, loaded=None):
    """The download a stored key names, from ``loaded`` (its series' points) when given; None when gone."""
    found = _parse(key)
    return found[1](loaded) if found else None


def refresh_stored_downloads(version: int | None = None, skip=()) -> int:
    """Bring every stored download (but ``skip``) up to ``version``: re-stamp those whose series
    did not move, rebuild the others, drop those whose series is gone. Returns how many were rebuilt."""
    version = data_version() if version is None else version
    unchanged, rebuilt = [], 0
    skip = set(skip)
    for key, (held_version, held_fingerprint) in payload_store.fingerprints("download:").items():
        if held_version == str(version) or key in skip:
            continue
        found = _parse(key)
        if not found:
            payload_store.forget(key)
            continue
        ref, build = found
        fingerprint = ref.fingerprint()
        if fingerprint == held_fingerprint:
            unchanged.append(key)
        else:
            payload_store.write(key, version, build(), fingerprint)
            rebuilt += 1
    payload_store.restamp(unchanged, version)
    return rebuilt
