"""An assessment's readiness against its version's standards, loaded in a fixed number of queries.

`assessments/standards.py` holds the rules, over plain data; this module reads that data: the
version's standards and each scored question's crosswalk (kept per process for a published
version, `caches.published`, kind "standards"), and the assessment's answers in one query, read as
scoring reads them (`evaluation.standing`). It then puts the result into the words the Standards
page, the JSON export and the strategy PDF's appendix share (`StandardRow`).

Whatever the number of questions: one query for the answers; a published version's structure is
read once per process (two or three queries: the crosswalk, the scale, a checklist's boxes).
A version without standards costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments import caches
from assessments.axis_names import lower_word
from assessments.content_language import translated
from assessments.evaluation import model_spec, standing
from assessments.models import Answer, AnswerOption, Assessment, Question, Questionnaire
from assessments.scoring import AnswerKind
from assessments.standards import (
    AreaResult,
    Evidence,
    QuestionInfo,
    QuestionState,
    Standard,
    StandardResult,
    State,
    Status,
    read_mappings,
    read_standards,
    readiness,
)


@dataclass(frozen=True)
class Structure:
    """What readiness reads of a version, apart from any answer."""

    standards: tuple[Standard, ...]
    questions: tuple[QuestionInfo, ...]  # the scored questions, in order
    section_titles: dict[str, str]  # question key -> its section's title
    scale_max: float  # the version's highest score
    core_minimum: int
    box_labels: dict[int, str]  # a checklist's box id -> its label


def standards_of(questionnaire: Questionnaire) -> tuple[Standard, ...]:
    """The version's standards, read from its row: no query."""
    return read_standards(questionnaire.standards)


def structure(questionnaire: Questionnaire) -> Structure:
    return caches.published(questionnaire, "standards", lambda: _structure(questionnaire))


def _structure(questionnaire: Questionnaire) -> Structure:
    model = model_spec(questionnaire)
    rows = {
        row["key"]: row
        for row in questionnaire.questions.exclude(type=Question.Type.TEXT).values(
            "key", "mappings", "section__title", "section__translations", "type"
        )
    }
    questions = tuple(
        QuestionInfo(
            key=q.key,
            text=q.text,
            section=q.section,
            weight=q.weight,
            max_score=q.max_score,
            mappings=read_mappings(rows[q.key]["mappings"]) if q.key in rows else {},
        )
        for q in model.questions
    )
    top = questionnaire.scale_levels.aggregate(top=Max("score"))["top"]
    box_labels: dict[int, str] = {}
    if any(row["type"] == Question.Type.CHECKLIST for row in rows.values()):
        box_labels = {
            pk: translated(label, translations, "label")
            for pk, label, translations in AnswerOption.objects.filter(
                question__questionnaire=questionnaire, question__type=Question.Type.CHECKLIST
            ).values_list("pk", "label", "translations")
        }
    return Structure(
        standards=standards_of(questionnaire),
        questions=questions,
        section_titles={
            key: translated(row["section__title"], row["section__translations"], "title")
            for key, row in rows.items()
        },
        # A version without a scale: its questions' highest scores stand for it.
        scale_max=top or max((q.max_score for q in model.questions), default=0),
        core_minimum=model.core_minimum,
        box_labels=box_labels,
    )


# --- Words -------------------------------------------------------------------------------------


def status_label(status: Status | None) -> str:
    return {
        Status.MET: _("Met"),
        Status.NOT_MET: _("Not met"),
        Status.NOT_APPLICABLE: _("Not applicable"),
        Status.NO_QUESTION: _("No question"),
    }.get(status, _("Covered"))


@dataclass(frozen=True)
class EvidenceRow:
    evidence: Evidence
    answer: str  # the answer given, in words
    section_title: str


@dataclass(frozen=True)
class AreaRow:
    result: AreaResult
    evidence: tuple[EvidenceRow, ...]

    @property
    def status_label(self) -> str:
        return status_label(self.result.status)

    @property
    def badge(self) -> str:
        """The Bootstrap badge class of the status (its text says it too)."""
        return {
            Status.MET: "text-bg-success",
            Status.NOT_MET: "text-bg-warning",
            Status.NOT_APPLICABLE: "text-bg-secondary",
            Status.NO_QUESTION: "text-bg-light border",
        }.get(self.result.status, "text-bg-info")


@dataclass(frozen=True)
class StandardRow:
    result: StandardResult
    areas: tuple[AreaRow, ...]
    area_word: str  # what the standard calls one area, to start a line ("Clause")
    areas_word: str  # and several ("Clauses")

    @property
    def standard(self) -> Standard:
        return self.result.standard

    @property
    def summary(self) -> str:
        """The figures in words: "9 of 13 requirement areas met · 1 not applicable"."""
        r = self.result
        if not r.standard.assess:
            return ngettext(
                "%(covered)s of %(total)s %(areas)s covered by this questionnaire",
                "%(covered)s of %(total)s %(areas)s covered by this questionnaire",
                r.total,
            ) % {"covered": r.covered, "total": r.total, "areas": self._words(r.total)}
        if r.applicable:
            parts = [
                ngettext(
                    "%(met)s of %(applicable)s %(areas)s met",
                    "%(met)s of %(applicable)s %(areas)s met",
                    r.applicable,
                )
                % {"met": r.met, "applicable": r.applicable, "areas": self._words(r.applicable)}
            ]
        else:
            parts = [_("No %(area)s to assess") % {"area": lower_word(self.area_word)}]
        if r.not_applicable:
            parts.append(_("%(n)s not applicable") % {"n": r.not_applicable})
        if r.uncovered:
            parts.append(_("%(n)s with no question in this questionnaire") % {"n": r.uncovered})
        return " · ".join(parts)

    def _words(self, count: int) -> str:
        return lower_word(self.area_word if count == 1 else self.areas_word)


def _answer(state: State, kind: str, label: str | None, boxes, box_labels) -> str:
    if state is State.OUT_OF_SCOPE:
        return _("Out of scope")
    if state is State.NOT_ASKED:
        return _("Not asked")
    if state is State.UNANSWERED:
        return _("Not answered")
    if state is State.DONT_KNOW:
        return _("Don't know")
    if state is State.NOT_APPLICABLE:
        return _("Not applicable")
    if kind == Answer.Kind.CHECKED:
        checked = [box_labels[b] for b in sorted(set(boxes or ())) if b in box_labels]
        return "; ".join(checked) or _("None checked")
    return label or ""


_STATES = {
    AnswerKind.OPTION: State.ANSWERED,
    AnswerKind.DONT_KNOW: State.DONT_KNOW,
    AnswerKind.NOT_APPLICABLE: State.NOT_APPLICABLE,
}


def standard_rows(assessment: Assessment) -> tuple[StandardRow, ...]:
    """The assessment's readiness against each standard of its version, in words; () without
    standards (and no query). One query for the answers beyond the version's kept structure."""
    questionnaire = assessment.questionnaire
    if not standards_of(questionnaire):
        return ()
    shape = structure(questionnaire)
    model = model_spec(questionnaire)
    stored = list(
        Answer.objects.chosen()
        .filter(assessment=assessment, respondent__isnull=True)
        .values_list(
            "question__key",
            "kind",
            "option__score",
            "boxes",
            "option__label",
            "option__translations",
        )
    )
    seen = standing(assessment, model, [row[:4] for row in stored])
    given = {row[0]: (*row[:4], translated(row[4], row[5], "label")) for row in stored}
    states: dict[str, QuestionState] = {}
    for question in shape.questions:
        key = question.key
        answer = seen.answers.get(key)
        if key in seen.excluded:
            states[key] = QuestionState(State.OUT_OF_SCOPE)
        elif key in seen.hidden:
            states[key] = QuestionState(State.NOT_ASKED)
        elif answer is None:
            states[key] = QuestionState(State.UNANSWERED)
        else:
            states[key] = QuestionState(_STATES[AnswerKind(answer.kind)], answer.score)
    results = readiness(
        shape.standards,
        shape.questions,
        states,
        scale_max=shape.scale_max,
        core_minimum=shape.core_minimum,
    )

    def row_of(item: Evidence) -> EvidenceRow:
        _key, kind, _score, boxes, label = given.get(item.key, (item.key, "", None, None, None))
        return EvidenceRow(
            item,
            _answer(item.state, kind, label, boxes, shape.box_labels),
            shape.section_titles.get(item.key, ""),
        )

    return tuple(
        StandardRow(
            result=result,
            areas=tuple(
                AreaRow(area, tuple(row_of(e) for e in area.evidence)) for area in result.areas
            ),
            area_word=result.standard.area_name or _("Requirement area"),
            areas_word=result.standard.areas_name or _("Requirement areas"),
        )
        for result in results
    )


def standards_data(rows: tuple[StandardRow, ...]) -> list[dict]:
    """The same figures as plain JSON data (the assessment's JSON export)."""

    def rounded(value: float | None) -> float | None:
        return round(value, 1) if value is not None else None

    out = []
    for row in rows:
        r = row.result
        assess = r.standard.assess
        out.append(
            {
                "key": r.standard.key,
                "name": r.standard.name,
                "url": r.standard.url,
                "assess": assess,
                "minimum": r.minimum if assess else None,
                "summary": {
                    "met": r.met if assess else None,
                    "not_met": r.not_met if assess else None,
                    "not_applicable": r.not_applicable if assess else None,
                    "applicable": r.applicable if assess else None,
                    "covered": r.covered,
                    "total": r.total,
                },
                "progress": rounded(r.progress),
                "areas": [
                    {
                        "id": a.result.area.id,
                        "name": a.result.area.name,
                        "status": str(a.result.status) if a.result.status else None,
                        "covered": a.result.covered,
                        "progress": rounded(a.result.progress),
                        "question_keys": [e.evidence.key for e in a.evidence],
                    }
                    for a in row.areas
                ],
            }
        )
    return out
