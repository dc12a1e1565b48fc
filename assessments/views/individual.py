"""Answering on one's own: a respondent's own answers, on the same pages as the agreed ones.

The section page, the save, the history and the review are those of views.answering, over an
`Answering` that reads and writes the respondent's answers only (`AssessmentAnswers` with a
respondent) and only the sections they were asked to answer. Any member the owner added as a
respondent answers here, a viewer too: it is their own view, not the organization's answers.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import answer_history
from assessments.access import assessment_or_404
from assessments.answering import AssessmentAnswers, answer_label, questionnaire_structure
from assessments.individual import assigned_structure, others_summary
from assessments.models import Answer, AnswerChange, Assessment, Membership, Respondent
from assessments.views.answering import (
    REVIEW_FILTERS,
    Answering,
    answer_question,
    answer_section,
    review,
    url_maker,
)


def respondent_or_403(request, org_slug, pk) -> tuple[Membership, Assessment, Respondent]:
    """The assessment (404 outside one's organizations) and the requesting user as its
    respondent; 403 for a member the owner did not ask to answer on their own."""
    membership, assessment = assessment_or_404(request, org_slug, pk)
    respondent = (
        Respondent.objects.of_user(assessment, request.user) if assessment.is_individual else None
    )
    if respondent is None:
        raise PermissionDenied(
            _(
                "You are not a respondent of this assessment, so there are no answers of your "
                "own to give here. An owner adds respondents on the assessment's team page."
            )
        )
    respondent.assessment = assessment  # read already; may_see_others needs it
    return membership, assessment, respondent


def others_of(assessment: Assessment, respondent: Respondent, structure):
    """How the other respondents answered some questions, without names: one query for all."""

    def others(questions) -> dict[int, str]:
        rows = (
            Answer.objects.filter(
                assessment=assessment,
                respondent__isnull=False,
                question_id__in=[q.pk for q in questions],
            )
            .exclude(respondent=respondent)
            .chosen()
            .values_list("question_id", "kind", "option_id", "boxes")
        )
        labels: dict[int, list[str]] = {}
        for question_id, kind, option_id, boxes in rows:
            question = structure.questions[question_id]
            option = next((o for o in question.options.all() if o.pk == option_id), None)
            if kind == Answer.Kind.OPTION and option is None:
                continue
            labels.setdefault(question_id, []).append(answer_label(question, kind, option, boxes))
        return {pk: others_summary(found) for pk, found in labels.items()}

    return others


def my_answering(
    membership: Membership, assessment: Assessment, respondent: Respondent
) -> Answering:
    structure = assigned_structure(
        questionnaire_structure(assessment.questionnaire), respondent.sections
    )
    args = (assessment.organization.slug, assessment.pk)
    section_url = url_maker("assessments:my_section", *args)
    save_url = url_maker("assessments:my_answer_save", *args)
    history_url = url_maker("assessments:my_answer_history", *args)
    review_url = reverse("assessments:my_submit", args=args)
    return Answering(
        questionnaire=assessment.questionnaire,
        structure=structure,
        store=AssessmentAnswers(assessment, structure, respondent),
        can_edit=not respondent.has_submitted and not assessment.is_locked,
        section_url=section_url,
        save_url=lambda question: save_url(question.pk),
        history_url=lambda question: history_url(question.pk),
        # After the last section: the review of one's own answers, not the team's results.
        results_url=review_url,
        saved_message=_("Section saved in your own answers."),
        others=(
            others_of(assessment, respondent, structure) if respondent.may_see_others() else None
        ),
        context={
            "membership": membership,
            "organization": membership.organization,
            "assessment": assessment,
            "questionnaire": assessment.questionnaire,
            "respondent": respondent,
            "mine": True,
            "review_url": review_url,
        },
    )


def _refusal(assessment: Assessment) -> str:
    if assessment.is_locked:
        return _("This assessment is submitted; its answers are locked.")
    return _("You submitted your answers. Take the submission back to change them.")


@login_required
@require_safe
def my_answers(request, org_slug, pk):
    """To the section the respondent last saved in, or their first assigned one with open
    questions."""
    membership, assessment, respondent = respondent_or_403(request, org_slug, pk)
    answering = my_answering(membership, assessment, respondent)
    structure = answering.structure
    if not structure.sections:
        return redirect("assessments:my_submit", org_slug=org_slug, pk=pk)
    target = answering.store.section_to_resume(request.user)
    return redirect("assessments:my_section", org_slug=org_slug, pk=pk, section_key=target.key)


@login_required
@require_http_methods(["GET", "POST"])
def my_section(request, org_slug, pk, section_key):
    membership, assessment, respondent = respondent_or_403(request, org_slug, pk)
    answering = my_answering(membership, assessment, respondent)
    section = answering.section_or_404(section_key)
    if request.method == "POST" and not answering.can_edit:
        return HttpResponse(_refusal(assessment), status=409)
    return answer_section(request, answering, section)


@login_required
@require_POST
def my_answer_save(request, org_slug, pk, question_pk):
    membership, assessment, respondent = respondent_or_403(request, org_slug, pk)
    answering = my_answering(membership, assessment, respondent)
    question = answering.question_or_404(question_pk)
    if not answering.can_edit:
        context = {
            **answering.context,
            "row": answering.rows([question])[0],
            "can_edit": False,
            "locked_message": _refusal(assessment),
            "oob": True,
        }
        return render(request, "assessments/section.html#question", context, status=409)
    return answer_question(request, answering, question)


@login_required
@require_safe
def my_answer_history(request, org_slug, pk, question_pk):
    """Every change of the respondent's own answer to a question; never anyone else's."""
    membership, assessment, respondent = respondent_or_403(request, org_slug, pk)
    answering = my_answering(membership, assessment, respondent)
    question = answering.question_or_404(question_pk)
    changes = (
        AnswerChange.objects.filter(
            assessment=assessment, question_key=question.key, respondent=respondent
        )
        .select_related("changed_by")
        .in_order()
    )
    entries = answer_history.entries(changes)
    entries.reverse()
    context = {
        **answering.context,
        "question": question,
        "number": answering.structure.numbers[question.pk],
        "entries": entries,
        "section_url": answering.section_url(question.section.key),
    }
    template = "assessments/answer_history.html"
    return render(request, f"{template}#history" if request.htmx else template, context)


@login_required
@require_http_methods(["GET", "POST"])
def my_submit(request, org_slug, pk):
    """GET: the review of one's own answers. POST with `confirm=1`: hand them in, which makes
    them read-only until taken back (`my_reopen`)."""
    membership, assessment, respondent = respondent_or_403(request, org_slug, pk)
    if request.method == "POST":
        if assessment.is_locked:
            return HttpResponse(_refusal(assessment), status=409)
        if request.POST.get("confirm") != "1":
            see_other = HttpResponseRedirect(reverse("assessments:my_submit", args=[org_slug, pk]))
            see_other.status_code = 303
            return see_other
        if not respondent.has_submitted:
            respondent.submitted_at = timezone.now()
            respondent.save(update_fields=["submitted_at"])
        messages.success(
            request,
            _("Your answers are submitted. You can take them back until the team submits."),
        )
        return redirect("assessments:my_answers", org_slug=org_slug, pk=pk)
    answering = my_answering(membership, assessment, respondent)
    show = request.GET.get("show", "")
    if show not in REVIEW_FILTERS:
        show = ""
    sections, counts = review(answering, show)
    context = {
        **answering.context,
        "sections": [s for s in sections if s.items],
        "counts": counts,
        "show": show,
        "can_edit": answering.can_edit,
    }
    return render(request, "assessments/review.html", context)


@login_required
@require_POST
def my_reopen(request, org_slug, pk):
    """Take one's submission back, to change one's answers: until the assessment is submitted."""
    _membership, assessment, respondent = respondent_or_403(request, org_slug, pk)
    if assessment.is_locked:
        return HttpResponse(_refusal(assessment), status=409)
    if respondent.has_submitted:
        respondent.submitted_at = None
        respondent.save(update_fields=["submitted_at"])
        messages.success(request, _("Your submission is taken back: you can change your answers."))
    return redirect("assessments:my_answers", org_slug=org_slug, pk=pk)
