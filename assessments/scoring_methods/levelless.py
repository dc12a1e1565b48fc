"""The methods without gates: `bands` (the score places a scope in a band) and `progress`
(a percentage, no level). Both read a scope as a whole: one bucket per scope.

docs/scoring.md ("The bands method", "The progress method") states the rules.
"""

from __future__ import annotations

from assessments.scoring_methods.tally import (
    ScopeLayout,
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
)

# Scores are percentages: the coverage tolerance, scaled, so a score of 20 on paper computed as
# 19.999999999999996 still falls in the band that starts at 20.
SCORE_TOLERANCE = 100 * TOLERANCE


def band_level(model: ModelSpec, score: float | None) -> int | None:
    """The level whose band holds `score` (a band includes its lower bound); None: no score."""
    if score is None:
        return None
    level = 0
    for stage in model.stages:
        if stage.band is not None and score >= stage.band[0] - SCORE_TOLERANCE:
            level = stage.level
    return level


def assess_levelless(
    model: ModelSpec, layout: ScopeLayout, by_question: dict[str, AnswerSpec]
) -> AssessmentResult:
    counted = tally(model, layout, by_question, by_stage=False)
    shared: dict[int, Blocker] = {}
    bands = model.method is ScoringMethod.BANDS
    top = len(model.stages) - 1

    def score(scope: int, kind: str, key: str) -> ScopeResult:
        value = scope_score(counted, scope)
        level = band_level(model, value) if bands else None
        answered, dont_know, not_applicable, unanswered = counted.counts[scope]
        return ScopeResult(
            kind=kind,
            key=key,
            stage=level,
            score=value,
            stages=(),
            # The next band up is what the blockers move towards; progress has none.
            blocking_stage=level + 1 if level is not None and level < top else None,
            # Every question short of full marks raises the score; no stage gates them.
            blockers=choose_blockers(model, counted, scope, shared),
            answered=answered,
            dont_know=dont_know,
            not_applicable=not_applicable,
            unanswered=unanswered,
        )

    return assemble(model, layout, score, model.method)
