"""Scoring of an OSPO maturity assessment: validation, and the one entry point, `assess`.

Pure Python on purpose: the rules are the product, so they must be testable and reusable
(web views, PDF reports, command line) without a database or Django. docs/scoring.md explains
every rule in plain English; its worked examples are run as a test.

Each questionnaire version says how it is scored (`ModelSpec.method`); the methods live in
assessments/scoring_methods/, the plain data they share in assessments/scoring_methods/types.py
(re-exported here, so callers import from one place).
"""

import math
from collections.abc import Collection, Iterable
from dataclasses import replace

from assessments.scoring_methods.gated import assess_gated, core_minimums
from assessments.scoring_methods.levelless import assess_levelless
from assessments.scoring_methods.tally import ScopeLayout
from assessments.scoring_methods.types import (
    TOLERANCE,
    AnswerKind,
    AnswerSpec,
    AssessmentResult,
    Blocker,
    ModelSpec,
    QuestionSpec,
    ScopeResult,
    ScoringMethod,
    StageCoverage,
    StageSpec,
)

__all__ = [
    "TOLERANCE",
    "AnswerKind",
    "AnswerSpec",
    "AssessmentResult",
    "Blocker",
    "ModelSpec",
    "QuestionSpec",
    "ScopeResult",
    "ScoringMethod",
    "StageCoverage",
    "StageSpec",
    "assess",
]


def _check_unique(values: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is declared twice")
        seen.add(value)


def _validate_model(model: ModelSpec) -> None:
    try:
        method = ScoringMethod(model.method)
    except ValueError:
        raise ValueError(f"unknown scoring method {model.method!r}") from None
    if not model.stages and method is not ScoringMethod.PROGRESS:
        raise ValueError("the model declares no stage")
    for position, stage in enumerate(model.stages):
        if stage.level != position:
            raise ValueError(
                f"stage {stage.key!r} has level {stage.level}, expected {position}: "
                "stages must be ordered by level, starting at 0, without gaps"
            )
        if not (0 < stage.threshold <= 1):
            raise ValueError(
                f"stage {stage.key!r}: threshold must be a fraction in (0, 1], "
                f"got {stage.threshold!r}"
            )
        if stage.core_minimum is not None and stage.core_minimum < 0:
            raise ValueError(
                f"stage {stage.key!r}: core_minimum must be 0 or more, got {stage.core_minimum}"
            )
        if stage.floor and (method is not ScoringMethod.GATED or stage.level != 0):
            raise ValueError(
                f"stage {stage.key!r}: only the first stage of a gated model may be the floor"
            )
    _validate_bands(model, method)
    _check_unique((stage.key for stage in model.stages), "stage")
    _check_unique(model.layers, "layer")
    _check_unique(model.pillars, "pillar")
    _check_unique(model.sections, "section")
    _check_unique((question.key for question in model.questions), "question")
    if model.core_minimum < 0:
        raise ValueError(f"core_minimum must be 0 or more, got {model.core_minimum}")


def _validate_bands(model: ModelSpec, method: ScoringMethod) -> None:
    """Bands: every stage has one, ascending, contiguous, from 0 to 100. Elsewhere: none."""
    if method is not ScoringMethod.BANDS:
        for stage in model.stages:
            if stage.band is not None:
                raise ValueError(f"stage {stage.key!r}: only a bands model gives stages a band")
        return
    expected_low = 0
    for stage in model.stages:
        if stage.band is None:
            raise ValueError(f"stage {stage.key!r}: a bands model needs a band for every stage")
        low, high = stage.band
        if low != expected_low:
            raise ValueError(
                f"stage {stage.key!r}: its band must start at {expected_low}, where the one "
                f"below ends, not at {low}"
            )
        if not low < high <= 100:
            raise ValueError(
                f"stage {stage.key!r}: its band must end above {low} and at 100 at most, "
                f"not at {high}"
            )
        expected_low = high
    if expected_low != 100:
        raise ValueError(f"the bands must cover 0 to 100; the last one ends at {expected_low}")


def _validate_question(
    model: ModelSpec,
    question: QuestionSpec,
    layers: set[str],
    pillars: dict[str, int],
    minimums: tuple[int, ...],
) -> None:
    where = f"question {question.key!r}"
    gated = model.method == ScoringMethod.GATED
    # Progress ignores stages; the other methods need the question's stage to be declared.
    if model.method != ScoringMethod.PROGRESS and not (0 <= question.stage < len(model.stages)):
        raise ValueError(f"{where}: stage level {question.stage} is not declared")
    if gated and model.stages[question.stage].floor:
        raise ValueError(f"{where}: the floor stage holds no question, it is where all start")
    if question.layer is not None and question.layer not in layers:
        raise ValueError(f"{where}: layer {question.layer!r} is not declared")
    # Without pillars a question has none; with pillars it names one of them.
    if (question.pillar is None) != (not pillars) or (
        question.pillar is not None and question.pillar not in pillars
    ):
        raise ValueError(f"{where}: pillar {question.pillar!r} is not declared")
    if model.method == ScoringMethod.PROGRESS and question.section not in model.sections:
        raise ValueError(f"{where}: section {question.section!r} is not declared")
    if question.max_score <= 0:
        raise ValueError(f"{where}: max_score must be positive, got {question.max_score}")
    if not (math.isfinite(question.weight) and question.weight > 0):
        raise ValueError(f"{where}: weight must be a positive number, got {question.weight!r}")
    # Otherwise the stage could never be attained, whatever the organization does.
    if gated and question.core and question.max_score < minimums[question.stage]:
        raise ValueError(
            f"{where}: a core question needs max_score >= core_minimum "
            f"({minimums[question.stage]}), got {question.max_score}"
        )


def _index_answers(model: ModelSpec, answers: Iterable[AnswerSpec]) -> dict[str, AnswerSpec]:
    questions = {question.key: question for question in model.questions}
    by_question: dict[str, AnswerSpec] = {}
    for answer in answers:
        question = questions.get(answer.question)
        if question is None:
            raise ValueError(f"answer to unknown question {answer.question!r}")
        if answer.question in by_question:
            raise ValueError(f"two answers to question {answer.question!r}")
        try:
            kind = AnswerKind(answer.kind)
        except ValueError:
            raise ValueError(
                f"answer to question {answer.question!r}: unknown kind {answer.kind!r}"
            ) from None
        if kind is AnswerKind.OPTION and not (0 <= answer.score <= question.max_score):
            raise ValueError(
                f"answer to question {answer.question!r}: score {answer.score} is outside "
                f"0..{question.max_score}"
            )
        by_question[answer.question] = answer
    return by_question


def _validate_questions(model: ModelSpec) -> None:
    layers = set(model.layers)
    pillars = {pillar: index for index, pillar in enumerate(model.pillars)}
    minimums = core_minimums(model)
    for question in model.questions:
        _validate_question(model, question, layers, pillars, minimums)


def _without(
    model: ModelSpec, by_question: dict[str, AnswerSpec], excluded: Collection[str]
) -> tuple[ModelSpec, dict[str, AnswerSpec]]:
    """The model and answers with the `excluded` questions gone, as if never written."""
    excluded = frozenset(excluded)
    if not excluded:
        return model, by_question
    unknown = excluded - {question.key for question in model.questions}
    if unknown:
        raise ValueError(f"excluded questions {sorted(unknown)!r} are not in the model")
    kept = tuple(question for question in model.questions if question.key not in excluded)
    answers = {key: answer for key, answer in by_question.items() if key not in excluded}
    return replace(model, questions=kept), answers


def assess(
    model: ModelSpec,
    answers: Iterable[AnswerSpec],
    *,
    excluded: Collection[str] = (),
    hidden: Collection[str] = (),
) -> AssessmentResult:
    """Score every scope (overall, each layer, each pillar, each cell, and for `progress` each
    section) of one assessment, by the model's method.

    `excluded`: keys of questions the organization put out of scope (docs/scoring.md, "Out of
    scope"). They leave every gate and denominator: the result is the one of the model without
    them, their answers ignored. The whole model and every answer are still validated.

    `hidden`: keys of questions not asked of this assessment, as a condition on an earlier answer
    says (`scoring_methods.conditions`, docs/scoring.md "Show if"). Scored exactly as `excluded`:
    the model without them, their stored answers kept but ignored.
    """
    _validate_model(model)
    by_question = _index_answers(model, answers)
    _validate_questions(model)
    model, by_question = _without(model, by_question, frozenset(excluded) | frozenset(hidden))
    method = ScoringMethod(model.method)
    # Only progress reports sections: the other methods skip their scopes entirely.
    n_sections = len(model.sections) if method is ScoringMethod.PROGRESS else 0
    layout = ScopeLayout(len(model.layers), len(model.pillars), n_sections)
    if method is ScoringMethod.GATED:
        return assess_gated(model, layout, by_question)
    return assess_levelless(model, layout, by_question)
