"""Answering a questionnaire version: its shape, and where the answers are kept.

`Structure` is what answering needs of a version (sections, questions, their numbers). An
`AnswerStore` keeps the answers: the agreed answers of an assessment, in the database, or a staff
preview's, in the session. The answering views work on either through the same few methods.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import transaction

from assessments import caches
from assessments.evaluation import answer_spec, chosen_answer, conditions
from assessments.forms.answers import BOXES_PREFIX, Start, boxes_choice
from assessments.models import (
    Answer,
    Assessment,
    Question,
    Questionnaire,
    Respondent,
    ResumePoint,
    Section,
)
from assessments.scopes import Exclusion, find
from assessments.scoring import AnswerSpec, ModelSpec
from assessments.scoring_methods.conditions import Chosen, Condition, hidden_questions


@dataclass(frozen=True)
class Structure:
    """A questionnaire version's sections and questions, in order, with the questions' numbers.

    The objects in it may be shared between requests (`questionnaire_structure`): read them,
    never change them.
    """

    sections: tuple[Section, ...]
    section_by_key: dict[str, Section]
    # By question pk; each with its section, stage, pillar, layer and options loaded.
    questions: dict[int, Question]
    section_questions: dict[int, tuple[Question, ...]]
    numbers: dict[int, int]  # by question pk: numbers run on across sections, from 1
    # Questions asked only on a condition, in order (`scoring_methods.conditions`).
    conditions: tuple[Condition, ...] = ()

    def total(self, section: Section, hidden: Collection[int] = ()) -> int:
        """How many of the section's questions count as answerable: free text does not, nor a
        question not asked (`hidden`, question pks)."""
        return sum(
            question.is_scored and question.pk not in hidden
            for question in self.section_questions[section.pk]
        )

    def hidden(self, chosen: Mapping[int, Chosen]) -> frozenset[int]:
        """The pks of the questions not asked, given what each answered question (by pk) chose."""
        if not self.conditions:
            return frozenset()
        by_key = {self.questions[pk].key: value for pk, value in chosen.items()}
        keys = hidden_questions(self.conditions, by_key)
        return frozenset(q.pk for q in self.questions.values() if q.key in keys)

    def hidden_by(self, answers: Mapping[int, Answer]) -> frozenset[int]:
        """`hidden` from answers already read (by question pk), without a query."""
        if not self.conditions:
            return frozenset()
        chosen = {}
        for pk, answer in answers.items():
            value = chosen_answer(answer.kind, getattr(answer.option, "score", None), answer.boxes)
            if value is not None:
                chosen[pk] = value
        return self.hidden(chosen)

    def dependents(self, question: Question) -> list[Question]:
        """The questions whose being asked hangs on `question`'s answer, directly or not."""
        keys = {question.key}
        for condition in self.conditions:
            if condition.on in keys:
                keys.add(condition.question)
        keys.discard(question.key)
        return [q for q in self.questions.values() if q.key in keys]

    def following(self, section: Section) -> Section | None:
        return next((s for s in self.sections if s.order > section.order), None)


def questionnaire_structure(questionnaire: Questionnaire) -> Structure:
    """A published version never changes, so its structure is built once per process and kept;
    a draft's is built on every call."""
    return caches.published(
        questionnaire, "answering-structure", lambda: _build_structure(questionnaire)
    )


def _build_structure(questionnaire: Questionnaire) -> Structure:
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
        conditions=conditions(
            [(q.key, q.show_if_question, q.show_if_answers) for q in questions],
            {
                q.key: (q.type, {o.label: o.pk for o in q.options.all()} if q.is_checklist else {})
                for q in questions
            },
        ),
        sections=sections,
        section_by_key={section.key: section for section in sections},
        questions={question.pk: question for question in questions},
        section_questions={pk: tuple(qs) for pk, qs in section_questions.items()},
        numbers={question.pk: number for number, question in enumerate(questions, start=1)},
    )


def choice_of(kind: str, option: object | None, boxes: Sequence[int] = ()) -> str:
    """An answer's choice as the form names it: the option's pk, the boxes checked
    (`boxes_choice`), a kind, or "" for a note."""
    if kind == Answer.Kind.NOTE:
        return ""
    if kind == Answer.Kind.CHECKED:
        return boxes_choice(boxes)
    return str(getattr(option, "pk", "")) if kind == Answer.Kind.OPTION else str(kind)


def boxes_label(question: Question, boxes: Sequence[int]) -> str:
    """The boxes checked, in words: their labels in the question's order."""
    checked = set(boxes)
    return ", ".join(o.label for o in question.options.all() if o.pk in checked)


def answer_label(question: Question, kind: str, option, boxes: Sequence[int] = ()) -> str:
    """What an answer says, in words: the option, the boxes checked, or what the kind means."""
    if kind == Answer.Kind.OPTION:
        return option.label
    if kind == Answer.Kind.CHECKED:
        return boxes_label(question, boxes)
    return str(Answer.Kind(kind).label)


# The texts of an answer, which two people may change at once.
TEXT_FIELDS = ("comment", "evidence_url", "reason")


@dataclass
class Conflict:
    """A save refused because a colleague chose otherwise since the person looked: `theirs` is
    what is stored, `mine` what the person sent (`AnswerForm.answer_values()`)."""

    question: Question
    theirs: Answer
    mine: dict
    # A different choice ("choice"), or a text both changed differently ("comment", ...).
    field: str = "choice"

    @property
    def their_text(self) -> str:
        return getattr(self.theirs, self.field) if self.field != "choice" else ""

    @property
    def their_label(self) -> str:
        theirs = self.theirs
        return answer_label(self.question, theirs.kind, theirs.option, theirs.boxes)

    @property
    def my_label(self) -> str:
        mine = self.mine
        return answer_label(self.question, mine["kind"], mine["option"], mine.get("boxes", ()))


class AnswerConflict(Exception):
    """Some saves met a colleague's different choice: nothing of them was stored."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__(conflicts)
        self.conflicts = conflicts


def _merged(theirs: Answer, mine: dict, changed: frozenset[str]) -> dict | None:
    """`theirs` with the fields of `mine` that were `changed`; None if that makes no answer."""
    values: dict[str, Any] = {
        "kind": theirs.kind,
        "option": theirs.option,
        "boxes": theirs.boxes,
        "reason": theirs.reason,
        "comment": theirs.comment,
        "evidence_url": theirs.evidence_url,
    }
    if "choice" in changed:
        values.update(
            kind=mine["kind"], option=mine["option"], boxes=mine["boxes"], reason=mine["reason"]
        )
    for name in ("reason", "comment", "evidence_url"):
        if name in changed:
            values[name] = mine[name]
    if values["kind"] != Answer.Kind.NOT_APPLICABLE:
        values["reason"] = ""
    elif not values["reason"].strip():
        return None
    return values


@dataclass(frozen=True)
class Tally:
    """Per section (by pk): how many questions have an answer, and how many of those answers
    were carried over from an earlier assessment and are not yet reviewed."""

    answered: Counter[int]
    unreviewed: Counter[int]
    # The questions not asked (pks), by the answers' conditions: neither counted nor answered.
    hidden: frozenset[int] = frozenset()
    # The questions of scopes the organization put out of scope (pks): shown, never counted.
    excluded: frozenset[int] = frozenset()

    @property
    def uncounted(self) -> frozenset[int]:
        return self.hidden | self.excluded


class AnswerStore(Protocol):
    """Where the answers to one questionnaire version are kept."""

    def answers(self, questions: Sequence[Question]) -> dict[int, Answer]:
        """The stored answers to `questions`, by question pk."""
        ...

    def tally(self) -> Tally:
        """How many questions of each section are answered, and how many await review; and
        which questions are not asked, by the answers' conditions."""
        ...

    def hidden(self) -> frozenset[int]:
        """The questions not asked (pks), by the answers' conditions."""
        ...

    def record(
        self, answers: Sequence[tuple[Question, dict]], user, starts: Sequence[Start | None] = ()
    ) -> list[Answer]:
        """Store each question's answer (`AnswerForm.answer_values()`), all of them or none.

        `starts`: for each answer, what the person started from (`AnswerForm.start()`). Raises
        `AnswerConflict`, having stored nothing, when one meets a colleague's newer choice.
        """
        ...


class AssessmentAnswers:
    """The agreed answers of an assessment, or one respondent's own: a row per answered question.

    With a `respondent`, every read and write is of that person's answers only (docs/team.md);
    without, of the agreed ones, which are scored.
    """

    def __init__(
        self, assessment: Assessment, structure: Structure, respondent: Respondent | None = None
    ) -> None:
        self.assessment = assessment
        self.structure = structure
        self.respondent = respondent
        # Read from the assessment's JSON once per request, not once per question asked about.
        self.exclusions = assessment.exclusions

    def _rows(self):
        """The answers this store keeps: the agreed ones, or the respondent's."""
        if self.respondent is None:
            return Answer.objects.filter(assessment=self.assessment, respondent__isnull=True)
        return Answer.objects.filter(assessment=self.assessment, respondent=self.respondent)

    def answers(self, questions: Sequence[Question]) -> dict[int, Answer]:
        kept = (
            self._rows()
            .filter(question_id__in=[question.pk for question in questions])
            .select_related("answered_by", "option")
        )
        return {answer.question_id: answer for answer in kept}

    def tally(self) -> Tally:
        # No join or grouping in SQL: the structure knows each question's section.
        questions = self.structure.questions
        answered: Counter[int] = Counter()
        unreviewed: Counter[int] = Counter()
        rows = [
            row
            for row in self._rows()
            .chosen()
            .values_list("question_id", "needs_review", "kind", "option__score", "boxes")
            if row[0] in questions
        ]
        hidden = self.structure.hidden(
            {row[0]: chosen for row in rows if (chosen := chosen_answer(*row[2:])) is not None}
        )
        excluded = self.excluded()
        for question_id, needs_review, *_choice in rows:
            if question_id not in hidden and question_id not in excluded:
                section_id = questions[question_id].section_id
                answered[section_id] += 1
                if needs_review:
                    unreviewed[section_id] += 1
        return Tally(answered, unreviewed, hidden, excluded)

    def exclusion_of(self, question: Question) -> Exclusion | None:
        """What puts `question` out of scope for this assessment: its section, its layer or its
        pillar (a question for every layer stays in), or None."""
        exclusions = self.exclusions
        if not exclusions:
            return None
        layer, pillar = question.layer, question.pillar
        return (
            find(exclusions, "section", question.section.key)
            or (find(exclusions, "layer", layer.key) if layer is not None else None)
            or (find(exclusions, "pillar", pillar.key) if pillar is not None else None)
        )

    def excluded(self) -> frozenset[int]:
        """The questions (pks) of the scopes this assessment put out of scope; no query."""
        if not self.exclusions:
            return frozenset()
        return frozenset(
            pk for pk, question in self.structure.questions.items() if self.exclusion_of(question)
        )

    def hidden(self) -> frozenset[int]:
        return self.tally().hidden if self.structure.conditions else frozenset()

    def record(
        self, answers: Sequence[tuple[Question, dict]], user, starts: Sequence[Start | None] = ()
    ) -> list[Answer]:
        if not answers:
            return []
        starts = list(starts) or [None] * len(answers)
        conflicts: list[Conflict] = []
        # One transaction, so one commit for the answers, the assessment's revision and the
        # resume point. savepoint=False for one answer: nested only in a test's or
        # ATOMIC_REQUESTS's transaction, where a failure ends the whole request anyway, and a
        # refused answer wrote nothing. Several answers (the section form) are all or none: a
        # conflict on one rolls the others back to the savepoint.
        with transaction.atomic(savepoint=len(answers) > 1):
            # The answers as this request wrote them: "last changed by" names whoever saved here.
            written = []
            for (question, values), start in zip(answers, starts, strict=True):
                result = self._write(question, values, start, user)
                if isinstance(result, Conflict):
                    conflicts.append(result)
                else:
                    written.append(result)
            if conflicts:
                transaction.set_rollback(len(answers) > 1)
            else:
                self._remember(user, answers[-1][0].section.key)
        if conflicts:
            raise AnswerConflict(conflicts)
        return written

    def _write(self, question: Question, values: dict, start: Start | None, user):
        """One answer, written over the version it started from; an `Answer` or a `Conflict`.

        In the common case that is one UPDATE (or INSERT), which checks the version itself. Only
        when someone saved in between is the stored answer read: a different choice of theirs,
        where this person changed the choice too, is a conflict; otherwise only the fields this
        person changed are written on top of theirs, so an edited comment never sends back a
        choice seen before.
        """
        mine = self.respondent
        if start is None:
            return self.assessment.record_answer(
                question, user, reread=False, respondent=mine, **values
            )
        version = start.version
        theirs: Answer | None = None
        for _attempt in range(3):
            written = self.assessment.record_answer(
                question, user, reread=False, version=version, respondent=mine, **values
            )
            if written is not None:
                return written
            theirs = (
                self._rows()
                .filter(question=question)
                .select_related("answered_by", "option")
                .first()
            )
            if theirs is None:  # removed since: nothing to overwrite
                version = 0
                continue
            their_choice = choice_of(theirs.kind, theirs.option, theirs.boxes)
            my_choice = choice_of(values["kind"], values["option"], values["boxes"])
            if (
                "choice" in start.changed
                and their_choice != my_choice
                and their_choice != start.choice
            ):
                return Conflict(question, theirs, values)
            if not start.changed:
                return theirs  # nothing of this person's to write
            # A text both changed, to different words: neither is dropped unseen.
            for name in TEXT_FIELDS:
                if (
                    name in start.changed
                    and name in start.texts
                    and getattr(theirs, name) != start.texts[name]
                    and getattr(theirs, name) != values[name]
                ):
                    return Conflict(question, theirs, values, field=name)
            merged = _merged(theirs, values, start.changed)
            if merged is None:
                return Conflict(question, theirs, values)
            values, version = merged, theirs.version
        if theirs is None:  # removed again and again: there is nothing of anyone's to keep
            return self.assessment.record_answer(
                question, user, reread=False, respondent=mine, **values
            )
        return Conflict(question, theirs, values)  # changed again and again: ask

    def _remember(self, user, section_key: str) -> None:
        """Where `user` last saved, for `assessment_resume`: one statement, new or not."""
        ResumePoint.objects.bulk_create(
            [ResumePoint(assessment=self.assessment, user=user, section_key=section_key)],
            update_conflicts=True,
            unique_fields=["assessment", "user"],
            update_fields=["section_key", "updated_at"],
        )

    def resume_section(self, user) -> Section | None:
        """The section `user` last saved an answer in, if it is still in the version."""
        point = ResumePoint.objects.filter(assessment=self.assessment, user=user).first()
        return self.structure.section_by_key.get(point.section_key) if point else None

    def section_to_resume(self, user) -> Section:
        """Where "continue" takes `user`: the section they last saved in, else the first with
        questions still open, else the first. The structure must have a section."""
        target = self.resume_section(user)
        if target is not None:
            return target
        tally = self.tally()
        return next(
            (
                s
                for s in self.structure.sections
                if tally.answered.get(s.pk, 0) < self.structure.total(s, tally.uncounted)
            ),
            self.structure.sections[0],
        )


SESSION_PREFIX = "assessments:preview:"


def session_key(questionnaire_pk: int) -> str:
    return f"{SESSION_PREFIX}{questionnaire_pk}"


class SessionAnswers:
    """A staff preview's answers, in the session only, one entry per questionnaire version.

    Each answer is kept under its question's key as {"choice", "reason", "comment",
    "evidence_url"}. Entries are checked against the version as it is now: a draft may have lost
    a question or an option since it was answered, and such answers are forgotten.
    """

    def __init__(self, session, questionnaire: Questionnaire, structure: Structure) -> None:
        self.session = session
        self.questionnaire = questionnaire
        self.structure = structure
        stored = session.get(session_key(questionnaire.pk), {})
        self.entries: dict[str, dict] = {}
        self.by_question: dict[int, Answer] = {}
        for question in structure.questions.values():
            entry = stored.get(question.key)
            answer = _answer_of(question, entry) if isinstance(entry, dict) else None
            if answer is not None:
                self.entries[question.key] = entry
                self.by_question[question.pk] = answer

    def answers(self, questions: Sequence[Question]) -> dict[int, Answer]:
        return {q.pk: self.by_question[q.pk] for q in questions if q.pk in self.by_question}

    def tally(self) -> Tally:
        hidden = self.hidden()
        answered = Counter(
            self.structure.questions[pk].section_id
            for pk, answer in self.by_question.items()
            if answer.kind != Answer.Kind.NOTE and pk not in hidden
        )
        return Tally(answered, Counter(), hidden)  # nothing in a preview is carried over

    def hidden(self) -> frozenset[int]:
        return self.structure.hidden_by(self.by_question)

    def record(
        self, answers: Sequence[tuple[Question, dict]], user=None, starts: Sequence = ()
    ) -> list[Answer]:
        # One person's preview: nobody else writes here, so where a save started does not matter.
        written = []
        for question, values in answers:
            option = values["option"]
            self.entries[question.key] = {
                "choice": choice_of(values["kind"], option, values["boxes"]) or Answer.Kind.NOTE,
                "reason": values["reason"],
                "comment": values["comment"],
                "evidence_url": values["evidence_url"],
            }
            answer = self.by_question[question.pk] = Answer(question=question, **values)
            written.append(answer)
        # Reassigned whole, so the session knows it changed.
        self.session[session_key(self.questionnaire.pk)] = dict(self.entries)
        return written

    def hidden_keys(self, model: ModelSpec) -> frozenset[str]:
        """The keys of the scored questions not asked, as `assess(hidden=...)` takes them."""
        scored = {question.key for question in model.questions}
        hidden = self.hidden()
        return frozenset(
            q.key for q in self.structure.questions.values() if q.pk in hidden and q.key in scored
        )

    def answer_specs(self, model: ModelSpec) -> list[AnswerSpec]:
        """The answers as the scoring engine takes them, for `model` (this version's)."""
        questions = {question.key: question for question in model.questions}
        specs = []
        for question in self.structure.questions.values():
            answer = self.by_question.get(question.pk)
            if answer is None or answer.kind == Answer.Kind.NOTE:
                continue
            spec = questions.get(question.key)
            if spec is None:  # free text: never scored
                continue
            score = answer.option.score if answer.option is not None else None
            specs.append(answer_spec(spec, answer.kind, score, answer.boxes))
        return specs


def _answer_of(question: Question, entry: dict) -> Answer | None:
    """A session entry as an (unsaved) answer, or None if the question no longer allows it."""
    choice = entry.get("choice")
    option = None
    boxes: list[int] = []
    if not isinstance(choice, str):
        return None
    if choice.startswith(BOXES_PREFIX) and question.is_checklist:
        kind = Answer.Kind.CHECKED
        ids = {o.pk for o in question.options.all()}
        boxes = [int(pk) for pk in choice.removeprefix(BOXES_PREFIX).split(",") if pk.isdigit()]
        if not boxes or not set(boxes) <= ids:
            return None
    elif choice == Answer.Kind.DONT_KNOW:
        kind = Answer.Kind.DONT_KNOW
    elif choice == Answer.Kind.NOT_APPLICABLE and question.allows_not_applicable:
        kind = Answer.Kind.NOT_APPLICABLE
    elif choice == Answer.Kind.NOTE:
        kind = Answer.Kind.NOTE
    else:
        option = next((o for o in question.options.all() if str(o.pk) == choice), None)
        if option is None:
            return None
        kind = Answer.Kind.OPTION
    return Answer(
        question=question,
        kind=kind,
        option=option,
        boxes=boxes,
        reason=entry.get("reason", ""),
        comment=entry.get("comment", ""),
        evidence_url=entry.get("evidence_url", ""),
    )
