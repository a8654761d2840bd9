"""Reading a data source's payload: over HTTP (httpx) or from a local path.

Both paths return the same ``Payload`` so a bundled snapshot loads offline through the
same connector code that fetches it in production.
"""

import dataclasses
import ipaddress
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from django.conf import settings


class FetchError(Exception):
    """The payload could not be read; the message is for people."""


class TransientFetchError(FetchError):
    """Worth retrying later: a network error, a timeout, a 5xx."""


@dataclasses.dataclass
class Payload:
    upstream: str
    data: bytes = b""
    http_status: int | None = None
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False


def resolve_path(path: str) -> Path:
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = Path(settings.BASE_DIR) / candidate
    return candidate


def read_path(path: str, max_bytes: int) -> Payload:
    file = resolve_path(path)
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise FetchError(f"cannot read {file}: {exc.strerror or exc}") from None
    if size > max_bytes:
        raise FetchError(f"{file} is {size} bytes, over the limit of {max_bytes} bytes")
    return Payload(upstream=str(file), data=file.read_bytes())


def _refuse_private(url: str) -> None:
    """In production, a source URL must not point into our own network (SSRF)."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        raise TransientFetchError(f"cannot resolve host {host!r}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            raise FetchError(f"refusing to fetch {url}: {host} resolves to a private address ({address})")


def fetch_url(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    max_bytes: int,
    timeout: float,
    attempts: int = 4,
    backoff: float = 1.0,
    allow_private: bool = False,
) -> Payload:
    """GET with conditional headers, a size limit and exponential backoff on transient errors.

    4xx answers are not retried: asking again will not change them.
    """
    if not allow_private:
        _refuse_private(url)
    headers = {"User-Agent": "Claimwatch ingest (+https://github.com/claimwatch)"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    last_error: TransientFetchError | None = None
    for attempt in range(attempts):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            return _get_once(url, headers, max_bytes, timeout)
        except TransientFetchError as exc:
            last_error = exc
    raise TransientFetchError(f"{last_error} (gave up after {attempts} attempts)")


def _get_once(url: str, headers: dict, max_bytes: int, timeout: float) -> Payload:
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5) as client:
            with client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status == 304:
                    return Payload(upstream=url, http_status=304, not_modified=True)
                if status >= 500:
                    raise TransientFetchError(f"{url} answered HTTP {status}")
                if status >= 400:
                    raise FetchError(f"{url} answered HTTP {status}; not retried")
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"{url} is {declared} bytes, over the limit of {max_bytes} bytes")
                chunks, total = [], 0
                for chunk in response.iter_bytes():
                    total += len(chunk)
                    if total > max_bytes:
                        raise FetchError(f"{url} sent more than the limit of {max_bytes} bytes")
                    chunks.append(chunk)
                return Payload(
                    upstream=str(response.url),
                    data=b"".join(chunks),
                    http_status=status,
                    etag=response.headers.get("ETag", ""),
                    last_modified=response.headers.get("Last-Modified", ""),
                )
    except httpx.TimeoutException:
        raise TransientFetchError(f"{url} timed out after {timeout} s") from None
    except httpx.RemoteProtocolError as exc:
        # A body cut short (Content-Length not met) lands here: retry, it may be transient.
        raise TransientFetchError(f"{url}: connection broke off ({exc})") from None
    except httpx.TransportError as exc:
        raise TransientFetchError(f"{url}: {type(exc).__name__}: {exc}") from None
