"""The Word export's "Where we stand" and "Where we aim": the assessment's figures, tables and
charts, as `strategy.docx_export` places them after those sections' own text. The same words
and figures as the PDF (templates/strategy/pdf/_where_we_stand.html) and the Markdown export.
"""

from __future__ import annotations

import io
import logging
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx.shared import Mm

from assessments.axis_names import AxisNames
from strategy.document import SectionDoc
from strategy.docx_charts import chart_images
from strategy.docx_html import TEXT_WIDTH_MM, add_table
from strategy.markdown_export import score_label, stage_label, target_cells, target_headers

logger = logging.getLogger(__name__)

MAX_IMAGE_WIDTH_MM = TEXT_WIDTH_MM


def _day(moment) -> str:
    if moment is None:
        return "–"
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment)
    return date_format(moment, "DATE_FORMAT")


def where_we_stand(document, context: dict, section: SectionDoc) -> None:
    report = context["report"]
    if report is None:
        document.add_paragraph(
            _(
                "No assessment is linked to this strategy (it may have been deleted), so its "
                "results and charts cannot be shown here."
            )
        )
        return
    _stale_note(document, context, section)
    document.add_paragraph(_("Summary of the assessment"), style="Heading 2")
    overall = report.overall
    headline = (
        _("%(stage)s %(level)s · %(name)s")
        % {
            "stage": report.names.stage,
            "level": overall.stage.level,
            "name": overall.stage.name,
        }
        if overall.stage is not None
        else _("Progress")
    )
    paragraph = document.add_paragraph()
    paragraph.add_run(headline).bold = True
    if overall.scope.score is not None:
        paragraph.add_run(
            " — "
            + _("overall score %(score)s of 100") % {"score": score_label(overall.scope.score)}
        )
    assessment = report.assessment
    document.add_paragraph(
        _("Figures from the assessment “%(title)s” as of %(date)s, revision %(revision)s.")
        % {
            "title": assessment.title,
            "date": _day(assessment.updated_at),
            "revision": assessment.answers_revision,
        }
    )
    if report.provisional:
        paragraph = document.add_paragraph()
        paragraph.add_run(_("Provisional.")).bold = True
        paragraph.add_run(
            " "
            + _("The assessment is still in progress; unanswered questions count as not in place.")
        )
    perception = context.get("perception")
    if perception and getattr(perception, "sentences", None):
        document.add_paragraph(_("Where the team's views differ most"), style="Heading 3")
        for sentence in perception.sentences:
            document.add_paragraph(str(sentence), style="List Bullet")
    if report.gated:
        add_table(
            document,
            [report.names.stage, _("Coverage"), _("Attained")],
            [
                [
                    stage_label(stage.level, stage.name),
                    "–" if c.coverage is None else f"{round(c.coverage * 100)} %",
                    _("yes") if c.attained else _("no"),
                ]
                for stage, c in report.stage_coverage()
            ],
            numeric=(1,),
            widths=(60, 20, 20),
        )
    rows = report.layers + report.pillars + report.sections
    if report.has_stages:
        add_table(
            document,
            [_("Scope"), report.names.stage, _("Score")],
            [
                [
                    row.name,
                    stage_label(row.stage.level, row.stage.name) if row.stage else "–",
                    score_label(row.scope.score),
                ]
                for row in rows
            ],
            numeric=(2,),
            widths=(47, 41, 12),
        )
    else:
        add_table(
            document,
            [_("Scope"), _("Score")],
            [[row.name, score_label(row.scope.score)] for row in rows],
            numeric=(1,),
            widths=(80, 20),
        )
    try:
        images = chart_images(report, context.get("perception") or None)
    except Exception:
        # The text and tables say everything the charts show: a document without them beats
        # no document. The error is logged with its traceback for the operator.
        logger.exception("Word export: the charts could not be drawn")
        document.add_paragraph(_("The charts could not be drawn for this file; the PDF has them."))
        images = []
    for image in images:
        # Above the chart, as the PDF shows its figcaption, and kept on its page.
        for caption in image.captions:
            document.add_paragraph(caption, style="Caption").paragraph_format.keep_with_next = True
        document.add_picture(
            io.BytesIO(image.png), width=Mm(min(image.width_mm, MAX_IMAGE_WIDTH_MM))
        )
        # Alternative text for screen readers: the chart's title and its description.
        doc_pr = document.inline_shapes[-1]._inline.docPr
        doc_pr.set("title", image.title)
        doc_pr.set("descr", " ".join(part for part in (image.title, image.description) if part))


def _stale_note(document, context: dict, section: SectionDoc) -> None:
    """When the section's text was written from another state of the assessment, the PDF's
    note saying so (templates/strategy/pdf/_where_we_stand.html)."""
    shown = section.current() if callable(section.current) else None
    if shown is None or not shown.stale:
        return
    written = context["strategy"]["generated_from"]
    if written["fingerprint"]:
        text = _(
            "The text of this section was written from the assessment as it was on %(date)s, "
            "revision %(revision)s; the assessment has changed since."
        ) % {"date": _day(written["at"]), "revision": written["revision"]}
    else:
        text = _(
            "The text of this section was written from the assessment as it was at an earlier, "
            "unrecorded moment."
        )
    if shown.updated:
        text += " " + _(
            "Its generated part is shown here written from the figures above, so that the "
            "document gives one set of figures; the saved text changes only when someone "
            "refreshes it."
        )
    else:
        text += " " + _(
            "Figures in the text may differ from those of this page, which are the current ones."
        )
    document.add_paragraph(text, style="Quote")


def targets(document, context: dict) -> None:
    rows = context["targets"]
    overall = rows[0]
    horizon = context["strategy"]["horizon"]
    report = context.get("report")
    names = report.names if report is not None else AxisNames()
    document.add_paragraph(_("Targets"), style="Heading 2")
    if report is not None and not report.has_stages:
        document.add_paragraph(
            _("The assessment reports progress, not %(stages)s: there is no %(stage)s target.")
            % {"stages": names.stages_lower, "stage": names.stage_lower}
        )
        return
    if overall.target_level is not None:
        paragraph = document.add_paragraph(_("Target:") + " ")
        paragraph.add_run(stage_label(overall.target_level, overall.target_name)).bold = True
        if horizon:
            paragraph.add_run(" " + _("by %(horizon)s") % {"horizon": horizon})
        paragraph.add_run(".")
    else:
        document.add_paragraph(_("No overall target set yet."))
    add_table(
        document,
        target_headers(names),
        target_cells(rows, names),
        numeric=(2,),
        widths=(35, 27, 11, 27),
    )
