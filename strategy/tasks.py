"""Background work: rendering a strategy's PDF in the worker, fairly and within limits.

The queue is django-tasks-db's table, which one worker (or a few) reads first in, first out.
Fairness comes from what is put in it, not from the worker: an organization has at most one
job waiting (`PdfJob.Status.QUEUED`) and one rendering at a time.

- `request_pdf` queues a job. Any job the organization has waiting is superseded (it stays in
  the table, with a message for whoever asked for it, and is never rendered) and the new job's
  task goes to the back of the queue. A newer request for the same strategy thus replaces the
  older one, and an organization that asks again and again only ever moves its one job to the
  back: every other organization's job waiting in front of it renders first.
- `render_strategy_pdf` claims its job under a lock on the organization's row: a superseded
  job is skipped, and a job whose organization has another one rendering (on another worker)
  waits a few seconds at the back of the queue, so one organization never takes two workers.
  A rendering older than twice the time limit (a worker killed half-way) no longer counts.
- Each rendering is stopped after `PDF_RENDER_TIMEOUT` seconds, and refused when a section is
  longer than a section may be or the document has more than `PDF_MAX_PAGES` pages
  (`strategy.pdf`).
"""

from __future__ import annotations

import logging
import signal
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Organization
from strategy.models import PdfJob, Strategy

log = logging.getLogger(__name__)

# How long a job whose organization has another one rendering waits before it is tried again.
BUSY_RETRY = timedelta(seconds=5)

# A running worker takes a job within a fraction of a second (`manage.py pdf_worker`): one still
# waiting after this long most likely has no worker at all, and its page says what to run.
NO_WORKER_AFTER = timedelta(seconds=5)


def seems_unattended(waited: timedelta, others_rendering: bool) -> bool:
    """Whether a job that has waited `waited` looks like it has no worker to take it.

    A job waits longer when the workers are busy rendering other PDFs: that is a queue, not a
    missing worker.
    """
    return waited >= NO_WORKER_AFTER and not others_rendering


def rendering_elsewhere(job: PdfJob, now) -> bool:
    """Whether a worker is rendering another PDF now (any organization's): workers are alive."""
    stale = now - 2 * timedelta(seconds=max(settings.PDF_RENDER_TIMEOUT, 60))
    return (
        PdfJob.objects.filter(status=PdfJob.Status.RUNNING, started_at__gte=stale)
        .exclude(pk=job.pk)
        .exists()
    )


class RenderTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: int):
    """Interrupt the block after `seconds` where a signal can do it (the worker's main thread).

    WeasyPrint has no cancellation of its own; an alarm is the one reliable way to stop a
    runaway render without killing the worker.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise RenderTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _lock_organization(organization_id: int) -> None:
    """Hold the organization's row until the end of the transaction: its jobs change in turn."""
    list(Organization.objects.select_for_update().filter(pk=organization_id).values_list("pk"))


def request_pdf(strategy: Strategy, content_hash: str, user) -> PdfJob:
    """Queue a rendering of `strategy` as the organization's one waiting job.

    A job the organization already has waiting is superseded, and never rendered.
    """
    now = timezone.now()
    with transaction.atomic():
        _lock_organization(strategy.organization_id)
        job = PdfJob.objects.create(strategy=strategy, content_hash=content_hash, requested_by=user)
        message = _(
            "A newer PDF of your organization (“%(title)s”) was asked for and took this one’s "
            "place in the queue: an organization has one PDF waiting at a time, so that every "
            "organization’s PDFs are made in turn."
        ) % {"title": strategy.title}
        PdfJob.objects.filter(
            strategy__organization_id=strategy.organization_id, status=PdfJob.Status.QUEUED
        ).exclude(pk=job.pk).update(
            status=PdfJob.Status.SUPERSEDED, finished_at=now, error=message, superseded_by=job
        )
    # After the commit: the immediate backend (development, tests) renders right here.
    render_strategy_pdf.enqueue(job.pk)
    return job


def _claim(job_id: int) -> PdfJob | None:
    """The job, marked as rendering; None when it is not to be rendered now."""
    now = timezone.now()
    with transaction.atomic():
        job = PdfJob.objects.select_related("strategy__organization").filter(pk=job_id).first()
        if job is None or job.status != PdfJob.Status.QUEUED:
            return None  # superseded, or its strategy deleted
        _lock_organization(job.strategy.organization_id)
        stale = now - 2 * timedelta(seconds=max(settings.PDF_RENDER_TIMEOUT, 60))
        busy = (
            PdfJob.objects.filter(
                strategy__organization_id=job.strategy.organization_id,
                status=PdfJob.Status.RUNNING,
                started_at__gte=stale,
            )
            .exclude(pk=job.pk)
            .exists()
        )
        if busy and render_strategy_pdf.get_backend().supports_defer:
            render_strategy_pdf.using(run_after=now + BUSY_RETRY).enqueue(job.pk)
            return None
        claimed = PdfJob.objects.filter(pk=job.pk, status=PdfJob.Status.QUEUED).update(
            status=PdfJob.Status.RUNNING, started_at=now
        )
    return job if claimed else None


@task()
def render_strategy_pdf(job_id: int) -> str:
    from strategy.pdf import DocumentTooLarge, render_pdf

    job = _claim(job_id)
    if job is None:
        return "skipped"
    try:
        with time_limit(settings.PDF_RENDER_TIMEOUT):
            rendered = render_pdf(job.strategy)
    except RenderTimeout:
        message = _("Rendering took longer than %(seconds)s seconds and was stopped.") % {
            "seconds": settings.PDF_RENDER_TIMEOUT
        }
        return _finish(job, PdfJob.Status.FAILED, error=message)
    except DocumentTooLarge as error:
        return _finish(job, PdfJob.Status.FAILED, error=str(error))
    except Exception as error:  # any failure must reach the person waiting, not just the log
        log.exception("PDF render failed for strategy %s", job.strategy_id)
        message = _("The PDF could not be rendered: %(error)s") % {"error": error}
        return _finish(job, PdfJob.Status.FAILED, error=message)
    return _finish(job, PdfJob.Status.DONE, rendered=rendered)


def _finish(job: PdfJob, status: str, **values) -> str:
    PdfJob.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **values)
    return status
