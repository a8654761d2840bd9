"""Login throttling: after too many failures for one username from one address, refuse
for a while. Counts live in the shared cache so every web process sees the same count."""

import hashlib

from django.core.cache import cache

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _key(username: str, ip: str) -> str:
    # Hashed: usernames may hold characters a cache backend rejects in keys.
    digest = hashlib.sha256(f"{username.strip().lower()}\0{ip}".encode()).hexdigest()
    return f"editorial:login-failures:{digest}"


def client_ip(request) -> str:
    # REMOTE_ADDR, not X-Forwarded-For: a client can write the header and so pick a new
    # counter per attempt. Behind a proxy, the proxy must set REMOTE_ADDR (gunicorn does
    # with --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "")


def is_locked(username: str, ip: str) -> bool:
    return (cache.get(_key(username, ip)) or 0) >= MAX_FAILURES


def record_failure(username: str, ip: str) -> int:
    key = _key(username, ip)
    # add() starts the window; incr() keeps the window's original expiry.
    if cache.add(key, 1, WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def clear(username: str, ip: str) -> None:
    cache.delete(_key(username, ip))
