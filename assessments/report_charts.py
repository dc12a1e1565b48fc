"""The charts of a report (`Report.charts`): stage coverage, progress per section, radars, the
heat map. Plain data from assessments/charts.py, drawn by templates/charts/."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from assessments.headline import reached_level
from assessments.scoring import ScopeResult

if TYPE_CHECKING:
    from assessments.reporting import Report, ScopeRow


def _shown_score(row: ScopeRow) -> float | None:
    """No score is drawn for a scope out of scope: it is not measured."""
    return None if row.excluded else row.scope.score


def _reached(row: ScopeRow) -> int | None:
    return row.reached.level if row.reached is not None else None


RADAR_MINIMUM = 3


def report_charts(report: Report, layers, pillars) -> dict:
    from assessments import charts

    result = report.result
    names = report.names
    word = names.stage
    out: dict = {}
    # Only the gated method has coverage per stage; progress shows each section's percentage.
    if report.gated:
        rows = report.stage_coverage()
        thresholds = [
            report.threshold if s.threshold is None else s.threshold / 100 for s, _c in rows
        ]
        # Stages with thresholds of their own each say theirs; one threshold is said once.
        own = len(set(thresholds)) > 1
        out["stages"] = charts.stage_bars(
            "stage-coverage",
            _("Coverage of each %(stage)s") % {"stage": names.stage_lower},
            [
                (
                    s.level,
                    _("%(name)s (threshold %(threshold)s %%)")
                    % {"name": s.name, "threshold": round(t * 100)}
                    if own
                    else s.name,
                    c.coverage,
                    c.attained,
                )
                for (s, c), t in zip(rows, thresholds, strict=True)
            ],
            report.threshold,
            thresholds=thresholds,
            stage_word=word,
        )
    if report.sections:
        out["sections"] = charts.scope_bars(
            "section-progress",
            _("Progress per section"),
            [(r.name, _shown_score(r), None) for r in report.sections],
            stage_word=word,
        )
    # A radar needs three values to draw a shape (two make a line, one a dot): an axis with
    # fewer has no profile to draw, and its scores are in the tables.
    if len(report.pillars) >= RADAR_MINIMUM:
        out["pillars"] = charts.radar(
            "pillar-radar",
            _("Score per %(pillar)s") % {"pillar": names.pillar_lower},
            [(r.name, _shown_score(r), _reached(r)) for r in report.pillars],
            stage_word=word,
        )
    if len(report.layers) >= RADAR_MINIMUM:
        out["layers"] = charts.radar(
            "layer-radar",
            _("Score per %(layer)s") % {"layer": names.layer_lower},
            [(r.name, _shown_score(r), _reached(r)) for r in report.layers],
            stage_word=word,
        )
    if len(report.layers) < 2 or len(report.pillars) < 2:
        return out
    return out | {
        "heatmap": charts.heatmap(
            "heatmap",
            _("%(layers)s by %(pillars)s")
            % {"layers": names.layers, "pillars": names.pillars_lower},
            [x.name for x in layers],
            [x.name for x in pillars],
            {
                (i, j): _cell(result.cells[(layer.key, pillar.key)], report.gated)
                for i, layer in enumerate(layers)
                for j, pillar in enumerate(pillars)
            },
            stage_word=word,
            has_stages=report.has_stages,
        ),
    }


def _cell(scope: ScopeResult, gated: bool) -> tuple[float | None, int | None]:
    """A heat map cell's score and the stage it has reached (None: none yet, or no score)."""
    if scope.score is None:
        return None, None
    return scope.score, reached_level(scope, gated=gated)
