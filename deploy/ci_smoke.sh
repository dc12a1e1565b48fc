#!/usr/bin/env bash
# The production process set, natively (no Docker engine on CI machines): PostgreSQL, gunicorn
# with production settings and WhiteNoise's hashed static files, the background worker, and
# nginx in front as the reverse proxy. Then deploy/smoke.sh logs in, answers, and renders a PDF
# through the worker, all over HTTP through nginx; and a wrong-password lockout is checked to
# key on the client's address, not the proxy's.
#
#   deploy/ci_smoke.sh   (needs the project's .venv, nginx (Debian: nginx-light) and
#                         PostgreSQL at 127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

command -v nginx >/dev/null || { echo "nginx is needed (Debian: apt-get install nginx-light)"; exit 1; }
PORT="${SMOKE_PORT:-$(free_port)}"        # gunicorn
PROXY_PORT="${SMOKE_PROXY_PORT:-$(free_port)}" # nginx, in front of it
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
# Two proxies append to X-Forwarded-For here: curl plays an outer load balancer that appends the
# (simulated) visitor's address, and nginx appends the load balancer's, 127.0.0.1. That is how
# distinct visitors are told apart on one machine; a single nginx in production means 1.
export PROXY_COUNT=2

psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $db"
.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py setup_demo >/dev/null
.venv/bin/python manage.py collectstatic --no-input -v0

PORT="$PORT" .venv/bin/gunicorn -c deploy/gunicorn.conf.py --bind "127.0.0.1:$PORT" \
  ospo_assess.wsgi:application >"$logs/web.log" 2>&1 &
pids+=($!)
.venv/bin/python manage.py pdf_worker >"$logs/worker.log" 2>&1 &
pids+=($!)

# nginx with the headers docs/deployment.md asks for, everything in a temporary folder: no
# system configuration is read or changed. Responses are passed on from memory, never from temp
# files (proxy_max_temp_file_size 0), so nginx's workers need no folder of their own.
mkdir -p "$logs/nginx"
chmod 755 "$logs" "$logs/nginx"
cat >"$logs/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $logs/nginx/nginx.pid;
error_log $logs/nginx/error.log warn;
events { worker_connections 64; }
http {
    access_log $logs/nginx/access.log;
    client_body_temp_path $logs/nginx/body;
    proxy_temp_path $logs/nginx/proxy;
    fastcgi_temp_path $logs/nginx/fastcgi;
    uwsgi_temp_path $logs/nginx/uwsgi;
    scgi_temp_path $logs/nginx/scgi;
    server {
        listen 127.0.0.1:$PROXY_PORT;
        location / {
            proxy_pass http://127.0.0.1:$PORT;
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_max_temp_file_size 0;
            proxy_read_timeout 90s;
        }
    }
}
NGINX
nginx -p "$logs/nginx" -c "$logs/nginx/nginx.conf" -e "$logs/nginx/error.log" -g 'daemon off;' &
pids+=($!)

BASE="http://127.0.0.1:$PROXY_PORT"
for _ in $(seq 1 60); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "$BASE/healthz" || { cat "$logs/web.log" "$logs/nginx/error.log"; exit 1; }
echo

show_logs() {
  echo "---- web log"; tail -50 "$logs/web.log"
  echo "---- worker log"; tail -50 "$logs/worker.log"
  echo "---- nginx log"; tail -20 "$logs/nginx/error.log"
}

if ! BASE="$BASE" deploy/smoke.sh; then
  show_logs
  exit 1
fi

# The login lockout keys on the visitor, not on the proxy every visitor comes through.
# login_as VISITOR X-FORWARDED-FOR PASSWORD: the status of one log-in as the demo user, sent by
# VISITOR (its own cookie jar) with that X-Forwarded-For, as the load balancer would pass it.
login_as() {
  local jar="$logs/$1.jar" token
  curl -fsS -o /dev/null -c "$jar" -b "$jar" -H "X-Forwarded-For: $2" "$BASE/accounts/login/"
  token="$(awk '$6 == "csrftoken" { print $7 }' "$jar")"
  curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" -H "X-Forwarded-For: $2" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=demo" \
    --data-urlencode "password=$3" "$BASE/accounts/login/"
}
lockout_failed() {
  echo "SMOKE FAILED: $*" >&2
  show_logs
  exit 1
}
echo "==> lockout through the proxy: 5 wrong passwords for demo from 198.51.100.10"
for attempt in 1 2 3 4 5; do
  status="$(login_as mallory 198.51.100.10 wrong-password)"
  expected=200
  [ "$attempt" = 5 ] && expected=429
  [ "$status" = "$expected" ] || lockout_failed "wrong password $attempt answered $status, not $expected"
done
status="$(login_as mallory 198.51.100.10 demo-ospo)"
[ "$status" = 429 ] || lockout_failed "the locked-out visitor logged in ($status) with the right password"
# A visitor cannot escape by writing an address of its own in front: that entry is never used.
status="$(login_as mallory "203.0.113.9, 198.51.100.10" demo-ospo)"
[ "$status" = 429 ] || lockout_failed "a forged X-Forwarded-For entry escaped the lockout ($status)"
echo "    ok: 429 from then on, also with a forged left-most X-Forwarded-For entry"
status="$(login_as alice 198.51.100.20 demo-ospo)"
[ "$status" = 302 ] || lockout_failed "another visitor behind the same proxy could not log in ($status)"
echo "    ok: demo still logs in from 198.51.100.20"

echo "Smoke test passed: nginx + gunicorn + worker + PostgreSQL"
