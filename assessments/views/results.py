"""Results, history, comparison and exports: everything that reads an assessment's outcome."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessments import exports
from assessments.access import assessment_or_404, membership_or_404
from assessments.comparison import compare_assessments
from assessments.evaluation import model_spec, summaries
from assessments.models import Assessment
from assessments.reporting import build_report

HISTORY_PAGE_SIZE = 25
# More points than this make the chart unreadable and its data table long; it shows the latest.
HISTORY_CHART_POINTS = 60


@login_required
@require_safe
def organization_dashboard(request, org_slug):
    """The organization's assessments over time: the history page."""
    membership = membership_or_404(request, org_slug)
    organization = membership.organization
    assessments = list(
        Assessment.objects.filter(organization=organization)
        .select_related("questionnaire")
        .order_by("created_at")
    )
    results = summaries(assessments)
    stage_names = {}
    rows = []
    for assessment in assessments:
        summary = results[assessment.pk]
        if assessment.questionnaire_id not in stage_names:
            spec = model_spec(assessment.questionnaire)
            stage_names[assessment.questionnaire_id] = {s.level: s.name for s in spec.stages}
        rows.append(
            {
                "assessment": assessment,
                "stage": summary.stage,
                "stage_name": stage_names[assessment.questionnaire_id][summary.stage],
                "score": summary.score,
                "answered": summary.answered,
                "total": summary.total,
            }
        )
    history = None
    if rows:
        from assessments import charts

        history = charts.history(
            "history",
            _("Stage and score over time"),
            [
                (
                    date_format(r["assessment"].created_at, "SHORT_DATE_FORMAT"),
                    r["score"],
                    r["stage"],
                )
                for r in rows[-HISTORY_CHART_POINTS:]
            ],
        )
    page = Paginator(list(reversed(rows)), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/dashboard.html",
        {
            "membership": membership,
            "organization": organization,
            "rows": page.object_list,
            "latest": rows[-1] if rows else None,
            "page": page,
            "history": history,
            "history_points": min(len(rows), HISTORY_CHART_POINTS),
            "history_truncated": len(rows) > HISTORY_CHART_POINTS,
        },
    )


@login_required
@require_safe
def results(request, org_slug, pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    report = build_report(assessment)
    return render(
        request,
        "assessments/results.html",
        {
            "membership": membership,
            "organization": membership.organization,
            "assessment": assessment,
            "report": report,
        },
    )


@login_required
@require_safe
def compare(request, org_slug):
    membership = membership_or_404(request, org_slug)
    organization = membership.organization
    choices = list(organization.assessments.order_by("-created_at"))
    context = {"membership": membership, "organization": organization, "choices": choices}
    first, second = request.GET.get("a"), request.GET.get("b")
    if first is not None or second is not None:
        if not (first or "").isdigit() or not (second or "").isdigit():
            return HttpResponseBadRequest(_("Choose two assessments to compare."))
        queryset = Assessment.objects.select_related("questionnaire")
        before = get_object_or_404(queryset, organization=organization, pk=int(first))
        after = get_object_or_404(queryset, organization=organization, pk=int(second))
        context["comparison"] = compare_assessments(before, after)
        context["only_changes"] = request.GET.get("changes") == "1"
    return render(request, "assessments/compare.html", context)


@login_required
@require_safe
def export_answers_csv(request, org_slug, pk):
    _membership, assessment = assessment_or_404(request, org_slug, pk)
    return exports.answers_csv_response(assessment)


@login_required
@require_safe
def export_results_csv(request, org_slug, pk):
    _membership, assessment = assessment_or_404(request, org_slug, pk)
    return exports.results_csv_response(build_report(assessment))


@login_required
@require_safe
def export_json(request, org_slug, pk):
    _membership, assessment = assessment_or_404(request, org_slug, pk)
    response = JsonResponse(
        exports.assessment_document(build_report(assessment)), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename_stem(assessment)}.json"'
    )
    return response
