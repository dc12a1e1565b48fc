"""The gated method: cumulative stages, each attained at its threshold with its core practices.

docs/scoring.md ("The gated method") states the rules this implements.
"""

from __future__ import annotations

from collections.abc import Iterable

from assessments.scoring_methods.tally import (
    ScopeLayout,
    Tally,
    assemble,
    choose_blockers,
    scope_score,
    tally,
)
from assessments.scoring_methods.types import (
    TOLERANCE,
    AnswerSpec,
    AssessmentResult,
    Blocker,
    ModelSpec,
    ScopeResult,
    ScoringMethod,
    StageCoverage,
)


def core_minimums(model: ModelSpec) -> tuple[int, ...]:
    """Per stage level, the raw score its core questions need: its own, else the model's."""
    return tuple(
        model.core_minimum if stage.core_minimum is None else stage.core_minimum
        for stage in model.stages
    )


def _stage_coverages(model: ModelSpec, tally: Tally, scope: int) -> tuple[StageCoverage, ...]:
    base = scope * tally.n_buckets
    coverages: list[StageCoverage] = []
    for spec in model.stages:
        bucket = base + spec.level
        applicable = len(tally.members[bucket])
        if not applicable:
            # A floor holds no question (validation sees to it) and is where every scope starts.
            coverages.append(StageCoverage(spec.level, None, spec.floor, True, 0))
            continue
        coverage = tally.points[bucket] / tally.weights[bucket]
        core_met = not tally.core_failed[bucket]
        attained = core_met and coverage >= spec.threshold - TOLERANCE
        coverages.append(StageCoverage(spec.level, coverage, attained, core_met, applicable))
    return tuple(coverages)


def _reached_and_blocking(coverages: Iterable[StageCoverage]) -> tuple[int, int | None]:
    """The stage a scope reaches and the stage that blocks it (None when nothing does).

    Maturity is cumulative: the first stage with questions that is not attained caps the scope,
    whatever happens above it. Stages without questions (a floor among them) neither block nor
    count, so the walk starts at level 0 whether or not it is declared a floor.
    """
    reached = 0
    for coverage in coverages:
        if not coverage.applicable:
            continue
        if not coverage.attained:
            return reached, coverage.level
        reached = coverage.level
    return reached, None


def assess_gated(
    model: ModelSpec, layout: ScopeLayout, by_question: dict[str, AnswerSpec]
) -> AssessmentResult:
    minimums = core_minimums(model)
    counted = tally(model, layout, by_question, by_stage=True, core_minimums=minimums)
    shared: dict[int, Blocker] = {}

    def score(scope: int, kind: str, key: str) -> ScopeResult:
        coverages = _stage_coverages(model, counted, scope)
        reached, blocking_stage = _reached_and_blocking(coverages)
        blockers: tuple[Blocker, ...] = ()
        if blocking_stage is not None:
            bucket = scope * counted.n_buckets + blocking_stage
            blockers = choose_blockers(model, counted, bucket, shared, minimums)
        answered, dont_know, not_applicable, unanswered = counted.counts[scope]
        return ScopeResult(
            kind=kind,
            key=key,
            stage=reached,
            score=scope_score(counted, scope),
            stages=coverages,
            blocking_stage=blocking_stage,
            blockers=blockers,
            answered=answered,
            dont_know=dont_know,
            not_applicable=not_applicable,
            unanswered=unanswered,
        )

    return assemble(model, layout, score, ScoringMethod.GATED)
