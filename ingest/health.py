"""Liveness checks for /healthz: can we reach the database and the Celery broker?"""

from django.conf import settings
from django.db import connection

from project.celery import app


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
