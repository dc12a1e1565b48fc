"""The roadmap for an issue tracker: one CSV per tool, and a Markdown task list.

Pure functions over the document's `RoadmapRow`s (`strategy.document.document_context`), so the
exports show the same numbering and order as the PDF. Which columns each importer reads, and
how, is in docs/strategy.md ("Word and roadmap exports"):

* GitHub has no CSV import of its own: the columns are the fields of its "create an issue" API
  (`title`, `body`, `labels`, `milestone`), which `gh issue create` and the third-party
  importers take.
* GitLab's "Import CSV" reads `title`, `description` and `due_date`; it has no label column, so
  labels travel as a `/label` quick action at the end of the description, which the import
  runs.
* Jira's CSV wizard maps any column to a field; the headers are Jira's own field names, so it
  maps them by itself. Dates are written `yyyy-MM-dd`, to be named so in the wizard.

Every cell is user text: one that a spreadsheet would read as a formula is prefixed with `'`,
as in `assessments.exports`.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from datetime import date

from django.utils.translation import gettext as _

from assessments.exports import _cell as safe_cell
from strategy.document import RoadmapRow
from strategy.markdown_export import plain

TOOLS = ("github", "gitlab", "jira")
LABEL = "ospo-strategy"

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")

# A tracker's workflow knows "to do, in progress, done"; a dropped action is closed undone.
_JIRA_STATUS = {
    "planned": "To Do",
    "in_progress": "In Progress",
    "done": "Done",
    "dropped": "Won't Do",
}


def quarter_end(quarter: str) -> date | None:
    """The last day of a "2027-Q2" quarter (2027-06-30); None for anything else."""
    match = _QUARTER.match(quarter or "")
    if not match:
        return None
    year, number = int(match.group(1)), int(match.group(2))
    month = number * 3
    return date(year, month, calendar.monthrange(year, month)[1])


def _labels(item: RoadmapRow) -> list[str]:
    return [LABEL, "status:" + item.status.replace("_", "-")]


def _body(item: RoadmapRow, strategy_title: str) -> str:
    lines = [item.why.strip()] if item.why.strip() else []
    facts = [
        _("From the roadmap of “%(title)s”, action %(number)s.")
        % {
            "title": strategy_title,
            "number": item.number,
        }
    ]
    if item.owner:
        facts.append(_("Owner: %(owner)s.") % {"owner": item.owner})
    if item.target_quarter:
        facts.append(_("Target quarter: %(quarter)s.") % {"quarter": item.target_quarter})
    facts.append(_("Status: %(status)s.") % {"status": item.status_label})
    return "\n\n".join([*lines, " ".join(facts)])


def tracker_rows(tool: str, items: list[RoadmapRow], strategy_title: str) -> list[list[str]]:
    """The CSV for `tool` ("github", "gitlab" or "jira") as rows, the header first, every cell
    made safe for a spreadsheet."""
    if tool == "github":
        header = ["title", "body", "labels", "milestone"]
        rows = [
            [i.title, _body(i, strategy_title), ",".join(_labels(i)), i.target_quarter]
            for i in items
        ]
    elif tool == "gitlab":
        header = ["title", "description", "due_date"]
        rows = []
        for i in items:
            due = quarter_end(i.target_quarter)
            quick = " ".join(f'~"{label}"' for label in _labels(i))
            description = _body(i, strategy_title) + "\n\n/label " + quick
            rows.append([i.title, description, due.isoformat() if due else ""])
    elif tool == "jira":
        header = ["Summary", "Description", "Assignee", "Due date", "Labels", "Status"]
        rows = []
        for i in items:
            due = quarter_end(i.target_quarter)
            rows.append(
                [
                    i.title,
                    _body(i, strategy_title),
                    i.owner,
                    due.isoformat() if due else "",
                    # Jira labels cannot hold spaces; it splits the cell on them.
                    " ".join(_labels(i)),
                    _JIRA_STATUS.get(i.status, "To Do"),
                ]
            )
    else:
        raise ValueError(f"unknown tracker: {tool!r}")
    return [header, *([str(safe_cell(value)) for value in row] for row in rows)]


def tracker_csv(tool: str, items: list[RoadmapRow], strategy_title: str) -> str:
    """The CSV text for `tool`, with a byte-order mark so spreadsheets read it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out).writerows(tracker_rows(tool, items, strategy_title))
    return out.getvalue()


def task_list(items: list[RoadmapRow], strategy_title: str) -> str:
    """The roadmap as a Markdown task list: `- [ ] action (owner, quarter)`, `- [x]` when
    done, a dropped action struck through. Every field is escaped as plain text."""
    lines = [f"# {plain(_('Roadmap of %(title)s') % {'title': strategy_title})}", ""]
    if not items:
        lines.append(_("The roadmap has no actions yet."))
    for item in items:
        mark = "x" if item.status == "done" else " "
        text = plain(item.title)
        if item.status == "dropped":
            text = f"~~{text}~~ ({plain(item.status_label)})"
        details = [plain(value) for value in (item.owner, item.target_quarter) if value]
        lines.append(f"- [{mark}] {text}" + (f" ({', '.join(details)})" if details else ""))
    return "\n".join(lines) + "\n"
