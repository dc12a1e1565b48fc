#!/usr/bin/env bash
# The worker container: render PDFs queued by the web app (`manage.py pdf_worker`, django-tasks-db's
# `db_worker` made quick to pick a job up).
# It waits until the web container has applied the migrations, so a first start or an upgrade
# never runs new code against an old schema. WORKER_WAIT_SECONDS (default 300) bounds the wait.
#
# Stopping: Docker runs this script as PID 1, and the kernel gives PID 1 no default action for
# SIGTERM or SIGINT: without the trap below, `docker compose stop` went unheard while the script
# waited, until Docker killed it after the grace period. Each step of the wait runs in the
# background and is awaited with `wait`, which a trapped signal interrupts at once (a foreground
# command would be waited out first). Once `exec` has replaced the script, pdf_worker handles
# SIGTERM itself: idle, it exits at once with status 0; during a render, after that render.
set -euo pipefail
cd "$(dirname "$0")/.."

child=""
stop() {
  echo "worker: stopped before pdf_worker started"
  if [ -n "$child" ]; then kill "$child" 2>/dev/null || true; fi
  exit 0
}
trap stop TERM INT

# Runs a command in the background and waits for it, so that a signal is handled at once.
run() {
  "$@" &
  child=$!
  local status=0
  wait "$child" || status=$?
  child=""
  return "$status"
}

deadline=$((SECONDS + ${WORKER_WAIT_SECONDS:-300}))
until run python manage.py migrate --check >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "worker: the database schema is still not up to date; is the web container running?" >&2
    python manage.py migrate --check  # show why
    exit 1
  fi
  echo "worker: waiting for the web container to apply migrations"
  run sleep 1
done

echo "worker: starting pdf_worker"
exec python manage.py pdf_worker "$@"
