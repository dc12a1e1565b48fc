"""One question's individual answers as the consensus view and the workshop show them.

Pure functions over plain data (no database): the view reads the respondents and their answers
once and hands each question's here. The rules are `assessments.consensus`'s; docs/team.md says
them in words.

Free-text questions are not agreed: they take no position and have no agreed answer to score, so
the consensus view and the workshop leave them out (their words stay on each respondent's own
pages and in the exports).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from assessments import consensus
from assessments.forms.answers import boxes_choice

OPTION = "option"
CHECKED = "checked"
DONT_KNOW = "dont_know"
NOT_APPLICABLE = "not_applicable"
NOTE = "note"


@dataclass(frozen=True)
class Choice:
    """One of a question's answers as the question words it: (pk, label, score)."""

    pk: int
    label: str
    score: float


@dataclass(frozen=True)
class Individual:
    """One respondent's answer to the question, as stored."""

    who: str  # the respondent's label (their name, or "Respondent 3")
    kind: str
    option: int | None = None  # the option's pk
    boxes: Sequence[int] = ()
    reason: str = ""
    comment: str = ""


@dataclass(frozen=True)
class Said:
    """Who chose an answer, and what they added: a comment, or why it does not apply."""

    who: str
    comment: str = ""
    reason: str = ""


@dataclass
class Bucket:
    """One line of the distribution: an option, a box, "don't know" or "does not apply"."""

    key: str  # the option's or box's pk, or the kind
    label: str
    people: list[Said] = field(default_factory=list)
    number: int = 0  # the option's number in the agree form (1, 2, ...); 0 for none

    @property
    def count(self) -> int:
        return len(self.people)

    def people_html(self) -> SafeString:
        """Who chose this, with what they said, as the consensus view lists them: built here
        rather than in a template loop, which cost a page of 30 people × 72 questions half its
        time. Every text is escaped."""
        because = escape(_("because"))
        parts = []
        for person in self.people:
            said = ""
            if person.reason:
                said += f": {because} {escape(person.reason)}"
            if person.comment:
                said += f" — “{escape(person.comment)}”"
            shown = ' class="said"' if said else ""
            parts.append(
                f'<span{shown}><span class="fw-semibold">{escape(person.who)}</span>{said}</span>'
            )
        return mark_safe("".join(parts))  # noqa: S308 - every text escaped above


@dataclass(frozen=True)
class Suggestion:
    """The suggested agreed answer: the form's choice (an option's pk, a kind, or the boxes as
    `boxes_choice`), the boxes checked, and what it says in words."""

    choice: str
    boxes: tuple[int, ...]
    label: str


@dataclass
class QuestionView:
    buckets: list[Bucket]
    answered: int  # respondents who took a position or said "don't know"
    spread: float  # 0 (all agree) to 1 (as far apart as the question allows)
    suggestion: Suggestion | None
    notes: list[Said]  # comments of respondents who chose no answer

    @property
    def strong(self) -> bool:
        return consensus.is_strong(self.spread)

    @property
    def percent(self) -> int:
        return round(self.spread * 100)

    @property
    def most(self) -> int:
        return max((bucket.count for bucket in self.buckets), default=0)

    @property
    def spread_words(self) -> str:
        if not self.answered:
            return _("No answers yet")
        if self.spread == 0:
            return _("Everyone agrees")
        if self.strong:
            return _("Strong disagreement")
        return _("Some disagreement")


def position(individual: Individual, ranks: dict[int, int]) -> consensus.Position | None:
    """The answer as the spread reads it; None for a note (no answer chosen)."""
    kind = individual.kind
    if kind == OPTION and individual.option in ranks:
        return consensus.option(ranks[individual.option])
    if kind == CHECKED:
        return consensus.checked(individual.boxes)
    if kind == NOT_APPLICABLE:
        return consensus.NOT_APPLICABLE_POSITION
    if kind == DONT_KNOW:
        return consensus.DONT_KNOW_POSITION
    return None


def question_view(
    choices: Sequence[Choice],
    individuals: Iterable[Individual],
    *,
    checklist: bool = False,
    allows_not_applicable: bool = False,
) -> QuestionView:
    """The distribution, spread and suggested agreed answer of one question.

    Every option (or box) is listed, chosen or not, in the question's order, then "don't know"
    and, where the question allows it, "does not apply" (with each person's reason); a person
    who checked several boxes is under each.
    """
    individuals = list(individuals)
    ranks = consensus.scale_ranks([(c.pk, c.score) for c in choices])
    buckets = {str(c.pk): Bucket(str(c.pk), c.label) for c in choices}
    buckets[DONT_KNOW] = Bucket(DONT_KNOW, _("Don't know"))
    if allows_not_applicable:
        buckets[NOT_APPLICABLE] = Bucket(NOT_APPLICABLE, _("Does not apply"))
    if not checklist:
        for number, bucket in enumerate(buckets.values(), start=1):
            bucket.number = number
    positions = []
    notes = []
    for individual in individuals:
        taken = position(individual, ranks)
        if taken is None:
            if individual.comment:
                notes.append(Said(individual.who, individual.comment))
            continue
        positions.append(taken)
        said = Said(individual.who, individual.comment, individual.reason)
        if individual.kind == OPTION:
            keys = [str(individual.option)]
        elif individual.kind == CHECKED:
            keys = [str(pk) for pk in individual.boxes]
        else:
            keys = [individual.kind]
        for key in keys:
            # A "does not apply" the question no longer allows still shows.
            bucket = buckets.setdefault(key, Bucket(key, _("Does not apply")))
            bucket.people.append(said)
    steps = len(choices) - 1
    return QuestionView(
        buckets=list(buckets.values()),
        answered=len(positions),
        spread=consensus.spread(positions, steps),
        suggestion=suggestion(consensus.median(positions), choices, ranks),
        notes=notes,
    )


def suggestion(
    median: consensus.Position | None, choices: Sequence[Choice], ranks: dict[int, int]
) -> Suggestion | None:
    """The median as the agree form takes it; None when there is nothing to start from (nobody
    answered, or no box was checked by more than half)."""
    if median is None:
        return None
    if median.kind == consensus.OPTION:
        by_rank = {rank: pk for pk, rank in ranks.items()}
        chosen = next(c for c in choices if c.pk == by_rank[median.rank])
        return Suggestion(str(chosen.pk), (), chosen.label)
    if median.kind == consensus.CHECKED:
        boxes = tuple(c.pk for c in choices if c.pk in median.boxes)
        if not boxes:
            return None
        label = ", ".join(c.label for c in choices if c.pk in median.boxes)
        return Suggestion(boxes_choice(boxes), boxes, label)
    if median.kind == consensus.NOT_APPLICABLE:
        return Suggestion(NOT_APPLICABLE, (), _("Does not apply"))
    return Suggestion(DONT_KNOW, (), _("Don't know"))
