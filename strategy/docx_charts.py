"""The "Where we stand" charts as PNG images, for the Word export (Word takes raster images).

The charts are the same SVG partials the results page and the PDF draw (templates/charts/).
They are drawn by the PDF's own renderer, WeasyPrint, with the PDF's stylesheet and fonts, one
chart per page, and each page rasterized with pypdfium2 (PDFium in a self-contained wheel), then
trimmed to the chart with Pillow. So the images have the very fonts and shapes of the PDF, and
nothing needs a system library beyond those WeasyPrint already needs (cairosvg would need
libcairo2, which the production image does not install; docs/strategy.md weighs the options).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdfium2
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.translation import get_language
from lxml import html as lxml_html
from PIL import Image, ImageChops

from strategy.pdf import render_html

# The page each chart is drawn on: the text width of the Word page (A4 less 2 x 2.5 cm).
PAGE_WIDTH_MM = 160
PAGE_HEIGHT_MM = 260
DPI = 200


@dataclass(frozen=True)
class ChartImage:
    title: str
    description: str
    captions: tuple[str, ...]  # the charts' figcaptions, as text: Word shows them as captions
    png: bytes
    width_mm: float  # the drawn width at the PDF's scale, trimmed


def _figures(report, perception) -> list[tuple[str, list[tuple[str, str, dict]], list]]:
    """The rows of charts the PDF's "Where we stand" shows, in its order and with its classes,
    so each is drawn at the PDF's size (templates/strategy/pdf/_charts.html): (row class,
    [(cell class, template, context)], charts)."""
    charts = report.charts
    rows = []
    if charts.get("stages"):
        chart = charts["stages"]
        rows.append(
            (
                "figure-stages",
                [("figure-main", "charts/stage_bars.html", {"chart": chart})],
                [chart],
            )
        )
    elif charts.get("sections"):
        chart = charts["sections"]
        rows.append(("", [("figure-main", "charts/scope_bars.html", {"chart": chart})], [chart]))
    radars = [charts[key] for key in ("layers", "pillars") if charts.get(key)]
    if radars:
        cells = [("figure figure-half", "charts/radar.html", {"chart": chart}) for chart in radars]
        rows.append(("", cells, radars))
    if charts.get("heatmap"):
        chart = charts["heatmap"]
        rows.append(
            ("figure-heatmap", [("figure-main", "charts/heatmap.html", {"chart": chart})], [chart])
        )
    if perception:
        context = {
            "chart": perception.chart,
            "table": perception.table,
            "groups": perception.groups,
            "has_stages": perception.has_stages,
            "names": perception.names,
        }
        cells = [("figure-main", "charts/perception.html", context)]
        rows.append(("figure-perception", cells, [perception.chart]))
    return rows


def _row_html(row_class: str, cells: list[tuple[str, str, dict]]) -> str:
    inner = "".join(
        f'<div class="{cell_class}">{render_to_string(template, context)}</div>'
        for cell_class, template, context in cells
    )
    return f'<div class="docx-chart figure-row {row_class}">{inner}</div>'


def _captions(page: str) -> tuple[str, ...]:
    root = lxml_html.fragment_fromstring(page)
    return tuple(" ".join(c.text_content().split()) for c in root.iter("figcaption"))


def _html(pages: list[str]) -> str:
    stylesheet = static("css/strategy-print.css")
    style = (
        f"@page {{ size: {PAGE_WIDTH_MM}mm {PAGE_HEIGHT_MM}mm; margin: 0; }}"
        "@page { @top-left { content: none } @top-right { content: none }"
        " @top-center { content: none } @bottom-left { content: none }"
        " @bottom-center { content: none } @bottom-right { content: none } }"
        "body { margin: 0; padding: 0; background: #fff; }"
        "figure.chart figcaption { display: none; }"
        ".docx-chart { break-after: page; margin: 0; padding: 2mm; }"
    )
    body = "".join(pages)
    return (
        f'<!doctype html><html lang="{escape(get_language() or "en")}"><head>'
        '<meta charset="utf-8"><title>charts</title>'
        f'<link rel="stylesheet" href="{stylesheet}"><style>{style}</style></head>'
        f"<body>{body}</body></html>"
    )


def _trim(image: Image.Image) -> Image.Image:
    background = Image.new(image.mode, image.size, (255, 255, 255))
    box = ImageChops.difference(image, background).getbbox()
    if box is None:
        return image
    pad = 8
    left, top, right, bottom = box
    return image.crop(
        (max(left - pad, 0), max(top - pad, 0), min(right + pad, image.width), bottom + pad)
    )


def chart_images(report, perception=None) -> list[ChartImage]:
    """Every chart of the report as a trimmed PNG; [] without a report or charts."""
    if report is None:
        return []
    figures = _figures(report, perception)
    if not figures:
        return []
    pages = [_row_html(row_class, cells) for row_class, cells, _charts in figures]
    captions = [_captions(page) for page in pages]
    pdf = render_html(_html(pages), max_pages=0).pdf
    document = pypdfium2.PdfDocument(pdf)
    images = []
    try:
        for index, (_row_class, _cells, charts) in enumerate(figures):
            if index >= len(document):
                break
            page = document[index]
            bitmap = page.render(scale=DPI / 72)
            image = _trim(bitmap.to_pil().convert("RGB"))
            full_width_px = page.get_width() * DPI / 72
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            images.append(
                ChartImage(
                    title=" · ".join(str(getattr(c, "title", "") or "") for c in charts),
                    description=" ".join(str(getattr(c, "description", "") or "") for c in charts),
                    captions=captions[index],
                    png=buffer.getvalue(),
                    width_mm=PAGE_WIDTH_MM * image.width / full_width_px,
                )
            )
    finally:
        document.close()
    return images
