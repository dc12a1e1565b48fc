"""The strategy as one Markdown file: the same content as the PDF, fit for a git repository."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown
import pytest
import yaml
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from assessments import caches
from assessments.demo import DEMO_USERNAME, setup_demo
from assessments.models import Answer, Layer, Pillar, Question, Section, Stage
from strategy.markdown_export import cell, demote_headings, plain, strategy_markdown
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
    assert meta["version"] == "1.0 draft"  # the review and approval version, not save counters
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
    assert "| 3 · Community, education and engagement | 33 % | no |" in text
    assert "Target: **3 · Community, education and engagement** by end of 2027." in text
    assert re.search(r"\| Layer of work: Management \| 2 · .* \| \d+ \| 3 · Community", text)


def test_empty_sections_list_their_guiding_questions(strategy):
    text = strategy_markdown(strategy)
    governance = text[text.index(". Governance and staffing\n") : text.index(". Budget\n")]
    assert "> **To be written:**" in governance
    assert (
        "> - Who sponsors our open source work at executive level, and what is its mandate?"
        in governance
    )


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


# --- Plain text is escaped ------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script> | broken | table [x](javascript:alert(1)) `c` {: onclick=x }"
ALLOWED_TAGS = {"h1", "h2", "h3", "h4", "p", "strong", "em", "ul", "li", "blockquote"}
ALLOWED_TAGS |= {"table", "thead", "tbody", "tr", "th", "td"}


@pytest.fixture
def hostile_strategy(strategy):
    """Hostile text in every plain-text field the export shows; section bodies left plain."""
    assessment = strategy.assessment
    questionnaire = assessment.questionnaire
    strategy.organization.name = "# " + HOSTILE
    strategy.organization.save()
    strategy.title = "- " + HOSTILE
    strategy.horizon = "1. " + HOSTILE
    strategy.save()
    strategy.sections.update(title=HOSTILE)
    assessment.title = "~~~ " + HOSTILE
    assessment.save()
    Answer.objects.filter(assessment=assessment).update(comment=HOSTILE)
    # Round the freeze of a published version: its names could have been written so.
    for model in (Stage, Layer, Pillar):
        QuerySet.update(model.objects.filter(questionnaire=questionnaire), name=HOSTILE)
    QuerySet.update(Section.objects.filter(questionnaire=questionnaire), title=HOSTILE)
    QuerySet.update(Question.objects.filter(questionnaire=questionnaire), text=HOSTILE)
    strategy.roadmap.update(title=HOSTILE, why=HOSTILE, owner=HOSTILE, target_quarter="<b>|x")
    caches.clear()  # the questionnaire's names are kept per published version
    return strategy


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_plain_text_fields_are_escaped_in_the_export(hostile_strategy):
    text = strategy_markdown(hostile_strategy)
    body = text.split("\n---\n", 1)[1]  # after the front matter, which is quoted YAML
    assert "<script" not in body and "<b>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert not re.search(r"(?<!\\)\]\(javascript:", body)
    assert "\\[x\\](javascript:alert(1))" in body
    assert "`c`" not in body and "\\`c\\`" in body
    assert not re.search(r"(?<!\\)\{:", body)
    assert "\n# \\- &lt;script" in body  # the title: a heading, not a heading with a list
    assert "\n\\# &lt;script" in body  # the organization's line: text, not a heading
    lines = body.splitlines()
    # The one list made of names: the blockers in the generated text of "Where we stand", which
    # the document writes afresh from the assessment as it is now (its answers changed above).
    holds = next(i for i, line in enumerate(lines) if line.startswith("What holds us back"))
    blockers = set(lines[holds + 2 : holds + 7])
    assert all(line.startswith("- &lt;script") for line in blockers)
    # The executive summary's lists, drafted from the same names when the strategy was made.
    for heading in ("Our three main blockers:", "Our first steps:"):
        start = lines.index(heading) + 2
        blockers |= set(lines[start : start + 3])
    assert not [
        line
        for line in lines
        if line.startswith(("- &lt;", "1. &lt;", "~~~")) and line not in blockers
    ]
    tables = [line for line in lines if line.startswith("|")]
    assert len(tables) > 20
    for line in tables:
        # Every row of a table keeps its own number of cells.
        assert _unescaped_pipes(line) in {4, 5, 7}, line
    roadmap = [line for line in tables if re.match(r"\| \d+ \| ", line)]
    assert roadmap and all(_unescaped_pipes(row) == 7 for row in roadmap)


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += attrs

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize(
    "extensions", [[], ["tables", "attr_list", "fenced_code", "md_in_html"]], ids=["plain", "extra"]
)
def test_rendering_the_export_gives_no_raw_tag_or_script_link(hostile_strategy, extensions):
    text = strategy_markdown(hostile_strategy)
    html = markdown.markdown(text.split("\n---\n", 1)[1], extensions=extensions)
    parsed = _Html()
    parsed.feed(html)
    assert parsed.tags <= ALLOWED_TAGS
    # Only the tables extension's own alignment, never an attribute the text brought.
    assert {(name, value) for name, value in parsed.attributes} <= {("style", "text-align: right;")}
    shown = "".join(parsed.text)
    for piece in ["<script>alert(1)</script>", "[x](javascript:alert(1))", "{: onclick=x }"]:
        assert piece in shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>Tom & Jerry</b>", "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("a | b `c` *d* _e_ {f}", "a \\| b \\`c\\` \\*d\\* \\_e\\_ \\{f\\}"),
        ("# Heading", "\\# Heading"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("2027. A year", "2027\\. A year"),
        ("~~~ fence", "&#126;~~ fence"),
        ("Closing #", "Closing \\#"),
        ("C# and F#-ish", "C# and F#-ish"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two lines"),
    ],
)
def test_plain_text_is_escaped_for_markdown(text, expected):
    assert plain(text) == expected


def scope_tables(text: str) -> int:
    return len(re.findall(r"^\| Scope \| Stage \| Score \|$", text, re.M))


def test_the_scope_table_is_given_once(strategy):
    assert scope_tables(strategy_markdown(strategy)) == 1


def test_the_summary_gives_the_scope_table_when_the_section_lost_its_generated_text(strategy):
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    stand = strategy.sections.get(key="where-we-stand")
    stand.save_body("We stand where we stand.", stand.version, user)
    text = strategy_markdown(strategy)
    assert scope_tables(text) == 1
    assert "We stand where we stand." in text
