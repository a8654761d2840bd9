#!/usr/bin/env bash
# Development: a Celery worker with embedded beat, and the Django dev server, together.
# Ctrl-C (or either process ending) stops all of them.
set -uo pipefail
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

.venv/bin/celery -A project worker --beat --loglevel INFO --concurrency 2 \
  --schedule "${CLAIMWATCH_VAR_DIR:-var}/celerybeat-schedule" &
worker=$!
.venv/bin/python manage.py runserver "$HOST:$PORT" &
server=$!

stop() {
  trap - INT TERM EXIT
  echo "stopping the server, the worker and beat..."
  # Signal the processes themselves: a shell started without job control may have
  # left SIGINT ignored in its children, so Ctrl-C alone is not enough everywhere.
  kill -TERM "$server" "$worker" 2>/dev/null || true
  pkill -TERM -P "$server" 2>/dev/null || true
  wait "$server" "$worker" 2>/dev/null || true
}
trap stop INT TERM EXIT

echo "Claimwatch: http://$HOST:$PORT/  (Ctrl-C stops the server, the worker and beat)"
wait -n "$server" "$worker"
