#!/usr/bin/env bash
# The production process set, natively (no Docker engine on CI machines): PostgreSQL, gunicorn
# with production settings and WhiteNoise's hashed static files, and the background worker.
# Then deploy/smoke.sh logs in, answers, and renders a PDF through the worker, all over HTTP.
#
#   deploy/ci_smoke.sh            (needs the project's .venv and PostgreSQL at 127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${SMOKE_PORT:-8123}"
db="ospo_smoke_$$"
logs="$(mktemp -d)"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$logs"
}
trap cleanup EXIT

export DEBUG=false
export SECRET_KEY="smoke-$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
export HTTPS=false            # plain HTTP on loopback; TLS is the proxy's job in production
export TASKS_BACKEND=database # PDFs are rendered by the worker, not in the request
export STATIC_MANIFEST=true
export LOG_LEVEL=WARNING

psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $db"
.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py setup_demo >/dev/null
.venv/bin/python manage.py collectstatic --no-input -v0

PORT="$PORT" .venv/bin/gunicorn -c deploy/gunicorn.conf.py --bind "127.0.0.1:$PORT" \
  ospo_assess.wsgi:application >"$logs/web.log" 2>&1 &
pids+=($!)
.venv/bin/python manage.py db_worker >"$logs/worker.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/healthz" || { cat "$logs/web.log"; exit 1; }
echo

if ! BASE="http://127.0.0.1:$PORT" deploy/smoke.sh; then
  echo "---- web log"; tail -50 "$logs/web.log"
  echo "---- worker log"; tail -50 "$logs/worker.log"
  exit 1
fi
echo "Smoke test passed: gunicorn + worker + PostgreSQL"
