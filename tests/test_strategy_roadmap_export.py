"""The roadmap for issue trackers: a CSV per tool (GitHub, GitLab, Jira), a Markdown task list."""

from __future__ import annotations

import csv
import io
from datetime import date

import markdown
import pytest
from django.test import Client
from django.urls import reverse

from strategy.document import RoadmapRow
from strategy.models import RoadmapItem, Strategy
from strategy.roadmap_export import quarter_end, task_list, tracker_csv, tracker_rows


def row(number=1, title="Publish the policy", status="planned", **fields) -> RoadmapRow:
    values = {
        "why": "Blocks stage 2.",
        "owner": "Ana",
        "target_quarter": "2027-Q2",
        "status_label": {"done": "Done", "dropped": "Dropped"}.get(status, "Planned"),
    }
    return RoadmapRow(number=number, title=title, status=status, **(values | fields))


ITEMS = [
    row(1),
    row(2, '=HYPERLINK("http://evil","x")', owner="+cmd", why="@SUM(1)", status="done"),
    row(3, "Drop the old CLA", status="dropped", target_quarter="", owner=""),
]


def parsed(tool: str, items=ITEMS) -> list[list[str]]:
    text = tracker_csv(tool, items, "Strategy 2027")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize(
    ("tool", "header"),
    [
        ("github", ["title", "body", "labels", "milestone"]),
        ("gitlab", ["title", "description", "due_date"]),
        ("jira", ["Summary", "Description", "Assignee", "Due date", "Labels", "Status"]),
    ],
)
def test_each_tracker_gets_the_columns_its_importer_reads_and_a_row_per_action(tool, header):
    rows = parsed(tool)
    assert rows[0] == header
    assert len(rows) == 1 + len(ITEMS)
    assert all(len(r) == len(header) for r in rows)
    assert rows[1][0] == "Publish the policy"
    assert "Blocks stage 2." in rows[1][1]


def test_github_rows_carry_labels_and_the_quarter_as_milestone():
    rows = parsed("github")
    assert rows[1][2] == "ospo-strategy,status:planned"
    assert rows[1][3] == "2027-Q2"
    assert rows[3][3] == ""


def test_gitlab_rows_carry_a_due_date_and_labels_as_a_quick_action():
    rows = parsed("gitlab")
    assert rows[1][2] == "2027-06-30"
    assert rows[1][1].endswith('/label ~"ospo-strategy" ~"status:planned"')
    assert rows[3][2] == ""  # no quarter, no due date


def test_jira_rows_map_owner_dates_labels_and_status():
    rows = parsed("jira")
    assert rows[1][2:] == ["Ana", "2027-06-30", "ospo-strategy status:planned", "To Do"]
    assert rows[2][5] == "Done"
    assert rows[3][5] == "Won't Do"


@pytest.mark.parametrize("tool", ["github", "gitlab", "jira"])
def test_no_cell_starts_a_formula(tool):
    for cells in parsed(tool)[1:]:
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert parsed(tool)[2][0] == '\'=HYPERLINK("http://evil","x")'


def test_an_unknown_tracker_is_refused():
    with pytest.raises(ValueError):
        tracker_rows("trello", ITEMS, "x")


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [("2027-Q1", date(2027, 3, 31)), ("2028-Q1", date(2028, 3, 31)),
     ("2027-Q4", date(2027, 12, 31)), ("2027-Q5", None), ("", None), ("soon", None)],
)  # fmt: skip
def test_a_quarter_is_due_on_its_last_day(quarter, expected):
    assert quarter_end(quarter) == expected


def test_the_task_list_ticks_done_actions_and_strikes_dropped_ones():
    text = task_list(ITEMS, "Strategy 2027")
    lines = text.splitlines()
    assert lines[0] == "# Roadmap of Strategy 2027"
    assert lines[2] == "- [ ] Publish the policy (Ana, 2027-Q2)"
    assert lines[3].startswith("- [x] ")
    assert lines[4] == "- [ ] ~~Drop the old CLA~~ (Dropped)"


def test_the_task_list_shows_user_text_as_text():
    items = [row(1, "<script>x()</script> [link](http://a) **b**", owner="[x](javascript:y)")]
    html = markdown.markdown(task_list(items, "<b>T</b>"))
    assert "<script" not in html and "<a " not in html and "<strong>" not in html
    assert "&lt;script&gt;" in html


# --- The downloads ----------------------------------------------------------------------------


@pytest.fixture
def strategy(db, assessment, owner):
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Ours")
    RoadmapItem.objects.create(strategy=strategy, order=50, title="=1+1", target_quarter="2027-Q3")
    return strategy


def url(name, strategy) -> str:
    return reverse(f"strategy:{name}", args=[strategy.organization.slug, strategy.pk])


@pytest.mark.parametrize("tool", ["github", "gitlab", "jira"])
def test_a_viewer_downloads_the_csv_for_each_tracker(client, viewer, strategy, tool):
    client.force_login(viewer)
    response = client.get(url("export_roadmap_csv", strategy) + f"?for={tool}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"roadmap-{tool}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert len(rows) == 1 + strategy.roadmap.count()
    assert [r[0] for r in rows if r[0].endswith("=1+1")] == ["'=1+1"]


def test_an_unknown_tracker_answers_404(client, owner, strategy):
    client.force_login(owner)
    assert client.get(url("export_roadmap_csv", strategy) + "?for=trello").status_code == 404
    assert client.get(url("export_roadmap_csv", strategy)).status_code == 404


def test_the_task_list_downloads_as_markdown(client, viewer, strategy):
    client.force_login(viewer)
    response = client.get(url("export_roadmap_markdown", strategy))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert text.count("\n- [") == strategy.roadmap.count()


def test_another_organization_gets_404(outsider, strategy):
    client = Client()
    client.force_login(outsider)
    assert client.get(url("export_roadmap_markdown", strategy)).status_code == 404
    assert client.get(url("export_roadmap_csv", strategy) + "?for=jira").status_code == 404


def test_the_overview_and_the_roadmap_page_link_the_exports(client, viewer, strategy):
    client.force_login(viewer)
    for page in ("overview", "roadmap"):
        html = client.get(url(page, strategy)).content.decode()
        for tool in ("github", "gitlab", "jira"):
            assert url("export_roadmap_csv", strategy) + f"?for={tool}" in html
        assert url("export_roadmap_markdown", strategy) in html
    assert url("export_docx", strategy) in client.get(url("overview", strategy)).content.decode()
