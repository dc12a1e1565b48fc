"""What every method shares: one pass over the questions, per-scope figures in flat lists.

A scope's questions are split into buckets: one per stage for the gated method (its verdict is
per stage), a single one for the others (their verdict reads the whole scope).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assessments.scoring_methods.types import (
    CELL,
    LAYER,
    OVERALL,
    PILLAR,
    SECTION,
    AnswerKind,
    AnswerSpec,
    AssessmentResult,
    Blocker,
    ModelSpec,
    QuestionSpec,
    ScopeResult,
    ScoringMethod,
)

# Per-question status codes, used as indexes into the per-scope counters.
ANSWERED, DONT_KNOW, NOT_APPLICABLE, UNANSWERED = range(4)
STATUS_NAMES = ("answered", "dont_know", "not_applicable", "unanswered")


@dataclass(frozen=True, slots=True)
class ScopeLayout:
    """How scopes are numbered: 0 overall, then the layers, then the pillars, then the cells
    row by row, then the sections (when scored), so per-scope figures can live in flat lists."""

    n_layers: int
    n_pillars: int
    n_sections: int = 0

    @property
    def first_pillar(self) -> int:
        return 1 + self.n_layers

    @property
    def first_cell(self) -> int:
        return 1 + self.n_layers + self.n_pillars

    @property
    def first_section(self) -> int:
        return self.first_cell + self.n_layers * self.n_pillars

    @property
    def n_scopes(self) -> int:
        return self.first_section + self.n_sections

    def layer(self, row: int) -> int:
        return 1 + row

    def pillar(self, column: int) -> int:
        return self.first_pillar + column

    def cell(self, row: int, column: int) -> int:
        return self.first_cell + row * self.n_pillars + column

    def section(self, index: int) -> int:
        return self.first_section + index

    def scopes_of(self, row: int | None, column: int | None) -> tuple[int, ...]:
        """The scopes a question counts in; `row` None: the question is for every layer (of
        which there may be none); `column` None: a model without pillars, so no pillar and no
        cell."""
        rows = range(self.n_layers) if row is None else (row,)
        if column is None:
            return (0, *(self.layer(r) for r in rows))
        return (
            0,
            *(self.layer(r) for r in rows),
            self.pillar(column),
            *(self.cell(r, column) for r in rows),
        )


def status_and_score(answer: AnswerSpec | None) -> tuple[int, float]:
    if answer is None:
        return UNANSWERED, 0
    if answer.kind == AnswerKind.OPTION:
        return ANSWERED, answer.score
    if answer.kind == AnswerKind.DONT_KNOW:
        return DONT_KNOW, 0
    return NOT_APPLICABLE, 0


@dataclass(frozen=True, slots=True)
class Tally:
    """What one pass over the questions gathers.

    Buckets are flat lists indexed scope * n_buckets + bucket; questions are referred to by their
    index in the model.
    """

    n_buckets: int  # per scope
    weights: list[float]  # applicable weight per bucket
    points: list[float]  # weight earned per bucket
    core_failed: list[bool]  # some core question of the bucket is below its core minimum
    members: list[list[int]]  # the applicable questions of each bucket, in model order
    counts: list[list[int]]  # per scope, the number of questions of each status
    scores: list[float]  # per question
    statuses: list[int]  # per question


def tally(
    model: ModelSpec,
    layout: ScopeLayout,
    by_question: dict[str, AnswerSpec],
    *,
    by_stage: bool,
    core_minimums: tuple[int, ...] = (),
) -> Tally:
    """Gather every scope's figures; `by_stage`: one bucket per stage, else one per scope.

    `core_minimums` (per stage level) marks the buckets whose core questions fall short; only
    the gated method passes them.
    """
    n_buckets_per_scope = len(model.stages) if by_stage else 1
    n_buckets = layout.n_scopes * n_buckets_per_scope
    weights = [0.0] * n_buckets
    points = [0.0] * n_buckets
    core_failed = [False] * n_buckets
    members: list[list[int]] = [[] for _ in range(n_buckets)]
    counts = [[0, 0, 0, 0] for _ in range(layout.n_scopes)]
    scores: list[float] = [0] * len(model.questions)
    statuses = [UNANSWERED] * len(model.questions)
    rows = {layer: row for row, layer in enumerate(model.layers)}
    columns = {pillar: column for column, pillar in enumerate(model.pillars)}
    sections = {key: index for index, key in enumerate(model.sections)} if layout.n_sections else {}
    # Few distinct (layer, pillar) placements exist, so their scope lists are computed once.
    placements: dict[tuple[str | None, str | None], tuple[int, ...]] = {}

    for index, question in enumerate(model.questions):
        placement = (question.layer, question.pillar)
        scopes = placements.get(placement)
        if scopes is None:
            row = None if question.layer is None else rows[question.layer]
            column = None if question.pillar is None else columns[question.pillar]
            scopes = placements[placement] = layout.scopes_of(row, column)
        if sections:
            scopes = (*scopes, layout.section(sections[question.section]))

        status, score = status_and_score(by_question.get(question.key))
        scores[index] = score
        statuses[index] = status
        for scope in scopes:
            counts[scope][status] += 1
        if status == NOT_APPLICABLE:
            continue

        weight = question.weight
        # Normalize first so a full score earns exactly its weight and coverage tops out at 1.0.
        earned = weight * (score / question.max_score)
        below_core = bool(core_minimums) and question.core and score < core_minimums[question.stage]
        offset = question.stage if by_stage else 0
        for scope in scopes:
            bucket = scope * n_buckets_per_scope + offset
            weights[bucket] += weight
            points[bucket] += earned
            members[bucket].append(index)
            if below_core:
                core_failed[bucket] = True

    return Tally(
        n_buckets_per_scope, weights, points, core_failed, members, counts, scores, statuses
    )


def scope_score(tally: Tally, scope: int) -> float | None:
    """0..100 over every applicable question of the scope; None when there is none."""
    base = scope * tally.n_buckets
    total_weight = 0.0
    total_points = 0.0
    for bucket in range(base, base + tally.n_buckets):
        if tally.members[bucket]:
            total_weight += tally.weights[bucket]
            total_points += tally.points[bucket]
    # Dividing before scaling keeps a perfect scope at exactly 100, not 100.00000000000001.
    return 100 * (total_points / total_weight) if total_weight else None


def _blocker(
    question: QuestionSpec, score: float, status: int, core_minimum: int | None
) -> Blocker:
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
        gating=core_minimum is not None and question.core and score < core_minimum,
        status=STATUS_NAMES[status],
        recommendation=question.recommendation,
    )


def choose_blockers(
    model: ModelSpec,
    tally: Tally,
    bucket: int,
    shared: dict[int, Blocker],
    core_minimums: tuple[int, ...] = (),
) -> tuple[Blocker, ...]:
    """The questions of `bucket` short of full marks, the most rewarding to improve first.

    A blocker depends only on its question and answer, so scopes share one object through
    `shared`, keyed by question index. Without `core_minimums` nothing gates.
    """
    chosen: list[Blocker] = []
    for index in tally.members[bucket]:
        question = model.questions[index]
        score = tally.scores[index]
        if score >= question.max_score:
            continue
        found = shared.get(index)
        if found is None:
            minimum = core_minimums[question.stage] if core_minimums else None
            found = shared[index] = _blocker(question, score, tally.statuses[index], minimum)
        chosen.append(found)
    # Indexes were appended in model order and list.sort is stable: ties keep that order.
    chosen.sort(key=lambda item: (-item.impact, not item.core))
    return tuple(chosen)


def assemble(
    model: ModelSpec,
    layout: ScopeLayout,
    score: Callable[[int, str, str], ScopeResult],
    method: ScoringMethod,
) -> AssessmentResult:
    """Every scope's result, from `score(scope index, kind, key)`, in the shared shape."""
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
        method=method,
        sections={
            key: score(layout.section(index), SECTION, key)
            for index, key in enumerate(model.sections[: layout.n_sections])
        },
    )
