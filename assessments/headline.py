"""What the results page says first: which of three cases a gated result is in (nothing reached
yet, a stage reached, every stage reached) and why, in figures one sentence can carry.

Scoring reports a scope's `stage` as the highest level it has not been stopped below, which is 0
both when stage 0 is attained and when nothing is: a page that printed it as is would head a
result "Stage 0: Awareness" while its table says Awareness is not attained. `reached_level`
tells the two apart, and every part of the page (headline, why, tables, heat map) asks it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from assessments.figures import shown
from assessments.scoring import TOLERANCE, ScopeResult

if TYPE_CHECKING:
    from assessments.reporting import Report, StageInfo

NOTHING, REACHED, EVERY = "nothing", "reached", "every"


def reached_level(scope: ScopeResult, *, gated: bool = True) -> int | None:
    """The level `scope` has attained, or None when it has attained none.

    A stage counts as reached only when it has questions in the scope and they pass its gates: a
    floor (a level 0 without questions) is where everyone starts, not something reached. Other
    methods place a scope by its score alone, so their stage stands as scored.
    """
    if not gated or scope.stage is None:
        return scope.stage
    for coverage in scope.stages:
        if coverage.level == scope.stage:
            return scope.stage if coverage.applicable and coverage.attained else None
    return None


@dataclass(frozen=True)
class Headline:
    """A gated result's case and the figures of its one-sentence reason."""

    case: str  # NOTHING, REACHED or EVERY
    reached: StageInfo | None  # the highest stage attained; None in the NOTHING case
    next: StageInfo | None  # the stage that stops the organization; None in the EVERY case
    floor: StageInfo | None = None  # the version's name for "nothing yet", when it has one
    # Of `next`: the share of its practices in place, rounded down so that 69.6 % is never said
    # to meet a threshold of 70 %, and the share it needs.
    coverage: int | None = None
    threshold: int | None = None
    coverage_short: bool = False
    core_short: int = 0  # its core practices below the answer they must reach
    core_label: str = ""  # that answer, in the scale's words
    top: StageInfo | None = None  # the highest stage, for "every stage, up to …"


def headline(report: Report) -> Headline | None:
    """The case and reason of `report`'s overall result; None for a method without gates."""
    if not report.gated:
        return None
    overall = report.result.overall
    stages = report.stages
    level = reached_level(overall)
    reached = stages[level] if level is not None else None
    floor = stages[0] if stages and stages[0].floor else None
    top = stages[-1] if stages else None
    if overall.blocking_stage is None:
        return Headline(EVERY, reached, None, floor, top=top)
    nxt = stages[overall.blocking_stage]
    coverage = next(c for c in overall.stages if c.level == nxt.level)
    threshold = nxt.threshold if nxt.threshold is not None else report.threshold_percent
    shown = None if coverage.coverage is None else math.floor(coverage.coverage * 100 + 1e-6)
    short = coverage.coverage is not None and coverage.coverage < threshold / 100 - TOLERANCE
    return Headline(
        NOTHING if reached is None else REACHED,
        reached,
        nxt,
        floor,
        coverage=shown,
        threshold=threshold,
        coverage_short=short,
        core_short=sum(1 for row in report.overall.blockers if row.blocker.gating),
        core_label=report.core_label_at(nxt.level),
        top=top,
    )


def headline_text(report: Report) -> str:
    """The results page's headline as plain text, for files made from the same report (the
    workbook, the summary PDF): the same words as templates/assessments/results.html."""
    overall = report.overall
    names = report.names
    if not report.has_stages:
        if overall.scope.score is None:
            return _("No progress to show yet")
        return _("Overall progress: %(score)s %%") % {"score": shown(overall.scope.score)}
    if overall.stage is None:
        return _("No score yet")
    case = report.headline
    if case is not None and case.case == NOTHING:
        return _("No %(stage)s reached yet") % {"stage": names.stage_lower}
    if case is not None and case.case == EVERY:
        return _("Every %(stage)s reached") % {"stage": names.stage_lower} + (
            f": {names.stage} {overall.stage.level}, {overall.stage.name}"
        )
    if report.gated:
        return _("%(stage)s %(level)s reached: %(name)s") % {
            "stage": names.stage,
            "level": overall.stage.level,
            "name": overall.stage.name,
        }
    return f"{names.stage} {overall.stage.level}: {overall.stage.name}"
