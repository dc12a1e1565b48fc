"""The strategy as a Word file: re-opened with python-docx, as Word would read it."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from assessments.demo import DEMO_USERNAME, setup_demo
from strategy.docx_export import CONTENT_TYPE, strategy_docx
from strategy.docx_html import HtmlToDocx
from strategy.docx_reference import REFERENCE, STYLES, build_reference
from strategy.markdown import render_markdown
from strategy.models import RoadmapItem, Strategy

TITLE = "Open source strategy 2027"
WHY = """We serve the **region** with *open* code, see [our site](https://example.org/about).

# Our goals

1. Faster services
    - shared components
    - fewer licences
        - audited yearly
2. Lower costs

| Line | 2026 | 2027 |
|---|--:|--:|
| Staff | 120 000 | 130 000 |

Escaped: &lt;i&gt;shown&lt;/i&gt;

<script>alert("owned")</script>

<b onclick="x()">raw</b>

    code <kept as text>
"""


def document(data: bytes) -> Document:
    return Document(io.BytesIO(data))


def styles_and_text(doc) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs]


def converted(markdown: str):
    doc = Document(str(REFERENCE))
    HtmlToDocx(doc).add_html(str(render_markdown(markdown)))
    return doc


# --- The converter, case by case (no database) -------------------------------------------------


def test_headings_become_heading_styles_below_the_sections_own():
    doc = converted("# Goals\n\ntext\n\n## Sub\n\n### Subsub")
    assert styles_and_text(doc) == [
        ("Heading 2", "Goals"),
        ("Normal", "text"),
        ("Heading 3", "Sub"),
        ("Heading 4", "Subsub"),
    ]


def test_bold_italic_and_inline_code_are_run_formatting():
    doc = converted("a **bold** and *italic* and `code` word")
    runs = doc.paragraphs[0].runs
    assert [(r.text, r.bold, r.italic) for r in runs if r.text.strip()][:4] == [
        ("a ", None, None),
        ("bold", True, None),
        (" and ", None, None),
        ("italic", None, True),
    ]
    code = next(r for r in runs if r.text == "code")
    assert code.style.name == "Inline Code"


def test_links_become_hyperlinks_and_relative_ones_plain_text():
    doc = converted("[site](https://example.org/x) and [here](/orgs/acme/)")
    paragraph = doc.paragraphs[0]
    links = paragraph._p.findall(qn("w:hyperlink"))
    assert len(links) == 1
    target = doc.part.rels[links[0].get(qn("r:id"))].target_ref
    assert target == "https://example.org/x"
    assert "here" in paragraph.text


def test_nested_lists_keep_their_levels_and_each_numbered_list_restarts():
    doc = converted("1. one\n    - a\n        - deep\n2. two\n\ntext\n\n1. again\n")
    assert styles_and_text(doc) == [
        ("List Number", "one"),
        ("List Bullet 2", "a"),
        ("List Bullet 3", "deep"),
        ("List Number", "two"),
        ("Normal", "text"),
        ("List Number", "again"),
    ]
    num_ids = [p._p.pPr.numPr.numId.val for p in doc.paragraphs if p.style.name == "List Number"]
    assert num_ids[0] == num_ids[1] != num_ids[2]  # a second list starts at 1 again


def test_a_markdown_table_becomes_a_table_with_a_header_row():
    doc = converted("| A | B |\n|---|--:|\n| x | 120 000 |\n")
    (table,) = doc.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [["A", "B"], ["x", "120 000"]]
    assert table.style.name == "Table Grid"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.bold for run in table.rows[0].cells[0].paragraphs[0].runs)


def test_code_blocks_and_quotes_use_their_styles():
    doc = converted("    line 1\n    line <2>\n\n> quoted\n")
    assert styles_and_text(doc) == [
        ("Code", "line 1"),
        ("Code", "line <2>"),
        ("Quote", "quoted"),
    ]


def test_html_in_a_section_is_never_markup():
    doc = converted(
        '<script>alert(1)</script>\n\n<img src="x" onerror="y()">\n\n&lt;b&gt;kept&lt;/b&gt;'
    )
    xml = doc.element.xml
    assert "alert" not in xml and "onerror" not in xml and "<w:drawing" not in xml
    assert "<b>kept</b>" in "".join(p.text for p in doc.paragraphs)


def test_the_shipped_reference_document_defines_every_style_the_export_names(tmp_path):
    names = {style.name for style in Document(str(REFERENCE)).styles}
    assert set(STYLES) <= names
    # The shipped file is what the generator writes (a re-branded copy replaces it).
    rebuilt = Document(str(build_reference(tmp_path / "ref.docx")))
    assert {s.name for s in rebuilt.styles} == names
    assert rebuilt.styles["Heading 1"].font.name == "Source Sans 3"


# --- The whole document -----------------------------------------------------------------------


@pytest.fixture
def strategy(db):
    demo = setup_demo()
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    strategy = Strategy.objects.create_from_assessment(demo.assessment, user, TITLE)
    strategy.sections.get(key="why").save_body(WHY, 0, user)
    strategy.horizon = "end of 2027"
    strategy.save()
    RoadmapItem.objects.create(
        strategy=strategy, order=99, title='=HYPERLINK("x") <b>bold</b>', owner="Ana"
    )
    return strategy


def test_the_document_has_cover_contents_field_and_every_section_heading_in_order(strategy):
    doc = document(strategy_docx(strategy))
    paragraphs = styles_and_text(doc)
    assert paragraphs[0] == ("Title", TITLE)
    assert paragraphs[1][0] == "Subtitle" and "Demo Organization" in paragraphs[1][1]
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    sections = list(strategy.sections.order_by("order"))
    expected = [f"{n}. {s.title}" for n, s in enumerate(sections, start=1)]
    assert headings[: len(expected)] == expected
    assert ("Heading 2", "Our goals") in paragraphs  # the author's heading, one level down
    assert ("Heading 2", "Roadmap items") in paragraphs
    # A real contents field, which Word is asked to update on opening.
    instructions = [t.text for t in doc.element.body.iter(qn("w:instrText"))]
    assert any(text.strip().startswith("TOC ") for text in instructions)
    assert doc.settings.element.find(qn("w:updateFields")) is not None
    assert doc.core_properties.title == TITLE


def test_the_document_has_tables_with_header_rows_charts_links_and_nested_lists(strategy):
    doc = document(strategy_docx(strategy))
    by_header = {tuple(c.text for c in t.rows[0].cells): t for t in doc.tables}
    roadmap = by_header[("#", "Action", "Why", "Owner", "Quarter", "Status")]
    assert len(roadmap.rows) == 1 + strategy.roadmap.count()
    assert ("Line", "2026", "2027") in by_header  # the section's own Markdown table
    for table in (roadmap, by_header[("Line", "2026", "2027")]):
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert any(header[0] == "Scope" for header in by_header)  # where we stand, targets
    # The charts, as PNG images with alternative text.
    assert len(doc.inline_shapes) >= 2
    for shape in doc.inline_shapes:
        assert shape._inline.docPr.get("descr")
    with zipfile.ZipFile(io.BytesIO(strategy_docx(strategy))) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert media and all(n.endswith(".png") for n in media)
    targets = [r.target_ref for r in doc.part.rels.values() if r.is_external]
    assert "https://example.org/about" in targets
    styles = [style for style, _text in styles_and_text(doc)]
    assert "List Bullet 2" in styles and "List Bullet 3" in styles


def test_user_text_stays_text(strategy):
    data = strategy_docx(strategy)
    doc = document(data)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert 'alert("owned")' not in text and "onclick" not in doc.element.xml
    assert "<i>shown</i>" in text  # escaped HTML is shown as written
    assert "code <kept as text>" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert '=HYPERLINK("x") <b>bold</b>' in cells  # a roadmap title, as plain text


def test_building_the_demo_strategy_takes_a_few_seconds_at_most(strategy):
    strategy_docx(strategy)  # fonts and templates loaded once, as in a running server
    start = time.perf_counter()
    strategy_docx(strategy)
    assert time.perf_counter() - start < 10


@pytest.mark.django_db
def test_a_sections_rows_become_a_table_and_its_total_a_line(owner, assessment):
    from strategy.models import StructuredRow

    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Ours")
    StructuredRow.objects.create(
        strategy=strategy, kind="risk", order=1, data={"risk": "Licence breach", "owner": "Legal"}
    )
    StructuredRow.objects.create(
        strategy=strategy, kind="budget", order=1, data={"item": "Scanner", "cost": "120000"}
    )
    doc = Document(io.BytesIO(strategy_docx(strategy)))
    risks = next(t for t in doc.tables if t.rows[0].cells[0].text == "Risk")
    assert risks.rows[1].cells[0].text == "Licence breach"
    assert any(c.text == "Legal" for c in risks.rows[1].cells)
    assert any(p.text.startswith("Total per year:") for p in doc.paragraphs)


# --- The download -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_members_viewers_included_download_it_and_other_organizations_get_404(
    client, owner, viewer, outsider, assessment
):
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Ours")
    url = reverse("strategy:export_docx", args=[strategy.organization.slug, strategy.pk])
    for user in (owner, viewer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == CONTENT_TYPE
        assert response["Content-Disposition"].startswith("attachment;")
        assert ".docx" in response["Content-Disposition"]
        assert document(response.content).paragraphs[0].text == "Ours"
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


@pytest.mark.django_db
def test_the_download_reads_a_fixed_number_of_queries_whatever_the_roadmap(
    client, owner, assessment, django_assert_max_num_queries
):
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Ours")
    url = reverse("strategy:export_docx", args=[strategy.organization.slug, strategy.pk])
    client.force_login(owner)
    client.get(url)  # caches of the questionnaire version filled, as in a running server
    with django_assert_max_num_queries(15) as few:  # 11 measured
        assert client.get(url).status_code == 200
    RoadmapItem.objects.bulk_create(
        RoadmapItem(strategy=strategy, order=100 + n, title=f"Act {n}") for n in range(20)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_chart_that_cannot_be_drawn_leaves_the_document_whole_and_says_so(
    strategy, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("no renderer")

    monkeypatch.setattr("strategy.docx_results.chart_images", broken)
    doc = document(strategy_docx(strategy))
    assert len(doc.inline_shapes) == 0
    assert any("charts could not be drawn" in p.text for p in doc.paragraphs)
    assert "no renderer" in caplog.text
    assert [t for t in doc.tables if t.rows[0].cells[0].text == "#"]  # the rest is there


def test_where_we_stand_names_the_state_of_the_assessment_and_says_when_its_text_is_older(
    strategy,
):
    text = "\n".join(p.text for p in document(strategy_docx(strategy)).paragraphs)
    assert "Figures from the assessment “OSPO maturity baseline” as of " in text
    assert "the assessment has changed since" not in text
    Strategy.objects.filter(pk=strategy.pk).update(generated_fingerprint="an older state")
    text = "\n".join(p.text for p in document(strategy_docx(strategy)).paragraphs)
    assert "the assessment has changed since" in text


def test_a_link_to_a_section_of_the_document_goes_to_its_heading(strategy):
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    strategy.sections.get(key="why").save_body("See [where we stand](#section-3).", 1, user)
    doc = document(strategy_docx(strategy))
    links = list(doc.element.body.iter(qn("w:hyperlink")))
    anchors = [link.get(qn("w:anchor")) for link in links if link.get(qn("w:anchor"))]
    assert anchors == ["section_3"]
    names = [b.get(qn("w:name")) for b in doc.element.body.iter(qn("w:bookmarkStart"))]
    assert "section_3" in names
    heading = next(p for p in doc.paragraphs if p.text.startswith("3. "))
    assert heading._p.find(qn("w:bookmarkStart")).get(qn("w:name")) == "section_3"
