#!/usr/bin/env bash
# The worker container: render PDFs queued by the web app (django-tasks-db's `db_worker`).
# It waits until the web container has applied the migrations, so a first start or an upgrade
# never runs new code against an old schema. WORKER_WAIT_SECONDS (default 300) bounds the wait.
set -euo pipefail
cd "$(dirname "$0")/.."

deadline=$((SECONDS + ${WORKER_WAIT_SECONDS:-300}))
until python manage.py migrate --check >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "worker: the database schema is still not up to date; is the web container running?" >&2
    python manage.py migrate --check  # show why
    exit 1
  fi
  echo "worker: waiting for the web container to apply migrations"
  sleep 3
done

echo "worker: starting db_worker"
exec python manage.py db_worker "$@"
