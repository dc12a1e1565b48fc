"""The section page and the htmx save in-process, with what garbage collection took of them.

    python bench/bench_section.py [--repeat 400] [--warmup 50]

Runs with Django's test client and production settings (DEBUG off) against a throwaway SQLite
database holding the demo (`setup_demo`), on the default questionnaire's largest section. The
save posts what the page sends: the choice, the texts and the hidden "drawn from" inputs. Prints
the median and p95 of each, the process's mean CPU time (steadier than the clock on a busy
machine), and how many collections ran and how long they took (gc.callbacks).
"""

from __future__ import annotations

import argparse
import gc
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class GcWatch:
    """Collections per generation and their time, from gc.callbacks."""

    def __init__(self) -> None:
        self.started = 0.0
        self.reset()
        gc.callbacks.append(self.callback)

    def reset(self) -> None:
        self.counts = [0, 0, 0]
        self.seconds = 0.0
        self.longest = [0.0, 0.0, 0.0]

    def callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            took = time.perf_counter() - self.started
            generation = info["generation"]
            self.counts[generation] += 1
            self.seconds += took
            self.longest[generation] = max(self.longest[generation], took)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(name: str, prepare, send, repeat: int, warmup: int, watch: GcWatch) -> None:
    """`prepare(i)` makes what `send` gets, untimed."""
    for i in range(warmup):
        send(prepare(i))
    watch.reset()
    times = []
    cpu = []
    gc_seconds = 0.0
    for i in range(warmup, warmup + repeat):
        what = prepare(i)
        before = watch.seconds
        start, start_cpu = time.perf_counter(), time.process_time()
        send(what)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        gc_seconds += watch.seconds - before
    watch.seconds = gc_seconds
    ms = [t * 1000 for t in times]
    total = sum(times)
    print(
        f"{name:<12} median {statistics.median(ms):6.2f} ms  p95 {percentile(ms, 0.95):6.2f} ms  "
        f"CPU mean {1000 * statistics.mean(cpu):6.2f} ms  "
        f"gc runs (gen 0/1/2) {watch.counts[0]}/{watch.counts[1]}/{watch.counts[2]}  "
        f"gc {watch.seconds * 1000 / repeat:5.2f} ms per request "
        f"({100 * watch.seconds / total:4.1f}% of the time); longest per generation "
        + "/".join(f"{1000 * t:.2f}" for t in watch.longest)
        + " ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=1, help="measure both this many times")
    parser.add_argument(
        "--profile", choices=["section", "save"], help="instead: cProfile of one, by own time"
    )
    args = parser.parse_args()

    folder = tempfile.mkdtemp()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ospo_assess.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("HTTPS", "false")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client

    from assessments import demo
    from assessments.forms.answers import AnswerForm
    from assessments.models import Answer, Section

    call_command("migrate", verbosity=0)
    logins = demo.setup_demo()
    assessment = logins.assessment
    section = (
        Section.objects.filter(questionnaire=assessment.questionnaire)
        .annotate(n=Count("questions"))
        .order_by("-n", "order")
        .first()
    )
    questions = list(section.questions.order_by("order").prefetch_related("options"))
    client = Client()
    client.force_login(get_user_model().objects.get(username=demo.DEMO_USERNAME))
    base = f"/orgs/{assessment.organization.slug}/assessments/{assessment.pk}"
    page = f"{base}/sections/{section.key}/"

    def get(_nothing) -> None:
        response = client.get(page)
        assert response.status_code == 200, response.status_code

    def save_data(i: int) -> tuple[str, dict]:
        question = questions[i % len(questions)]
        options = [o.pk for o in question.options.all()]
        prefix = f"q-{question.pk}"
        answer = Answer.objects.filter(assessment=assessment, question=question).first()
        initial = AnswerForm.initial_for(answer)
        data = {f"{prefix}-{name}": value for name, value in initial.items()}
        data[f"{prefix}-choice"] = str(options[i % len(options)])
        return f"{base}/questions/{question.pk}/answer/", data

    def save(what: tuple[str, dict]) -> None:
        response = client.post(*what, headers={"HX-Request": "true"})
        assert response.status_code == 200, (response.status_code, response.content[:500])

    print(f"section {section.key}: {len(questions)} questions; gc thresholds {gc.get_threshold()}")
    if args.profile:
        import cProfile
        import pstats

        prepare, send = {"section": (lambda i: None, get), "save": (save_data, save)}[args.profile]
        for i in range(args.warmup):
            send(prepare(i))
        profile = cProfile.Profile()
        for i in range(args.warmup, args.warmup + args.repeat):
            what = prepare(i)
            profile.enable()
            send(what)
            profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(60)
        return 0
    watch = GcWatch()
    for _round in range(args.rounds):
        measure("section GET", lambda i: None, get, args.repeat, args.warmup, watch)
        measure("htmx save", save_data, save, args.repeat, args.warmup, watch)
    print("gc.get_stats():", gc.get_stats())
    return 0


if __name__ == "__main__":
    sys.exit(main())
