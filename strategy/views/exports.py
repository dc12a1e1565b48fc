"""Downloads of a strategy: the PDF (rendered once per content) and Markdown."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from strategy.access import strategy_or_404


def _filename(strategy, extension: str) -> str:
    return f"{slugify(strategy.organization.name)}-{slugify(strategy.title)}.{extension}"


@login_required
@require_safe
def export_pdf(request, org_slug, strategy_pk):
    _membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    from strategy.pdf import render_pdf

    rendered = render_pdf(strategy)
    response = HttpResponse(bytes(rendered.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(strategy, "pdf")}"'
    return response


@login_required
@require_safe
def export_markdown(request, org_slug, strategy_pk):
    _membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    from strategy.markdown_export import strategy_markdown

    response = HttpResponse(
        strategy_markdown(strategy), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(strategy, "md")}"'
    return response
