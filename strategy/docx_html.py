"""Sanitized section HTML into Word paragraphs, tables and runs, with named styles only.

The input is what `strategy.document.section_html` makes of a section's Markdown: the small set
of tags `strategy.markdown.ALLOWED_TAGS` lets through, nothing else (no attribute but a link's
href and title, and a cell's align). Walking that HTML rather than the Markdown means the Word
document shows exactly what the PDF shows, with the same Markdown extensions and the same
sanitizer in front.

Text is added through python-docx, which writes it as XML text: nothing in it can become
markup. A tag outside the list (there is none after the sanitizer) is read as its text.

Style per element: h3..h6 (the section's own headings, already two levels down) become
Heading 2..5 under the section's Heading 1; p "Normal"; ul/ol "List Bullet"/"List Number" with
" 2", " 3" for nested levels (each numbered list restarts at 1); blockquote "Quote"; pre "Code";
code "Inline Code"; a "Hyperlink" (to a web or mail address, or to a section's heading for
"#section-3", which the PDF links too; any other link is its text); tables "Table Grid" with
the first row repeated as a header.
"""

from __future__ import annotations

import re

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html

TEXT_WIDTH_MM = 160  # A4 less the reference document's margins

HEADINGS = {"h1": 2, "h2": 2, "h3": 2, "h4": 3, "h5": 4, "h6": 5}
MAX_LIST_LEVEL = 3
_SPACE = re.compile(r"\s+")
_SECTION_ANCHOR = re.compile(r"^#section-\d+$")


def _level_style(base: str, level: int) -> str:
    level = min(level, MAX_LIST_LEVEL)
    return base if level == 1 else f"{base} {level}"


def mark_header_row(table: Table) -> None:
    """Make the table's first row a header: repeated on every page, read as such by Word."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def bookmark_name(anchor: str) -> str:
    """The Word bookmark of a document anchor ("section-3" → "section_3"): Word's bookmark
    names take letters, digits and underscores only."""
    return re.sub(r"\W", "_", anchor)


def add_bookmark(paragraph: Paragraph, anchor: str, number: int) -> None:
    """Mark the paragraph as the target of links to `#anchor` (a section's heading)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), bookmark_name(anchor))
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.get_or_add_pPr().addnext(start)
    paragraph._p.append(end)


def add_hyperlink(
    paragraph: Paragraph, url: str, text: str, *, bold=False, italic=False, anchor: str = ""
):
    """A hyperlink run in "Hyperlink" style (python-docx has no API for it): to `url`, or
    with `anchor`, to that bookmark of the document."""
    link = OxmlElement("w:hyperlink")
    if anchor:
        link.set(qn("w:anchor"), bookmark_name(anchor))
    else:
        r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), _style_id(paragraph, "Hyperlink"))
    r_pr.append(style)
    for flag, tag in ((bold, "w:b"), (italic, "w:i")):
        if flag:
            r_pr.append(OxmlElement(tag))
    run.append(r_pr)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)
    return link


def _style_id(paragraph: Paragraph, name: str) -> str:
    return paragraph.part.document.styles[name].style_id


class _Numbering:
    """A fresh numbering instance per ordered list, so that each starts again at 1."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.numbering = document.part.numbering_part.element

    def restart(self, style_name: str) -> int | None:
        style = self.document.styles[style_name].element
        num_pr = style.pPr.numPr if style.pPr is not None else None
        if num_pr is None or num_pr.numId is None:
            return None
        num = self.numbering.num_having_numId(num_pr.numId.val)
        abstract = num.abstractNumId.val
        new = self.numbering.add_num(abstract)
        override = new.add_lvlOverride(ilvl=0)
        override.add_startOverride(1)
        return new.numId


def _set_num(paragraph: Paragraph, num_id: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


class HtmlToDocx:
    """Appends sanitized HTML to a python-docx document (or a table cell: any block container
    with `add_paragraph` and `add_table`)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.numbering = _Numbering(document)

    def add_html(self, html: str, container=None) -> None:
        container = container if container is not None else self.document
        if not html.strip():
            return
        root = lxml_html.fragment_fromstring(html, create_parent="div")
        self._blocks(root, container)

    # --- blocks ---

    def _blocks(self, parent, container, list_level: int = 0) -> None:
        loose: list = []  # inline content between blocks (a tight list item's text)
        if parent.text and parent.text.strip():
            loose.append(parent.text)
        for child in parent:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in HEADINGS or tag in ("p", "ul", "ol", "pre", "blockquote", "table", "hr"):
                self._flush(loose, container)
                loose = []
                self._block(child, container, list_level)
                if child.tail and child.tail.strip():
                    loose.append(child.tail)
            else:
                loose.append(child)
        self._flush(loose, container)

    def _flush(self, loose: list, container, style: str | None = None) -> None:
        if not loose:
            return
        if all(isinstance(part, str) and not part.strip() for part in loose):
            return
        paragraph = container.add_paragraph(style=style)
        for part in loose:
            if isinstance(part, str):
                self._text(paragraph, part)
            else:
                self._inline(part, paragraph)
                if part.tail:
                    self._text(paragraph, part.tail)

    def _block(self, element, container, list_level: int) -> None:
        tag = element.tag
        if tag in HEADINGS:
            paragraph = container.add_paragraph(style=f"Heading {HEADINGS[tag]}")
            self._inline_children(element, paragraph)
        elif tag == "p":
            paragraph = container.add_paragraph()
            self._inline_children(element, paragraph)
        elif tag in ("ul", "ol"):
            self._list(element, container, list_level + 1)
        elif tag == "pre":
            text = element.text_content().rstrip("\n")
            for line in text.split("\n"):
                container.add_paragraph(line, style="Code")
        elif tag == "blockquote":
            for paragraph_html in element:
                if paragraph_html.tag == "p":
                    paragraph = container.add_paragraph(style="Quote")
                    self._inline_children(paragraph_html, paragraph)
                else:
                    self._block(paragraph_html, container, list_level)
        elif tag == "table":
            self._table(element, container)
        elif tag == "hr":
            paragraph = container.add_paragraph()
            border = OxmlElement("w:pBdr")
            bottom = OxmlElement("w:bottom")
            for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
                bottom.set(qn(f"w:{key}"), value)
            border.append(bottom)
            paragraph._p.get_or_add_pPr().append(border)

    def _list(self, element, container, level: int) -> None:
        ordered = element.tag == "ol"
        style = _level_style("List Number" if ordered else "List Bullet", level)
        num_id = self.numbering.restart(style) if ordered else None
        for item in element:
            if item.tag != "li":
                continue
            # The item's own text: up to its first nested list (or all of it, tight or loose).
            inline: list = [item.text] if item.text and item.text.strip() else []
            first = True
            for child in item:
                if child.tag in ("ul", "ol", "pre", "table", "blockquote"):
                    first = self._list_paragraph(inline, container, style, num_id, first)
                    inline = []
                    if child.tag in ("ul", "ol"):
                        self._list(child, container, level + 1)
                    else:
                        self._block(child, container, level)
                    if child.tail and child.tail.strip():
                        inline.append(child.tail)
                elif child.tag == "p":
                    first = self._list_paragraph(inline, container, style, num_id, first)
                    inline = [*([child.text] if child.text else []), *list(child)]
                    first = self._list_paragraph(inline, container, style, num_id, first)
                    inline = [child.tail] if child.tail and child.tail.strip() else []
                else:
                    inline.append(child)
            self._list_paragraph(inline, container, style, num_id, first, force=first)

    def _list_paragraph(self, inline, container, style, num_id, first, force=False) -> bool:
        if not inline and not force:
            return first
        paragraph = container.add_paragraph(style=style)
        if num_id is not None:
            _set_num(paragraph, num_id)
        if not first:
            # A second paragraph of the same item: no new bullet or number.
            paragraph._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 0
        for part in inline:
            if isinstance(part, str):
                self._text(paragraph, part)
            else:
                self._inline(part, paragraph)
                if part.tail:
                    self._text(paragraph, part.tail)
        return False

    def _table(self, element, container) -> None:
        rows = element.findall(".//tr")
        if not rows:
            return
        width = max(len(row.findall("th") + row.findall("td")) for row in rows)
        table = container.add_table(rows=len(rows), cols=width)
        table.style = self.document.styles["Table Grid"]
        for r, row in enumerate(rows):
            cells = [c for c in row if c.tag in ("th", "td")]
            for c, cell_html in enumerate(cells):
                cell = table.cell(r, c)
                paragraph = cell.paragraphs[0]
                bold = cell_html.tag == "th"
                self._inline_children(cell_html, paragraph, bold=bold)
                align = cell_html.get("align")
                if align in ("right", "center"):
                    paragraph.alignment = {"right": 2, "center": 1}[align]
        if rows[0].find("th") is not None:
            mark_header_row(table)
        # Word joins two tables with nothing between them into one.
        container.add_paragraph()

    # --- inline ---

    def _inline_children(self, element, paragraph, **marks) -> None:
        if element.text:
            self._text(paragraph, element.text, **marks)
        for child in element:
            self._inline(child, paragraph, **marks)
            if child.tail:
                self._text(paragraph, child.tail, **marks)

    def _inline(self, element, paragraph, bold=False, italic=False, code=False) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "br":
            paragraph.add_run().add_break()
            return
        if tag == "a":
            href = element.get("href") or ""
            text = _SPACE.sub(" ", element.text_content())
            if href.startswith(("http://", "https://", "mailto:")):
                add_hyperlink(paragraph, href, text, bold=bold, italic=italic)
            elif _SECTION_ANCHOR.match(href):
                # A link to a section of this document ("#section-3"), as the PDF allows.
                add_hyperlink(paragraph, "", text, bold=bold, italic=italic, anchor=href[1:])
            else:
                self._text(paragraph, text, bold=bold, italic=italic)
            return
        marks = {
            "bold": bold or tag in ("strong", "b"),
            "italic": italic or tag in ("em", "i"),
            "code": code or tag == "code",
        }
        self._inline_children(element, paragraph, **marks)

    def _text(self, paragraph, text: str, bold=False, italic=False, code=False) -> None:
        value = text if code else _SPACE.sub(" ", text)
        if not value:
            return
        if not paragraph.runs and not paragraph._p.findall(qn("w:hyperlink")):
            value = value.lstrip()
            if not value:
                return
        run = paragraph.add_run(value, style="Inline Code" if code else None)
        run.bold = bold or None
        run.italic = italic or None


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
