"""The text a strategy is drafted with: "where we stand", a roadmap and the executive summary
from an assessment's result (the summary also from the strategy's targets, roadmap and rows).

Builders over a report, no writes; the rules of the rows themselves (creating a strategy, saving
a section safely, restoring a revision, refreshing the generated text) are methods of the models
in `strategy.models`. Only the perception gaps of an assessment answered individually read more
than the report: its respondents' answers (`assessments.gaps`).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.gaps import document_sentences
from assessments.reporting import BlockerRow, Recommendation, Report
from strategy.models import GENERATED_KEY, RoadmapItem, Section, Strategy

__all__ = [
    "GENERATED_KEY",  # kept importable from here, where the document's renderer reads it
    "ROADMAP_DRAFT_SIZE",
    "completeness",
    "next_quarters",
    "roadmap_draft",
    "where_we_stand_markdown",
]

ROADMAP_DRAFT_SIZE = 8
# RoadmapItem's columns: title max_length, why max_length.
TITLE_LENGTH = 300
WHY_LENGTH = 5000


def next_quarters(start: date, count: int) -> list[str]:
    year, quarter = start.year, (start.month - 1) // 3 + 1
    out = []
    for _step in range(count):
        quarter += 1
        if quarter > 4:
            year, quarter = year + 1, 1
        out.append(f"{year}-Q{quarter}")
    return out


def _whole(score: float) -> int:
    # Half up, as the charts and tables (Django's floatformat) show it; round() would go to even.
    return int(score + 0.5)


def where_we_stand_markdown(report: Report) -> str:
    """The generated section: the assessment's result in words, refreshed on demand.

    Names from the assessment and its questionnaire (title, stages, scopes, questions) are plain
    text, escaped so they show as written: the block is also written afresh into the PDF and the
    Markdown export whenever the assessment has changed since it was saved (strategy.document).
    """
    # The export's escaping; imported here, as strategy.markdown_export imports this module.
    from strategy.markdown_export import cell, plain

    overall = report.overall
    names = report.names
    title = cell(report.assessment.title if report.assessment else "")
    if overall.stage is None:
        # A progress version (or a bands one without a score) places the organization nowhere.
        lines = [_("Our latest assessment is “%(title)s”.") % {"title": title}, ""]
    else:
        lines = [
            _(
                "Our latest assessment, “%(title)s”, places the organization at **%(stage)s "
                "%(level)s, %(name)s**."
            )
            % {
                "title": title,
                "stage": cell(names.stage_lower),
                "level": overall.stage.level,
                "name": cell(overall.stage.name),
            },
            "",
            plain(overall.stage.description),
            "",
        ]
    if overall.scope.score is not None:
        lines += [
            _(
                "The overall score is %(score)s of 100 (%(answered)s questions answered, "
                "%(unknown)s “don't know”, %(na)s not applicable)."
            )
            % {
                "score": round(overall.scope.score),
                "answered": overall.scope.answered,
                "unknown": overall.scope.dont_know,
                "na": overall.scope.not_applicable,
            },
            "",
        ]
    if report.has_stages:
        lines += [
            _("| Scope | %(stage)s | Score |") % {"stage": cell(names.stage)},
            "|---|---|---|",
        ]
    else:
        lines += [_("| Scope | Score |"), "|---|---|"]
    for row in report.layers + report.pillars + report.sections:
        if row.excluded is not None:
            out = _("out of scope")
            lines.append(
                f"| {cell(row.name)} | {out} |" + (f" {out} |" if report.has_stages else "")
            )
            continue
        score = "–" if row.scope.score is None else str(_whole(row.scope.score))
        if not report.has_stages:
            lines.append(f"| {cell(row.name)} | {score} |")
            continue
        stage = f"{row.stage.level} · {cell(row.stage.name)}" if row.stage else "–"
        lines.append(f"| {cell(row.name)} | {stage} | {score} |")
    if report.out_of_scope:
        lines += ["", _("We chose not to pursue these; their questions count nowhere above:"), ""]
        lines += [f"- {cell(item.name)}: {plain(item.reason)}" for item in report.out_of_scope]
    lines += _perception_lines(report)
    if report.gated and report.next_stage is not None and overall.blockers:
        lines += [
            "",
            _("What holds us back from %(stage)s %(level)s, %(name)s:")
            % {
                "stage": cell(names.stage_lower),
                "level": report.next_stage.level,
                "name": cell(report.next_stage.name),
            },
            "",
        ]
        lines += [f"- {plain(row.text)}" for row in overall.blockers[:5]]
    return "\n".join(lines) + "\n"


def _perception_lines(report: Report) -> list[str]:
    """The largest perception gaps, where the team answered individually before agreeing."""
    from strategy.markdown_export import plain

    if report.assessment is None:
        return []
    sentences = document_sentences(report.assessment, report.result)
    if not sentences:
        return []
    lines = ["", _("We answered individually before agreeing; our views differ most here:"), ""]
    return lines + [f"- {plain(sentence)}" for sentence in sentences]


def _why(report: Report, row: BlockerRow) -> str:
    blocker = row.blocker
    if not report.gated:
        return _("Raises the score: “%(question)s” (scored %(score)s of %(max)s).") % {
            "question": row.text,
            "score": blocker.score,
            "max": blocker.max_score,
        }
    return _("Blocks %(stage)s %(level)s: “%(question)s” (%(state)s).") % {
        "stage": report.names.stage_lower,
        "level": blocker.stage,
        "question": row.text,
        "state": _("a core practice below “%(label)s”")
        % {"label": report.core_label_at(blocker.stage)}
        if blocker.gating
        else _("scored %(score)s of %(max)s") % {"score": blocker.score, "max": blocker.max_score},
    }


def _title(text: str) -> str:
    """A roadmap item's action from a recommendation: one line, cut to the column's length."""
    line = " ".join(text.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"


def roadmap_steps(report: Report) -> list[tuple[str, tuple[BlockerRow, ...]]]:
    """The overall blockers' next steps, most important first, each text once with the blockers
    it applies to (`merge_recommendations`); a blocker without any recommendation is a step of
    its own, named by its question."""
    steps_of: dict[int, list[Recommendation]] = {}
    for step in report.overall.recommendations:
        for row in step.questions:
            steps_of.setdefault(id(row), []).append(step)
    steps: list[tuple[str, tuple[BlockerRow, ...]]] = []
    seen: set[int] = set()
    for row in report.overall.blockers:
        for step in steps_of.get(id(row), ()):
            if id(step) not in seen:
                seen.add(id(step))
                steps.append((step.text, step.questions))
        if id(row) not in steps_of:
            steps.append((row.text, (row,)))
    return steps


def roadmap_draft(report: Report, strategy: Strategy) -> list[RoadmapItem]:
    """Action items from the blockers of the next stage, most important first: one per
    recommendation, however many practices share it, linked to all of them."""
    quarters = next_quarters(timezone.now().date(), 4)
    items = []
    for index, (text, rows) in enumerate(roadmap_steps(report)[:ROADMAP_DRAFT_SIZE]):
        items.append(
            RoadmapItem(
                strategy=strategy,
                order=index,
                title=_title(text),
                why=" ".join(_why(report, row) for row in rows)[:WHY_LENGTH],
                target_quarter=quarters[min(index // 2, len(quarters) - 1)],
                question_keys=list(dict.fromkeys(row.blocker.question for row in rows)),
            )
        )
    return items


def completeness(section: Section, rows: int = 0, is_generated: bool = False):
    """Whether `section` holds what it asks for (`strategy.rows.completeness`), and what is
    missing: its rows counted by the caller (one query for all sections)."""
    from strategy.generated import split
    from strategy.rows import SectionState
    from strategy.rows import completeness as rule

    state = SectionState(
        key=section.key,
        body=section.body,
        generated=is_generated,
        has_block=is_generated and split(section.body) is not None,
        rows=rows,
    )
    return rule(state)


SUMMARY_KEY = "summary"


def executive_summary_markdown(
    report: Report | None,
    strategy: Strategy,
    steps: list[str],
    budget: list[dict],
    staff: list[dict],
) -> str:
    """The drafted part of the executive summary: the stage now and aimed for, the three main
    blockers, the first roadmap steps, the budget and FTE totals when there are any. Plain data
    in, Markdown out; names are escaped as in "Where we stand"."""
    from strategy.markdown_export import cell, plain
    from strategy.rows import KINDS, number, total

    lines: list[str] = []
    names = report.names if report is not None else None
    overall = report.overall if report is not None else None
    if report is not None and overall.stage is not None:
        now = _("We are at %(stage)s %(level)s, %(name)s.") % {
            "stage": cell(names.stage_lower),
            "level": overall.stage.level,
            "name": cell(overall.stage.name),
        }
        aim = ""
        target = next((s for s in report.stages if s.level == strategy.target_stage), None)
        if target is not None:
            aim = " " + _("We aim for %(stage)s %(level)s, %(name)s%(by)s.") % {
                "stage": cell(names.stage_lower),
                "level": target.level,
                "name": cell(target.name),
                "by": (", " + _("by %(horizon)s") % {"horizon": cell(strategy.horizon)})
                if strategy.horizon
                else "",
            }
        lines += [now + aim, ""]
    if report is not None and overall.blockers:
        lines += [_("Our three main blockers:"), ""]
        lines += [f"- {plain(row.text)}" for row in overall.blockers[:3]]
        lines.append("")
    if steps:
        lines += [_("Our first steps:"), ""]
        lines += [f"- {plain(text)}" for text in steps[:3]]
        lines.append("")
    costs = total(KINDS["budget"], budget, "cost")
    fte = total(KINDS["staff"], staff, "fte")
    if costs is not None:
        lines.append(
            _("The budget is %(amount)s per year.")
            % {"amount": number(costs, cell(strategy.currency))}
        )
    if fte is not None:
        lines.append(_("The work takes %(fte)s FTE.") % {"fte": number(fte)})
    if not lines:
        lines = [_("Nothing to summarize yet: link an assessment, set targets, add a roadmap.")]
    return "\n".join(lines).strip() + "\n"


def draft_executive_summary(strategy: Strategy, report: Report | None = None) -> str:
    """The summary's drafted part for `strategy` as stored: its roadmap and rows, in 3 queries
    (and the report, unless given)."""
    from assessments.reporting import build_report
    from strategy.models import StructuredRow

    if report is None and strategy.assessment_id is not None:
        report = build_report(strategy.assessment)
    steps = list(strategy.roadmap.order_by("order", "pk").values_list("title", flat=True)[:3])
    rows = StructuredRow.objects.filter(strategy=strategy, kind__in=("budget", "staff"))
    data = {"budget": [], "staff": []}
    for kind, values in rows.values_list("kind", "data"):
        data[kind].append(values)
    return executive_summary_markdown(report, strategy, steps, data["budget"], data["staff"])
