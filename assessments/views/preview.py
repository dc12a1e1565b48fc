"""Staff preview: take any questionnaire version, a draft above all, as a respondent would.

The answers live in the session only, one entry per questionnaire version, so a preview creates
nothing in any organization: no assessment, no answer, no resume point. The pages look like the
respondent's pages and the results page is scored by the same engine, from the session's answers.

Only staff with the permission to view questionnaires may preview; everyone else gets 404, so the
URLs say nothing about which versions exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.evaluation import model_spec
from assessments.forms.answers import DONT_KNOW, NOT_APPLICABLE, AnswerForm
from assessments.models import Question, Questionnaire, Section
from assessments.reporting import report_from
from assessments.scoring import AnswerKind, AnswerSpec, assess

SESSION_PREFIX = "assessments:preview:"
PERMISSION = "assessments.view_questionnaire"


def can_preview(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.is_staff and user.has_perm(PERMISSION)
    )


def session_key(questionnaire_pk: int) -> str:
    return f"{SESSION_PREFIX}{questionnaire_pk}"


def _questionnaire_or_404(request, questionnaire_pk: int) -> Questionnaire:
    if not can_preview(request.user):
        raise Http404
    return get_object_or_404(Questionnaire, pk=questionnaire_pk)


@dataclass
class PreviewRow:
    question: Question
    number: int
    form: AnswerForm
    saved: bool = False


class Preview:
    """One questionnaire version with the answers the session holds for it.

    Loads the version in four queries (sections, questions and their taxonomy, options). The
    stored answers are checked against the version as it is now: a draft may have lost a question
    or an option since it was answered, and such answers are forgotten.
    """

    def __init__(self, request, questionnaire: Questionnaire) -> None:
        self.request = request
        self.questionnaire = questionnaire
        self.sections: list[Section] = list(questionnaire.sections.order_by("order"))
        self.questions: list[Question] = list(
            questionnaire.questions.select_related("section", "stage", "pillar", "layer")
            .prefetch_related("options")
            .order_by("order")
        )
        stored = request.session.get(session_key(questionnaire.pk), {})
        self.answers: dict[str, dict] = {
            q.key: stored[q.key]
            for q in self.questions
            if isinstance(stored.get(q.key), dict) and _still_valid(stored[q.key], q)
        }

    def section(self, key: str) -> Section:
        section = next((s for s in self.sections if s.key == key), None)
        if section is None:
            raise Http404
        return section

    def rows(self, section: Section, data=None) -> list[PreviewRow]:
        return [
            PreviewRow(
                question=q,
                number=number,
                form=AnswerForm(data, question=q, initial=self.answers.get(q.key, {})),
            )
            for number, q in enumerate(self.questions, start=1)
            if q.section_id == section.pk
        ]

    def store(self, question: Question, form: AnswerForm) -> None:
        values = form.answer_values()
        option = values["option"]
        self.answers[question.key] = {
            "choice": str(option.pk) if option is not None else str(values["kind"]),
            "reason": values["reason"],
            "comment": values["comment"],
            "evidence_url": values["evidence_url"],
        }
        # Reassigned whole, so the session knows it changed.
        self.request.session[session_key(self.questionnaire.pk)] = dict(self.answers)

    def sidebar(self) -> list[Section]:
        for section in self.sections:
            keys = [q.key for q in self.questions if q.section_id == section.pk]
            section.total = len(keys)
            section.answered = sum(1 for k in keys if k in self.answers)
        return self.sections

    def progress(self) -> dict:
        total, answered = len(self.questions), len(self.answers)
        return {
            "answered": answered,
            "total": total,
            "percent": round(100 * answered / total) if total else 0,
        }

    def answer_specs(self) -> list[AnswerSpec]:
        specs = []
        for question in self.questions:
            entry = self.answers.get(question.key)
            if entry is None:
                continue
            choice = entry["choice"]
            if choice in (DONT_KNOW, NOT_APPLICABLE):
                specs.append(AnswerSpec(question.key, AnswerKind(choice)))
            else:
                option = next(o for o in question.options.all() if str(o.pk) == choice)
                specs.append(AnswerSpec(question.key, AnswerKind.OPTION, option.score))
        return specs


def _still_valid(entry: dict, question: Question) -> bool:
    choice = entry.get("choice")
    if choice == DONT_KNOW:
        return True
    if choice == NOT_APPLICABLE:
        return question.allows_not_applicable
    return any(str(o.pk) == choice for o in question.options.all())


def _context(preview: Preview, **extra) -> dict:
    return {
        "questionnaire": preview.questionnaire,
        "sections": preview.sidebar(),
        "progress": preview.progress(),
        **extra,
    }


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
    preview = Preview(request, questionnaire)
    section = preview.section(section_key)
    status = 200
    if request.method == "POST" and request.htmx and request.POST.get("question"):
        return _save_one(request, preview, section)
    if request.method == "POST":
        rows = preview.rows(section, request.POST)
        posted = [r for r in rows if request.POST.get(r.form.add_prefix("choice"))]
        if all(row.form.is_valid() for row in posted):
            for row in posted:
                preview.store(row.question, row.form)
            messages.success(request, _("Section saved in this preview."))
            return redirect(_after(preview, section))
        for row in rows:
            if row not in posted:
                row.form = AnswerForm(
                    question=row.question, initial=preview.answers.get(row.question.key, {})
                )
        status = 400
    else:
        rows = preview.rows(section)
    index = preview.sections.index(section)
    context = _context(
        preview,
        section=section,
        rows=rows,
        previous_section=preview.sections[index - 1] if index > 0 else None,
        next_section=preview.sections[index + 1] if index + 1 < len(preview.sections) else None,
    )
    return render(request, "assessments/preview/section.html", context, status=status)


def _save_one(request, preview: Preview, section: Section):
    """The htmx save of the one question that changed: its fragment, progress and sidebar."""
    rows = preview.rows(section, request.POST)
    row = next((r for r in rows if str(r.question.pk) == request.POST["question"]), None)
    if row is None:
        raise Http404
    context = _context(preview, section=section, row=row, oob=True)
    if not row.form.is_valid():
        return render(request, "assessments/preview/section.html#question", context, status=400)
    preview.store(row.question, row.form)
    row.saved = True
    row.form = AnswerForm(question=row.question, initial=preview.answers[row.question.key])
    context.update(sections=preview.sidebar(), progress=preview.progress())
    return render(request, "assessments/preview/section.html#saved_question", context)


def _after(preview: Preview, section: Section) -> str:
    index = preview.sections.index(section)
    pk = preview.questionnaire.pk
    if index + 1 < len(preview.sections):
        return reverse("assessments:preview_section", args=[pk, preview.sections[index + 1].key])
    return reverse("assessments:preview_results", args=[pk])


@require_safe
def preview_results(request, questionnaire_pk):
    questionnaire = _questionnaire_or_404(request, questionnaire_pk)
    preview = Preview(request, questionnaire)
    context = _context(preview, report=None, error=None)
    try:
        result = assess(model_spec(questionnaire), preview.answer_specs())
    except ValueError as error:
        # A draft may be unfinished (a stage without a level, a question without options...).
        context["error"] = str(error)
    else:
        context["report"] = report_from(questionnaire, result)
    return render(request, "assessments/preview/results.html", context)


@require_POST
def preview_reset(request, questionnaire_pk):
    questionnaire = _questionnaire_or_404(request, questionnaire_pk)
    request.session.pop(session_key(questionnaire.pk), None)
    messages.success(request, _("The preview's answers are cleared."))
    return redirect("assessments:preview", questionnaire_pk=questionnaire.pk)
