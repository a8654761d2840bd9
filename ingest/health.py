"""Liveness checks for /healthz: can we reach the database and the Celery broker?"""

import logging

from django.conf import settings
from django.db import connection

from project.celery import app

log = logging.getLogger(__name__)


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not healthy"; report it, don't raise
        return f"{type(exc).__name__}: {exc}"
    return None


def check_broker(timeout: float = 3.0) -> str | None:
    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            # Declaring a channel proves the transport works (for filesystem:// it
            # touches the queue folders; for redis/amqp it round-trips the server).
            conn.default_channel
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


COMPONENTS = (("database", check_database), ("broker", check_broker))


def health_report(show_errors: bool) -> tuple[dict, int]:
    """The /healthz body and status: ok or failed per component.

    Error text (hosts, ports, driver messages) is for staff only: to anyone else it is a
    map of our network. Failures are logged in full either way.
    """
    failures = {name: error for name, check in COMPONENTS if (error := check())}
    for name, error in failures.items():
        log.warning("health check %s failed: %s", name, error)
    checks = {name: "ok" if name not in failures else "failed" for name, _ in COMPONENTS}
    body = {"status": "fail" if failures else "ok", "checks": checks}
    if show_errors and failures:
        body["errors"] = failures
    return body, 503 if failures else 200
