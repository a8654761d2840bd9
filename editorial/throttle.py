"""Login throttling for every login page (the editors' /accounts/login/ and /admin/login/).

Two counters, both in the shared cache so every web process sees the same numbers:

- failures for one username from one address: MAX_FAILURES within WINDOW_SECONDS
  locks that pair (guessing one account's password);
- failures from one address across all usernames: MAX_ADDRESS_FAILURES locks the
  address (password spraying: one guess each at many accounts).

Each lock lasts longer than the one before it (LOCK_SECONDS doubling up to
MAX_LOCK_SECONDS), remembered for STRIKE_MEMORY_SECONDS, so a patient attacker gains
nothing by waiting out each lock. The username is keyed the way authentication reads
it (NFKC, as Django's UsernameField does) and case-folded, so a fullwidth or other-case
spelling of a locked name is the same lock.
"""

import dataclasses
import hashlib
import time
import unicodedata

from django.core.cache import cache

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60
MAX_LOCK_SECONDS = 24 * 60 * 60
STRIKE_MEMORY_SECONDS = 7 * 24 * 60 * 60


def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username or "").strip().casefold()[:150]


def _digest(*parts: str) -> str:
    # Hashed: usernames may hold characters a cache backend rejects in keys.
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@dataclasses.dataclass(frozen=True)
class Scope:
    """One thing that can be locked: a (username, address) pair or a whole address."""

    kind: str  # "user" or "address"
    digest: str
    limit: int

    def key(self, what: str) -> str:
        return f"editorial:login:{what}:{self.kind}:{self.digest}"


def _scopes(username: str, ip: str) -> tuple[Scope, Scope]:
    return (
        Scope("user", _digest(normalise_username(username), ip), MAX_FAILURES),
        Scope("address", _digest(ip), MAX_ADDRESS_FAILURES),
    )


def client_ip(request) -> str:
    # REMOTE_ADDR, not X-Forwarded-For: a client can write the header and so pick a new
    # counter per attempt. Behind a proxy, the proxy must set REMOTE_ADDR (gunicorn does
    # with --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "")


def locked_for(username: str, ip: str) -> int:
    """Seconds until this username may try again from this address (0: not locked)."""
    now = time.time()
    remaining = [int(until - now) + 1 for s in _scopes(username, ip) if (until := cache.get(s.key("lock"))) and until > now]
    return max(remaining, default=0)


def is_locked(username: str, ip: str) -> bool:
    return locked_for(username, ip) > 0


def _count(key: str, timeout: int) -> int:
    # add() starts the window; incr() keeps the window's original expiry.
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout)
        return 1


def lock_seconds(strike: int) -> int:
    """The length of the ``strike``-th lock in a row: 15 min, 30 min, 1 h ... at most a day."""
    return min(LOCK_SECONDS * 2 ** (max(strike, 1) - 1), MAX_LOCK_SECONDS)


def record_failure(username: str, ip: str) -> int:
    """Count a failed login; returns the seconds of the lock it caused (0 when none)."""
    locked = 0
    for scope in _scopes(username, ip):
        if _count(scope.key("failures"), WINDOW_SECONDS) >= scope.limit:
            strike = _count(scope.key("strikes"), STRIKE_MEMORY_SECONDS)
            seconds = lock_seconds(strike)
            cache.set(scope.key("lock"), time.time() + seconds, seconds)
            cache.delete(scope.key("failures"))
            locked = max(locked, seconds)
    return locked


def clear(username: str, ip: str) -> None:
    """A successful login clears that username's count from that address (not the address's own)."""
    user, _address = _scopes(username, ip)
    cache.delete_many([user.key("failures"), user.key("strikes"), user.key("lock")])


def message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    wait = f"{minutes} minutes" if minutes < 120 else f"{-(-minutes // 60)} hours"
    return (
        f"Too many failed attempts. Wait {wait} and try again, "
        "or ask an administrator to reset your password."
    )
