"""Staff preview: take any questionnaire version, a draft above all, as a respondent would.

The answers live in the session only (`answering.SessionAnswers`), so a preview creates nothing
in any organization: no assessment, no answer, no resume point. The pages are the respondent's
pages (views.answering), with a banner, and the results page is scored by the same engine.

Only staff with the permission to view questionnaires may preview; everyone else gets 404, so the
URLs say nothing about which versions exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.answering import SessionAnswers, questionnaire_structure, session_key
from assessments.evaluation import model_spec
from assessments.models import Questionnaire
from assessments.reporting import report_from
from assessments.scoring import assess
from assessments.views.answering import (
    Answering,
    answer_question,
    answer_section,
    progress,
    url_maker,
)

PERMISSION = "assessments.view_questionnaire"


def can_preview(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.is_staff and user.has_perm(PERMISSION)
    )


def _questionnaire_or_404(request, questionnaire_pk: int) -> Questionnaire:
    if not can_preview(request.user):
        raise Http404
    return get_object_or_404(Questionnaire, pk=questionnaire_pk)


def _preview_answering(request, questionnaire: Questionnaire) -> Answering:
    structure = questionnaire_structure(questionnaire)
    section_url = url_maker("assessments:preview_section", questionnaire.pk)
    return Answering(
        questionnaire=questionnaire,
        structure=structure,
        store=SessionAnswers(request.session, questionnaire, structure),
        can_edit=True,
        section_url=section_url,
        # One question is saved through its section's URL, with the question named in the POST.
        save_url=lambda question: section_url(question.section.key),
        results_url=reverse("assessments:preview_results", args=[questionnaire.pk]),
        saved_message=_("Section saved in this preview."),
        context={"questionnaire": questionnaire, "preview": True},
    )


@require_safe
def preview_start(request, questionnaire_pk):
    questionnaire = _questionnaire_or_404(request, questionnaire_pk)
    first = questionnaire.sections.order_by("order").first()
    if first is None:
        return redirect("assessments:preview_results", questionnaire_pk=questionnaire.pk)
    return redirect(
        "assessments:preview_section", questionnaire_pk=questionnaire.pk, section_key=first.key
    )


@require_http_methods(["GET", "POST"])
def preview_section(request, questionnaire_pk, section_key):
    questionnaire = _questionnaire_or_404(request, questionnaire_pk)
    answering = _preview_answering(request, questionnaire)
    section = answering.section_or_404(section_key)
    question_pk = request.POST.get("question", "")
    if request.method == "POST" and request.htmx and question_pk:
        question = answering.question_or_404(int(question_pk) if question_pk.isdigit() else 0)
        if question.section_id != section.pk:
            raise Http404
        return answer_question(request, answering, question)
    return answer_section(request, answering, section)


@require_safe
def preview_results(request, questionnaire_pk):
    questionnaire = _questionnaire_or_404(request, questionnaire_pk)
    answering = _preview_answering(request, questionnaire)
    context = {
        **answering.context,
        "progress": progress(answering.sidebar()),
        "report": None,
        "error": None,
    }
    try:
        model = model_spec(questionnaire)
        store = answering.store
        result = assess(model, store.answer_specs(model), hidden=store.hidden_keys(model))
    except ValueError as error:
        # A draft may be unfinished (a stage without a level, a question without options...).
        context["error"] = str(error)
    else:
        context["report"] = report_from(questionnaire, result)
        context["report_html"] = render_to_string(
            "assessments/results.html#report", context, request=request
        )
    return render(request, "assessments/results.html", context)


@require_POST
def preview_reset(request, questionnaire_pk):
    questionnaire = _questionnaire_or_404(request, questionnaire_pk)
    request.session.pop(session_key(questionnaire.pk), None)
    messages.success(request, _("The preview's answers are cleared."))
    return redirect("assessments:preview", questionnaire_pk=questionnaire.pk)
