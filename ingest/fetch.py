"""Reading a data source's payload: over HTTP (httpx) or from a local path.

Both paths return the same ``Payload`` so a bundled snapshot loads offline through the
same connector code that fetches it in production.
"""

import contextlib
import dataclasses
import ipaddress
import socket
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

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


# Bundled snapshots are the only files a data source may read: a path is confined to
# this folder after symlinks are resolved, so neither "../" nor a link can leave it.
SNAPSHOT_DIR = "ingest/snapshots"
MAX_REDIRECTS = 5
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def snapshot_root() -> Path:
    return (Path(settings.BASE_DIR) / SNAPSHOT_DIR).resolve()


def file_roots() -> list[Path]:
    """The snapshot folder, plus any folder the operator (or the test suite, for its temporary
    files) names in CLAIMWATCH_INGEST_FILE_ROOTS: a setting, never a per-source option."""
    extra = getattr(settings, "CLAIMWATCH_INGEST_FILE_ROOTS", [])
    return [snapshot_root(), *(Path(root).resolve() for root in extra)]


def resolve_path(path: str) -> Path:
    """The real file behind ``path`` (relative to the project root), or FetchError if outside the snapshots.

    The message names the path as given, never anything read from the file.
    """
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = Path(settings.BASE_DIR) / candidate
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise FetchError(f"cannot read {path!r}: the path cannot be resolved") from None
    if not any(real == root or root in real.parents for root in file_roots()):
        raise FetchError(f"refusing to read {path!r}: data source files must be inside {SNAPSHOT_DIR}/")
    return real


def read_path(path: str, max_bytes: int) -> Payload:
    file = resolve_path(path)
    try:
        if not file.is_file():
            raise FetchError(f"cannot read {path!r}: not a file")
        size = file.stat().st_size
        if size > max_bytes:
            raise FetchError(f"{path!r} is {size} bytes, over the limit of {max_bytes} bytes")
        data = file.read_bytes()
    except OSError as exc:
        raise FetchError(f"cannot read {path!r}: {exc.strerror or type(exc).__name__}") from None
    return Payload(upstream=str(file), data=data)


def forbidden_reason(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why fetching from ``address`` would reach inside our own network, or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address wrapped in IPv6 reaches the IPv4 host: judge that one.
        embedded = address.ipv4_mapped
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return forbidden_reason(embedded)
    for label, flag in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if flag:
            return label
    if not address.is_global:  # 100.64.0.0/10 (carrier-grade NAT, a cloud metadata address), 192.0.0.0/24...
        return "not globally routable"
    return None


def _allowed_networks():
    return [ipaddress.ip_network(n, strict=False) for n in getattr(settings, "CLAIMWATCH_INGEST_ALLOWED_NETWORKS", [])]


def _resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (a separate function so tests can stand in for DNS)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


@dataclasses.dataclass(frozen=True)
class Target:
    """One hop, checked: where to connect (``address``) and what to call the host (Host, SNI)."""

    url: str
    scheme: str
    host: str
    port: int
    address: ipaddress.IPv4Address | ipaddress.IPv6Address

    @property
    def pinned_url(self) -> str:
        """The URL with the checked address in place of the host name, so no second lookup happens."""
        parts = urlsplit(self.url)
        ip = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return urlunsplit((self.scheme, f"{ip}:{self.port}", parts.path or "/", parts.query, ""))

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        default = {"http": 80, "https": 443}[self.scheme]
        return name if self.port == default else f"{name}:{self.port}"


def check_url(url: str) -> Target:
    """Resolve ``url``'s host once and choose an address we may connect to; FetchError otherwise.

    Every address the name resolves to must be allowed (one bad record is enough to
    refuse: the connection could land on it). Private, loopback and the other inward
    ranges are refused unless CLAIMWATCH_INGEST_ALLOW_PRIVATE is on, or the address is in
    CLAIMWATCH_INGEST_ALLOWED_NETWORKS.
    """
    try:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme.lower(), parts.hostname or "", parts.port
    except ValueError:
        raise FetchError(f"refusing to fetch {url!r}: not a valid URL") from None
    if scheme not in ("http", "https") or not host:
        raise FetchError(f"refusing to fetch {url!r}: only http and https URLs with a host are fetched")
    port = port or (443 if scheme == "https" else 80)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in _resolve(host, port)]
        except (OSError, UnicodeError):
            raise TransientFetchError(f"cannot resolve host {host!r}") from None
        if not addresses:
            raise TransientFetchError(f"cannot resolve host {host!r}")
    if not getattr(settings, "CLAIMWATCH_INGEST_ALLOW_PRIVATE", False):
        allowed = _allowed_networks()
        for address in addresses:
            reason = forbidden_reason(address)
            if reason and not any(address in net for net in allowed if net.version == address.version):
                raise FetchError(
                    f"refusing to fetch {url}: {host} resolves to a {reason} address ({address})"
                )
    return Target(url=url, scheme=scheme, host=host, port=port, address=addresses[0])


def fetch_url(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    max_bytes: int,
    timeout: float,
    attempts: int = 4,
    backoff: float = 1.0,
) -> Payload:
    """GET with conditional headers, a size limit and exponential backoff on transient errors.

    4xx answers are not retried: asking again will not change them. Every redirect hop
    is checked like the first URL, and each connection goes to the address that was
    checked (see check_url), so neither a redirect nor DNS rebinding leads inward.
    """
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
            return _follow(url, headers, max_bytes, timeout)
        except TransientFetchError as exc:
            last_error = exc
    raise TransientFetchError(f"{last_error} (gave up after {attempts} attempts)")


def _follow(url: str, headers: dict, max_bytes: int, timeout: float) -> Payload:
    for _hop in range(MAX_REDIRECTS + 1):
        target = check_url(url)
        result = _get_once(target, headers, max_bytes, timeout)
        if isinstance(result, Payload):
            return result
        url = urljoin(url, result)
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects; not followed")


_REDIRECTS = {301, 302, 303, 307, 308}


def _get_once(target: Target, headers: dict, max_bytes: int, timeout: float) -> Payload | str:
    """One GET to the checked address: a Payload, or the Location of a redirect (not followed here)."""
    url = target.url
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    try:
        # trust_env=False: a proxy from the environment would make the connection go
        # somewhere other than the checked address.
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            request = client.build_request(
                "GET", target.pinned_url, headers={**headers, "Host": target.host_header}, extensions=extensions
            )
            with contextlib.closing(client.send(request, stream=True)) as response:
                _check_peer(target, response)
                status = response.status_code
                if status in _REDIRECTS:
                    location = response.headers.get("Location", "")
                    if not location:
                        raise FetchError(f"{url} answered HTTP {status} without a Location; not followed")
                    return location
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
                    upstream=url,
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


def _check_peer(target: Target, response) -> None:
    """Belt and braces: the socket really is connected to the address that was checked."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer and ipaddress.ip_address(peer[0].split("%", 1)[0]) != target.address:
        raise FetchError(f"refusing {target.url}: connected to {peer[0]}, not the checked address {target.address}")
