"""The strategy document as a Word file (.docx), for organizations that sign in Word.

The same content as the PDF and the Markdown export (`strategy.document.document_context`,
walked as `strategy.markdown_export` walks it): a cover (title, organization, document type,
version and date), a table of contents field, every section under a "Heading 1" with its body
converted from its sanitized HTML (`strategy.docx_html`), "Where we stand" with its summary
tables and the charts as images (`strategy.docx_charts`), the targets and the roadmap as tables
with header rows, any structured rows a section carries, and the answers appendix.

Only named styles are used, all defined in the reference document the file starts from
(`strategy.docx_reference`): replacing that file re-brands every export. The contents field is
filled by Word when the file is opened (the document asks to update its fields); until then it
says so. Plain values (titles, names, roadmap fields, answers) are added as text runs, which
python-docx writes as XML text: nothing of the user's becomes markup.
"""

from __future__ import annotations

import io
import logging
from datetime import datetime

from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from assessments.axis_names import AxisNames
from strategy.document import SectionDoc, document_context, resolved
from strategy.docx_charts import chart_images
from strategy.docx_html import HtmlToDocx, add_bookmark, mark_header_row
from strategy.docx_reference import REFERENCE
from strategy.models import Strategy

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_WIDTH_MM = 160  # A4 less the reference document's margins
MAX_IMAGE_WIDTH_MM = TEXT_WIDTH_MM


def _stage(level, name) -> str:
    if level is None:
        return "–"
    return f"{level} · {name}" if name else str(level)


def _score(score) -> str:
    return "–" if score is None else floatformat(score, 0)


def add_table(
    document, header: list[str], rows: list[list[object]], numeric=(), widths=None
) -> None:
    """A "Table Grid" table whose first row is a header row; every cell plain text.

    `widths`: the columns' shares of the text width (Word and LibreOffice both keep the widths
    written in the file; without them every column is as wide as the others)."""
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = document.styles["Table Grid"]
    if widths:
        total = sum(widths)
        for column, share in zip(table.columns, widths, strict=True):
            width = Mm(TEXT_WIDTH_MM * share / total)
            column.width = width
            for cell in column.cells:
                cell.width = width
    for index, title in enumerate(header):
        paragraph = table.cell(0, index).paragraphs[0]
        paragraph.add_run(str(title)).bold = True
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            paragraph = table.cell(r, c).paragraphs[0]
            paragraph.add_run("" if value is None else str(value))
            if c in numeric:
                paragraph.alignment = 2  # right
    mark_header_row(table)
    document.add_paragraph()


def _toc(document) -> None:
    document.add_paragraph(_("Contents"), style="TOC Heading")
    paragraph = document.add_paragraph()

    def field_char(kind: str):
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)
        return run

    field_char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = 'TOC \\o "1-3" \\h \\z \\u'
    paragraph.add_run()._r.append(instruction)
    field_char("separate")
    paragraph.add_run(
        _(
            "The table of contents is filled in by Word when the document is opened (answer "
            "“Yes” when it asks to update the fields). Elsewhere: right-click here and choose "
            "“Update field”."
        )
    ).italic = True
    field_char("end")
    # Ask Word to update every field (the contents) when it opens the file.
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _cover(document, context: dict) -> None:
    document.add_paragraph(context["strategy"]["title"], style="Title")
    document.add_paragraph(
        f"{context['organization']['name']} · {context['guidance_title']}", style="Subtitle"
    )
    document.add_paragraph(
        _("Version %(version)s of %(date)s")
        % {"version": context["version"], "date": context["date"].isoformat()}
    )
    assessment = context["assessment"]
    if assessment:
        document.add_paragraph(
            _("Based on the assessment “%(title)s”") % {"title": assessment["title"]}
        )
    if context["strategy"]["horizon"]:
        document.add_paragraph(
            _("Horizon: %(horizon)s") % {"horizon": context["strategy"]["horizon"]}
        )
    _toc(document)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _to_be_written(document, section: SectionDoc) -> None:
    paragraph = document.add_paragraph(style="Quote")
    paragraph.add_run(_("To be written:") + " ").bold = True
    paragraph.add_run(section.summary)
    if section.questions:
        document.add_paragraph(_("Questions this section should answer:"))
        for question in section.questions:
            document.add_paragraph(question, style="List Bullet")


def _day(moment) -> str:
    if moment is None:
        return "–"
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment)
    return date_format(moment, "DATE_FORMAT")


def _where_we_stand(document, context: dict, section: SectionDoc) -> None:
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
            " — " + _("overall score %(score)s of 100") % {"score": _score(overall.scope.score)}
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
                    _stage(stage.level, stage.name),
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
                    _stage(row.stage.level, row.stage.name) if row.stage else "–",
                    _score(row.scope.score),
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
            [[row.name, _score(row.scope.score)] for row in rows],
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


def _targets(document, context: dict) -> None:
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
        paragraph.add_run(_stage(overall.target_level, overall.target_name)).bold = True
        if horizon:
            paragraph.add_run(" " + _("by %(horizon)s") % {"horizon": horizon})
        paragraph.add_run(".")
    else:
        document.add_paragraph(_("No overall target set yet."))
    add_table(
        document,
        [
            _("Scope"),
            _("%(stage)s today") % {"stage": names.stage},
            _("Score"),
            _("Target %(stage)s") % {"stage": names.stage_lower},
        ],
        [
            [
                row.name if row.kind == "overall" else f"{names.of_kind(row.kind)}: {row.name}",
                _stage(row.stage.level, row.stage.name) if row.stage else "–",
                _score(row.score),
                _stage(row.target_level, row.target_name),
            ]
            if not row.out_of_scope
            else [
                f"{names.of_kind(row.kind)}: {row.name}",
                _("Out of scope: %(reason)s") % {"reason": row.out_of_scope},
                "–",
                "–",
            ]
            for row in rows
        ],
        numeric=(2,),
        widths=(35, 27, 11, 27),
    )


def _roadmap(document, context: dict) -> None:
    items = context["roadmap"]
    document.add_paragraph(_("Roadmap items"), style="Heading 2")
    if not items:
        document.add_paragraph(_("The roadmap has no actions yet."))
        return
    add_table(
        document,
        ["#", _("Action"), _("Why"), _("Owner"), _("Quarter"), _("Status")],
        [
            [
                item.number,
                item.title,
                item.why,
                item.owner or "–",
                item.target_quarter or "–",
                item.status_label,
            ]
            for item in items
        ],
        numeric=(0,),
        widths=(5, 25, 33, 12, 12, 13),
    )


def _row_value(row, key: str) -> object:
    if isinstance(row, dict):
        return row.get(key, "")
    return getattr(row, key, "")


def _structured_rows(document, section) -> None:
    """Any rows a section carries (KPIs, risks, budget lines...), as one table: `section.rows`
    with `section.columns`, a list of (key, label) pairs or of keys; a row is a mapping, an
    object with those attributes, or a sequence in column order."""
    rows = getattr(section, "rows", None)
    columns = getattr(section, "columns", None) or getattr(rows, "columns", None)
    if not rows or not columns:
        return
    pairs = [c if isinstance(c, list | tuple) else (c, c) for c in columns]
    body = []
    for row in rows:
        if isinstance(row, list | tuple):
            body.append(list(row)[: len(pairs)])
        else:
            body.append([_row_value(row, key) for key, _label in pairs])
    add_table(document, [str(label) for _key, label in pairs], body)


def _appendix(document, context: dict) -> None:
    groups = context["answer_groups"]
    if not groups:
        return
    document.add_paragraph(_("Appendix: the assessment's answers"), style="Heading 1")
    for group in groups:
        document.add_paragraph(group.section, style="Heading 2")
        add_table(
            document,
            [_("Question"), _("Answer"), _("Comment")],
            [[row.question, row.answer or _("Not answered"), row.comment] for row in group.rows],
            widths=(40, 25, 35),
        )


def strategy_docx(strategy: Strategy) -> bytes:
    """The whole strategy document as .docx bytes."""
    context = resolved(document_context(strategy))
    document = Document(str(REFERENCE))
    core = document.core_properties
    core.title = context["strategy"]["title"]
    core.subject = context["guidance_title"]
    core.author = context["organization"]["name"]
    core.language = context["language"]
    core.version = str(context["version"])
    _cover(document, context)
    converter = HtmlToDocx(document)
    for section in context["sections"]:
        heading = document.add_paragraph(f"{section.number}. {section.title}", style="Heading 1")
        add_bookmark(heading, section.anchor, section.number)
        if section.empty:
            _to_be_written(document, section)
        else:
            converter.add_html(str(section.html))
        _structured_rows(document, section)
        if section.is_where_we_stand:
            _where_we_stand(document, context, section)
        if section.is_where_we_aim:
            _targets(document, context)
        if section.is_roadmap:
            _roadmap(document, context)
    _appendix(document, context)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
