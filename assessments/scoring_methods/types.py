"""The plain data every scoring method reads and returns, in one place.

A model (`ModelSpec`) says which method scores it; every method returns the same
`AssessmentResult`, so the results page, the exports and the strategy document read one shape
whatever the method. Fields a method has no use for keep their neutral value (no stage, no
coverage, no blocking stage).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from assessments.scoring_methods.conditions import Condition

# Coverages are sums of float fractions: 0.7 must count as 0.7 even when it comes out 0.6999...
TOLERANCE = 1e-9

OVERALL = "overall"
LAYER = "layer"
PILLAR = "pillar"
CELL = "cell"
SECTION = "section"


class ScoringMethod(StrEnum):
    GATED = "gated"  # cumulative stages, each attained at a threshold with its core practices
    BANDS = "bands"  # the score alone places a scope in one of the declared score bands
    PROGRESS = "progress"  # a percentage, per section and overall; no level at all


class AnswerKind(StrEnum):
    OPTION = "option"
    DONT_KNOW = "dont_know"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class StageSpec:
    level: int
    key: str
    name: str
    threshold: float  # a fraction, 0 < threshold <= 1 (gated)
    # Gated: the raw score a core question of this stage needs; None: the model's core_minimum.
    core_minimum: int | None = None
    # Gated, level 0 only: the starting point, "no stage reached yet". It holds no question,
    # is always reached and never blocks, so level 0 is not both a floor and a stage to attain.
    floor: bool = False
    # Bands: the scores (0..100) that place a scope at this level, lower bound included.
    band: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    key: str
    stage: int  # the stage level, not its key
    pillar: str | None  # None: a model without pillars; the question counts in no pillar
    layer: str | None  # None: the practice belongs to every layer
    weight: float
    core: bool
    max_score: int
    text: str = ""
    recommendation: str = ""
    section: str = ""  # the section key; progress reports a percentage per section
    # A checklist's boxes as (box id, weight): what `question_types.checklist_fraction` reads to
    # turn the boxes checked into a score. Empty for a single-choice question.
    boxes: tuple[tuple[int, int], ...] = ()
    # A single choice on its own scale (`scale: own`): its options' highest score. Its answers
    # reach the engine as the same share of `max_score`, the version's (`question_types`). 0: on
    # the version's scale.
    own_max: int = 0


@dataclass(frozen=True, slots=True)
class ModelSpec:
    stages: tuple[StageSpec, ...]  # ordered by level; levels are 0..n-1
    layers: tuple[str, ...]
    pillars: tuple[str, ...]
    core_minimum: int  # raw score a core question needs for its stage to be attained
    questions: tuple[QuestionSpec, ...]
    method: ScoringMethod = ScoringMethod.GATED
    sections: tuple[str, ...] = ()  # section keys in order; only progress scores them
    # Questions asked only on a condition, in order (free text ones too). The engine never reads
    # them: callers work out the hidden keys (`conditions.hidden_questions`) and pass them to
    # `assess(hidden=...)`.
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True, slots=True)
class AnswerSpec:
    question: str
    kind: AnswerKind
    # Only meaningful for AnswerKind.OPTION: on the version's scale, 0..max_score. A checklist's
    # is a fraction of it, so not always whole (`question_types`).
    score: float = 0


@dataclass(frozen=True, slots=True)
class StageCoverage:
    level: int
    coverage: float | None  # None: no applicable question at this stage in the scope
    attained: bool  # a floor is always attained
    core_met: bool  # vacuously True without applicable core question, so a UI shows no gate
    applicable: int


@dataclass(frozen=True, slots=True)
class Blocker:
    question: str
    text: str
    stage: int
    score: float
    max_score: int
    weight: float
    shortfall: float  # (max_score - score) / max_score
    impact: float  # weight * shortfall
    core: bool
    gating: bool  # gated only: core and below its core minimum, blocks whatever the coverage
    status: str  # "answered", "dont_know" or "unanswered"
    recommendation: str


@dataclass(frozen=True, slots=True)
class ScopeResult:
    kind: str  # "overall", "layer", "pillar", "cell" or "section"
    key: str  # "" for overall, the layer, pillar or section key, or "layer:pillar" for a cell
    # Gated: always a level. Bands: the level of the score's band, None without a score.
    # Progress: always None, there are no levels.
    stage: int | None
    score: float | None  # 0..100; None when the scope has no applicable question
    stages: tuple[StageCoverage, ...]  # gated only; () for the other methods
    # Gated: the stage that caps the scope. Bands: the next band up. None when nothing is above.
    blocking_stage: int | None
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
    method: ScoringMethod = ScoringMethod.GATED
    sections: dict[str, ScopeResult] = field(default_factory=dict)  # progress only
