"""The scoring engine as it was before scoring methods (a verbatim copy, test oracle only).

tests/test_scoring_properties.py checks that the `gated` method of assessments.scoring gives
exactly these results on random models, so adding methods cannot change today's verdicts.

Scoring of an OSPO maturity assessment.

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


def _validate_questions(model: ModelSpec) -> None:
    layers = set(model.layers)
    pillars = {pillar: index for index, pillar in enumerate(model.pillars)}
    for question in model.questions:
        _validate_question(model, question, layers, pillars)


@dataclass(frozen=True, slots=True)
class _ScopeLayout:
    """How scopes are numbered: 0 overall, then the layers, then the pillars, then the cells
    row by row, so per-scope figures can live in flat lists."""

    n_layers: int
    n_pillars: int

    @property
    def first_pillar(self) -> int:
        return 1 + self.n_layers

    @property
    def first_cell(self) -> int:
        return 1 + self.n_layers + self.n_pillars

    @property
    def n_scopes(self) -> int:
        return self.first_cell + self.n_layers * self.n_pillars

    def layer(self, row: int) -> int:
        return 1 + row

    def pillar(self, column: int) -> int:
        return self.first_pillar + column

    def cell(self, row: int, column: int) -> int:
        return self.first_cell + row * self.n_pillars + column

    def scopes_of(self, row: int | None, column: int) -> tuple[int, ...]:
        """The scopes a question counts in; `row` None: the question is for every layer."""
        rows = range(self.n_layers) if row is None else (row,)
        return (
            0,
            *(self.layer(r) for r in rows),
            self.pillar(column),
            *(self.cell(r, column) for r in rows),
        )


def _status_and_score(answer: AnswerSpec | None) -> tuple[int, int]:
    if answer is None:
        return _UNANSWERED, 0
    if answer.kind == AnswerKind.OPTION:
        return _ANSWERED, answer.score
    if answer.kind == AnswerKind.DONT_KNOW:
        return _DONT_KNOW, 0
    return _NOT_APPLICABLE, 0


@dataclass(frozen=True, slots=True)
class _Tally:
    """What one pass over the questions gathers.

    Buckets are flat lists indexed scope * n_stages + level; questions are referred to by their
    index in the model.
    """

    n_stages: int
    weights: list[float]  # applicable weight per bucket
    points: list[float]  # weight earned per bucket
    core_failed: list[bool]  # some core question of the bucket is below core_minimum
    members: list[list[int]]  # the applicable questions of each bucket, in model order
    counts: list[list[int]]  # per scope, the number of questions of each status
    scores: list[int]  # per question
    statuses: list[int]  # per question


def _tally(model: ModelSpec, layout: _ScopeLayout, by_question: dict[str, AnswerSpec]) -> _Tally:
    n_stages = len(model.stages)
    n_buckets = layout.n_scopes * n_stages
    weights = [0.0] * n_buckets
    points = [0.0] * n_buckets
    core_failed = [False] * n_buckets
    members: list[list[int]] = [[] for _ in range(n_buckets)]
    counts = [[0, 0, 0, 0] for _ in range(layout.n_scopes)]
    scores = [0] * len(model.questions)
    statuses = [_UNANSWERED] * len(model.questions)
    rows = {layer: row for row, layer in enumerate(model.layers)}
    columns = {pillar: column for column, pillar in enumerate(model.pillars)}
    # Few distinct (layer, pillar) placements exist, so their scope lists are computed once.
    placements: dict[tuple[str | None, str], tuple[int, ...]] = {}

    for index, question in enumerate(model.questions):
        placement = (question.layer, question.pillar)
        scopes = placements.get(placement)
        if scopes is None:
            row = None if question.layer is None else rows[question.layer]
            scopes = placements[placement] = layout.scopes_of(row, columns[question.pillar])

        status, score = _status_and_score(by_question.get(question.key))
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

    return _Tally(n_stages, weights, points, core_failed, members, counts, scores, statuses)


def _stage_coverages(model: ModelSpec, tally: _Tally, scope: int) -> tuple[StageCoverage, ...]:
    base = scope * tally.n_stages
    coverages: list[StageCoverage] = []
    for spec in model.stages:
        bucket = base + spec.level
        applicable = len(tally.members[bucket])
        if not applicable:
            coverages.append(StageCoverage(spec.level, None, False, True, 0))
            continue
        coverage = tally.points[bucket] / tally.weights[bucket]
        core_met = not tally.core_failed[bucket]
        attained = core_met and coverage >= spec.threshold - TOLERANCE
        coverages.append(StageCoverage(spec.level, coverage, attained, core_met, applicable))
    return tuple(coverages)


def _reached_and_blocking(coverages: Iterable[StageCoverage]) -> tuple[int, int | None]:
    """The stage a scope reaches and the stage that blocks it (None when nothing does).

    Maturity is cumulative: the first stage with questions that is not attained caps the scope,
    whatever happens above it. Stages without questions neither block nor count.
    """
    reached = 0
    for coverage in coverages:
        if not coverage.applicable:
            continue
        if not coverage.attained:
            return reached, coverage.level
        reached = coverage.level
    return reached, None


def _scope_score(tally: _Tally, scope: int) -> float | None:
    """0..100 over every applicable question of the scope; None when there is none."""
    base = scope * tally.n_stages
    total_weight = 0.0
    total_points = 0.0
    for bucket in range(base, base + tally.n_stages):
        if tally.members[bucket]:
            total_weight += tally.weights[bucket]
            total_points += tally.points[bucket]
    # Dividing before scaling keeps a perfect scope at exactly 100, not 100.00000000000001.
    return 100 * (total_points / total_weight) if total_weight else None


def _blocker(question: QuestionSpec, score: int, status: int, core_minimum: int) -> Blocker:
    shortfall = (question.max_score - score) / question.max_score
    return Blocker(
        question=question.key,
        text=question.text,
        stage=question.stage,
        score=score,
        max_score=question.max_score,
        weight=question.weight,
        shortfall=shortfall,
        impact=question.weight * shortfall,
        core=question.core,
        gating=question.core and score < core_minimum,
        status=_STATUS_NAMES[status],
        recommendation=question.recommendation,
    )


def _choose_blockers(
    model: ModelSpec, tally: _Tally, bucket: int, shared: dict[int, Blocker]
) -> tuple[Blocker, ...]:
    """The questions of `bucket` short of full marks, the most rewarding to improve first.

    A blocker depends only on its question and answer, so scopes share one object through
    `shared`, keyed by question index.
    """
    chosen: list[Blocker] = []
    for index in tally.members[bucket]:
        question = model.questions[index]
        score = tally.scores[index]
        if score >= question.max_score:
            continue
        found = shared.get(index)
        if found is None:
            found = shared[index] = _blocker(
                question, score, tally.statuses[index], model.core_minimum
            )
        chosen.append(found)
    # Indexes were appended in model order and list.sort is stable: ties keep that order.
    chosen.sort(key=lambda item: (-item.impact, not item.core))
    return tuple(chosen)


def _score_scope(
    model: ModelSpec,
    tally: _Tally,
    scope: int,
    kind: str,
    key: str,
    shared_blockers: dict[int, Blocker],
) -> ScopeResult:
    coverages = _stage_coverages(model, tally, scope)
    reached, blocking_stage = _reached_and_blocking(coverages)
    blockers: tuple[Blocker, ...] = ()
    if blocking_stage is not None:
        bucket = scope * tally.n_stages + blocking_stage
        blockers = _choose_blockers(model, tally, bucket, shared_blockers)
    answered, dont_know, not_applicable, unanswered = tally.counts[scope]
    return ScopeResult(
        kind=kind,
        key=key,
        stage=reached,
        score=_scope_score(tally, scope),
        stages=coverages,
        blocking_stage=blocking_stage,
        blockers=blockers,
        answered=answered,
        dont_know=dont_know,
        not_applicable=not_applicable,
        unanswered=unanswered,
    )


def assess(model: ModelSpec, answers: Iterable[AnswerSpec]) -> AssessmentResult:
    """Score every scope (overall, each layer, each pillar, each cell) of one assessment."""
    _validate_model(model)
    by_question = _index_answers(model, answers)
    _validate_questions(model)
    layout = _ScopeLayout(n_layers=len(model.layers), n_pillars=len(model.pillars))
    tally = _tally(model, layout, by_question)

    shared_blockers: dict[int, Blocker] = {}

    def score(scope: int, kind: str, key: str) -> ScopeResult:
        return _score_scope(model, tally, scope, kind, key, shared_blockers)

    layers, pillars = model.layers, model.pillars
    return AssessmentResult(
        overall=score(0, OVERALL, ""),
        layers={layer: score(layout.layer(row), LAYER, layer) for row, layer in enumerate(layers)},
        pillars={
            pillar: score(layout.pillar(column), PILLAR, pillar)
            for column, pillar in enumerate(pillars)
        },
        cells={
            (layer, pillar): score(layout.cell(row, column), CELL, f"{layer}:{pillar}")
            for row, layer in enumerate(layers)
            for column, pillar in enumerate(pillars)
        },
    )
