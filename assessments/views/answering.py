"""Taking an assessment: start, one section per page, answers saved on change, submit and reopen."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.access import (
    assessment_or_404,
    membership_or_404,
    require_answer_rights,
    require_owner,
)
from assessments.forms.answers import AnswerForm
from assessments.forms.assessments import StartAssessmentForm
from assessments.models import Answer, Assessment, Question, ResumePoint, Section


@dataclass
class QuestionRow:
    question: Question
    number: int
    answer: Answer | None
    form: AnswerForm
    saved: bool = False


def _sections(assessment: Assessment) -> list[Section]:
    sections = list(
        assessment.questionnaire.sections.annotate(total=Count("questions")).order_by("order")
    )
    answered = assessment.answered_by_section()
    for section in sections:
        section.answered = answered.get(section.pk, 0)
    return sections


def _progress(sections: list[Section]) -> dict:
    total = sum(s.total for s in sections)
    answered = sum(s.answered for s in sections)
    return {
        "answered": answered,
        "total": total,
        "percent": round(100 * answered / total) if total else 0,
    }


def _remember(assessment: Assessment, user, section_key: str) -> None:
    # On every save and page view, so the common case (the point exists) is one UPDATE.
    mine = ResumePoint.objects.filter(assessment=assessment, user=user)
    if not mine.update(section_key=section_key, updated_at=timezone.now()):
        ResumePoint.objects.get_or_create(
            assessment=assessment, user=user, defaults={"section_key": section_key}
        )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start(request, org_slug):
    membership = membership_or_404(request, org_slug)
    require_answer_rights(membership)
    organization = membership.organization
    form = StartAssessmentForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        assessment = form.create(user=request.user)
        messages.success(request, _("Assessment started. Answers save as you go."))
        return redirect("assessments:assessment", org_slug=organization.slug, pk=assessment.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "assessments/start.html",
        {"form": form, "organization": organization, "membership": membership},
        status=status,
    )


@login_required
@require_safe
def assessment_resume(request, org_slug, pk):
    """Take the person back to where they were, or to the first section with open questions."""
    membership, assessment = assessment_or_404(request, org_slug, pk)
    point = ResumePoint.objects.filter(assessment=assessment, user=request.user).first()
    sections = _sections(assessment)
    if not sections:
        return redirect("assessments:results", org_slug=org_slug, pk=pk)
    target = next((s for s in sections if point and s.key == point.section_key), None)
    if target is None:
        target = next((s for s in sections if s.answered < s.total), sections[0])
    return redirect("assessments:section", org_slug=org_slug, pk=pk, section_key=target.key)


def _question_rows(assessment: Assessment, section: Section, data=None) -> list[QuestionRow]:
    questions = list(
        section.questions.select_related("stage", "pillar", "layer")
        .prefetch_related("options")
        .order_by("order")
    )
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(
            assessment=assessment, respondent__isnull=True, question__section=section
        ).select_related("answered_by")
    }
    first_number = (
        Question.objects.filter(
            questionnaire_id=assessment.questionnaire_id, order__lt=questions[0].order
        ).count()
        if questions
        else 0
    )
    return [
        QuestionRow(
            question=question,
            number=first_number + index + 1,
            answer=answers.get(question.pk),
            form=AnswerForm(
                data,
                question=question,
                initial=AnswerForm.initial_for(answers.get(question.pk)),
            ),
        )
        for index, question in enumerate(questions)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def section(request, org_slug, pk, section_key):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    section = get_object_or_404(
        Section, questionnaire_id=assessment.questionnaire_id, key=section_key
    )
    status = 200
    if request.method == "POST":
        # The form every question sits in: what a browser without JavaScript submits.
        require_answer_rights(membership)
        if assessment.is_locked:
            return HttpResponse(
                _("This assessment is submitted; its answers are locked."), status=409
            )
        rows = _question_rows(assessment, section, request.POST)
        posted = [r for r in rows if request.POST.get(r.form.add_prefix("choice"))]
        if all(row.form.is_valid() for row in posted):
            with transaction.atomic():
                for row in posted:
                    assessment.record_answer(row.question, request.user, **row.form.answer_values())
            messages.success(request, _("Section saved."))
            return redirect(_after_section(assessment, section, org_slug))
        for row in rows:
            if row not in posted:
                row.form = AnswerForm(
                    question=row.question, initial=AnswerForm.initial_for(row.answer)
                )
        status = 400
    else:
        rows = _question_rows(assessment, section)
        if not assessment.is_locked and membership.can_answer:
            _remember(assessment, request.user, section.key)
    sections = _sections(assessment)
    index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    context = {
        "membership": membership,
        "organization": membership.organization,
        "assessment": assessment,
        "section": section,
        "sections": sections,
        "rows": rows,
        "progress": _progress(sections),
        "previous_section": sections[index - 1] if index > 0 else None,
        "next_section": sections[index + 1] if index + 1 < len(sections) else None,
        "can_answer": membership.can_answer and not assessment.is_locked,
    }
    return render(request, "assessments/section.html", context, status=status)


def _after_section(assessment: Assessment, section: Section, org_slug: str) -> str:
    following = (
        assessment.questionnaire.sections.filter(order__gt=section.order).order_by("order").first()
    )
    if following is None:
        return reverse("assessments:results", args=[org_slug, assessment.pk])
    return reverse("assessments:section", args=[org_slug, assessment.pk, following.key])


@login_required
@require_POST
def answer_save(request, org_slug, pk, question_pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_answer_rights(membership)
    question = get_object_or_404(
        Question.objects.select_related("section", "stage", "pillar", "layer").prefetch_related(
            "options"
        ),
        questionnaire_id=assessment.questionnaire_id,
        pk=question_pk,
    )
    number = request.POST.get("number", "")
    row = QuestionRow(
        question=question,
        number=int(number) if number.isdigit() else 0,
        answer=None,
        form=AnswerForm(request.POST, question=question),
    )
    context = {
        "assessment": assessment,
        "organization": membership.organization,
        "row": row,
        "can_answer": not assessment.is_locked,
    }
    if assessment.is_locked:
        context["locked_message"] = _("This assessment was submitted; answers are locked.")
        return render(request, "assessments/section.html#question", context, status=409)
    if not row.form.is_valid():
        return render(request, "assessments/section.html#question", context, status=400)
    row.answer = assessment.record_answer(question, request.user, **row.form.answer_values())
    _remember(assessment, request.user, question.section.key)
    if not request.htmx:
        return redirect(
            reverse("assessments:section", args=[org_slug, pk, question.section.key])
            + f"#q-{question.key}"
        )
    row.saved = True
    row.form = AnswerForm(question=question, initial=AnswerForm.initial_for(row.answer))
    sections = _sections(assessment)
    context.update(
        sections=sections,
        progress=_progress(sections),
        section=question.section,
        oob=True,
    )
    return render(request, "assessments/section.html#saved_question", context)


@login_required
@require_POST
def assessment_submit(request, org_slug, pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_answer_rights(membership)
    if not assessment.is_locked:
        assessment.submit()
        messages.success(request, _("Submitted. The answers are locked; an owner can reopen them."))
    return redirect("assessments:results", org_slug=org_slug, pk=pk)


@login_required
@require_POST
def assessment_reopen(request, org_slug, pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_owner(membership)
    if assessment.is_locked:
        assessment.reopen()
        messages.success(request, _("Reopened. Members can change answers again."))
    return redirect("assessments:assessment", org_slug=org_slug, pk=pk)


@login_required
@require_POST
def assessment_delete(request, org_slug, pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_owner(membership)
    title = assessment.title
    assessment.delete()
    messages.success(request, _("Deleted the assessment “%(title)s”.") % {"title": title})
    return redirect("assessments:dashboard", org_slug=org_slug)
