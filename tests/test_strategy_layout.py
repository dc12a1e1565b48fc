"""The strategy's layout rules: Markdown that nests, links and keeps numbers whole, images
reported instead of dropped, and a PDF whose every word lies inside the page's margins."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.urls import reverse

from strategy.document import document_context
from strategy.markdown import NARROW_NBSP, image_problems, nest_lists, render_markdown
from strategy.models import Strategy
from strategy.pdf import write_pdf
from tests.layout_content import LONG_URL, NESTED_LIST, WIDE_TABLE, generous_strategy

MM = 72 / 25.4  # points per millimetre
TOLERANCE = 0.5  # points: glyph boxes may reach a hair beyond their line box


# --- Markdown ------------------------------------------------------------------------------


def squash(html: str) -> str:
    return re.sub(r"\s+", "", html)


def test_two_space_indented_lists_nest():
    html = squash(render_markdown(NESTED_LIST))
    assert "<li>Enabler<ul><li>Templates" in html
    assert "<li>Scanningineverypipeline<ul><li>Licenses</li><li>Vulnerabilities</li></ul>" in html
    assert "<li>Counselor<ol><li>Officehours</li>" in html


@pytest.mark.parametrize(
    ("text", "nested"),
    [
        ("- a\n    - b\n", True),  # four spaces, as python-markdown wants
        ("- a\n  - b\n", True),  # two, as on GitHub
        ("- a\n - b\n", True),  # one: deeper is deeper
        ("1. a\n   1. b\n", True),  # under an ordered item, at its text
        ("- a\n- b\n", False),
    ],
)
def test_a_list_item_indented_deeper_than_the_one_above_is_its_child(text, nested):
    html = squash(render_markdown(text))
    assert (html.count("<ul>") + html.count("<ol>") == 2) is nested, html


def test_code_blocks_keep_their_indentation():
    indented = "Text.\n\n    code - 1\n      - not a list\n"
    assert nest_lists(indented) == indented
    html = render_markdown(indented)
    assert "<pre><code>code - 1\n  - not a list" in html
    fenced = "```\n  - x\n    - y\n```\n"
    assert nest_lists(fenced) == fenced


def test_a_continuation_line_stays_with_its_nested_item():
    html = squash(render_markdown("- a\n  - b\n    more of b\n- c\n"))
    assert "<li>a<ul><li>bmoreofb</li></ul></li><li>c</li>" in html


def test_bare_addresses_become_links_outside_code_and_links():
    html = render_markdown(
        f"See {LONG_URL}. Also [the guide](https://a.example/guide), "
        "`https://code.example/x` and (https://b.example/y)."
    )
    assert f'<a href="{LONG_URL}" rel="noopener noreferrer nofollow">{LONG_URL}</a>.' in html
    assert html.count("https://a.example/guide") == 1  # not linked twice
    assert "<code>https://code.example/x</code>" in html
    assert '<a href="https://b.example/y" rel="noopener noreferrer nofollow">' in html
    assert "https://b.example/y</a>)." in html


def test_digit_groups_are_joined_so_numbers_never_break():
    html = render_markdown("We spend 120 000 € of 1 200 000, in 2 3 steps. `1 000`")
    assert f"120{NARROW_NBSP}000" in html and f"1{NARROW_NBSP}200{NARROW_NBSP}000" in html
    assert "2 3 steps" in html
    assert "<code>1 000</code>" in html


def test_a_table_of_six_columns_or_more_is_marked_wide():
    assert '<table class="table-wide">' in render_markdown(WIDE_TABLE)
    assert "<table>" in render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n")


def test_images_become_their_alt_text_and_nothing_is_fetched():
    html = render_markdown(
        "![image]()\n\n![chart](https://x.example/a.png) <img src=x onerror=1> ![diagram]"
    )
    assert "<img" not in html and "onerror" not in html and "x.example" not in html
    assert '<span class="image-missing">[image]</span>' in html
    assert '<span class="image-missing">[chart]</span>' in html
    assert '<span class="image-missing">[diagram]</span>' in html and "![" not in html


def test_images_without_an_address_are_named_in_order():
    text = "![image]()\n\nA diagram: ![diagram]\n\n![ok](https://x.example/a.png)\n\n`![code]`"
    assert image_problems(text) == [
        "Image 1 has no address.",
        "Image 2 has no address.",
        "Image 3 (https://x.example/a.png) is not shown: the strategy shows no images from "
        "addresses.",
    ]
    assert image_problems("No images, [a link](https://a.example).") == []


# --- The section editor reports images -------------------------------------------------------


@pytest.fixture
def strategy(assessment, owner):
    return Strategy.objects.create_from_assessment(assessment, owner, "Open source strategy")


def section_url(name, strategy, key="why"):
    return reverse(f"strategy:{name}", args=["acme", strategy.pk, key])


def test_the_preview_and_the_save_response_report_an_image_without_address(client, owner, strategy):
    client.force_login(owner)
    body = "Our plan.\n\n![image]()\n"
    preview = client.post(section_url("section_preview", strategy), {"body": body})
    assert preview.status_code == 200
    assert "Image 1 has no address." in preview.content.decode()
    assert "[image]" in preview.content.decode()
    saved = client.post(
        section_url("section_save", strategy),
        {"body": body, "base_version": 0},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200
    assert "Image 1 has no address." in saved.content.decode()
    assert strategy.sections.get(key="why").body.startswith("Our plan.")
    page = client.post(section_url("section_save", strategy), {"body": body, "base_version": 1})
    assert page.status_code == 302
    assert "Image 1 has no address." in client.get(page.url).content.decode()


# --- The PDF: every word inside the margins --------------------------------------------------


def page_margins_mm() -> tuple[float, ...]:
    """The default @page margins (top, right, bottom, left) of the stylesheet, in mm."""
    css = (Path(settings.BASE_DIR) / "static/css/strategy-print.css").read_text(encoding="utf-8")
    rule = re.search(r"@page\s*\{[^}]*?margin:\s*([^;]+);", css)
    values = [float(value.removesuffix("mm")) for value in rule.group(1).split()]
    assert len(values) == 4, "pin the four margins"
    return tuple(values)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_no_word_of_a_generous_strategy_lies_outside_the_page_margins(db, tmp_path):
    started = time.perf_counter()
    strategy = generous_strategy()
    output = write_pdf(document_context(strategy), max_pages=0)
    path = tmp_path / "strategy.pdf"
    path.write_bytes(output.pdf)
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    namespace = {"x": "http://www.w3.org/1999/xhtml"}
    pages = ElementTree.fromstring(xhtml).findall(".//x:page", namespace)
    assert len(pages) == output.pages > 10
    top, right, bottom, left = (value * MM for value in page_margins_mm())
    outside, lines = [], []
    for number, page in enumerate(pages[1:], start=2):  # the cover is a full-bleed design
        width, height = float(page.get("width")), float(page.get("height"))
        for line in page.iterfind(".//x:line", namespace):
            lines.append(" ".join(word.text for word in line.iterfind("x:word", namespace)))
        for word in page.iterfind(".//x:word", namespace):
            x_min, y_min, x_max, y_max = (
                float(word.get(key)) for key in ("xMin", "yMin", "xMax", "yMax")
            )
            # The running header and footer sit in the top and bottom margins, aligned with
            # the text; the body sits between them. Nothing reaches the side margins.
            in_band = y_max <= top + TOLERANCE or y_min >= height - bottom - TOLERANCE
            if (
                x_min < left - TOLERANCE
                or x_max > width - right + TOLERANCE
                or y_min < 0
                or y_max > height
                or (in_band and not (top / 3 <= y_max or y_min <= height - bottom / 3))
            ):
                outside.append((number, word.text, round(x_min / MM, 1), round(x_max / MM, 1)))
    assert not outside, outside[:20]
    # The hard cases are really there, and the numbers whole on one line (pdftotext cuts a
    # word at the narrow no-break space, not the line).
    assert "120 000" in lines and "1 480 000" in lines, [n for n in lines if "000" in n]
    assert any("intranet.demo.example" in line for line in lines)
    assert sum("Establish an organization-wide" in line for line in lines) == 15
    assert time.perf_counter() - started < 30
