"""An assessment's results in brief: what the summary PDF and a share link's page show.

One plain dict from the report (`summary_context`): the headline in the version's words, the
overall score, the largest perception gaps of a team that answered individually first (groups of
two or more only), the report's own charts (the same SVG partials as the results page), the
blockers and their next steps, the date and whether the result is final. Nothing in it links
into the organization: a shared page and a printed page are read by people outside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.gaps import document_sentences
from assessments.headline import EVERY, NOTHING, headline_text
from assessments.models import Assessment
from assessments.reporting import Report, build_report

# A page for management: the most important blockers and steps; the results page lists all.
SUMMARY_BLOCKERS = 5
SUMMARY_STEPS = 5


@dataclass(frozen=True)
class Headline:
    case: str  # "none" (no stage reached yet), "reached", "all", "score" (no stages)
    title: str
    detail: str


def headline(report: Report) -> Headline:
    """One headline per case, in the results page's words (`headline_text`), and a line under it
    saying why."""
    title = headline_text(report)
    overall = report.overall
    case = report.headline
    if not report.has_stages or overall.stage is None:
        return Headline("score", title, "")
    if case is not None and case.case == NOTHING:
        first = case.next or overall.stage
        return Headline(
            "none",
            title,
            _("The first, %(stage)s %(level)s (%(name)s), is not reached yet.")
            % {"stage": report.names.stage_lower, "level": first.level, "name": first.name},
        )
    return Headline(
        "all" if case is not None and case.case == EVERY else "reached",
        title,
        overall.stage.description,
    )


def summary_context(assessment: Assessment, *, full: bool = False) -> dict:
    """What the summary shows; `full` (a share link's page, which has room) lists every blocker
    and next step and the tables per layer and pillar beside the heat map."""
    report = build_report(assessment)
    overall = report.overall
    as_of = assessment.submitted_at if assessment.is_locked else assessment.updated_at
    return {
        "assessment": assessment,
        "organization": assessment.organization,
        "questionnaire": assessment.questionnaire,
        "report": report,
        "names": report.names,
        "headline": headline(report),
        "score": overall.scope.score,
        "blockers": overall.blockers if full else overall.blockers[:SUMMARY_BLOCKERS],
        "more_blockers": 0 if full else max(0, len(overall.blockers) - SUMMARY_BLOCKERS),
        "steps": overall.recommendations if full else overall.recommendations[:SUMMARY_STEPS],
        "full": full,
        # The largest perception gaps in words, where the team answered individually first.
        "gaps": document_sentences(assessment, report.result),
        "submitted": assessment.is_locked,
        "as_of": timezone.localtime(as_of or assessment.updated_at),
        "generated_at": timezone.localtime(),
    }
