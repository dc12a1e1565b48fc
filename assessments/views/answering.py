"""Taking an assessment: start, one section per page, answers saved on change, submit and reopen."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import caches
from assessments.access import (
    assessment_or_404,
    membership_or_404,
    require_editor,
    require_owner,
)
from assessments.forms.answers import AnswerForm
from assessments.forms.assessments import StartAssessmentForm
from assessments.models import (
    Answer,
    Assessment,
    Question,
    Questionnaire,
    ResumePoint,
    Section,
)


@dataclass
class QuestionRow:
    question: Question
    number: int
    answer: Answer | None
    form: AnswerForm
    saved: bool = False
    save_url: str = ""
    about: str = ""  # the question's description as HTML, when kept; else the template draws it


@dataclass(frozen=True)
class Structure:
    """What answering needs of a questionnaire version's shape: sections, questions, numbering.

    A published version never changes, so this is built once per process and kept (as
    `evaluation.model_spec` is); a draft's is built on every call. The objects in it are shared
    between requests: read them, never change them.
    """

    sections: tuple[Section, ...]
    section_by_key: dict[str, Section]
    # By question pk; each with its section, stage, pillar, layer and options loaded.
    questions: dict[int, Question]
    section_questions: dict[int, tuple[Question, ...]]
    orders: tuple[int, ...]  # every question's order, sorted
    frozen: bool  # of a published version, kept for the life of the process
    # By (question pk, language): what the template draws below a question's text.
    _about: dict[tuple[int, str], str] = field(default_factory=dict, compare=False, repr=False)

    def total(self, section: Section) -> int:
        return len(self.section_questions[section.pk])

    def first_number(self, question: Question) -> int:
        """How many questions of the version come before `question`: its number is one more."""
        return bisect_left(self.orders, question.order)

    def following(self, section: Section) -> Section | None:
        return next((s for s in self.sections if s.order > section.order), None)

    def about(self, question: Question) -> str:
        """The question's stage, pillar, layer and help, drawn once per language; a draft's not
        at all (""), as it is not kept."""
        if not self.frozen:
            return ""
        key = (question.pk, get_language())
        html = self._about.get(key)
        if html is None:
            partial = get_template("assessments/section.html#question_about")
            html = self._about[key] = partial.render({"row": {"question": question}})
        return html


def questionnaire_structure(questionnaire: Questionnaire) -> Structure:
    if questionnaire.is_draft:
        return _build_structure(questionnaire, frozen=False)
    return caches.published(
        questionnaire, "answering-structure", lambda: _build_structure(questionnaire, frozen=True)
    )


def _build_structure(questionnaire: Questionnaire, frozen: bool) -> Structure:
    sections = tuple(questionnaire.sections.order_by("order", "pk"))
    by_pk = {section.pk: section for section in sections}
    questions = list(
        questionnaire.questions.select_related("stage", "pillar", "layer")
        .prefetch_related("options")
        .order_by("order", "pk")
    )
    section_questions: dict[int, list[Question]] = {section.pk: [] for section in sections}
    for question in questions:
        question.section = by_pk[question.section_id]
        section_questions[question.section_id].append(question)
    return Structure(
        sections=sections,
        section_by_key={section.key: section for section in sections},
        questions={question.pk: question for question in questions},
        section_questions={pk: tuple(qs) for pk, qs in section_questions.items()},
        orders=tuple(question.order for question in questions),
        frozen=frozen,
    )


@dataclass
class SectionProgress:
    """A section as the sidebar shows it: how many of its questions this assessment answered."""

    section: Section
    total: int
    answered: int
    url: str = ""
    current: bool = False

    @property
    def done(self) -> bool:
        return self.answered == self.total

    @property
    def pk(self) -> int:
        return self.section.pk

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def title(self) -> str:
        return self.section.title


def _sections(assessment: Assessment, structure: Structure) -> list[SectionProgress]:
    # What Assessment.answered_by_section() counts, without its join and grouping: the
    # structure knows each question's section.
    answered = Counter(
        structure.questions[question_id].section_id
        for question_id in Answer.objects.filter(
            assessment=assessment, respondent__isnull=True
        ).values_list("question_id", flat=True)
        if question_id in structure.questions
    )
    return [
        SectionProgress(section, structure.total(section), answered.get(section.pk, 0))
        for section in structure.sections
    ]


def _sidebar(
    assessment: Assessment, structure: Structure, current: Section
) -> list[SectionProgress]:
    sections = _sections(assessment, structure)
    url = _url_maker("assessments:section", assessment.organization.slug, assessment.pk)
    for section in sections:
        section.url = url(section.key)
        section.current = section.pk == current.pk
    return sections


# A value both the int and the slug converters take, and that no pattern's fixed text holds.
_PLACEHOLDER = "2147483647"


def _url_maker(viewname: str, *args) -> Callable[[object], str]:
    """`reverse(viewname, args=[*args, last])` for many values of `last`, reversing only once.

    The links of a page to each of its sections or questions differ only in their last
    argument: the URL is reversed with a placeholder there, which is then replaced.
    """
    head, _placeholder, tail = reverse(viewname, args=[*args, _PLACEHOLDER]).rpartition(
        _PLACEHOLDER
    )
    return lambda last: f"{head}{last}{tail}"


def _progress(sections: list[SectionProgress]) -> dict:
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
    require_editor(membership)
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
    sections = _sections(assessment, questionnaire_structure(assessment.questionnaire))
    if not sections:
        return redirect("assessments:results", org_slug=org_slug, pk=pk)
    target = next((s for s in sections if point and s.key == point.section_key), None)
    if target is None:
        target = next((s for s in sections if s.answered < s.total), sections[0])
    return redirect("assessments:section", org_slug=org_slug, pk=pk, section_key=target.key)


def _question_rows(
    assessment: Assessment, structure: Structure, section: Section, data=None
) -> list[QuestionRow]:
    questions = structure.section_questions[section.pk]
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(
            assessment=assessment,
            respondent__isnull=True,
            question_id__in=[question.pk for question in questions],
        ).select_related("answered_by")
    }
    first_number = structure.first_number(questions[0]) if questions else 0
    save_url = _url_maker("assessments:answer_save", assessment.organization.slug, assessment.pk)
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
            save_url=save_url(question.pk),
            about=structure.about(question),
        )
        for index, question in enumerate(questions)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def section(request, org_slug, pk, section_key):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    structure = questionnaire_structure(assessment.questionnaire)
    section = structure.section_by_key.get(section_key)
    if section is None:
        raise Http404("No such section in this questionnaire.")
    status = 200
    if request.method == "POST":
        # The form every question sits in: what a browser without JavaScript submits.
        require_editor(membership)
        if assessment.is_locked:
            return HttpResponse(
                _("This assessment is submitted; its answers are locked."), status=409
            )
        rows = _question_rows(assessment, structure, section, request.POST)
        posted = [r for r in rows if request.POST.get(r.form.add_prefix("choice"))]
        if all(row.form.is_valid() for row in posted):
            with transaction.atomic():
                for row in posted:
                    assessment.record_answer(
                        row.question, request.user, reread=False, **row.form.answer_values()
                    )
            messages.success(request, _("Section saved."))
            return redirect(_after_section(assessment, structure, section, org_slug))
        for row in rows:
            if row not in posted:
                row.form = AnswerForm(
                    question=row.question, initial=AnswerForm.initial_for(row.answer)
                )
        status = 400
    else:
        rows = _question_rows(assessment, structure, section)
        if not assessment.is_locked and membership.can_edit:
            _remember(assessment, request.user, section.key)
    sections = _sidebar(assessment, structure, section)
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
        "can_edit": membership.can_edit and not assessment.is_locked,
    }
    return render(request, "assessments/section.html", context, status=status)


def _after_section(
    assessment: Assessment, structure: Structure, section: Section, org_slug: str
) -> str:
    following = structure.following(section)
    if following is None:
        return reverse("assessments:results", args=[org_slug, assessment.pk])
    return reverse("assessments:section", args=[org_slug, assessment.pk, following.key])


@login_required
@require_POST
def answer_save(request, org_slug, pk, question_pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_editor(membership)
    structure = questionnaire_structure(assessment.questionnaire)
    question = structure.questions.get(question_pk)
    if question is None:
        raise Http404("No such question in this questionnaire.")
    number = request.POST.get("number", "")
    row = QuestionRow(
        question=question,
        number=int(number) if number.isdigit() else 0,
        answer=None,
        form=AnswerForm(request.POST, question=question),
        save_url=reverse("assessments:answer_save", args=[org_slug, pk, question_pk]),
        about=structure.about(question),
    )
    context = {
        "assessment": assessment,
        "organization": membership.organization,
        "row": row,
        "can_edit": not assessment.is_locked,
    }
    if assessment.is_locked:
        context["locked_message"] = _("This assessment was submitted; answers are locked.")
        return render(request, "assessments/section.html#question", context, status=409)
    if not row.form.is_valid():
        return render(request, "assessments/section.html#question", context, status=400)
    # The answer as this request wrote it: "last changed by" names whoever saved it here.
    row.answer = assessment.record_answer(
        question, request.user, reread=False, **row.form.answer_values()
    )
    _remember(assessment, request.user, question.section.key)
    if not request.htmx:
        return redirect(
            reverse("assessments:section", args=[org_slug, pk, question.section.key])
            + f"#q-{question.key}"
        )
    row.saved = True
    row.form = AnswerForm(question=question, initial=AnswerForm.initial_for(row.answer))
    sections = _sidebar(assessment, structure, question.section)
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
    require_editor(membership)
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
