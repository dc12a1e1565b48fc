"""The strategy as one Markdown file: the same content as the PDF, fit for a git repository."""

from __future__ import annotations

import re

import pytest
import yaml
from django.contrib.auth import get_user_model

from assessments.demo import DEMO_USERNAME, setup_demo
from strategy.markdown_export import cell, demote_headings, strategy_markdown
from strategy.models import RoadmapItem, Strategy

pytestmark = pytest.mark.django_db

TITLE = "Open source strategy 2027"


@pytest.fixture
def strategy():
    demo = setup_demo()
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    strategy = Strategy.objects.create_from_assessment(demo.assessment, user, TITLE)
    why = strategy.sections.get(key="why")
    why.save_body("We serve the region.\n\n# Our goals\n\n- Faster services\n", 0, user)
    strategy.horizon = "end of 2027"
    strategy.scope_targets = {"layers": {"management": 3}}
    strategy.save()
    return strategy


def front_matter(text: str) -> dict:
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, text[:200]
    return yaml.safe_load(match.group(1))


def test_the_export_holds_every_section_in_order_with_its_markdown(strategy):
    text = strategy_markdown(strategy)
    positions = []
    for number, section in enumerate(strategy.sections.order_by("order"), start=1):
        heading = f"## {number}. {section.title}"
        assert heading in text, heading
        positions.append(text.index(heading))
    assert positions == sorted(positions)
    assert "We serve the region." in text
    assert "### Our goals" in text  # the author's heading, under the section's own level
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_the_export_starts_with_front_matter(strategy):
    text = strategy_markdown(strategy)
    meta = front_matter(text)
    assert meta["organization"] == "Demo Organization"
    assert meta["title"] == TITLE
    assert meta["version"] == sum(s.version for s in strategy.sections.all())
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["date"])
    assert meta["horizon"] == "end of 2027"
    assert meta["assessment"] == "OSPO maturity baseline"
    assert f"\n# {TITLE}\n" in text


def test_the_export_has_the_roadmap_as_a_table(strategy):
    text = strategy_markdown(strategy)
    assert "| # | Action | Why | Owner | Quarter | Status |" in text
    rows = [line for line in text.splitlines() if re.match(r"\| \d+ \| ", line)]
    items = list(strategy.roadmap.all())
    assert len(rows) == len(items) > 0
    for row, item in zip(rows, items, strict=True):
        assert item.title in row
        assert row.count(" | ") == 5  # six cells: nothing in the text broke the row


def test_the_export_has_the_where_we_stand_summary_and_the_targets(strategy):
    text = strategy_markdown(strategy)
    assert "Stage 2 · Security, education and strategy" in text
    assert "| 3 · Community, education and engagement | 35 % | no |" in text
    assert "Target: **3 · Community, education and engagement** by end of 2027." in text
    assert re.search(r"\| Layer: Management \| 2 · .* \| \d+ \| 3 · Community", text)


def test_empty_sections_list_their_guiding_questions(strategy):
    text = strategy_markdown(strategy)
    governance = text[text.index(". Governance\n") : text.index(". Licenses and compliance\n")]
    assert "> **To be written:**" in governance
    assert "> - Who sponsors the OSPO at executive level, and what is its mandate?" in governance


def test_user_text_cannot_break_the_tables_or_the_front_matter(strategy):
    strategy.title = 'Plan: "A" | B\n---'
    strategy.save()
    RoadmapItem.objects.filter(strategy=strategy).update(
        title="Fix a | b", why="Line one\nline two | three"
    )
    text = strategy_markdown(strategy)
    assert front_matter(text)["title"] == 'Plan: "A" | B\n---'
    rows = [line for line in text.splitlines() if re.match(r"\| \d+ \| ", line)]
    assert rows and all("Fix a \\| b" in row for row in rows)
    assert all("Line one line two \\| three" in row for row in rows)


def test_a_strategy_without_its_assessment_still_exports(strategy):
    strategy.assessment.delete()
    strategy.refresh_from_db()
    text = strategy_markdown(strategy)
    assert "No assessment is linked to this strategy" in text
    assert "Appendix" not in text
    assert front_matter(text)["assessment"] is None


def test_the_export_ends_with_the_answers_appendix(strategy):
    text = strategy_markdown(strategy)
    appendix = text[text.index("## Appendix: the assessment's answers") :]
    assert "| Question | Answer | Comment |" in appendix
    assert "### Strategy and alignment" in appendix


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Goals\ntext", "### Goals\ntext"),
        ("#### Deep", "###### Deep"),
        ("##### Deeper", "###### Deeper"),
        ("#hashtag", "#hashtag"),
        ("```\n# not a heading\n```", "```\n# not a heading\n```"),
        ("~~~~\n# still code\n~~~\n~~~~\n# Heading", "~~~~\n# still code\n~~~\n~~~~\n### Heading"),
        ("Goals\n=====\ntext", "### Goals\ntext"),
        ("Goals\n-----", "#### Goals"),
        ("- item\n---", "- item\n---"),
        ("\n\nText\n\n", "Text"),
    ],
)
def test_headings_move_two_levels_down(body, expected):
    assert demote_headings(body) == expected


def test_a_table_cell_is_one_line_with_pipes_escaped():
    assert cell("a | b\nc") == "a \\| b c"
    assert cell("") == " "
    assert cell(None) == " "
    assert cell(3) == "3"
