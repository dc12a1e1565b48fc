"""An assessment's results as tables for people: what the results CSV and the workbook write.

Names in the version's words, levels by name ("2 · Security, education and strategy"),
percentages and scores as whole numbers rounded as the results page rounds them. The headers are
fixed English words, so a spreadsheet built on the file keeps working from one export to the
next; docs/exports.md lists them. The JSON export keeps the keys and exact figures for machines.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessments.figures import shown
from assessments.reporting import BlockerRow, Report, StageInfo, words_of
from assessments.scoring import ScopeResult

# How a column's values are written: a spreadsheet shows a percentage with its format, a CSV as
# the whole number its header calls a percentage.
TEXT, NUMBER, PERCENT = "text", "number", "percent"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int = 14  # in characters, for the workbook


@dataclass(frozen=True)
class Table:
    columns: list[Column]
    rows: list[list]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def shown_coverage(coverage: float | None) -> int | None:
    # The chart rounds to a tenth first (0.55 → 55.0, not 55.00000000000001), then to a whole.
    return None if coverage is None else shown(round(coverage * 100, 1))


def level_name(stage: StageInfo | None) -> str:
    return f"{stage.level} · {stage.name}" if stage is not None else ""


def results_table(report: Report) -> Table:
    """One row per scope: overall, each layer and pillar, each layer × pillar cell, and (progress
    only) each section."""
    gated, staged = report.gated, report.has_stages
    # The floor has no coverage of its own: the page draws none.
    covered = [s for s in report.stages if not s.floor] if gated else []
    columns = [Column("Scope", width=22), Column("Name", width=36)]
    columns += [Column("Stage", width=34)] if staged else []
    columns += [
        Column("Score (of 100)", NUMBER, 12),
        Column("Answered", NUMBER, 10),
        Column("Don't know", NUMBER, 10),
        Column("Not applicable", NUMBER, 12),
        Column("Unanswered", NUMBER, 11),
    ]
    columns += [Column("Next stage not reached", width=34)] if staged else []
    columns += [Column("Out of scope", width=12), Column("Out of scope reason", width=36)]
    columns += [Column(f"Coverage {level_name(s)} (%)", PERCENT, 16) for s in covered]

    stages = report.stages
    names = report.names
    excluded = {(x.kind, x.key): x for x in report.out_of_scope}
    layer_names = {r.key: r.name for r in report.layers}
    pillar_names = {r.key: r.name for r in report.pillars}

    def row(kind_name: str, name: str, scope: ScopeResult, out=None) -> list:
        stage = stages[scope.stage] if scope.stage is not None and out is None else None
        values = [kind_name, name]
        values += [level_name(stage)] if staged else []
        values += [
            shown(scope.score),
            scope.answered,
            scope.dont_know,
            scope.not_applicable,
            scope.unanswered,
        ]
        if staged:
            blocking = scope.blocking_stage
            values.append(level_name(stages[blocking]) if blocking is not None else "")
        values += [_("Yes") if out else "", out.reason if out else ""]
        coverage = {c.level: c.coverage for c in scope.stages}
        values += [shown_coverage(coverage.get(s.level)) for s in covered]
        return values

    rows = [row(_("Overall"), report.overall.name, report.overall.scope)]
    for r in report.layers + report.pillars:
        rows.append(row(names.of_kind(r.kind), r.name, r.scope, excluded.get((r.kind, r.key))))
    cell_kind = f"{names.layer} × {names.pillar}"
    for (layer, pillar), scope in report.result.cells.items():
        out = excluded.get(("layer", layer)) or excluded.get(("pillar", pillar))
        name = f"{layer_names.get(layer, layer)} × {pillar_names.get(pillar, pillar)}"
        rows.append(row(cell_kind, name, scope, out))
    for r in report.sections:  # progress only
        rows.append(row(_("Section"), r.name, r.scope, excluded.get(("section", r.key))))
    return Table(columns, rows)


def _status(row: BlockerRow) -> str:
    blocker = row.blocker
    if blocker.status == "unanswered":
        return _("Not answered yet")
    if blocker.status == "dont_know":
        return _("Don't know")
    return _("Scored %(score)s of %(max)s") % {
        "score": f"{blocker.score:g}",
        "max": blocker.max_score,
    }


def blockers_table(report: Report) -> Table:
    """Every practice that holds the organization back (gated: from the next stage; the other
    methods: what would raise the score most), most important first, each with its next steps:
    its question's recommendation and its section's."""
    staged = report.has_stages
    columns = [Column("Blocker", NUMBER, 8), Column("Practice", width=60)]
    columns += [Column("Section", width=28)]
    columns += [Column("Stage", width=34)] if staged else []
    columns += [
        Column("Core practice", width=13),
        Column("Answer", width=22),
        Column("Score", NUMBER, 8),
        Column("Out of", NUMBER, 8),
        Column("Next step", width=60),
        Column("Section's next steps", width=60),
    ]
    sections = (
        words_of(report.assessment.questionnaire).section_recommendations
        if report.assessment
        else {}
    )
    blocks = _("Yes, blocks the %(stage)s") % {"stage": report.names.stage_lower}
    rows = []
    for rank, row in enumerate(report.overall.blockers, start=1):
        blocker = row.blocker
        values = [rank, row.text, row.section]
        values += [level_name(report.stages[blocker.stage])] if staged else []
        values += [
            # A core practice below its minimum blocks the stage whatever the coverage.
            blocks if blocker.gating else (_("Yes") if blocker.core else ""),
            _status(row),
            blocker.score if blocker.status == "answered" else None,
            blocker.max_score,
            blocker.recommendation.strip(),
            sections.get(row.section_key, "").strip(),
        ]
        rows.append(values)
    return Table(columns, rows)
