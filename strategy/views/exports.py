"""Downloads of a strategy: the PDF (rendered by the worker, once per content), Markdown, Word,
and the roadmap for an issue tracker (CSV for GitHub, GitLab or Jira; a Markdown task list).

Asking for the PDF serves it at once when the current content was rendered before; otherwise it
queues a render and answers 202 with a page that follows the job and offers the file when ready.
An organization has one render waiting at a time (`strategy.tasks.request_pdf`): a job replaced
by a later request of the organization says so on its page, with a button to ask again.
The page says how long the job has waited or rendered, and, when no worker has taken it after a
few seconds (`strategy.tasks.seems_unattended`), what to run; it follows the job with htmx, or
refreshes itself without JavaScript.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from assessments.names import attachment, download_name
from strategy.access import strategy_or_404
from strategy.document import content_hash, document_source
from strategy.models import PdfJob, RenderedPdf
from strategy.tasks import NO_WORKER_AFTER, rendering_elsewhere, request_pdf, seems_unattended


def _filename(strategy, extension: str) -> str:
    return download_name(strategy.organization.name, strategy.title, extension=extension)


def _pdf_response(strategy, rendered: RenderedPdf) -> HttpResponse:
    response = HttpResponse(bytes(rendered.pdf), content_type="application/pdf")
    response["Content-Disposition"] = attachment(_filename(strategy, "pdf"))
    return response


def _current(strategy, *, with_pdf: bool = False) -> tuple[str, RenderedPdf | None, PdfJob | None]:
    """The hash of the strategy's current content, its stored PDF and its job, if any.

    `strategy` is as `strategy_or_404` loaded it (with its organization, assessment and
    questionnaire version): the hash reads only the sections and the roadmap besides. The PDF's
    bytes are loaded only `with_pdf`; the job is not looked up when the PDF is there.
    """
    digest = content_hash(document_source(strategy, reload=False))
    rendered = RenderedPdf.objects.filter(strategy=strategy, content_hash=digest)
    if not with_pdf:
        rendered = rendered.defer("pdf")
    rendered = rendered.first()
    job = None
    if rendered is None:
        job = PdfJob.objects.filter(strategy=strategy, content_hash=digest).first()
    return digest, rendered, job


def _enqueue(strategy, digest: str, user) -> PdfJob:
    job = request_pdf(strategy, digest, user)
    job.refresh_from_db()
    return job


def _job_context(membership, strategy, job: PdfJob | None, *, ready: bool = False) -> dict:
    context = {
        "membership": membership,
        "organization": membership.organization,
        "strategy": strategy,
        "job": job,
        "ready": ready,
    }
    if job is None or ready:
        return context
    now = timezone.now()
    if job.status == PdfJob.Status.QUEUED:
        waited = max(now - job.created_at, timedelta(0))
        context["waited_seconds"] = int(waited.total_seconds())
        if waited >= NO_WORKER_AFTER:  # the query only once there is something to explain
            others = rendering_elsewhere(job, now)
            context["unattended"] = seems_unattended(waited, others)
            context["busy"] = others
    elif job.status == PdfJob.Status.RUNNING and job.started_at is not None:
        context["rendering_seconds"] = int(max(now - job.started_at, timedelta(0)).total_seconds())
    return context


@login_required
@require_safe
def export_pdf(request, org_slug, strategy_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    digest, rendered, job = _current(strategy, with_pdf=True)
    if rendered is None and job is None:
        job = _enqueue(strategy, digest, request.user)
        # With the immediate backend (development, tests) the render has happened already.
        rendered = RenderedPdf.objects.filter(strategy=strategy, content_hash=digest).first()
    if rendered is not None:
        return _pdf_response(strategy, rendered)
    context = _job_context(membership, strategy, job)
    pending = job.status in (PdfJob.Status.QUEUED, PdfJob.Status.RUNNING)
    return render(request, "strategy/pdf_status.html", context, status=202 if pending else 200)


@login_required
@require_safe
def export_pdf_status(request, org_slug, strategy_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    _digest, rendered, job = _current(strategy)
    context = _job_context(membership, strategy, job, ready=rendered is not None)
    return render(request, "strategy/pdf_status.html#job", context)


@login_required
@require_POST
def export_pdf_retry(request, org_slug, strategy_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    digest, rendered, job = _current(strategy)
    again = (PdfJob.Status.FAILED, PdfJob.Status.SUPERSEDED)
    if rendered is None and (job is None or job.status in again):
        _enqueue(strategy, digest, request.user)
    return redirect("strategy:export_pdf", org_slug=org_slug, strategy_pk=strategy.pk)


@login_required
@require_safe
def export_markdown(request, org_slug, strategy_pk):
    _membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    from strategy.markdown_export import strategy_markdown

    response = HttpResponse(
        strategy_markdown(strategy), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = attachment(_filename(strategy, "md"))
    return response


@login_required
@require_safe
def export_docx(request, org_slug, strategy_pk):
    _membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    from strategy.docx_export import CONTENT_TYPE, strategy_docx

    response = HttpResponse(strategy_docx(strategy), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = attachment(_filename(strategy, "docx"))
    return response


def _roadmap_rows(strategy):
    from strategy.document import document_context

    return document_context(document_source(strategy, reload=False))["roadmap"]


@login_required
@require_safe
def export_roadmap_csv(request, org_slug, strategy_pk):
    _membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    from strategy.roadmap_export import TOOLS, tracker_csv

    tool = request.GET.get("for", "")
    if tool not in TOOLS:
        raise Http404("no such issue tracker")
    response = HttpResponse(
        tracker_csv(tool, _roadmap_rows(strategy), strategy.title),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = attachment(
        download_name(strategy.organization.name, strategy.title, "roadmap", tool, extension="csv")
    )
    return response


@login_required
@require_safe
def export_roadmap_markdown(request, org_slug, strategy_pk):
    _membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    from strategy.roadmap_export import task_list

    response = HttpResponse(
        task_list(_roadmap_rows(strategy), strategy.title),
        content_type="text/markdown; charset=utf-8",
    )
    response["Content-Disposition"] = attachment(
        download_name(strategy.organization.name, strategy.title, "roadmap", extension="md")
    )
    return response
