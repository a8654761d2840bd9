"""The site's configured public address (settings.CLAIMWATCH_SITE_URL).

Permalinks, canonical links, citations and feed ids are built from it rather than from
the request, so a claim has one address whichever host name a reader used.
"""

from django.conf import settings


def site_url(path: str = "") -> str:
    return f"{settings.CLAIMWATCH_SITE_URL}{path}"


def site_host() -> str:
    """The host part, for tag: URIs (RFC 4151)."""
    from urllib.parse import urlsplit

    return urlsplit(settings.CLAIMWATCH_SITE_URL).hostname or "localhost"
