"""Gunicorn settings for the web container, from environment variables (docs/deployment.md).

WEB_CONCURRENCY       worker processes (default 3). Each holds its own database connection
                      for up to CONN_MAX_AGE (60 s), so web replicas x workers must stay below
                      PostgreSQL's max_connections, together with the PDF workers.
GUNICORN_THREADS      threads per worker (default 1).
GUNICORN_TIMEOUT      seconds before a silent worker is killed and restarted (default 60).
PORT                  port to listen on (default 8000), on every interface of the container.
GUNICORN_LOG_LEVEL    gunicorn's own log level (default info).
FORWARDED_ALLOW_IPS   proxies gunicorn trusts for X-Forwarded-* (default 127.0.0.1,::1).
                      Django itself decides HTTPS from X-Forwarded-Proto (BEHIND_PROXY).
"""

import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a whole number.") from None


bind = f"0.0.0.0:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", 3)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200

# Logs go to the container's output: access log to stdout, errors to stderr.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"
# Gunicorn reads FORWARDED_ALLOW_IPS itself, but an empty value would trust no proxy at all.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"
access_log_format = '%(h)s %({x-forwarded-for}i)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# No control socket (gunicorn 25.1+): nothing manages the server from inside its container.
control_socket_disable = True
