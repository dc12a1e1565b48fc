"""The machinery of `manage.py bench`: a throwaway database, gunicorn, an HTTP client, statistics.

Nothing here knows the application's pages; `bench/run.py` says what
to measure and `bench/load.py` runs the many-respondents load. The pure parts (percentile,
summaries, tables, growth ratios) are unit-tested in tests/test_bench.py.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"


# ---------------------------------------------------------------------------------------------
# Statistics and presentation (pure)


def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile (0..100) by linear interpolation between closest ranks.

    The same definition as numpy's default and `statistics.quantiles(method="inclusive")`:
    p=0 is the minimum, p=100 the maximum, p=50 the median. None for no values.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is outside 0..100")
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Measurement:
    """Requests sent to one page: how long each took, what came back, over how much wall time."""

    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    wall_s: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def server_errors(self) -> int:
        """5xx answers, and requests that got no answer at all (status 0)."""
        return sum(n for status, n in self.statuses.items() if status >= 500 or status == 0)

    def summary(self, expected: Sequence[int] = (200,)) -> dict:
        return {
            "requests": self.requests,
            "rps": round(self.requests / self.wall_s, 1) if self.wall_s > 0 else None,
            "p50_ms": _round(percentile(self.latencies_ms, 50)),
            "p95_ms": _round(percentile(self.latencies_ms, 95)),
            "max_ms": _round(max(self.latencies_ms, default=None)),
            "unexpected": sum(n for s, n in self.statuses.items() if s not in expected),
            "server_errors": self.server_errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def ratio(value: float | None, floor: float | None) -> float | None:
    if value is None or not floor:
        return None
    return value / floor


def fmt(value, digits: int = 1, suffix: str = "") -> str:
    """A figure for a table cell: '–' for nothing, integers as they are, floats rounded."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value}{suffix}"
    return f"{value:.{digits}f}{suffix}"


def format_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    width = len(headers)
    if any(len(row) != width for row in cells):
        raise ValueError("every row needs one cell per header")
    widths = [max(len(row[i]) for row in cells) for i in range(width)]

    def line(row: Sequence[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = [cell.rjust(widths[i + 1]) for i, cell in enumerate(row[1:])]
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def growth(points: Sequence[tuple[float, float]]) -> list[dict]:
    """How cost grows between consecutive (size, cost) points, and from the first to the last.

    `exponent` b fits cost ~ size**b between two points (1: linear, 0: constant); `per_10x` is
    the factor the cost is multiplied by when the size is multiplied by ten (10**b).
    """
    ordered = sorted(points)
    pairs = list(itertools.pairwise(ordered))
    if len(ordered) > 2:
        pairs.append((ordered[0], ordered[-1]))
    steps = []
    for (size_a, cost_a), (size_b, cost_b) in pairs:
        if size_a <= 0 or size_b <= size_a or cost_a <= 0 or cost_b <= 0:
            exponent = None
        else:
            exponent = math.log(cost_b / cost_a) / math.log(size_b / size_a)
        steps.append(
            {
                "from": size_a,
                "to": size_b,
                "cost_ratio": cost_b / cost_a if cost_a > 0 else None,
                "exponent": exponent,
                "per_10x": None if exponent is None else 10**exponent,
            }
        )
    return steps


# ---------------------------------------------------------------------------------------------
# HTTP


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]
    started: float
    finished: float
    error: str = ""

    @property
    def ms(self) -> float:
        return (self.finished - self.started) * 1000

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class LoginFailed(RuntimeError):
    pass


class HttpClient:
    """One browser-like session over `http.client`: cookies, CSRF, keep-alive where offered.

    Gunicorn's sync workers close the connection after every answer; `http.client` then opens
    a new one for the next request, on loopback a fraction of a millisecond. Not thread-safe:
    one client per thread.
    """

    def __init__(self, base: str, timeout: float = 120.0) -> None:
        parts = urlsplit(base)
        self.base = base.rstrip("/")
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None

    def _conn(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout
            )
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @property
    def csrf_token(self) -> str:
        return self.cookies.get("csrftoken", "")

    def request(
        self,
        method: str,
        path: str,
        fields: dict | None = None,
        headers: dict | None = None,
    ) -> Reply:
        sent = {"Accept": "text/html,*/*", "User-Agent": "ospo-assess-bench"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        started = time.perf_counter()
        try:
            connection = self._conn()
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError) as error:
            # No answer: never retried, so a POST is never sent twice behind the caller's back.
            self.close()
            return Reply(0, b"", {}, started, time.perf_counter(), error=repr(error))
        finished = time.perf_counter()
        for header in response.headers.get_all("Set-Cookie") or []:
            self._store_cookie(header)
        if response.will_close:
            self.close()
        received = {k.lower(): v for k, v in response.getheaders()}
        return Reply(response.status, data, received, started, finished)

    def _store_cookie(self, header: str) -> None:
        jar = SimpleCookie()
        try:
            jar.load(header)
        except Exception:  # noqa: BLE001 - a cookie we cannot parse is one we do not send
            return
        for name, morsel in jar.items():
            if morsel.value == "" or morsel["max-age"] in ("0", 0):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str, headers: dict | None = None) -> Reply:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, fields: dict, headers: dict | None = None) -> Reply:
        """A form POST carrying the CSRF token as htmx does it (the X-CSRFToken header)."""
        return self.request(
            "POST", path, fields, {"X-CSRFToken": self.csrf_token, **(headers or {})}
        )

    def login(self, username: str, password: str) -> Reply:
        """Log in through the login form, as a person would: GET the form, POST it back."""
        form = self.get("/accounts/login/")
        if form.status != 200:
            raise LoginFailed(f"GET /accounts/login/ answered {form.status} {form.error}")
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        token = found.group(1) if found else self.csrf_token
        reply = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
            {"Referer": f"{self.base}/accounts/login/"},
        )
        if reply.status != 302 or "sessionid" not in self.cookies:
            raise LoginFailed(f"login as {username!r} answered {reply.status}, no session")
        return reply


def run_concurrent(
    clients: Sequence[HttpClient],
    send: Callable[[HttpClient, int], Reply],
    total: int,
    warmup: int = 0,
    budget_s: float | None = None,
) -> Measurement:
    """Send `total` requests from one thread per client, as fast as answers come back.

    `send(client, i)` makes request number i (0-based, over all threads; the warm-up requests
    come first and are not measured). With `budget_s`, no new request starts once that many
    seconds have passed (each thread still sends at least one), so a slow page ends early with
    fewer samples. Returns latencies, statuses and the wall time of the measured part.
    """
    if warmup:
        _spread(clients, send, range(warmup), Measurement(), None)
    measured = Measurement()
    started = time.perf_counter()
    deadline = None if budget_s is None else started + budget_s
    _spread(clients, send, range(warmup, warmup + total), measured, deadline)
    measured.wall_s = time.perf_counter() - started
    return measured


def _spread(clients, send, numbers: range, into: Measurement, deadline: float | None) -> None:
    lock = threading.Lock()
    todo = iter(numbers)
    errors: list[BaseException] = []

    def worker(client: HttpClient) -> None:
        sent = 0
        try:
            while True:
                if deadline is not None and sent and time.perf_counter() > deadline:
                    return
                with lock:
                    number = next(todo, None)
                if number is None:
                    return
                sent += 1
                reply = send(client, number)
                with lock:
                    into.latencies_ms.append(reply.ms)
                    into.statuses[reply.status] += 1
                    if reply.status == 0 or reply.status >= 500:
                        into.failures.append(f"{reply.status} {reply.error}".strip())
        except BaseException as error:  # noqa: BLE001 - reported in the main thread below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    join_all(threads)
    if errors:
        raise errors[0]


def join_all(threads: Iterable[threading.Thread]) -> None:
    """Join threads in small steps, so Ctrl-C reaches the main thread while they run."""
    for thread in threads:
        while thread.is_alive():
            thread.join(0.2)


# ---------------------------------------------------------------------------------------------
# The throwaway database


def database_url(admin_url: str, name: str) -> str:
    """`admin_url` (any database on the server) with its database name replaced by `name`."""
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _admin_connect(admin_url: str):
    import psycopg

    parts = urlsplit(admin_url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=parts.path.lstrip("/") or "postgres",
        autocommit=True,
        connect_timeout=10,
    )


class ThrowawayDatabase:
    """A PostgreSQL database that exists for one benchmark run, dropped at the end."""

    def __init__(self, admin_url: str, name: str) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"unsafe database name {name!r}")
        self.admin_url = admin_url
        self.name = name
        self.url = database_url(admin_url, name)
        self.created = False

    def create(self) -> None:
        with _admin_connect(self.admin_url) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        self.created = True

    def server_version(self) -> str:
        with _admin_connect(self.admin_url) as connection:
            return connection.execute("SHOW server_version").fetchone()[0]

    def drop(self) -> None:
        if not self.created:
            return
        with _admin_connect(self.admin_url) as connection:
            # FORCE (PostgreSQL 13+) ends sessions a killed worker may have left behind.
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.created = False


def use_database(url: str) -> None:
    """Point this process's Django `default` connection at `url`, before anything queried it."""
    from django.conf import settings
    from django.db import connections

    from ospo_assess.env import parse_database_url

    connections.close_all()
    settings.DATABASES = {"default": parse_database_url(url, base_dir=REPO_ROOT)}
    connections.__dict__.pop("settings", None)  # the cached, configured copy of DATABASES
    connections._settings = None
    with contextlib.suppress(AttributeError):
        del connections["default"]


# ---------------------------------------------------------------------------------------------
# Gunicorn with production settings


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(database: str, static_root: Path, workers: int, port: int) -> dict[str, str]:
    """The environment deploy/ci_smoke.sh gives the production process set, for the benchmark.

    One difference: TASKS_BACKEND=immediate, so the PDF renders inside the request and its
    time can be taken over HTTP (production renders it in the pdf_worker).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="ospo_assess.settings",
        DEBUG="false",
        SECRET_KEY="bench-" + secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database,
        HTTPS="false",
        TASKS_BACKEND="immediate",
        STATIC_MANIFEST="true",
        LOG_LEVEL="WARNING",
        WEB_CONCURRENCY=str(workers),
        PORT=str(port),
        GUNICORN_LOG_LEVEL="warning",
        BENCH_STATIC_ROOT=str(static_root),
    )
    return env


def production_app():
    """Gunicorn's application factory (`bench.harness:production_app()`).

    ospo_assess.wsgi with one change: STATIC_ROOT is the benchmark's temporary collectstatic
    folder (the settings fix it to the repository's staticfiles/, which others may be using).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ospo_assess.settings")
    from django.conf import settings

    static_root = os.environ.get("BENCH_STATIC_ROOT")
    if static_root:
        settings.STATIC_ROOT = static_root
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


class GunicornServer:
    """deploy/gunicorn.conf.py on a loopback port, in its own session so Ctrl-C reaches us only."""

    def __init__(self, env: dict[str, str], port: int, log_path: Path) -> None:
        self.env = env
        self.port = port
        self.log_path = log_path
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout: float = 60.0) -> None:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(REPO_ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "bench.harness:production_app()",
        ]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=REPO_ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        probe = HttpClient(self.base, timeout=5)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n{self.tail()}"
                )
            if probe.get("/healthz").status == 200:
                return
            time.sleep(0.25)
        raise RuntimeError(
            f"gunicorn did not answer /healthz within {timeout:.0f}s:\n{self.tail()}"
        )

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 20.0) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                # The group is the session started for this server alone (start_new_session).
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None
