"""Run a command while holding a PostgreSQL advisory lock, so that replicas take turns.

    python deploy/locked.py -- python manage.py migrate --no-input

Web replicas started together would otherwise all run `migrate` (Django does not guard against
concurrent runs: the losers fail on tables the winner just created) and all load the shipped
questionnaire. With the lock, the first does the work and the others then find nothing to do.
The lock lives in this process's database session: it is released when the command ends, or
when this process dies. On SQLite the command simply runs.
"""

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ospo_assess.settings")

import django  # noqa: E402

# One number for every replica of this app; any constant outside other apps' use will do.
LOCK_ID = 7_305_310_001


def main(argv: list[str]) -> int:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print("usage: locked.py -- COMMAND [ARG...]", file=sys.stderr)
        return 2
    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        return subprocess.call(argv)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_ID])
        if not cursor.fetchone()[0]:
            print("waiting for another replica to finish: " + " ".join(argv), flush=True)
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
        try:
            return subprocess.call(argv)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
