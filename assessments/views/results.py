"""Results, history, comparison and exports: everything that reads an assessment's outcome."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessments import exports
from assessments.access import assessment_or_404, membership_or_404
from assessments.comparison import compare_assessments
from assessments.evaluation import evaluate_many, model_spec
from assessments.models import Assessment
from assessments.reporting import build_report


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
    results = evaluate_many(assessments)
    rows = []
    for assessment in assessments:
        result = results[assessment.pk]
        stage_names = {s.level: s.name for s in model_spec(assessment.questionnaire).stages}
        rows.append(
            {
                "assessment": assessment,
                "stage": result.overall.stage,
                "stage_name": stage_names[result.overall.stage],
                "score": result.overall.score,
                "answered": result.overall.total - result.overall.unanswered,
                "total": result.overall.total,
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
                for r in rows
            ],
        )
    return render(
        request,
        "assessments/dashboard.html",
        {
            "membership": membership,
            "organization": organization,
            "rows": list(reversed(rows)),
            "history": history,
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
