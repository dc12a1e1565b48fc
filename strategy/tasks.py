"""Background work: rendering a strategy's PDF in the worker, within a time limit."""

from __future__ import annotations

import logging
import signal
import threading
from contextlib import contextmanager

from django.conf import settings
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from strategy.models import PdfJob

log = logging.getLogger(__name__)


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


@task()
def render_strategy_pdf(job_id: int) -> str:
    from strategy.pdf import DocumentTooLarge, render_pdf

    job = PdfJob.objects.select_related("strategy__organization").get(pk=job_id)
    PdfJob.objects.filter(pk=job.pk).update(status=PdfJob.Status.RUNNING, started_at=timezone.now())
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
