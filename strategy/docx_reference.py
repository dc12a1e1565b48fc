"""The reference document the Word export is built on: python-docx's own default template with
our font and colours set on its named styles, and the few styles it lacks added.

The export only ever names styles (`STYLES`), never sets a font or a colour on a run, so a
company re-brands every export by replacing `strategy/docx/reference.docx` with a document of
its own that defines these style names (docs/strategy.md says how). Run this module to write
the shipped file again after changing it:

    python -m strategy.docx_reference
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Mm, Pt, RGBColor

REFERENCE = Path(__file__).parent / "docx" / "reference.docx"

FONT = "Source Sans 3"
MONO = "DejaVu Sans Mono"
BRAND = RGBColor(0x1F, 0x4E, 0x79)
INK = RGBColor(0x21, 0x25, 0x29)
MUTED = RGBColor(0x49, 0x50, 0x57)

# Every style the export uses. A replacement reference document must define them all.
STYLES = (
    "Normal", "Title", "Subtitle", "TOC Heading", "Heading 1", "Heading 2", "Heading 3",
    "Heading 4", "Heading 5", "List Bullet", "List Bullet 2", "List Bullet 3", "List Number",
    "List Number 2", "List Number 3", "Quote", "Caption", "Table Grid", "Code", "Hyperlink",
    "Inline Code",
)  # fmt: skip


def build_reference(path: Path = REFERENCE) -> Path:
    document = Document()
    styles = document.styles
    for name in ("Normal", "Title", "Subtitle", "TOC Heading", "Quote", "Caption"):
        styles[name].font.name = FONT
    styles["Normal"].font.size = Pt(11)
    styles["Normal"].font.color.rgb = INK
    styles["Title"].font.color.rgb = BRAND
    styles["Title"].font.size = Pt(30)
    styles["Subtitle"].font.color.rgb = MUTED
    styles["TOC Heading"].font.color.rgb = BRAND
    for level in range(1, 6):
        style = styles[f"Heading {level}"]
        style.font.name = FONT
        style.font.color.rgb = BRAND
    styles["Heading 1"].font.size = Pt(18)
    styles["Heading 2"].font.size = Pt(14)
    styles["Heading 3"].font.size = Pt(12)
    styles["Caption"].font.color.rgb = MUTED
    # Tables a little smaller than the text, as in the PDF, so that a quarter or a score fits.
    styles["Table Grid"].font.name = FONT
    styles["Table Grid"].font.size = Pt(9.5)

    code = styles.add_style("Code", WD_STYLE_TYPE.PARAGRAPH)
    code.base_style = styles["Normal"]
    code.font.name = MONO
    code.font.size = Pt(9)
    code.paragraph_format.space_after = Pt(0)
    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = BRAND
    link.font.underline = True
    inline = styles.add_style("Inline Code", WD_STYLE_TYPE.CHARACTER)
    inline.font.name = MONO
    inline.font.size = Pt(9.5)

    # A4 with 2.5 cm margins, as the PDF: a 16 cm text width, which the export's tables and
    # images are sized for.
    page = document.sections[0]
    page.page_width, page.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(page, side, Mm(25))

    # Nothing in the body: the export starts from an empty document with these styles.
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("sectPr"):
            body.remove(child)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


if __name__ == "__main__":  # pragma: no cover
    print(build_reference())
