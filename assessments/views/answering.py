"""Taking an assessment: start, one section per page, answers saved on change, submit and reopen.

The section page and the single-answer save are shared with the staff preview (views.preview):
an `Answering` says what differs between the two, the views below do the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import caches, standards
from assessments.access import (
    assessment_or_404,
    membership_or_404,
    require_editor,
    require_owner,
)
from assessments.answering import (
    AnswerConflict,
    AnswerStore,
    AssessmentAnswers,
    Conflict,
    Structure,
    Tally,
    answer_label,
    choice_of,
    questionnaire_structure,
)
from assessments.forms.answers import AnswerForm
from assessments.forms.assessments import StartAssessmentForm
from assessments.models import (
    Answer,
    Assessment,
    Membership,
    Question,
    Questionnaire,
    Respondent,
    Section,
)
from assessments.reporting import section_info
from assessments.scopes import Exclusion, find

# The fields of a question's form that make it worth saving when the whole section is sent.
SENT = ("choice", "boxes", "comment", "evidence_url")


@dataclass
class QuestionRow:
    question: Question
    number: int
    answer: Answer | None
    form: AnswerForm
    save_url: str
    description: str  # HTML: the question's stage, pillar, layer and help
    saved: bool = False
    confirmed: bool = False  # a carried-over answer confirmed as it is, by this request
    conflict: Conflict | None = None  # a colleague's different choice, met by this save
    # The choice that stays when this save changed only texts on top of a colleague's newer one.
    kept_choice: str = ""
    kept_value: str = ""  # that choice as the radios name it, for app.js to check it on screen
    history_url: str = ""  # an assessment's only: every change of the answer
    confirm_url: str = ""  # an assessment's only: confirm a carried-over answer as it is
    # Not asked, by a condition on an earlier answer: on the page but out of sight.
    hidden: bool = False
    # The section, layer or pillar exclusion that keeps this question out of the counts.
    out_of_scope: Exclusion | None = None
    # After a save: the numbers of this page's questions its answer asks, said in the status line
    # (a screen reader hears that they appeared).
    brings_up: list[int] = field(default_factory=list)
    # A respondent's own answers only, when they may see it: how the others answered, without
    # names (`individual.others_summary`); None where nothing of the others is shown.
    others: str | None = None


@dataclass
class SectionProgress:
    """A section as the sidebar shows it: how many of its questions have an answer."""

    section: Section
    total: int
    answered: int
    url: str
    current: bool
    unreviewed: int = 0  # carried-over answers nobody has confirmed or changed yet

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


@dataclass
class Answering:
    """One way of answering a questionnaire version: an assessment's, or a staff preview's.

    What differs between the two: where the answers are kept, whether they may change, where the
    links lead, and what the page says around the questions (`context`, `preview`).
    """

    questionnaire: Questionnaire
    structure: Structure
    store: AnswerStore
    can_edit: bool
    section_url: Callable[[str], str]  # a section's key -> its page
    save_url: Callable[[Question], str]  # where the htmx save of one question goes
    results_url: str
    saved_message: str  # once the whole section's form is saved
    context: dict = field(default_factory=dict)  # what only one of the two pages shows
    # An assessment's answers have a history, and carried-over ones to confirm; a preview's not.
    history_url: Callable[[Question], str] | None = None
    confirm_url: Callable[[Question], str] | None = None
    # A respondent's answering, when they may see the others' answers: by question pk, how the
    # others answered the `questions` given, read at once for all of them.
    others: Callable[[Sequence[Question]], dict[int, str]] | None = None

    def section_or_404(self, key: str) -> Section:
        section = self.structure.section_by_key.get(key)
        if section is None:
            raise Http404("No such section in this questionnaire.")
        return section

    def question_or_404(self, pk: int) -> Question:
        question = self.structure.questions.get(pk)
        if question is None:
            raise Http404("No such question in this questionnaire.")
        return question

    def rows(self, questions, data=None, hidden: frozenset[int] = frozenset()) -> list[QuestionRow]:
        """The questions with their stored answers, and with `data` if posted; those `hidden`
        (pks) not asked."""
        answers = self.store.answers(questions)
        others = self.others(questions) if self.others is not None else {}
        return [
            self.row(
                question,
                data,
                answers.get(question.pk),
                bound=data is not None,
                hidden=question.pk in hidden,
                others=others.get(question.pk, "") if self.others is not None else None,
            )
            for question in questions
        ]

    def row(
        self, question: Question, data=None, answer=None, bound=True, hidden=False, others=None
    ) -> QuestionRow:
        return QuestionRow(
            others=others,
            hidden=hidden,
            question=question,
            number=self.structure.numbers[question.pk],
            answer=answer,
            form=AnswerForm(
                data if bound else None,
                question=question,
                initial=AnswerForm.initial_for(answer),
                disabled=not self.can_edit,
            ),
            save_url=self.save_url(question),
            description=self.description(question),
            history_url=self.history_url(question) if self.history_url else "",
            confirm_url=self.confirm_url(question) if self.confirm_url else "",
            out_of_scope=self.out_of_scope(question),
        )

    def out_of_scope(self, question: Question):
        """The exclusion that puts `question` out of scope (an assessment's only), or None."""
        exclusion_of = getattr(self.store, "exclusion_of", None)
        return exclusion_of(question) if exclusion_of is not None else None

    def description(self, question: Question) -> SafeString:
        # A tenth of a millisecond or more per question, every time: a section page of ten
        # questions drew them in 3.7 ms of its 18.
        return caches.published_piece(
            self.questionnaire,
            "question-description",
            question.pk,
            lambda: render_to_string(
                "assessments/section.html#question_description",
                {
                    "question": question,
                    "names": self.questionnaire.axis_names,
                    # A progress version's questions sit on a stage only because the format
                    # asks for one; no result names it, so neither does the question.
                    "show_stage": self.questionnaire.scoring_method
                    != Questionnaire.ScoringMethod.PROGRESS,
                    # "Every <layer>" only where the version has layers to be every one of.
                    "has_layers": question.layer_id is not None
                    or self.questionnaire.layers.exists(),
                    # The standards the practice evidences, read once per version with the rest.
                    "crosswalk": standards.crosswalk_of(
                        standards.read_standards(self.questionnaire.standards),
                        standards.read_mappings(question.mappings),
                    ),
                },
            ),
        )

    def sidebar(
        self, current: Section | None = None, tally: Tally | None = None
    ) -> list[SectionProgress]:
        tally = tally or self.store.tally()
        return [
            SectionProgress(
                section,
                self.structure.total(section, tally.uncounted),
                tally.answered.get(section.pk, 0),
                url=self.section_url(section.key),
                current=current is not None and section.pk == current.pk,
                unreviewed=tally.unreviewed.get(section.pk, 0),
            )
            for section in self.structure.sections
        ]

    def after(self, section: Section) -> str:
        following = self.structure.following(section)
        return self.results_url if following is None else self.section_url(following.key)


# A value both the int and the slug converters take, and that no pattern's fixed text holds.
_PLACEHOLDER = "2147483647"


def url_maker(viewname: str, *args) -> Callable[[object], str]:
    """`reverse(viewname, args=[*args, last])` for many values of `last`, reversing only once.

    The links of a page to each of its sections or questions differ only in their last
    argument: the URL is reversed with a placeholder there, which is then replaced.
    """
    head, _placeholder, tail = reverse(viewname, args=[*args, _PLACEHOLDER]).rpartition(
        _PLACEHOLDER
    )
    return lambda last: f"{head}{last}{tail}"


def progress(sections: list[SectionProgress]) -> dict:
    total = sum(s.total for s in sections)
    answered = sum(s.answered for s in sections)
    return {
        "answered": answered,
        "total": total,
        "percent": round(100 * answered / total) if total else 0,
        "unreviewed": sum(s.unreviewed for s in sections),
    }


def answer_section(request, answering: Answering, section: Section) -> HttpResponse:
    """A section's page; its POST is the form of every question, what a browser without
    JavaScript submits: all of it is saved, or none if any answer is wrong."""
    status = 200
    questions = answering.structure.section_questions[section.pk]
    if request.method == "POST":
        hidden_before = answering.store.hidden()
        rows = answering.rows(questions, request.POST, hidden_before)
        resolve = {
            row.question.pk: request.POST.get(row.form.add_prefix("resolve")) for row in rows
        }
        # A question is sent when it has a choice, or a comment or link to keep as a note; not
        # when the person chose to keep a colleague's answer in the conflict panel.
        posted = [
            r
            for r in rows
            if any(request.POST.get(r.form.add_prefix(f)) for f in SENT)
            and resolve[r.question.pk] != "theirs"
        ]
        if all(row.form.is_valid() for row in posted):
            starts = [row.form.start(resolve[row.question.pk] or "") for row in posted]
            # What the person did not change is not written again over a colleague's.
            changed = [
                (row, start)
                for row, start in zip(posted, starts, strict=True)
                if start is None or start.changed
            ]
            try:
                answering.store.record(
                    [(row.question, row.form.answer_values()) for row, _start in changed],
                    request.user,
                    [start for _row, start in changed],
                )
            except AnswerConflict as refused:
                conflicts = {c.question.pk: c for c in refused.conflicts}
                for row in posted:
                    row.conflict = conflicts.get(row.question.pk)
                status = 409
            else:
                messages.success(request, answering.saved_message)
                if any(value == "theirs" for value in resolve.values()):
                    return redirect(answering.section_url(section.key))
                # An answer that brought up a question of this section: back to it, to answer.
                shown = [q for q in questions if q.pk in hidden_before - answering.store.hidden()]
                if shown:
                    return redirect(f"{answering.section_url(section.key)}#q-{shown[0].key}")
                return redirect(answering.after(section))
        else:
            status = 400
        # Only the answers sent are checked; the others show what is stored.
        for index, row in enumerate(rows):
            if row not in posted:
                rows[index] = answering.row(
                    row.question,
                    answer=row.answer,
                    bound=False,
                    hidden=row.hidden,
                    others=row.others,
                )
        tally = answering.store.tally()
    else:
        tally = answering.store.tally()
        rows = answering.rows(questions, hidden=tally.hidden)
    # The filter "carried over, not yet reviewed": only those questions, to go through them.
    only_unreviewed = request.GET.get("show") == "unreviewed" and answering.confirm_url is not None
    if only_unreviewed:
        rows = [row for row in rows if row.answer is not None and row.answer.needs_review]
    sections = answering.sidebar(section, tally)
    index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    context = {
        **answering.context,
        "section": section,
        "about": section_info(section),
        "out_of_scope": _out_of_scope(answering, section),
        "section_url": sections[index].url,
        "results_url": answering.results_url,
        "sections": sections,
        "rows": rows,
        "progress": progress(sections),
        "previous_section": sections[index - 1] if index > 0 else None,
        "next_section": sections[index + 1] if index + 1 < len(sections) else None,
        "can_edit": answering.can_edit,
        "only_unreviewed": only_unreviewed,
        "section_unreviewed": sections[index].unreviewed,
    }
    return render(request, "assessments/section.html", context, status=status)


def _out_of_scope(answering: Answering, section: Section) -> Exclusion | None:
    """The section's exclusion, when its assessment (not a preview) put it out of scope."""
    assessment = answering.context.get("assessment")
    return find(assessment.exclusions, "section", section.key) if assessment else None


def answer_question(request, answering: Answering, question: Question) -> HttpResponse:
    """The save of the one question that changed.

    For htmx, only the question's status line changes, with the progress and the sidebar, all
    out of band (`question_saved`): the page's inputs are never replaced, so nothing typed
    while the save travels is lost, and focus and open details stay. A refused save (400)
    likewise sends only its problems (`question_refused`): the simplest way to keep every
    typed character is to leave the controls alone, and app.js marks those named invalid.
    So does a save that met a colleague's different choice (409, `Conflict`): the status line
    shows both and asks. Without htmx: back to the question on its page, or the question drawn
    again with its problems (or the conflict) and the posted values."""
    # Bound to what was posted, without reading the stored answer: it is about to be replaced.
    row = answering.row(question, request.POST)
    context = {**answering.context, "row": row, "can_edit": answering.can_edit}
    if not row.form.is_valid():
        template = "question_refused" if request.htmx else "question"
        return render(request, f"assessments/section.html#{template}", context, status=400)
    resolve = request.POST.get(row.form.add_prefix("resolve"), "")
    back = f"{answering.section_url(question.section.key)}#q-{question.key}"
    if resolve == "theirs":
        # The colleague's answer stays: the question is drawn again from it, whole.
        if not request.htmx:
            return redirect(back)
        context.update(row=answering.rows([question])[0], oob=True)
        return render(request, "assessments/section.html#question", context)
    try:
        row.answer = answering.store.record(
            [(question, row.form.answer_values())], request.user, [row.form.start(resolve)]
        )[0]
    except AnswerConflict as refused:
        row.conflict = refused.conflicts[0]
        template = "question_refused" if request.htmx else "question"
        return render(request, f"assessments/section.html#{template}", context, status=409)
    if not request.htmx:
        return redirect(back)
    row.saved = True
    stored = row.answer
    stored_choice = choice_of(stored.kind, stored.option, stored.boxes)
    if stored_choice != row.form.cleaned_data["choice"]:
        row.kept_choice = answer_label(question, stored.kind, stored.option, stored.boxes)
        row.kept_value = stored_choice
    # The next save starts from what this one wrote (`question_start`, out of band).
    row.form = AnswerForm(question=question, initial=AnswerForm.initial_for(row.answer))
    tally = answering.store.tally()
    sections = answering.sidebar(question.section, tally)
    # The questions of this page whose being asked hangs on this answer: shown or hidden now,
    # out of band, by a marker beside each (their inputs are never replaced).
    on_page = [
        dependent
        for dependent in answering.structure.dependents(question)
        if dependent.section_id == question.section_id
    ]
    dependents = [(dependent.key, dependent.pk in tally.hidden) for dependent in on_page]
    row.brings_up = [answering.structure.numbers[d.pk] for d in on_page if d.pk not in tally.hidden]
    context.update(sections=sections, progress=progress(sections), oob=True, dependents=dependents)
    return render(request, "assessments/section.html#question_saved", context)


def assessment_answering(membership: Membership, assessment: Assessment) -> Answering:
    structure = questionnaire_structure(assessment.questionnaire)
    org_slug = assessment.organization.slug
    section_url = url_maker("assessments:section", org_slug, assessment.pk)
    save_url = url_maker("assessments:answer_save", org_slug, assessment.pk)
    history_url = url_maker("assessments:answer_history", org_slug, assessment.pk)
    confirm_url = url_maker("assessments:answer_confirm", org_slug, assessment.pk)
    return Answering(
        questionnaire=assessment.questionnaire,
        structure=structure,
        store=AssessmentAnswers(assessment, structure),
        can_edit=membership.can_edit and not assessment.is_locked,
        section_url=section_url,
        save_url=lambda question: save_url(question.pk),
        history_url=lambda question: history_url(question.pk),
        confirm_url=lambda question: confirm_url(question.pk),
        results_url=reverse("assessments:results", args=[org_slug, assessment.pk]),
        saved_message=_("Section saved."),
        context={
            "membership": membership,
            "organization": membership.organization,
            "assessment": assessment,
            "questionnaire": assessment.questionnaire,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start(request, org_slug):
    """The start form; with htmx, choosing another model redraws only the fields that follow it
    (the title and the answers to start from)."""
    membership = membership_or_404(request, org_slug)
    require_editor(membership)
    organization = membership.organization
    if request.method == "POST":
        form = StartAssessmentForm(request.POST, organization=organization)
        if form.is_valid():
            assessment = form.create(user=request.user)
            if assessment.is_individual:
                messages.success(
                    request, _("Assessment started. Now add the members who answer on their own.")
                )
                return redirect("assessments:team", org_slug=organization.slug, pk=assessment.pk)
            messages.success(request, _("Assessment started. Answers save as you go."))
            return redirect("assessments:assessment", org_slug=organization.slug, pk=assessment.pk)
    else:
        sent = {
            name: request.GET[name] for name in ("questionnaire", "title") if name in request.GET
        }
        form = StartAssessmentForm(initial=sent, organization=organization)
    template = "assessments/start.html"
    if request.method == "GET" and request.headers.get("HX-Request"):
        template += "#details"
    return render(
        request,
        template,
        {"form": form, "organization": organization, "membership": membership},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def assessment_resume(request, org_slug, pk):
    """Take the person back to the section they last saved in, or to the first one with open
    questions."""
    _membership, assessment = assessment_or_404(request, org_slug, pk)
    # Answered individually: a respondent's place is their own answers.
    if (
        assessment.is_individual
        and not assessment.is_locked
        and Respondent.objects.of_user(assessment, request.user) is not None
    ):
        return redirect("assessments:my_answers", org_slug=org_slug, pk=pk)
    structure = questionnaire_structure(assessment.questionnaire)
    if not structure.sections:
        return redirect("assessments:results", org_slug=org_slug, pk=pk)
    target = AssessmentAnswers(assessment, structure).section_to_resume(request.user)
    return redirect("assessments:section", org_slug=org_slug, pk=pk, section_key=target.key)


@login_required
@require_http_methods(["GET", "POST"])
def section(request, org_slug, pk, section_key):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    answering = assessment_answering(membership, assessment)
    section = answering.section_or_404(section_key)
    if assessment.is_individual:
        # The page links a respondent to their own answers (views.individual).
        answering.context["my_respondent"] = Respondent.objects.of_user(assessment, request.user)
    if request.method == "POST":
        require_editor(membership)
        if assessment.is_locked:
            return HttpResponse(
                _("This assessment is submitted; its answers are locked."), status=409
            )
    return answer_section(request, answering, section)


@login_required
@require_POST
def answer_save(request, org_slug, pk, question_pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_editor(membership)
    answering = assessment_answering(membership, assessment)
    question = answering.question_or_404(question_pk)
    if assessment.is_locked:
        # The answer as it stays: stored, and no longer to be changed.
        context = {
            **answering.context,
            "row": answering.rows([question])[0],
            "can_edit": False,
            "locked_message": _("This assessment was submitted; answers are locked."),
            # Drawn whole, out of band: the stored answer, which can no longer be changed.
            "oob": True,
        }
        return render(request, "assessments/section.html#question", context, status=409)
    return answer_question(request, answering, question)


@dataclass
class ReviewItem:
    """A question the review points at: unanswered, "don't know", "not applicable", carried
    over from an earlier assessment and not yet reviewed, or not asked (by a condition on an
    earlier answer)."""

    question: Question
    number: int
    url: str  # the question on its section page
    answer: Answer | None
    not_asked: bool = False

    @property
    def kind(self) -> str:
        if self.not_asked:
            return "not_asked"
        if self.answer is None or self.answer.kind == Answer.Kind.NOTE:
            return "unanswered"
        if self.answer.kind == Answer.Kind.CHECKED:
            return Answer.Kind.OPTION  # answered, by its boxes
        return self.answer.kind

    @property
    def label(self) -> str:
        """The answer in words, for an answered item listed as carried over."""
        answer = self.answer
        if answer is None:
            return ""
        return answer_label(self.question, answer.kind, answer.option, answer.boxes)

    @property
    def unreviewed(self) -> bool:
        return not self.not_asked and self.answer is not None and self.answer.needs_review

    def shown_by(self, show: str) -> bool:
        return not show or (self.unreviewed if show == "unreviewed" else self.kind == show)


# What the review can be narrowed to (`?show=`).
REVIEW_FILTERS = ("unanswered", "dont_know", "not_applicable", "unreviewed", "not_asked")


@dataclass
class ReviewSection:
    section: Section
    url: str
    total: int
    items: list[ReviewItem]


def review(answering: Answering, show: str = "") -> tuple[list[ReviewSection], dict[str, int]]:
    """Per section, the questions still open, answered without a score, or carried over and not
    yet reviewed (only those `show` names, if it names some); and how many of each."""
    structure = answering.structure
    answers = answering.store.answers(list(structure.questions.values()))
    hidden = structure.hidden_by(answers)
    # Out of scope: decided by the organization, so nothing to check before submitting.
    excluded = frozenset(
        pk for pk, question in structure.questions.items() if answering.out_of_scope(question)
    )
    sections = []
    counts = dict.fromkeys(REVIEW_FILTERS, 0)
    # Free text is never scored: it is neither counted nor listed as open. A question not asked
    # is not counted either; it is listed as such.
    counts["total"] = sum(
        question.is_scored and question.pk not in hidden and question.pk not in excluded
        for question in structure.questions.values()
    )
    for section in structure.sections:
        url = answering.section_url(section.key)
        items = []
        for question in structure.section_questions[section.pk]:
            if not question.is_scored or question.pk in excluded:
                continue
            number = structure.numbers[question.pk]
            answer = answers.get(question.pk)
            item = ReviewItem(
                question, number, f"{url}#q-{question.key}", answer, question.pk in hidden
            )
            if item.kind == Answer.Kind.OPTION and not item.unreviewed:
                continue
            if item.kind != Answer.Kind.OPTION:
                counts[item.kind] += 1
            counts["unreviewed"] += item.unreviewed
            if item.shown_by(show):
                items.append(item)
        uncounted = hidden | excluded
        sections.append(ReviewSection(section, url, structure.total(section, uncounted), items))
    counts["answered"] = counts["total"] - counts["unanswered"]
    return sections, counts


@login_required
@require_http_methods(["GET", "POST"])
def assessment_submit(request, org_slug, pk):
    """GET: the review before submitting, what is unanswered or answered without a score. POST
    with `confirm=1`, which only the review's form sends: submit, and so lock the answers. A POST
    without it (an old page's form, a double click elsewhere) is sent to the review."""
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_editor(membership)
    if assessment.is_locked:
        return redirect("assessments:results", org_slug=org_slug, pk=pk)
    if request.method == "POST":
        if request.POST.get("confirm") != "1":
            see_other = HttpResponseRedirect(
                reverse("assessments:assessment_review", args=[org_slug, pk])
            )
            see_other.status_code = 303
            return see_other
        assessment.submit()
        messages.success(request, _("Submitted. The answers are locked; an owner can reopen them."))
        return redirect("assessments:results", org_slug=org_slug, pk=pk)
    answering = assessment_answering(membership, assessment)
    show = request.GET.get("show", "")
    if show not in REVIEW_FILTERS:
        show = ""
    sections, counts = review(answering, show)
    context = {
        **answering.context,
        "sections": [s for s in sections if s.items],
        "counts": counts,
        "show": show,
    }
    return render(request, "assessments/review.html", context)


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
