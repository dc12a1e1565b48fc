"""How the organization dashboard (history) grows with the number of assessments.

    python bench/bench_dashboard.py [--sizes 10 100 1000] [--repeat 5]

Runs in-process with Django's test client against a throwaway SQLite database (or DATABASE_URL
when set), on the default questionnaire with every question answered. Prints the median time and
the query count per size, and their ratio to the smallest size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    folder = tempfile.mkdtemp()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ospo_assess.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments import demo
    from assessments.models import Answer, Assessment

    call_command("migrate", verbosity=0)
    logins = demo.setup_demo()
    template = list(logins.assessment.answers.all())
    client = Client()
    client.post(
        "/accounts/login/", {"username": demo.DEMO_USERNAME, "password": demo.DEMO_PASSWORD}
    )

    rows = []
    count = 1
    for size in sorted(args.sizes):
        while count < size:
            batch = min(size - count, 200)
            made = Assessment.objects.bulk_create(
                Assessment(
                    organization=logins.organization,
                    questionnaire=logins.assessment.questionnaire,
                    title=f"Cycle {count + i}",
                )
                for i in range(batch)
            )
            Answer.objects.bulk_create(
                Answer(
                    assessment=a,
                    question_id=t.question_id,
                    kind=t.kind,
                    option_id=t.option_id,
                    reason=t.reason,
                )
                for a in made
                for t in template
            )
            count += batch
        client.get("/orgs/demo/")  # warm caches
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/orgs/demo/")
                times.append(time.perf_counter() - started)
            assert response.status_code == 200
        rows.append((size, statistics.median(times) * 1000, len(queries.captured_queries)))

    base = rows[0][1]
    print(f"{'assessments':>11} {'median ms':>10} {'x smallest':>10} {'queries':>8}")
    for size, ms, queries in rows:
        print(f"{size:>11} {ms:>10.1f} {ms / base:>10.1f} {queries:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
