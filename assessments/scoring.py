"""Scoring of an OSPO maturity assessment.

Pure Python on purpose: the rules are the product, so they must be testable and reusable
(web views, PDF reports, command line) without a database or Django. docs/scoring.md explains
every rule in plain English; its worked example is run as a test.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "AnswerKind",
    "AnswerSpec",
    "AssessmentResult",
    "Blocker",
    "ModelSpec",
    "QuestionSpec",
    "ScopeResult",
    "StageCoverage",
    "StageSpec",
    "assess",
]

# Coverages are sums of float fractions: 0.7 must count as 0.7 even when it comes out 0.6999...
TOLERANCE = 1e-9

OVERALL = "overall"
LAYER = "layer"
PILLAR = "pillar"
CELL = "cell"


class AnswerKind(StrEnum):
    OPTION = "option"
    DONT_KNOW = "dont_know"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class StageSpec:
    level: int
    key: str
    name: str
    threshold: float  # a fraction, 0 < threshold <= 1


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    key: str
    stage: int  # the stage level, not its key
    pillar: str
    layer: str | None  # None: the practice belongs to every layer
    weight: float
    core: bool
    max_score: int
    text: str = ""
    recommendation: str = ""


@dataclass(frozen=True, slots=True)
class ModelSpec:
    stages: tuple[StageSpec, ...]  # ordered by level; levels are 0..n-1
    layers: tuple[str, ...]
    pillars: tuple[str, ...]
    core_minimum: int  # raw score a core question needs for its stage to be attained
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True, slots=True)
class AnswerSpec:
    question: str
    kind: AnswerKind
    score: int = 0  # only meaningful for AnswerKind.OPTION


@dataclass(frozen=True, slots=True)
class StageCoverage:
    level: int
    coverage: float | None  # None: no applicable question at this stage in the scope
    attained: bool
    core_met: bool  # vacuously True without applicable core question, so a UI shows no gate
    applicable: int


@dataclass(frozen=True, slots=True)
class Blocker:
    question: str
    text: str
    stage: int
    score: int
    max_score: int
    weight: float
    shortfall: float  # (max_score - score) / max_score
    impact: float  # weight * shortfall
    core: bool
    gating: bool  # core and below core_minimum: blocks the stage whatever the coverage
    status: str  # "answered", "dont_know" or "unanswered"
    recommendation: str


@dataclass(frozen=True, slots=True)
class ScopeResult:
    kind: str  # "overall", "layer", "pillar" or "cell"
    key: str  # "" for overall, the layer or pillar key, or "layer:pillar" for a cell
    stage: int
    score: float | None  # 0..100; None when the scope has no applicable question
    stages: tuple[StageCoverage, ...]
    blocking_stage: int | None  # None when every stage with questions is attained
    blockers: tuple[Blocker, ...]
    answered: int
    dont_know: int
    not_applicable: int
    unanswered: int

    @property
    def total(self) -> int:
        return self.answered + self.dont_know + self.not_applicable + self.unanswered


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    overall: ScopeResult
    layers: dict[str, ScopeResult]
    pillars: dict[str, ScopeResult]
    cells: dict[tuple[str, str], ScopeResult]  # keyed (layer, pillar)


# Per-question status codes, used as indexes into the per-scope counters.
_ANSWERED, _DONT_KNOW, _NOT_APPLICABLE, _UNANSWERED = range(4)
_STATUS_NAMES = ("answered", "dont_know", "not_applicable", "unanswered")


def _check_unique(values: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is declared twice")
        seen.add(value)


def _validate_model(model: ModelSpec) -> None:
    if not model.stages:
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
    _check_unique((stage.key for stage in model.stages), "stage")
    _check_unique(model.layers, "layer")
    _check_unique(model.pillars, "pillar")
    _check_unique((question.key for question in model.questions), "question")
    if model.core_minimum < 0:
        raise ValueError(f"core_minimum must be 0 or more, got {model.core_minimum}")


def _validate_question(
    model: ModelSpec, question: QuestionSpec, layers: set[str], pillars: dict[str, int]
) -> None:
    where = f"question {question.key!r}"
    if not (0 <= question.stage < len(model.stages)):
        raise ValueError(f"{where}: stage level {question.stage} is not declared")
    if question.layer is not None and question.layer not in layers:
        raise ValueError(f"{where}: layer {question.layer!r} is not declared")
    if question.pillar not in pillars:
        raise ValueError(f"{where}: pillar {question.pillar!r} is not declared")
    if question.max_score <= 0:
        raise ValueError(f"{where}: max_score must be positive, got {question.max_score}")
    if not (math.isfinite(question.weight) and question.weight > 0):
        raise ValueError(f"{where}: weight must be a positive number, got {question.weight!r}")
    # Otherwise the stage could never be attained, whatever the organization does.
    if question.core and question.max_score < model.core_minimum:
        raise ValueError(
            f"{where}: a core question needs max_score >= core_minimum "
            f"({model.core_minimum}), got {question.max_score}"
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


def assess(model: ModelSpec, answers: Iterable[AnswerSpec]) -> AssessmentResult:
    """Score every scope (overall, each layer, each pillar, each cell) of one assessment."""
    _validate_model(model)
    by_question = _index_answers(model, answers)

    layers, pillars = model.layers, model.pillars
    n_layers, n_pillars, n_stages = len(layers), len(pillars), len(model.stages)
    pillar_index = {pillar: index for index, pillar in enumerate(pillars)}
    layer_index = {layer: index for index, layer in enumerate(layers)}
    layer_set = set(layers)
    # Scopes are numbered: 0 overall, then layers, then pillars, then cells row by row.
    first_pillar = 1 + n_layers
    first_cell = first_pillar + n_pillars
    n_scopes = first_cell + n_layers * n_pillars

    # Buckets are flat lists indexed scope * n_stages + level: one pass fills them.
    weights = [0.0] * (n_scopes * n_stages)
    points = [0.0] * (n_scopes * n_stages)
    core_failed = [False] * (n_scopes * n_stages)
    members: list[list[int]] = [[] for _ in range(n_scopes * n_stages)]
    counts = [[0, 0, 0, 0] for _ in range(n_scopes)]
    scores = [0] * len(model.questions)
    statuses = [_UNANSWERED] * len(model.questions)
    # Few distinct (layer, pillar) placements exist, so their scope lists are computed once.
    placements: dict[tuple[str | None, str], tuple[int, ...]] = {}

    for index, question in enumerate(model.questions):
        _validate_question(model, question, layer_set, pillar_index)
        placement = (question.layer, question.pillar)
        scopes = placements.get(placement)
        if scopes is None:
            p = pillar_index[question.pillar]
            rows = range(n_layers) if question.layer is None else (layer_index[question.layer],)
            scopes = (
                0,
                *(1 + row for row in rows),
                first_pillar + p,
                *(first_cell + row * n_pillars + p for row in rows),
            )
            placements[placement] = scopes

        answer = by_question.get(question.key)
        if answer is None:
            status, score = _UNANSWERED, 0
        elif answer.kind == AnswerKind.OPTION:
            status, score = _ANSWERED, answer.score
        elif answer.kind == AnswerKind.DONT_KNOW:
            status, score = _DONT_KNOW, 0
        else:
            status, score = _NOT_APPLICABLE, 0
        scores[index] = score
        statuses[index] = status

        for scope in scopes:
            counts[scope][status] += 1
        if status == _NOT_APPLICABLE:
            continue
        weight = question.weight
        # Normalize first so a full score earns exactly its weight and coverage tops out at 1.0.
        earned = weight * (score / question.max_score)
        below_core = question.core and score < model.core_minimum
        for scope in scopes:
            bucket = scope * n_stages + question.stage
            weights[bucket] += weight
            points[bucket] += earned
            members[bucket].append(index)
            if below_core:
                core_failed[bucket] = True

    blocker_cache: dict[int, Blocker] = {}

    def blocker(index: int) -> Blocker:
        # A blocker depends only on its question and answer, so scopes share one object.
        found = blocker_cache.get(index)
        if found is None:
            question = model.questions[index]
            score = scores[index]
            shortfall = (question.max_score - score) / question.max_score
            found = Blocker(
                question=question.key,
                text=question.text,
                stage=question.stage,
                score=score,
                max_score=question.max_score,
                weight=question.weight,
                shortfall=shortfall,
                impact=question.weight * shortfall,
                core=question.core,
                gating=question.core and score < model.core_minimum,
                status=_STATUS_NAMES[statuses[index]],
                recommendation=question.recommendation,
            )
            blocker_cache[index] = found
        return found

    def derive(scope: int, kind: str, key: str) -> ScopeResult:
        base = scope * n_stages
        coverages: list[StageCoverage] = []
        stage = 0
        blocking_stage: int | None = None
        total_weight = 0.0
        total_points = 0.0
        for spec in model.stages:
            bucket = base + spec.level
            applicable = len(members[bucket])
            if not applicable:
                coverages.append(StageCoverage(spec.level, None, False, True, 0))
                continue
            weight = weights[bucket]
            total_weight += weight
            total_points += points[bucket]
            coverage = points[bucket] / weight
            core_met = not core_failed[bucket]
            attained = core_met and coverage >= spec.threshold - TOLERANCE
            coverages.append(StageCoverage(spec.level, coverage, attained, core_met, applicable))
            # Maturity is cumulative: the first stage with questions that is not attained
            # caps the scope, whatever happens above it.
            if blocking_stage is None:
                if attained:
                    stage = spec.level
                else:
                    blocking_stage = spec.level

        blockers: tuple[Blocker, ...] = ()
        if blocking_stage is not None:
            shortfalls = [
                blocker(index)
                for index in members[base + blocking_stage]
                if scores[index] < model.questions[index].max_score
            ]
            # Indexes were appended in model order and list.sort is stable: ties keep that order.
            shortfalls.sort(key=lambda item: (-item.impact, not item.core))
            blockers = tuple(shortfalls)

        answered, dont_know, not_applicable, unanswered = counts[scope]
        # Dividing before scaling keeps a perfect scope at exactly 100, not 100.00000000000001.
        return ScopeResult(
            kind=kind,
            key=key,
            stage=stage,
            score=100 * (total_points / total_weight) if total_weight else None,
            stages=tuple(coverages),
            blocking_stage=blocking_stage,
            blockers=blockers,
            answered=answered,
            dont_know=dont_know,
            not_applicable=not_applicable,
            unanswered=unanswered,
        )

    return AssessmentResult(
        overall=derive(0, OVERALL, ""),
        layers={layer: derive(1 + row, LAYER, layer) for row, layer in enumerate(layers)},
        pillars={
            pillar: derive(first_pillar + p, PILLAR, pillar) for p, pillar in enumerate(pillars)
        },
        cells={
            (layer, pillar): derive(first_cell + row * n_pillars + p, CELL, f"{layer}:{pillar}")
            for row, layer in enumerate(layers)
            for p, pillar in enumerate(pillars)
        },
    )
