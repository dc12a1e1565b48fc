"""`manage.py bench [--quick] [--json PATH]`: the whole performance picture in one run.

Builds a throwaway PostgreSQL database (ospo_bench_<pid>) with the demo, a 200-question
questionnaire, a 50-assessment history and a realistic strategy; starts gunicorn with production
settings on a free loopback port; measures every page over real HTTP against /healthz (the floor)
with concurrent logged-in clients; counts queries per page in-process; renders the strategy PDF;
lets many respondents answer at once and checks no answer was lost; and times how pages grow
with the questionnaire and the history. Everything it started is stopped and the database
dropped at the end, also on failure or Ctrl-C. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import shutil
import signal
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench import harness, load
from bench.bench_consensus import team_assessment
from bench.harness import HttpClient, fmt, format_table, percentile, ratio, run_concurrent

RESULTS = harness.REPO_ROOT / "bench" / "results"
# "50 respondents answering individually": one assessment, everyone on their own pages at once.
INDIVIDUAL_RESPONDENTS = 50
HTMX = {"HX-Request": "true"}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@dataclass(frozen=True)
class Sizes:
    requests: int  # measured requests per page
    floor_requests: int
    pdf_renders: int
    pdf_served: int
    load_orgs: int
    load_per_org: int
    growth_questions: tuple[int, ...]
    growth_history: tuple[int, ...]
    growth_requests: int
    growth_budget_s: float  # no new request on a growth page after this many seconds
    scoring_repeat: int
    history: int = 50
    synthetic: int = 200


QUICK = Sizes(
    requests=40,
    floor_requests=100,
    pdf_renders=2,
    pdf_served=20,
    load_orgs=4,
    load_per_org=5,
    growth_questions=(50, 200),
    growth_history=(10, 100),
    growth_requests=12,
    growth_budget_s=8,
    scoring_repeat=200,
)
FULL = Sizes(
    requests=300,
    floor_requests=1000,
    pdf_renders=5,
    pdf_served=100,
    load_orgs=10,
    load_per_org=5,
    growth_questions=(50, 200, 800),
    growth_history=(10, 100, 1000),
    growth_requests=60,
    growth_budget_s=30,
    scoring_repeat=2000,
)


def _terminate(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Benchmark the production process set over HTTP (see bench/README.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quick", action="store_true", help="fewer requests and smaller sizes (< 2 min)"
        )
        parser.add_argument("--json", metavar="PATH", help="also write the results here")
        parser.add_argument(
            "--postgres",
            metavar="URL",
            default=os.environ.get("BENCH_POSTGRES_URL", harness.DEFAULT_POSTGRES_URL),
            help="a PostgreSQL server to create the throwaway database on "
            f"(default $BENCH_POSTGRES_URL or {harness.DEFAULT_POSTGRES_URL})",
        )
        parser.add_argument(
            "--concurrency", type=int, default=4, help="client threads per page (default 4)"
        )
        parser.add_argument(
            "--workers", type=int, default=2, help="gunicorn WEB_CONCURRENCY (default 2)"
        )

    # -----------------------------------------------------------------------------------------

    def handle(self, *args, **options):
        self.sizes = QUICK if options["quick"] else FULL
        self.concurrency = max(1, options["concurrency"])
        self.workers = max(1, options["workers"])
        self.started = time.perf_counter()
        self.step_started = self.started
        database = harness.ThrowawayDatabase(options["postgres"], f"ospo_bench_{os.getpid()}")
        folder = Path(tempfile.mkdtemp(prefix="ospo-bench-"))
        self.server: harness.GunicornServer | None = None
        # Ctrl-C and `kill` both end in KeyboardInterrupt, so the cleanup below always runs
        # (SIGINT too: a shell starts background jobs with it ignored).
        previous = {
            signal.SIGTERM: signal.signal(signal.SIGTERM, _terminate),
            signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler),
        }
        self.results: dict = {
            "started": datetime.now().astimezone().isoformat(timespec="seconds"),
            "quick": options["quick"],
            "machine": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "load_average_start": [round(x, 2) for x in os.getloadavg()],
            },
            "settings": {
                "database": f"PostgreSQL (throwaway {database.name})",
                "gunicorn_workers": self.workers,
                "gunicorn_threads": 1,
                "client_threads": self.concurrency,
                "tasks_backend": "immediate (PDF rendered in the request)",
            },
            "sizes": self.sizes.__dict__,
        }
        try:
            try:
                ok = self.run(database, folder)
            finally:
                self.cleanup(database, folder)
                for number, handler in previous.items():
                    signal.signal(number, handler)
        except KeyboardInterrupt:
            raise CommandError(
                "interrupted; processes stopped and database dropped", returncode=130
            ) from None
        self.write_results(options["json"])
        if not ok:
            raise CommandError("benchmark FAILED: " + "; ".join(self.results["failures"]))

    def cleanup(self, database, folder: Path) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        connections.close_all()
        try:
            database.drop()
        except Exception as error:  # noqa: BLE001 - say so, but finish cleaning up
            self.stderr.write(f"could not drop database {database.name}: {error}")
        shutil.rmtree(folder, ignore_errors=True)

    def say(self, text: str) -> None:
        now = time.perf_counter()
        self.stdout.write(f"[{now - self.started:6.1f}s] {text}")
        self.stdout.flush()

    # -----------------------------------------------------------------------------------------

    def run(self, database, folder: Path) -> bool:
        sizes = self.sizes
        self.say(f"creating database {database.name}")
        database.create()
        self.results["machine"]["postgres"] = database.server_version()
        harness.use_database(database.url)
        call_command("migrate", verbosity=0, interactive=False)
        self.say("loading the demo, a strategy, a 200-question assessment, the history")
        self.build_data()
        self.say("collectstatic (hashed, compressed) to a temporary STATIC_ROOT")
        static_root = folder / "static"
        with override_settings(
            STATIC_ROOT=str(static_root),
            STORAGES=MANIFEST_STORAGES,
            WHITENOISE_SKIP_COMPRESS_EXTENSIONS=self.skip_compress(),
        ):
            call_command("collectstatic", interactive=False, verbosity=0)
        self.say(f"creating {sizes.load_orgs * sizes.load_per_org} respondents for the load test")
        self.load_setup = load.create_respondents(
            sizes.load_orgs, sizes.load_per_org, password="bench-" + os.urandom(6).hex()
        )
        self.individual_setup = load.create_individual_respondents(
            INDIVIDUAL_RESPONDENTS, password="bench-" + os.urandom(6).hex()
        )

        port = harness.free_port()
        env = harness.production_env(database.url, static_root, self.workers, port)
        self.server = harness.GunicornServer(env, port, folder / "gunicorn.log")
        self.say(f"starting gunicorn ({self.workers} workers) on 127.0.0.1:{port}")
        self.server.start()
        self.base = self.server.base
        self.clients = [HttpClient(self.base) for _ in range(self.concurrency)]
        for client in self.clients:
            client.login("demo", "demo-ospo")

        with override_settings(
            ALLOWED_HOSTS=["testserver", "127.0.0.1", "localhost"],
            SECURE_SSL_REDIRECT=False,
            STATIC_ROOT=str(static_root),
        ):
            self.measure_pages()
            self.measure_pdf()
            self.count_queries()
            self.print_pages()
            self.run_load()
            self.run_individual_load()
            self.measure_growth()
        self.results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        self.results["total_s"] = round(time.perf_counter() - self.started, 1)

        failures = []
        errors = self.results["server_errors"] = self.server_errors
        if errors:
            failures.append(f"{errors} server errors (5xx or no answer)")
        if not self.results["load"]["ok"]:
            failures.append(
                f"load check: {self.results['load']['problem_count']} problems, "
                f"{self.results['load']['server_errors']} server errors"
            )
        if not self.results["load_individual"]["ok"]:
            failures.append(
                f"individual load check: {self.results['load_individual']['problem_count']} "
                f"problems, {self.results['load_individual']['server_errors']} server errors"
            )
        self.results["failures"] = failures
        self.results["ok"] = not failures
        self.print_flags()
        log_errors = self.server.tail(200)
        if failures and log_errors:
            self.stdout.write("---- gunicorn log (last lines)\n" + log_errors)
        return not failures

    def skip_compress(self) -> tuple[str, ...]:
        """WhiteNoise's own list; --quick also skips fonts and source maps (Brotli on 4 MB of
        fonts is most of collectstatic's time, and no measured page fetches a static file)."""
        from whitenoise.compress import Compressor

        extra = ("ttf", "otf", "woff", "woff2", "map") if self.sizes is QUICK else ()
        return (*Compressor.SKIP_COMPRESS_EXTENSIONS, *extra)

    # -----------------------------------------------------------------------------------------
    # Data

    def build_data(self) -> None:
        from django.contrib.auth import get_user_model

        from assessments import demo
        from assessments.models import Answer, Assessment, Membership, Organization, Section
        from bench.bench_pdf import build_strategy

        logins = demo.setup_demo()
        self.user = get_user_model().objects.get(username=demo.DEMO_USERNAME)
        self.org = logins.organization
        self.demo_assessment = logins.assessment
        self.strategy = build_strategy()
        self.template_answers = list(self.demo_assessment.answers.filter(respondent__isnull=True))
        questionnaire = self.demo_assessment.questionnaire

        # Saves go to their own assessment: the strategy (and its PDF) reads the demo one.
        self.save_assessment = Assessment.objects.create(
            organization=self.org,
            questionnaire=questionnaire,
            title="Saving answers",
            created_by=self.user,
        )
        self.copy_answers([self.save_assessment])
        self.save_questions = [
            (q.pk, q.order, [o.pk for o in sorted(q.options.all(), key=lambda o: o.score)])
            for q in questionnaire.questions.order_by("order").prefetch_related("options")
        ]
        largest = (
            Section.objects.filter(questionnaire=questionnaire)
            .annotate(n=Count("questions"))
            .order_by("-n", "order")
            .first()
        )
        self.section_key, self.section_size = largest.key, largest.n

        self.synthetic = {}
        self.synthetic[self.sizes.synthetic] = self.synthetic_assessment(self.sizes.synthetic)
        # A team's individual answers to version 1 (72 questions), half of them agreed.
        version_1 = demo.ensure_default_questionnaire(demo.VERSION_1_FILE)
        self.team = team_assessment(self.org, version_1, 30, created_by=self.user)
        self.team_questions = version_1.questions.count()

        history = Organization.objects.create(name="History", slug="bench-history")
        growth = Organization.objects.create(name="Growth", slug="bench-growth")
        for organization in (history, growth):
            Membership.objects.create(
                organization=organization, user=self.user, role=Membership.Role.OWNER
            )
        self.grow(history, self.sizes.history)
        self.growth_org = growth
        self.growth_count = 0
        self.answers_per_assessment = len(self.template_answers)
        self.results["data"] = {
            "default_questions": questionnaire.questions.count(),
            "demo_answers": len(self.template_answers),
            "section": f"{self.section_key} ({self.section_size} questions)",
            "history_assessments": self.sizes.history,
            "synthetic_questions": self.sizes.synthetic,
            "answers_total": Answer.objects.count(),
        }

    def copy_answers(self, assessments) -> None:
        from assessments.models import Answer

        Answer.objects.bulk_create(
            (
                Answer(
                    assessment=a,
                    question_id=t.question_id,
                    kind=t.kind,
                    option_id=t.option_id,
                    reason=t.reason,
                    comment=t.comment,
                    answered_by=self.user,
                )
                for a in assessments
                for t in self.template_answers
            ),
            batch_size=2000,
        )

    def grow(self, organization, target: int, existing: int = 0) -> int:
        """Add answered assessments of the default questionnaire until there are `target`."""
        from assessments.models import Assessment

        while existing < target:
            batch = min(target - existing, 200)
            made = Assessment.objects.bulk_create(
                Assessment(
                    organization=organization,
                    questionnaire=self.demo_assessment.questionnaire,
                    title=f"Cycle {existing + i + 1}",
                    created_by=self.user,
                )
                for i in range(batch)
            )
            self.copy_answers(made)
            existing += batch
        return existing

    def synthetic_assessment(self, questions: int):
        """A published `questions`-question synthetic version and an answered assessment of it."""
        from assessments.models import Answer, Assessment
        from assessments.questionnaire_file.store import save_document
        from assessments.questionnaire_file.synthetic import synthetic_document

        questionnaire = save_document(
            synthetic_document(questions, key=f"bench-{questions}"), publish=True
        )
        assessment = Assessment.objects.create(
            organization=self.org,
            questionnaire=questionnaire,
            title=f"Synthetic, {questions} questions",
            created_by=self.user,
        )
        answers = []
        for question in questionnaire.questions.prefetch_related("options"):
            if question.order % 13 == 0:
                answers.append(Answer(assessment=assessment, question=question, kind="dont_know"))
                continue
            options = sorted(question.options.all(), key=lambda o: o.score)
            option = options[(question.order * 7) % len(options)]
            answers.append(
                Answer(assessment=assessment, question=question, kind="option", option=option)
            )
        Answer.objects.bulk_create(answers, batch_size=2000)
        return assessment

    # -----------------------------------------------------------------------------------------
    # Pages over HTTP

    def page_specs(self) -> list[dict]:
        demo = f"/orgs/{self.org.slug}/assessments"
        saves = self.save_questions
        synthetic = self.synthetic[self.sizes.synthetic]

        def save(client: HttpClient, i: int):
            pk, order, options = saves[i % len(saves)]
            option = options[(i // len(saves) + order) % len(options)]
            return client.post(
                f"{demo}/{self.save_assessment.pk}/questions/{pk}/answer/",
                {f"q-{pk}-choice": option, "number": order},
                HTMX,
            )

        def get(path: str):
            return lambda client, i: client.get(path)

        changed_results = f"{demo}/{self.save_assessment.pk}/results/"

        def results_after_a_change(client: HttpClient, i: int):
            # The save is not timed: the results GET that follows it is, and with the answers
            # just changed it can reuse nothing stored for the previous state.
            save(client, i)
            return client.get(changed_results)

        return [
            {
                "page": "floor: /healthz",
                "key": "floor",
                "send": get("/healthz"),
                "path": "/healthz",
            },
            {
                "page": "floor, signed in: /accounts/session/",
                "key": "floor_signed_in",
                "send": get("/accounts/session/"),
                "path": "/accounts/session/",
                "expected": (204,),
            },
            {
                "page": "save an answer (htmx POST)",
                "key": "save",
                "send": save,
                "path": f"{demo}/{self.save_assessment.pk}/questions/<pk>/answer/",
            },
            {
                "page": f"section page ({self.section_size} questions)",
                "key": "section",
                "send": get(f"{demo}/{self.demo_assessment.pk}/sections/{self.section_key}/"),
                "path": f"{demo}/{self.demo_assessment.pk}/sections/{self.section_key}/",
            },
            {
                "page": f"results, default ({len(saves)} q)",
                "key": "results",
                "send": get(f"{demo}/{self.demo_assessment.pk}/results/"),
                "path": f"{demo}/{self.demo_assessment.pk}/results/",
            },
            {
                "page": "results, first view after a save",
                "key": "results_changed",
                "send": results_after_a_change,
                "path": changed_results,
            },
            {
                "page": f"results, {self.sizes.synthetic} questions",
                "key": "results_synthetic",
                "send": get(f"{demo}/{synthetic.pk}/results/"),
                "path": f"{demo}/{synthetic.pk}/results/",
            },
            {
                "page": f"consensus view, 30 respondents × {self.team_questions} questions",
                "key": "consensus",
                "send": get(f"{demo}/{self.team.pk}/consensus/"),
                "path": f"{demo}/{self.team.pk}/consensus/",
            },
            {
                "page": f"history, {self.sizes.history} assessments",
                "key": "history",
                "send": get("/orgs/bench-history/"),
                "path": "/orgs/bench-history/",
                "first": True,
            },
        ]

    def measure(self, send, total: int, budget_s: float | None = None) -> harness.Measurement:
        return run_concurrent(
            self.clients, send, total, warmup=2 * self.concurrency, budget_s=budget_s
        )

    def measure_pages(self) -> None:
        self.pages: dict[str, dict] = {}
        self.server_errors = 0
        for spec in self.page_specs():
            floors = ("floor", "floor_signed_in")
            total = self.sizes.floor_requests if spec["key"] in floors else self.sizes.requests
            self.say(f"measuring {spec['page']}: {total} requests")
            first = self.first_view(spec["path"]) if spec.get("first") else None
            measurement = self.measure(spec["send"], total)
            row = self.record(
                spec["key"],
                spec["page"],
                spec["path"],
                measurement,
                expected=spec.get("expected", (200,)),
            )
            if first is not None:
                row["first_ms"] = first

    def first_view(self, path: str) -> float | None:
        """One request before any warm-up: what the first visitor after a change waits."""
        reply = self.clients[0].get(path)
        if reply.status >= 500 or reply.status == 0:
            self.server_errors += 1
        return round(reply.ms, 1) if reply.status == 200 else None

    def record(self, key: str, page: str, path: str, measurement, expected=(200,)) -> dict:
        row = {"page": page, "path": path, **measurement.summary(expected)}
        if measurement.failures:
            row["failures"] = measurement.failures[:5]
        self.server_errors += measurement.server_errors
        self.pages[key] = row
        return row

    # -----------------------------------------------------------------------------------------
    # The strategy PDF

    def measure_pdf(self) -> None:
        from weasyprint import CSS, HTML

        from bench.bench_pdf import bare_html, build_long_strategy, ours_vs_weasyprint
        from strategy.document import document_context
        from strategy.models import RenderedPdf
        from strategy.models import Section as StrategySection
        from strategy.pdf import BASE_URL, StaticFilesFetcher, document_html

        path = f"/orgs/{self.org.slug}/strategies/{self.strategy.pk}/export.pdf"
        repeat = max(self.sizes.pdf_renders, 2)
        section = StrategySection.objects.get(strategy=self.strategy, key="why")
        body = section.body
        client = self.clients[0]
        renders = []
        self.pdf_revision = 0

        def change_content() -> None:
            self.pdf_revision += 1
            StrategySection.objects.filter(pk=section.pk).update(
                body=f"{body}\nBenchmark revision {self.pdf_revision}.\n"
            )

        self.say(f"PDF: {self.sizes.pdf_renders + 1} renders after a content change")
        measurement = harness.Measurement()
        started = time.perf_counter()
        for attempt in range(self.sizes.pdf_renders + 1):
            change_content()
            reply = client.get(path)
            ok = reply.status == 200 and reply.body.startswith(b"%PDF")
            rendered = (
                RenderedPdf.objects.filter(strategy=self.strategy)
                .order_by("-created_at", "-pk")
                .first()
            )
            entry = {
                "http_ms": round(reply.ms, 1),
                "status": reply.status,
                "is_pdf": ok,
                "pages": rendered.pages if rendered else None,
                "server_render_s": rendered.render_seconds if rendered else None,
                "bytes": len(reply.body),
            }
            renders.append(entry)
            if attempt == 0:
                continue  # the first render in a worker process loads fonts and caches
            measurement.latencies_ms.append(reply.ms)
            measurement.statuses[reply.status if ok else reply.status or 0] += 1
            if reply.status >= 500 or reply.status == 0:
                measurement.failures.append(f"{reply.status} {reply.error}")
        measurement.wall_s = time.perf_counter() - started
        self.record("pdf_render", "PDF, first GET after a change", path, measurement)

        self.say(f"PDF: serving the unchanged PDF, {self.sizes.pdf_served} requests")
        served = self.measure(lambda c, i: c.get(path), self.sizes.pdf_served)
        self.record("pdf_served", "PDF, unchanged (served again)", path, served)

        self.say(f"PDF: WeasyPrint alone, bare stylesheet, {self.sizes.pdf_renders} renders")
        html = bare_html(document_html(document_context(self.strategy)))
        bare_css = CSS(string="@page { size: A4; margin: 20mm }")
        bare_times = []
        bare_pages = None
        for _ in range(self.sizes.pdf_renders + 1):
            start = time.perf_counter()
            document = HTML(
                string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()
            ).render(stylesheets=[bare_css])
            document.write_pdf()
            bare_times.append(time.perf_counter() - start)
            bare_pages = len(document.pages)
        bare_ms = statistics.median(bare_times[1:]) * 1000
        measured = renders[1:]
        render_ms = statistics.median(r["http_ms"] for r in measured)
        server_s = [r["server_render_s"] for r in measured if r["server_render_s"] is not None]
        self.pdf = {
            "pages": measured[-1]["pages"],
            "pdf_kib": round(measured[-1]["bytes"] / 1024, 1),
            "render_http_median_ms": round(render_ms, 1),
            "render_server_median_s": round(statistics.median(server_s), 3) if server_s else None,
            "first_render_http_ms": renders[0]["http_ms"],
            "bare_weasyprint_median_ms": round(bare_ms, 1),
            "bare_pages": bare_pages,
            "render_to_bare": round(render_ms / bare_ms, 2) if bare_ms else None,
            "renders": renders,
        }
        if not all(r["is_pdf"] for r in renders):
            self.pdf["problem"] = "a render did not answer 200 with a PDF"
            self.server_errors += 1

        self.say(f"PDF: a long strategy, our render against WeasyPrint's own, {repeat} renders")
        self.pdf["long"] = ours_vs_weasyprint(build_long_strategy(), repeat)

    # -----------------------------------------------------------------------------------------
    # Queries per request, in-process against the same database

    def in_process_client(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client

    def queries(
        self, client: Client, method: str, path: str, data=None, expected: int = 200, **extra
    ) -> int | None:
        call = getattr(client, method)
        call(path, data or {}, **extra)  # warm: session, model caches
        with CaptureQueriesContext(connection) as captured:
            response = call(path, data or {}, **extra)
        if response.status_code != expected:
            self.stderr.write(f"in-process {method.upper()} {path}: {response.status_code}")
            return None
        return len(captured.captured_queries)

    def results_after_save(self, client: Client, demo: str, pk, order, options) -> int | None:
        save = f"{demo}/{self.save_assessment.pk}/questions/{pk}/answer/"
        client.post(save, {f"q-{pk}-choice": options[0], "number": order}, HTTP_HX_REQUEST="true")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(self.pages["results_changed"]["path"])
        return len(captured.captured_queries) if response.status_code == 200 else None

    def count_queries(self) -> None:
        self.say("counting queries per request in-process (django.test.Client)")
        client = self.in_process_client()
        demo = f"/orgs/{self.org.slug}/assessments"
        pk, order, options = self.save_questions[-1]
        counts = {
            "floor": self.queries(client, "get", "/healthz"),
            "floor_signed_in": self.queries(client, "get", "/accounts/session/", expected=204),
            "save": self.queries(
                client,
                "post",
                f"{demo}/{self.save_assessment.pk}/questions/{pk}/answer/",
                {f"q-{pk}-choice": options[-1], "number": order},
                HTTP_HX_REQUEST="true",
            ),
            "section": self.queries(client, "get", self.pages["section"]["path"]),
            "results": self.queries(client, "get", self.pages["results"]["path"]),
            "results_changed": self.results_after_save(client, demo, pk, order, options),
            "results_synthetic": self.queries(
                client, "get", self.pages["results_synthetic"]["path"]
            ),
            "history": self.queries(client, "get", self.pages["history"]["path"]),
            "consensus": self.queries(client, "get", self.pages["consensus"]["path"]),
            "pdf_served": self.queries(client, "get", self.pages["pdf_served"]["path"]),
        }
        # A render: change the content, then one GET with the task run in the request.
        from strategy.models import Section as StrategySection

        quiet = logging.getLogger("django.tasks")
        level = quiet.level
        quiet.setLevel(logging.WARNING)  # the immediate backend logs every task at INFO
        with override_settings(TASKS=IMMEDIATE_TASKS):
            section = StrategySection.objects.get(strategy=self.strategy, key="why")
            StrategySection.objects.filter(pk=section.pk).update(body=section.body + "\nQ.\n")
            with CaptureQueriesContext(connection) as captured:
                response = client.get(self.pages["pdf_render"]["path"])
            counts["pdf_render"] = (
                len(captured.captured_queries) if response.status_code == 200 else None
            )
        quiet.setLevel(level)
        for key, n in counts.items():
            self.pages[key]["queries"] = n

    # -----------------------------------------------------------------------------------------
    # Output

    def print_pages(self) -> None:
        floor = self.pages["floor"]
        # Every page but /healthz is behind login: against the signed-in floor, a ratio shows
        # what the page itself costs beyond loading the session and the user.
        signed_in = self.pages["floor_signed_in"]
        rows = []
        for key, row in self.pages.items():
            row["ratio_p95_to_floor"] = _r(ratio(row["p95_ms"], floor["p95_ms"]))
            if key != "floor":
                row["ratio_p95_to_signed_in_floor"] = _r(ratio(row["p95_ms"], signed_in["p95_ms"]))
            rows.append(
                [
                    row["page"],
                    fmt(row["rps"]),
                    fmt(row["p50_ms"]),
                    fmt(row["p95_ms"]),
                    fmt(row["ratio_p95_to_floor"], 1, "x"),
                    fmt(row.get("ratio_p95_to_signed_in_floor"), 1, "x"),
                    fmt(row.get("queries")),
                    fmt(row["unexpected"]),
                ]
            )
        self.results["pages"] = self.pages
        self.results["pdf"] = self.pdf
        self.stdout.write("")
        self.stdout.write(
            f"Pages over HTTP: gunicorn {self.workers} sync workers, PostgreSQL, "
            f"{self.concurrency} client threads; queries counted in-process"
        )
        self.stdout.write(
            format_table(
                [
                    "page",
                    "rps",
                    "p50 ms",
                    "p95 ms",
                    "p95/floor",
                    "p95/signed-in",
                    "queries",
                    "errors",
                ],
                rows,
            )
        )
        for row in self.pages.values():
            if row.get("first_ms") is not None:
                self.stdout.write(
                    f"{row['page']}: first view {row['first_ms']:.0f} ms (before any warm-up;"
                    " the history stores each assessment's summary on first view)"
                )
        pdf = self.pdf
        self.stdout.write(
            f"\nStrategy PDF: {pdf['pages']} pages, {pdf['pdf_kib']} KiB; render over HTTP "
            f"median {pdf['render_http_median_ms']:.0f} ms (WeasyPrint in the worker "
            f"{fmt(pdf['render_server_median_s'], 3)} s; first render in a fresh worker "
            f"{pdf['first_render_http_ms']:.0f} ms)\n"
            f"WeasyPrint alone, same HTML, bare stylesheet: {pdf['bare_weasyprint_median_ms']:.0f}"
            f" ms in-process ({pdf['bare_pages']} pages); render / bare = "
            f"{fmt(pdf['render_to_bare'], 2)}x\n"
        )
        long = pdf["long"]
        self.stdout.write(
            f"{'measure':<44}{'ours':>9}{'WeasyPrint':>12}{'ratio':>8}{'target':>9}\n"
            f"{'PDF render, ' + str(long['pages']) + '-page strategy, in-process':<44}"
            f"{long['render_median_s']:>8.2f}s{long['weasyprint_median_s']:>11.2f}s"
            f"{long['ratio']:>7.2f}x{'<= ' + str(long['target_ratio']) + 'x':>9}  "
            f"{'ok' if long['ok'] else 'MISSED'}\n"
        )

    # -----------------------------------------------------------------------------------------
    # Many respondents

    def run_load(self) -> None:
        setup = self.load_setup
        self.say(
            f"load: {len(setup.respondents)} respondents in {len(setup.assessments)} organizations"
            " log in, then answer their whole assessment at once"
        )
        run = load.run_load(self.base, setup)
        check = load.check_no_loss(
            run.writes, load.stored_answers(setup.assessments), setup.assessments
        )
        summary = load.summarize(setup, run, check)
        self.results["load"] = summary
        self.server_errors += summary["server_errors"]
        verdict = "PASSED" if summary["ok"] else "FAILED"
        self.stdout.write(
            f"\nLoad: {summary['respondents']} respondents, {summary['organizations']} "
            f"organizations, {summary['questions']} questions each assessment\n"
            f"  logins {summary['login_s']:.1f} s (form login, PBKDF2); answering "
            f"{summary['wall_s']:.1f} s: {summary['saves']} saves "
            f"({summary['saves_per_s']} /s) + {summary['section_pages']} section pages\n"
            f"  save p50 {fmt(summary['save_p50_ms'])} ms, p95 {fmt(summary['save_p95_ms'])} ms,"
            f" max {fmt(summary['save_max_ms'])} ms; section page p95 "
            f"{fmt(summary['section_p95_ms'])} ms; statuses {summary['statuses']}\n"
            f"  no-loss check {verdict}: {summary['stored_answers']} answers stored, "
            f"{summary['expected_answers']} distinct questions sent; "
            f"{summary['contested_questions']} questions answered by two respondents "
            f"({summary['overlapping_saves']} with saves in flight at once)"
        )
        for problem in summary["problems"][:10]:
            self.stdout.write(f"  ! {problem}")
        for failure in summary["failures"][:5]:
            self.stdout.write(f"  ! {failure}")

    def run_individual_load(self) -> None:
        setup = self.individual_setup
        self.say(
            f"load: {len(setup.respondents)} respondents answer individually, all at once, "
            "each their assigned sections on their own pages"
        )
        run = load.run_load(self.base, setup, own=True)
        check = load.check_individual_no_loss(
            run.writes, load.stored_individual_answers(setup.assessments[0])
        )
        summary = load.summarize(setup, run, check)
        self.results["load_individual"] = summary
        self.server_errors += summary["server_errors"]
        verdict = "PASSED" if summary["ok"] else "FAILED"
        self.stdout.write(
            f"\nAnswering individually: {summary['respondents']} respondents on one assessment, "
            f"{summary['questions']} questions\n"
            f"  answering {summary['wall_s']:.1f} s: {summary['saves']} saves "
            f"({summary['saves_per_s']} /s) + {summary['section_pages']} section pages\n"
            f"  save p50 {fmt(summary['save_p50_ms'])} ms, p95 {fmt(summary['save_p95_ms'])} ms,"
            f" max {fmt(summary['save_max_ms'])} ms; section page p95 "
            f"{fmt(summary['section_p95_ms'])} ms; statuses {summary['statuses']}\n"
            f"  no-loss check {verdict}: {summary['stored_answers']} answers of their own "
            f"stored, {summary['expected_answers']} (respondent, question) saved"
        )
        for problem in summary["problems"][:10]:
            self.stdout.write(f"  ! {problem}")
        for failure in summary["failures"][:5]:
            self.stdout.write(f"  ! {failure}")

    # -----------------------------------------------------------------------------------------
    # Growth

    def measure_growth(self) -> None:
        from bench.bench_scoring import time_scoring

        sizes = self.sizes
        client = self.in_process_client()
        demo = f"/orgs/{self.org.slug}/assessments"
        series: dict[str, list[dict]] = {"results page": [], "scoring": [], "history page": []}
        for n in sizes.growth_questions:
            if n not in self.synthetic:
                self.synthetic[n] = self.synthetic_assessment(n)
            path = f"{demo}/{self.synthetic[n].pk}/results/"
            self.say(f"growth: results page at {n} questions")
            first = self.first_view(path)
            m = self.measure(
                lambda c, i, p=path: c.get(p), sizes.growth_requests, sizes.growth_budget_s
            )
            self.record(f"growth_results_{n}", f"results, {n} questions", path, m)
            queries = self.queries(client, "get", path)
            series["results page"].append(self.point(n, m, queries, first))
            figures = time_scoring(n, sizes.scoring_repeat)
            series["scoring"].append(
                {
                    "size": n,
                    "p50_ms": round(figures["median_ms"], 3),
                    "p95_ms": round(figures["p95_ms"], 3),
                    "queries": None,
                    "first_ms": None,
                }
            )
        for n in sizes.growth_history:
            self.growth_count = self.grow(self.growth_org, n, self.growth_count)
            path = "/orgs/bench-growth/"
            self.say(f"growth: history page at {n} assessments")
            first = self.first_view(path)
            m = self.measure(
                lambda c, i, p=path: c.get(p), sizes.growth_requests, sizes.growth_budget_s
            )
            self.record(f"growth_history_{n}", f"history, {n} assessments", path, m)
            queries = self.queries(client, "get", path)
            series["history page"].append(self.point(n, m, queries, first))

        self.stdout.write("\nGrowth (p50 over HTTP; scoring: assess() alone, in-process)")
        out = {}
        for name, points in series.items():
            unit = "assessments" if name == "history page" else "questions"
            base = points[0]["p50_ms"]
            rows = [
                [
                    f"{name}, {p['size']} {unit}",
                    fmt(p["p50_ms"], 2 if name == "scoring" else 1),
                    fmt(p["p95_ms"], 2 if name == "scoring" else 1),
                    fmt(p["queries"]),
                    fmt(_r(ratio(p["p50_ms"], base)), 1, "x"),
                    fmt(p["first_ms"]),
                    fmt(p.get("requests")),
                ]
                for p in points
            ]
            steps = harness.growth([(p["size"], p["p50_ms"]) for p in points])
            headers = ["", "p50 ms", "p95 ms", "queries", "x smallest", "first ms", "n"]
            self.stdout.write(format_table(headers, rows))
            for step in steps:
                self.stdout.write(
                    f"  {step['from']}->{step['to']}: cost x{fmt(step['cost_ratio'], 2)}, "
                    f"x{fmt(step['per_10x'], 1)} per 10x size (exponent {fmt(step['exponent'], 2)})"
                )
            out[name] = {"points": points, "steps": steps}
        self.results["growth"] = out

    def point(self, size: int, m, queries: int | None, first_ms: float | None) -> dict:
        return {
            "size": size,
            "p50_ms": _r(percentile(m.latencies_ms, 50)),
            "p95_ms": _r(percentile(m.latencies_ms, 95)),
            "requests": m.requests,
            "queries": queries,
            "first_ms": first_ms,
        }

    def print_flags(self) -> None:
        """Plain observations worth a look, from the figures above; no judgement beyond that."""
        flags = []
        for key, row in self.pages.items():
            if key in ("floor", "floor_signed_in") or key.startswith("growth"):
                continue
            if row.get("ratio_p95_to_floor") and row["ratio_p95_to_floor"] >= 20:
                flags.append(f"{row['page']}: p95 {row['p95_ms']:.0f} ms, "
                             f"{row['ratio_p95_to_floor']:.0f}x the floor")  # fmt: skip
        for row in self.pages.values():
            if (row.get("first_ms") or 0) >= 1000:
                flags.append(f"{row['page']}: first view {row['first_ms']:.0f} ms")
        for name, data in self.results.get("growth", {}).items():
            for p in data["points"]:
                if (p["first_ms"] or 0) >= 1000:
                    flags.append(f"{name} at {p['size']}: first view {p['first_ms']:.0f} ms")
            queries = {p["queries"] for p in data["points"]} - {None}
            if len(queries) > 1:
                flags.append(f"{name}: query count changes with size {sorted(queries)}")
            for step in data["steps"]:
                if step["exponent"] is not None and step["exponent"] > 0.9:
                    flags.append(
                        f"{name}: grows about linearly or worse, exponent "
                        f"{step['exponent']:.2f} from {step['from']} to {step['to']}"
                    )
        self.results["flags"] = flags
        if flags:
            self.stdout.write("\nWorth a look:")
            for flag in flags:
                self.stdout.write(f"  - {flag}")
        self.stdout.write(
            f"\nload average {self.results['machine']['load_average_start']} at the start, "
            f"{self.results['machine']['load_average_end']} at the end, "
            f"{os.cpu_count()} CPUs; total {self.results['total_s']} s"
        )

    def write_results(self, extra: str | None) -> None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        text = json.dumps(self.results, indent=2, default=str) + "\n"
        targets = [RESULTS / f"bench-{stamp}.json"]
        if extra:
            targets.append(Path(extra))
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {target}")


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
