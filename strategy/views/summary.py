"""The results summary PDF of an assessment, for whoever may read its results."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from assessments.access import assessment_or_404
from strategy.summary_pdf import render_summary


@login_required
@require_safe
def summary_pdf(request, org_slug, pk):
    _membership, assessment = assessment_or_404(request, org_slug, pk)
    output = render_summary(assessment)
    response = HttpResponse(output.pdf, content_type="application/pdf")
    name = slugify(f"{assessment.organization.name} {assessment.title}") or "assessment"
    response["Content-Disposition"] = f'attachment; filename="{name}-summary.pdf"'
    return response
