"""Checks on URLs that editors type in."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

# Names that only mean something inside a network (RFC 6761, RFC 6762, RFC 8375 and habit).
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".localdomain")


def _literal_address(host: str):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        # Browsers also read 2130706433, 0x7f.1 and 127.1 as IPv4 addresses; so does inet_aton.
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def is_private_host(host: str) -> bool:
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(_LOCAL_SUFFIXES) or "." not in host and ":" not in host:
        return True
    address = _literal_address(host)
    if address is None:
        # Not resolved on purpose: we only link to source URLs, never fetch them, and a
        # DNS lookup while an editor waits is slow and says nothing about tomorrow.
        return False
    return not address.is_global or address.is_multicast


def validate_source_url(url: str) -> None:
    """http(s) only; outside DEBUG, no private, loopback or link-local addresses."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"}:
        raise ValidationError("Only http:// and https:// links are allowed.", code="scheme")
    if not parts.hostname:
        raise ValidationError("The link has no host name.", code="host")
    if not settings.DEBUG and is_private_host(parts.hostname):
        raise ValidationError(
            "This link points at a private or local address; cite a public URL.", code="private"
        )
