"""The strategy document as a Word file (.docx), for organizations that sign in Word.

The same content as the PDF and the Markdown export (`strategy.document.document_context`,
walked as `strategy.markdown_export` walks it): a cover (title, organization, document type,
version and date), a table of contents field, every section under a "Heading 1" with its body
converted from its sanitized HTML (`strategy.docx_html`), "Where we stand" with its summary
tables and the charts as images and "Where we aim" with its targets table
(`strategy.docx_results`, `strategy.docx_charts`), the roadmap as a table with a header row,
any structured rows a section carries, and the answers appendix.

Only named styles are used, all defined in the reference document the file starts from
(`strategy.docx_reference`): replacing that file re-brands every export. The contents field is
filled by Word when the file is opened (the document asks to update its fields); until then it
says so. Plain values (titles, names, roadmap fields, answers) are added as text runs, which
python-docx writes as XML text: nothing of the user's becomes markup.
"""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from strategy.document import SectionDoc, document_context, resolved
from strategy.docx_html import HtmlToDocx, add_bookmark, add_table
from strategy.docx_reference import REFERENCE
from strategy.docx_results import targets, where_we_stand
from strategy.models import Strategy

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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


def _structured_rows(document, section) -> None:
    """A structured section's rows (KPIs, risks, budget lines...) as one table with its totals:
    `section.table` (`strategy.document.row_table`), None for a section of text only."""
    table = getattr(section, "table", None)
    if not table or not table["cells"]:
        return
    add_table(
        document,
        [str(column["label"]) for column in table["columns"]],
        [[str(cell) for cell in row] for row in table["cells"]],
    )
    for total in table.get("totals", ()):
        document.add_paragraph(str(total))


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
    """The whole strategy document as .docx bytes, in the document's language."""
    with translation.override(strategy.language):
        return _strategy_docx(strategy)


def _strategy_docx(strategy: Strategy) -> bytes:
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
            # An approved version never carries the guiding questions (strategy.lifecycle).
            if context["lifecycle"]["draft"]:
                _to_be_written(document, section)
        else:
            converter.add_html(str(section.html))
        _structured_rows(document, section)
        if section.is_where_we_stand:
            where_we_stand(document, context, section)
        if section.is_where_we_aim:
            targets(document, context)
        if section.is_roadmap:
            _roadmap(document, context)
    _appendix(document, context)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
