"""The worker that renders strategy PDFs: django-tasks-db's `db_worker`, quick to pick a job up.

`db_worker` looks for work once a second (and waits up to another second at start), and each
look is a locking transaction: on SQLite an exclusive one, which also holds off the web app's
writes. This worker looks every `--interval` seconds (0.2 by default) with one plain indexed
read, and takes the locking path of `db_worker` only when that read finds a task: a job is
picked up within a fraction of a second, and an idle worker costs five small reads a second.
WeasyPrint is imported at start, not when the first job is claimed.

Same options as `db_worker` (`--interval`, `--queue-name`, `--max-tasks`, `--batch`, ...).
"""

from __future__ import annotations

import logging
import os
import time

from django.core.management.base import CommandError
from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("django_tasks_db")

DEFAULT_INTERVAL = 0.2


class Worker(db_worker.Worker):
    def ready(self):
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        return tasks

    def drain(self) -> None:
        """Run the ready tasks with `db_worker`'s own claiming loop, in its batch mode."""
        batch, self.batch = self.batch, True
        level = logger.level
        # Its batch mode announces a start and an end each time: once per worker is enough.
        logger.setLevel(max(level, logging.WARNING))
        try:
            super().run()
        finally:
            logger.setLevel(level)
            self.batch = batch

    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        import strategy.pdf  # noqa: F401  (WeasyPrint and its fonts load once, before any job)

        while self.running:
            close_old_connections()
            if self.ready().exists():
                self.drain()
                if self.batch or (self.max_tasks is not None and self._run_tasks >= self.max_tasks):
                    return
            elif self.batch:
                return
            elif self.running:
                time.sleep(self.interval)


class Command(db_worker.Command):
    help = "Render queued strategy PDFs: db_worker, picking a job up within a fraction of a second"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(interval=DEFAULT_INTERVAL, startup_delay=False)

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, **options) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not options["batch"]:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # in the reloader's child only
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
