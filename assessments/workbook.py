"""One assessment's results and answers as an Excel workbook (openpyxl), for the people who work
in spreadsheets: Summary, Results, Blockers and Answers sheets.

The Results and Blockers sheets hold the results CSV's tables (assessments/result_tables.py);
percentages are numbers with a percent format, so they sort and chart, and show as the page does.
"""

from __future__ import annotations

import io
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assessments.exports import answer_rows, filename_stem
from assessments.headline import headline_text
from assessments.reporting import Report, words_of
from assessments.result_tables import (
    NUMBER,
    PERCENT,
    TEXT,
    Column,
    Table,
    blockers_table,
    level_name,
    results_table,
    shown,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
WRAP = 36  # columns this wide or wider wrap their text


def _put(sheet: Worksheet, row: int, column: int, value, kind: str = TEXT) -> None:
    cell = sheet.cell(row=row, column=column)
    if kind == PERCENT and value is not None:
        cell.value = value / 100  # the whole percentage the page shows, as a fraction
        cell.number_format = "0%"
        return
    cell.value = value
    if isinstance(value, str):
        # openpyxl writes a text starting with "=" as a formula; user text must never run, so
        # every text is a string cell, shown and stored exactly as typed.
        cell.data_type = TYPE_STRING
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT


def _table_sheet(sheet: Worksheet, table: Table) -> None:
    """A header row in bold, frozen so it stays in view, then the rows."""
    for index, column in enumerate(table.columns, start=1):
        _put(sheet, 1, index, column.header)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    # Long texts (questions, next steps) wrap within their column instead of running on.
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for number, values in enumerate(table.rows, start=2):
        for index, (column, value) in enumerate(zip(table.columns, values, strict=True), start=1):
            _put(sheet, number, index, value, column.kind)
            sheet.cell(row=number, column=index).alignment = wrap if column.width >= WRAP else top
    sheet.freeze_panes = "A2"


def _local(moment: datetime | None) -> datetime | None:
    # A spreadsheet has no time zones: the time as the installation's clock shows it.
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def summary_table(report: Report) -> Table:
    assessment = report.assessment
    questionnaire = assessment.questionnaire
    scope = report.overall.scope
    status = assessment.get_status_display()
    if report.provisional:
        status = _("%(status)s (provisional: the result may still change)") % {"status": status}
    rows = [
        [_("Organization"), assessment.organization.name],
        [_("Assessment"), assessment.title],
        [_("Questionnaire"), f"{questionnaire.title} · {_('version')} {questionnaire.version}"],
        [_("Status"), status],
        [_("Date"), _local(assessment.submitted_at or assessment.updated_at)],
        [_("Headline"), headline_text(report)],
        [_("Score (of 100)"), shown(scope.score)],
    ]
    if report.has_stages:
        rows.append([_("Next stage not reached"), level_name(report.next_stage)])
    rows += [
        [_("Answered"), scope.answered],
        [_("Don't know"), scope.dont_know],
        [_("Not applicable"), scope.not_applicable],
        [_("Unanswered"), scope.unanswered],
        [_("Exported"), _local(timezone.now())],
    ]
    return Table([Column("", width=18), Column("", width=60)], rows)


def answers_table(report: Report) -> Table:
    """Every question, in questionnaire order, with its answer: the answers CSV's content with
    stages, layers and pillars by name."""
    assessment = report.assessment
    words = words_of(assessment.questionnaire)
    stages = {s.level: level_name(s) for s in words.stages}
    layers = {x.key: x.name for x in words.layers}
    pillars = {x.key: x.name for x in words.pillars}
    columns = [
        Column("Section", width=28),
        Column("Question", width=60),
        Column("Stage", width=30),
        Column("Layer", width=18),
        Column("Pillar", width=18),
        Column("Core practice", width=13),
        Column("Answer", width=30),
        Column("Score", NUMBER, 8),
        Column("Out of", NUMBER, 8),
        Column("Not applicable because", width=30),
        Column("Comment", width=40),
        Column("Evidence link", width=30),
        Column("Answered by", width=16),
        Column("Answered at", width=17),
        Column("Carried over, not reviewed", width=14),
    ]
    rows = []
    for row in answer_rows(assessment):
        answered_at = row["answered_at"]
        rows.append(
            [
                row["section"],
                row["question"],
                stages.get(row["stage"], row["stage"]),
                _("All") if row["layer"] == "all" else layers.get(row["layer"], row["layer"]),
                pillars.get(row["pillar"], row["pillar"]),
                _("Yes") if row["core"] else "",
                row["answer"],
                row["score"],
                row["max_score"],
                row["reason"],
                row["comment"],
                row["evidence_url"],
                row["answered_by"],
                _local(datetime.fromisoformat(answered_at)) if answered_at else None,
                _("Yes") if row["carried_over_not_reviewed"] else "",
            ]
        )
    return Table(columns, rows)


def _pairs_sheet(sheet: Worksheet, table: Table) -> None:
    """Label and value, one pair a row, the labels in bold; no header row."""
    for number, (label, value) in enumerate(table.rows, start=1):
        _put(sheet, number, 1, label)
        sheet.cell(row=number, column=1).font = Font(bold=True)
        _put(sheet, number, 2, value)
        sheet.cell(row=number, column=2).alignment = Alignment(horizontal="left")
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width


def workbook_response(report: Report) -> HttpResponse:
    # The sheets' names are fixed, as the headers are, for whatever refers to them.
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    _pairs_sheet(summary, summary_table(report))
    for title, table in (
        ("Results", results_table(report)),
        ("Blockers", blockers_table(report)),
        ("Answers", answers_table(report)),
    ):
        _table_sheet(book.create_sheet(title), table)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{filename_stem(report.assessment)}-results.xlsx"'
    )
    return response
