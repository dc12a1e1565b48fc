"""Answering a questionnaire version: its shape, and where the answers are kept.

`Structure` is what answering needs of a version (sections, questions, their numbers). An
`AnswerStore` keeps the answers: the agreed answers of an assessment, in the database, or a staff
preview's, in the session. The answering views work on either through the same few methods.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db import transaction

from assessments import caches
from assessments.models import Answer, Assessment, Question, Questionnaire, ResumePoint, Section
from assessments.scoring import AnswerKind, AnswerSpec


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

    def total(self, section: Section) -> int:
        return len(self.section_questions[section.pk])

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
        sections=sections,
        section_by_key={section.key: section for section in sections},
        questions={question.pk: question for question in questions},
        section_questions={pk: tuple(qs) for pk, qs in section_questions.items()},
        numbers={question.pk: number for number, question in enumerate(questions, start=1)},
    )


class AnswerStore(Protocol):
    """Where the answers to one questionnaire version are kept."""

    def answers(self, questions: Sequence[Question]) -> dict[int, Answer]:
        """The stored answers to `questions`, by question pk."""
        ...

    def answered_per_section(self) -> Counter[int]:
        """How many questions of each section (by pk) have an answer."""
        ...

    def record(self, answers: Sequence[tuple[Question, dict]], user) -> list[Answer]:
        """Store each question's answer (`AnswerForm.answer_values()`), all of them or none."""
        ...


class AssessmentAnswers:
    """The agreed answers of an assessment: one database row per answered question."""

    def __init__(self, assessment: Assessment, structure: Structure) -> None:
        self.assessment = assessment
        self.structure = structure

    def answers(self, questions: Sequence[Question]) -> dict[int, Answer]:
        agreed = Answer.objects.filter(
            assessment=self.assessment,
            respondent__isnull=True,
            question_id__in=[question.pk for question in questions],
        ).select_related("answered_by")
        return {answer.question_id: answer for answer in agreed}

    def answered_per_section(self) -> Counter[int]:
        # No join or grouping in SQL: the structure knows each question's section.
        questions = self.structure.questions
        return Counter(
            questions[question_id].section_id
            for question_id in Answer.objects.chosen()
            .filter(assessment=self.assessment, respondent__isnull=True)
            .values_list("question_id", flat=True)
            if question_id in questions
        )

    def record(self, answers: Sequence[tuple[Question, dict]], user) -> list[Answer]:
        if not answers:
            return []
        # One transaction, so one commit for the answers, the assessment's revision and the
        # resume point. savepoint=False: nested only in a test's or ATOMIC_REQUESTS's transaction,
        # where a failure ends the whole request anyway, so a savepoint would buy nothing.
        with transaction.atomic(savepoint=False):
            # The answers as this request wrote them: "last changed by" names whoever saved here.
            written = [
                self.assessment.record_answer(question, user, reread=False, **values)
                for question, values in answers
            ]
            self._remember(user, answers[-1][0].section.key)
        return written

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

    def answered_per_section(self) -> Counter[int]:
        return Counter(
            self.structure.questions[pk].section_id
            for pk, answer in self.by_question.items()
            if answer.kind != Answer.Kind.NOTE
        )

    def record(self, answers: Sequence[tuple[Question, dict]], user=None) -> list[Answer]:
        written = []
        for question, values in answers:
            option = values["option"]
            self.entries[question.key] = {
                "choice": str(option.pk) if option is not None else str(values["kind"]),
                "reason": values["reason"],
                "comment": values["comment"],
                "evidence_url": values["evidence_url"],
            }
            answer = self.by_question[question.pk] = Answer(question=question, **values)
            written.append(answer)
        # Reassigned whole, so the session knows it changed.
        self.session[session_key(self.questionnaire.pk)] = dict(self.entries)
        return written

    def answer_specs(self) -> list[AnswerSpec]:
        """The answers as the scoring engine takes them."""
        specs = []
        for question in self.structure.questions.values():
            answer = self.by_question.get(question.pk)
            if answer is None or answer.kind == Answer.Kind.NOTE:
                continue
            if answer.option is not None:  # an answer of kind "option", by the model's constraint
                specs.append(AnswerSpec(question.key, AnswerKind.OPTION, answer.option.score))
            else:
                specs.append(AnswerSpec(question.key, AnswerKind(answer.kind)))
        return specs


def _answer_of(question: Question, entry: dict) -> Answer | None:
    """A session entry as an (unsaved) answer, or None if the question no longer allows it."""
    choice = entry.get("choice")
    option = None
    if choice == Answer.Kind.DONT_KNOW:
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
        reason=entry.get("reason", ""),
        comment=entry.get("comment", ""),
        evidence_url=entry.get("evidence_url", ""),
    )
