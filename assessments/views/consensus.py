"""Agreeing a team's answers: the consensus view and the workshop (docs/team.md).

Both read the respondents and every answer of the assessment in three queries, whatever the
number of respondents or questions, and compute each question's distribution, spread and
suggested answer in Python (`assessments.consensus_view`). The agreed answer is written through
the same store as the section page's, over the version the page drew, so two facilitators never
overwrite each other unseen.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from assessments import consensus
from assessments.access import assessment_or_404, require_editor
from assessments.answering import (
    AnswerConflict,
    AssessmentAnswers,
    Conflict,
    Structure,
    questionnaire_structure,
)
from assessments.consensus_view import Choice, Individual, QuestionView, question_view
from assessments.forms.answers import AnswerForm
from assessments.models import Answer, Assessment, Question

REFUSAL = gettext_lazy("Viewers cannot see individual answers nor agree them.")


class AgreeForm(AnswerForm):
    """The agreed answer: the section page's form, with a choice required and the comment
    called a note (what the team says about why it agreed so)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = _("Note")
        self.fields["choice"].label = _("Agreed answer")

    def clean(self):
        data = super().clean()
        if not data.get("choice") and not self.errors:
            self.add_error("choice", _("Choose the agreed answer."))
        return data


@dataclass(frozen=True)
class Control:
    """One radio or box of the agree form, drawn by the template itself: Django's widget
    templates cost a page of 72 questions a third of its time."""

    id: str
    value: str
    label: str
    checked: bool


@dataclass
class Card:
    """One question as the consensus view and the workshop draw it."""

    question: Question
    number: int
    view: QuestionView
    agreed: Answer | None
    form: AgreeForm
    conflict: Conflict | None = None
    saved: bool = False

    @property
    def is_agreed(self) -> bool:
        return self.agreed is not None and self.agreed.kind != Answer.Kind.NOTE

    def controls(self) -> dict:
        """The agree form's radios and boxes, with what is chosen (posted, or initial)."""
        form = self.form
        choice = str(form["choice"].value() or "")
        radios = [
            Control(f"id_{form.prefix}-choice_{i}", str(value), str(label), str(value) == choice)
            for i, (value, label) in enumerate(form.fields["choice"].choices)
        ]
        boxes = []
        if "boxes" in form.fields:
            checked = {str(v) for v in form["boxes"].value() or ()}
            boxes = [
                Control(f"id_{form.prefix}-boxes_{i}", str(value), str(label), value in checked)
                for i, (value, label) in enumerate(form.fields["boxes"].choices)
            ]
        return {"radios": radios, "boxes": boxes}

    @property
    def agreed_label(self) -> str:
        agreed = self.agreed
        if not self.is_agreed:
            return ""
        if agreed.kind == Answer.Kind.OPTION:
            return next(o.label for o in self.question.options.all() if o.pk == agreed.option_id)
        if agreed.kind == Answer.Kind.CHECKED:
            boxes = set(agreed.boxes)
            return ", ".join(o.label for o in self.question.options.all() if o.pk in boxes)
        if agreed.kind == Answer.Kind.NOT_APPLICABLE:
            return _("Does not apply")
        return _("Don't know")


@dataclass
class Board:
    cards: list[Card]  # in the questionnaire's order
    progress: consensus.Agreement

    def card(self, question_pk: int) -> Card | None:
        return next((c for c in self.cards if c.question.pk == question_pk), None)


def individual_or_404(assessment: Assessment) -> None:
    if not assessment.is_individual:
        raise Http404(_("This assessment has one shared answer set: there is nothing to agree."))


def agreed_questions(assessment: Assessment, structure: Structure, agreed: dict[int, Answer]):
    """The questions a team agrees, in order: scored, in scope and asked (by the agreed
    answers' conditions)."""
    store = AssessmentAnswers(assessment, structure)
    left_out = store.excluded() | structure.hidden_by(agreed)
    return [q for q in structure.questions.values() if q.is_scored and q.pk not in left_out]


def board(assessment: Assessment, structure: Structure, *, names: bool = True) -> Board:
    """Every question's card: three queries (the respondents, the agreed answers, the individual
    ones), the rest in Python."""
    people = assessment.respondents.select_related("user").order_by("number")
    respondents = {r.pk: r.label(names) for r in people}
    options = {o.pk: o for q in structure.questions.values() for o in q.options.all()}
    agreed: dict[int, Answer] = {}
    for answer in Answer.objects.filter(assessment=assessment, respondent__isnull=True):
        # The option from the cached structure: no query per answer.
        answer.option = options.get(answer.option_id)
        agreed[answer.question_id] = answer
    # Plain tuples, not model instances: thousands of them with a team of thirty.
    individual: dict[int, list[tuple]] = {}
    rows = (
        Answer.objects.filter(assessment=assessment, respondent__isnull=False)
        .order_by()
        .values_list(
            "question_id", "respondent_id", "kind", "option_id", "boxes", "reason", "comment"
        )
    )
    for question_id, *row in rows:
        if row[0] in respondents:
            individual.setdefault(question_id, []).append(row)
    cards = []
    for question in agreed_questions(assessment, structure, agreed):
        answers = sorted(individual.get(question.pk, []), key=lambda row: row[0])
        choices = [Choice(o.pk, o.label, float(o.score)) for o in question.options.all()]
        view = question_view(
            choices,
            [
                Individual(respondents[pk], kind, option, tuple(boxes or ()), reason, comment)
                for pk, kind, option, boxes, reason, comment in answers
            ],
            checklist=question.is_checklist,
            allows_not_applicable=question.allows_not_applicable,
        )
        answer = agreed.get(question.pk)
        cards.append(
            Card(
                question=question,
                number=structure.numbers[question.pk],
                view=view,
                agreed=answer,
                form=agree_form(question, answer, view),
            )
        )
    return Board(cards, progress_of(cards))


def progress_of(cards: list[Card]) -> consensus.Agreement:
    return consensus.agreement((card.is_agreed, card.view.spread) for card in cards)


def agree_form(question: Question, agreed: Answer | None, view: QuestionView) -> AgreeForm:
    """The agreed answer as it stands, or, before there is one, the suggested answer (with any
    note already kept)."""
    initial = AnswerForm.initial_for(agreed)
    if (agreed is None or agreed.kind == Answer.Kind.NOTE) and view.suggestion:
        suggested = view.suggestion
        initial["choice"] = "" if suggested.boxes else suggested.choice
        initial["boxes"] = [str(pk) for pk in suggested.boxes]
    return AgreeForm(question=question, initial=initial, prefix=f"a-{question.pk}")


def ordered(cards: list[Card], order: str, show: str) -> list[Card]:
    """By disagreement (the strongest first, then by number), or in the questionnaire's order;
    only those not yet agreed with show="open"."""
    if show == "open":
        cards = [card for card in cards if not card.is_agreed]
    if order == "questionnaire":
        return list(cards)
    return sorted(cards, key=lambda card: (-card.view.spread, card.number))


def page_state(request) -> dict:
    """The order and filter of the consensus page, kept across an agree."""
    source = request.POST if request.method == "POST" else request.GET
    order = "questionnaire" if source.get("order") == "questionnaire" else "spread"
    show = "open" if source.get("show") == "open" else ""
    return {"order": order, "show": show}


def consensus_url(assessment: Assessment, state: dict, anchor: str = "") -> str:
    url = reverse("assessments:consensus", args=[assessment.organization.slug, assessment.pk])
    query = {k: v for k, v in state.items() if v and (k, v) != ("order", "spread")}
    return url + (f"?{urlencode(query)}" if query else "") + (f"#{anchor}" if anchor else "")


def page_context(membership, assessment: Assessment, the_board: Board, state: dict) -> dict:
    return {
        "membership": membership,
        "organization": membership.organization,
        "assessment": assessment,
        "board": the_board,
        "progress": the_board.progress,
        "cards": ordered(the_board.cards, state["order"], state["show"]),
        "locked": assessment.is_locked,
        **state,
    }


@login_required
@require_safe
def consensus_view(request, org_slug, pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_editor(membership, REFUSAL)
    individual_or_404(assessment)
    structure = questionnaire_structure(assessment.questionnaire)
    the_board = board(assessment, structure)
    context = page_context(membership, assessment, the_board, page_state(request))
    return render(request, "assessments/consensus.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consensus_agree(request, org_slug, pk, question_pk):
    """Set a question's agreed answer (POST); GET draws its card again ("keep theirs")."""
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_editor(membership, REFUSAL)
    individual_or_404(assessment)
    structure = questionnaire_structure(assessment.questionnaire)
    question = structure.questions.get(question_pk)
    if question is None or not question.is_scored:
        raise Http404(_("No such question to agree in this assessment."))
    state = page_state(request)
    workshop = request.POST.get("next") == "workshop"
    names = request.POST.get("names") == "1"
    the_board = board(assessment, structure, names=names or not workshop)
    card = the_board.card(question.pk)
    if card is None:
        raise Http404(_("This question is not asked in this assessment."))
    if request.method == "GET":
        if not request.htmx:
            return redirect(consensus_url(assessment, state, f"q-{question.key}"))
        return render_card(request, membership, assessment, the_board, card, state)
    if assessment.is_locked:
        return HttpResponse(
            _("This assessment is submitted; its agreed answers are locked."), status=409
        )
    card.form = AgreeForm(request.POST, question=question, prefix=f"a-{question.pk}")
    status = 200
    if not card.form.is_valid():
        status = 400
    else:
        resolve = request.POST.get(card.form.add_prefix("resolve"), "")
        try:
            card.agreed = AssessmentAnswers(assessment, structure).record(
                [(question, card.form.answer_values())],
                request.user,
                [card.form.start(resolve)],
            )[0]
        except AnswerConflict as refused:
            card.conflict = refused.conflicts[0]
            status = 409
    if status == 200:
        if workshop:
            return redirect(workshop_next(assessment, the_board, card, names))
        if not request.htmx:
            return redirect(consensus_url(assessment, state, f"q-{question.key}"))
        card.saved = True
        card.form = agree_form(question, card.agreed, card.view)
        the_board.progress = progress_of(the_board.cards)
    if workshop:
        context = workshop_context(membership, assessment, the_board, card, names)
        return render(request, "assessments/workshop.html", context, status=status)
    if not request.htmx:
        context = page_context(membership, assessment, the_board, state)
        return render(request, "assessments/consensus.html", context, status=status)
    return render_card(request, membership, assessment, the_board, card, state, status)


def render_card(request, membership, assessment, the_board, card, state, status=200):
    context = {
        **page_context(membership, assessment, the_board, state),
        "card": card,
        "oob": True,
    }
    return render(request, "assessments/consensus.html#card_saved", context, status=status)


# The workshop: one question at a time, on a shared screen.


def workshop_url(assessment: Assessment, number: int, names: bool = False) -> str:
    url = reverse(
        "assessments:workshop_question",
        args=[assessment.organization.slug, assessment.pk, number],
    )
    return url + ("?names=1" if names else "")


def workshop_next(assessment: Assessment, the_board: Board, card: Card, names: bool) -> str:
    """After agreeing: the next question, or the same one at the end."""
    index = the_board.cards.index(card)
    following = the_board.cards[min(index + 1, len(the_board.cards) - 1)]
    return workshop_url(assessment, following.number, names)


def workshop_context(membership, assessment, the_board: Board, card: Card, names: bool) -> dict:
    index = the_board.cards.index(card)
    before = the_board.cards[index - 1] if index > 0 else None
    after = the_board.cards[index + 1] if index + 1 < len(the_board.cards) else None
    return {
        "membership": membership,
        "organization": membership.organization,
        "assessment": assessment,
        "card": card,
        "progress": the_board.progress,
        "position": index + 1,
        "count": len(the_board.cards),
        "previous_url": workshop_url(assessment, before.number, names) if before else "",
        "next_url": workshop_url(assessment, after.number, names) if after else "",
        "toggle_url": workshop_url(assessment, card.number, not names),
        "here_url": workshop_url(assessment, card.number, names),
        "names": names,
        "locked": assessment.is_locked,
    }


@login_required
@require_safe
def workshop(request, org_slug, pk):
    """The first question not yet agreed, or the first of all once every one is."""
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_editor(membership, REFUSAL)
    individual_or_404(assessment)
    the_board = board(assessment, questionnaire_structure(assessment.questionnaire))
    if not the_board.cards:
        raise Http404(_("This questionnaire has no question to agree."))
    first = next((c for c in the_board.cards if not c.is_agreed), the_board.cards[0])
    return redirect(workshop_url(assessment, first.number, request.GET.get("names") == "1"))


@login_required
@require_safe
def workshop_question(request, org_slug, pk, number):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_editor(membership, REFUSAL)
    individual_or_404(assessment)
    names = request.GET.get("names") == "1"
    the_board = board(assessment, questionnaire_structure(assessment.questionnaire), names=names)
    card = next((c for c in the_board.cards if c.number == number), None)
    if card is None:
        raise Http404(_("No question of this number to agree."))
    context = workshop_context(membership, assessment, the_board, card, names)
    return render(request, "assessments/workshop.html", context)
