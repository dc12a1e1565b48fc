"""Results, history, comparison and exports: everything that reads an assessment's outcome."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessments import exports, readiness
from assessments.access import assessment_or_404, membership_or_404
from assessments.caches import cached_fragment, fragment_key
from assessments.comparison import compare_assessments
from assessments.evaluation import model_spec, summaries
from assessments.models import Answer, Assessment, Respondent
from assessments.reporting import build_report
from assessments.views.gaps import perception_part
from assessments.workbook import workbook_response

HISTORY_PAGE_SIZE = 25
# More points than this make the chart unreadable and its data table long; it shows the latest.
HISTORY_CHART_POINTS = 60


@login_required
@require_safe
def organization_dashboard(request, org_slug):
    """The organization's assessments over time: the history page.

    Reads one page of the table and the chart's points, never the whole history, and no answer:
    each assessment's stored summary is current while its answers fingerprint is unchanged.
    """
    membership = membership_or_404(request, org_slug)
    organization = membership.organization
    newest_first = (
        Assessment.objects.filter(organization=organization)
        .select_related("questionnaire")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(newest_first, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    charted = list(newest_first[:HISTORY_CHART_POINTS])
    # The first page is the newest assessments, which the chart has read already.
    if page.number == 1 and HISTORY_PAGE_SIZE <= HISTORY_CHART_POINTS:
        on_page = charted[:HISTORY_PAGE_SIZE]
    else:
        on_page = list(page.object_list)
    context = {"membership": membership, "organization": organization, "page": page}
    # Assessments answered individually link their respondents to their own answers: read only
    # when the page shows one (individual answering).
    individual = [a.pk for a in on_page if a.is_individual]
    context["answering_on_own"] = (
        set(
            Respondent.objects.filter(
                assessment__in=individual, user_id=request.user.pk
            ).values_list("assessment_id", flat=True)
        )
        if individual
        else set()
    )

    def render_history() -> str:
        return render_to_string(
            "assessments/dashboard.html#history",
            {**context, **_history(on_page, charted, page.paginator.count)},
            request=request,
        )

    if charted:
        # Everything the table, the chart and the latest card show of each assessment.
        shown = [
            (a.pk, a.answers_fingerprint, a.status, a.title, a.created_at.isoformat(), a.mode)
            for a in {a.pk: a for a in [*on_page, *charted]}.values()
        ]
        key = fragment_key(
            "history",
            organization.slug,
            page.number,
            page.paginator.count,
            membership.can_edit,
            sorted(context["answering_on_own"]),
            shown,
        )
        context["history_html"] = cached_fragment(key, render_history)
    return render(request, "assessments/dashboard.html", context)


def _history(on_page: list[Assessment], charted: list[Assessment], total: int) -> dict:
    """The history's rows, latest card and chart, scored from the stored summaries."""
    rows = _history_rows(on_page, charted)
    # The chart plots submitted assessments; of those in progress only the newest, marked as
    # such, since an unfinished one's figures are not a result yet.
    plotted = [a for index, a in enumerate(charted) if a.is_locked or index == 0]
    chart_rows = [rows[a.pk] for a in reversed(plotted)]
    from assessments import charts

    # The newest assessment's version names the levels; a history rarely changes model.
    names = charted[0].questionnaire.axis_names
    history = charts.history(
        "history",
        _("%(stage)s and score over time") % {"stage": names.stage},
        [
            (date_format(r["assessment"].created_at, "DATE_FORMAT"), r["score"], r["stage"])
            for r in chart_rows
        ],
        stage_word=names.stage,
        names=[r["assessment"].title for r in chart_rows],
        last_in_progress=not charted[0].is_locked,
    )
    return {
        "names": names,
        "rows": [rows[a.pk] for a in on_page],
        "latest": rows[charted[0].pk],
        "history": history,
        "history_points": len(charted),
        "history_truncated": total > len(charted),
    }


def _history_rows(*assessment_lists: list[Assessment]) -> dict[int, dict]:
    unique = {a.pk: a for assessments in assessment_lists for a in assessments}
    results = summaries(list(unique.values()))
    stage_names: dict[int, dict[int, str]] = {}
    rows = {}
    for pk, assessment in unique.items():
        summary = results[pk]
        if assessment.questionnaire_id not in stage_names:
            spec = model_spec(assessment.questionnaire)
            stage_names[assessment.questionnaire_id] = {s.level: s.name for s in spec.stages}
        rows[pk] = {
            "assessment": assessment,
            "names": assessment.questionnaire.axis_names,
            "stage": summary.stage,
            # None: the version has no stages (progress), or no score to place (bands).
            "stage_name": stage_names[assessment.questionnaire_id].get(summary.stage)
            if summary.stage is not None
            else None,
            # False: nothing reached yet, though the level the scope starts at is `stage`.
            "reached": summary.reached,
            "score": summary.score,
            "answered": summary.answered,
            "total": summary.total,
        }
    return rows


@login_required
@require_safe
def results(request, org_slug, pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    context = {
        "membership": membership,
        "organization": membership.organization,
        "assessment": assessment,
        "questionnaire": assessment.questionnaire,
        "has_standards": bool(readiness.standards_of(assessment.questionnaire)),
    }

    def render_report() -> str:
        part = {**context, "report": build_report(assessment)}
        # Kept with the report: confirming an answer moves the answers revision it is kept under.
        part["unreviewed"] = Answer.objects.filter(
            assessment=assessment, respondent__isnull=True, needs_review=True
        ).count()
        return render_to_string("assessments/results.html#report", part, request=request)

    context["report_html"] = cached_fragment(_results_key(assessment), render_report)
    context["perception_html"] = perception_part(request, membership, assessment)
    if request.htmx and "gaps" in request.GET:  # the switch of grouping: that part only
        return HttpResponse(context["perception_html"])
    return render(request, "assessments/results.html", context)


@login_required
@require_safe
def standards(request, org_slug, pk):
    """How the answers line up with the standards the version maps its questions to: a
    readiness check per requirement area, never a certification (docs/standards.md)."""
    membership, assessment = assessment_or_404(request, org_slug, pk)
    rows = readiness.standard_rows(assessment)
    if not rows:
        raise Http404(_("This questionnaire version maps its questions to no standard."))
    context = {
        "membership": membership,
        "organization": membership.organization,
        "assessment": assessment,
        "questionnaire": assessment.questionnaire,
        "standards": rows,
    }
    return render(request, "assessments/standards.html", context)


def _results_key(assessment: Assessment) -> str | None:
    """What the report part shows depends on: the answers, the version, the status, the URL."""
    if assessment.questionnaire.is_draft:  # a draft's questions may still change
        return None
    return fragment_key(
        "results",
        assessment.pk,
        assessment.created_at.isoformat(),
        assessment.answers_fingerprint,
        assessment.status,
        assessment.organization.slug,
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
def export_history_csv(request, org_slug, pk):
    _membership, assessment = assessment_or_404(request, org_slug, pk)
    return exports.history_csv_response(assessment)


@login_required
@require_safe
def export_results_csv(request, org_slug, pk):
    _membership, assessment = assessment_or_404(request, org_slug, pk)
    return exports.results_csv_response(build_report(assessment))


@login_required
@require_safe
def export_results_xlsx(request, org_slug, pk):
    _membership, assessment = assessment_or_404(request, org_slug, pk)
    return workbook_response(build_report(assessment))


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
