"""The results CSV and the workbook are for people: names, levels and percentages as the results
page shows them, the blockers with their next steps, and no formula run from user text."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from assessments.models import Answer
from assessments.result_tables import shown
from tests.csv_blocks import csv_blocks, csv_headers

pytestmark = pytest.mark.django_db

RESULTS_HEADERS = [
    "Scope",
    "Name",
    "Stage",
    "Score (of 100)",
    "Answered",
    "Don't know",
    "Not applicable",
    "Unanswered",
    "Next stage not reached",
    "Out of scope",
    "Out of scope reason",
    "Coverage 0 · Awareness (%)",
    "Coverage 1 · Ad hoc (%)",
    "Coverage 2 · Security, education and strategy (%)",
]
BLOCKER_HEADERS = [
    "Blocker",
    "Practice",
    "Section",
    "Stage",
    "Core practice",
    "Answer",
    "Score",
    "Out of",
    "Next step",
    "Section's next steps",
]
FORMULA = '=HYPERLINK("http://evil","click")'


def answer(assessment, scores: dict[str, int], default: int = 4, comment: str = "", user=None):
    for question in assessment.questionnaire.questions.prefetch_related("options"):
        if question.key == "releases":
            continue  # left unanswered
        Answer.objects.create(
            assessment=assessment,
            question=question,
            kind="option",
            option=question.options.get(score=scores.get(question.key, default)),
            comment=comment if question.key == "inventory" else "",
            answered_by=user,
        )


def url(name, assessment, org="acme"):
    return reverse(f"assessments:{name}", args=[org, assessment.pk])


def workbook(client, assessment):
    response = client.get(url("export_results_xlsx", assessment))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('-results.xlsx"')
    return openpyxl.load_workbook(io.BytesIO(response.content))


def sheet_rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def page_figures(client, assessment) -> tuple[int, list[str]]:
    """The results page's overall score and its coverage bars' labels ("83 %")."""
    page = client.get(url("results", assessment)).content.decode()
    score = int(re.search(r"Overall score (\d+) of 100", page).group(1))
    bars = re.findall(r'font-size="[\d.]+">(\d+) %</text>', page)
    return score, bars


def test_the_results_csv_names_scopes_and_levels_in_the_versions_words(client, owner, assessment):
    answer(assessment, {"policy": 1})
    client.force_login(owner)
    content = client.get(url("export_results_csv", assessment)).content
    assert content.startswith("\ufeff".encode())  # spreadsheets read it as UTF-8
    assert csv_headers(content) == [RESULTS_HEADERS, BLOCKER_HEADERS]
    results, _blockers = csv_blocks(content)
    overall = results[0]
    assert (overall["Scope"], overall["Name"]) == ("Overall", "Overall")
    assert overall["Stage"] == "1 · Ad hoc"
    assert overall["Next stage not reached"] == "2 · Security, education and strategy"
    assert (overall["Answered"], overall["Unanswered"]) == ("5", "1")
    scopes = {(r["Scope"], r["Name"]) for r in results}
    assert ("Layer of work", "Workers and employees") in scopes
    assert ("Pillar of support", "Advocate") in scopes
    assert ("Layer of work × Pillar of support", "Management × Enabler") in scopes
    assert not any(":" in r["Name"] for r in results)  # no key such as worker:enabler


def test_the_results_csv_shows_scores_and_coverage_as_the_page_does(client, owner, assessment):
    answer(assessment, {"policy": 1, "training": 2, "champion": 3}, default=4)
    client.force_login(owner)
    score, bars = page_figures(client, assessment)
    (results, _blockers) = csv_blocks(client.get(url("export_results_csv", assessment)).content)
    overall = results[0]
    assert overall["Score (of 100)"] == str(score)
    coverage = [overall[h] for h in RESULTS_HEADERS if h.startswith("Coverage")]
    assert [f"{c} %" for c in coverage] == [f"{b} %" for b in bars]
    assert all(c.isdigit() for c in coverage)  # whole percentages, not fractions


def test_figures_round_half_up_as_the_page_does():
    assert (shown(53.5), shown(54.5), shown(13.9), shown(None)) == (54, 55, 14, None)


def test_the_results_csv_lists_each_blocker_with_its_next_step(client, owner, assessment):
    answer(assessment, {"policy": 1})
    client.force_login(owner)
    _results, blockers = csv_blocks(client.get(url("export_results_csv", assessment)).content)
    first = blockers[0]
    assert first["Blocker"] == "1"
    assert first["Practice"] == "Is there an approved open source policy?"
    assert first["Section"] == "Program"
    assert first["Stage"] == "2 · Security, education and strategy"
    assert first["Core practice"] == "Yes, blocks the stage"
    assert (first["Answer"], first["Score"], first["Out of"]) == ("Scored 1 of 4", "1", "4")
    assert first["Next step"] == "Draft a policy and have it approved."
    unanswered = next(b for b in blockers if b["Practice"].startswith("Do released"))
    assert (unanswered["Answer"], unanswered["Score"]) == ("Not answered yet", "")


def test_the_exports_never_hand_a_formula_to_a_spreadsheet(client, owner, assessment):
    answer(assessment, {"policy": 1}, comment=FORMULA)
    assessment.change_scope("pillar", "advocate", "@SUM(1+1)", owner, known=["advocate", "enabler"])
    client.force_login(owner)
    results, _blockers = csv_blocks(client.get(url("export_results_csv", assessment)).content)
    advocate = next(r for r in results if r["Name"] == "Advocate")
    assert advocate["Out of scope"] == "Yes"
    assert advocate["Out of scope reason"] == "'@SUM(1+1)"  # OWASP: a leading apostrophe
    book = workbook(client, assessment)
    reason = next(row for row in book["Results"].iter_rows() if row[1].value == "Advocate")[10]
    comment = next(
        row for row in book["Answers"].iter_rows() if row[1].value.startswith("Does the org")
    )[10]
    # A string cell: shown exactly as typed, never evaluated.
    assert (reason.value, reason.data_type) == ("@SUM(1+1)", "s")
    assert (comment.value, comment.data_type) == (FORMULA, "s")
    for sheet in book:
        assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_the_workbook_has_a_summary_results_blockers_and_answers(client, owner, assessment):
    answer(assessment, {"policy": 1, "training": 2, "champion": 3}, default=4, user=owner)
    client.force_login(owner)
    score, bars = page_figures(client, assessment)
    book = workbook(client, assessment)
    assert book.sheetnames == ["Summary", "Results", "Blockers", "Answers"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Organization"] == "Acme Research"
    assert summary["Assessment"] == "Baseline"
    assert summary["Headline"] == "Stage 1 reached: Ad hoc"
    assert summary["Score (of 100)"] == score
    assert summary["Status"].startswith("In progress")
    assert summary["Date"] is not None

    results = book["Results"]
    assert [c.value for c in results[1]] == RESULTS_HEADERS
    assert results.freeze_panes == "A2"
    assert results.column_dimensions["B"].width > 20
    overall = sheet_rows(results)[0]
    assert overall["Score (of 100)"] == score
    heads = [c.value for c in results[1]]
    coverage_cells = [c for c in results[2] if heads[c.column - 1].startswith("Coverage")]
    assert [f"{round(c.value * 100)} %" for c in coverage_cells] == [f"{b} %" for b in bars]
    assert all(c.number_format == "0%" for c in coverage_cells)

    assert [c.value for c in book["Blockers"][1]] == BLOCKER_HEADERS
    first = sheet_rows(book["Blockers"])[0]
    assert (first["Practice"], first["Score"]) == ("Is there an approved open source policy?", 1)
    assert first["Next step"] == "Draft a policy and have it approved."

    answers = sheet_rows(book["Answers"])
    assert len(answers) == 6
    policy = next(a for a in answers if a["Question"] == "Is there an approved open source policy?")
    assert policy["Section"] == "Program"
    assert policy["Stage"] == "2 · Security, education and strategy"
    assert (policy["Layer"], policy["Pillar"]) == ("Management", "Enabler")
    assert (policy["Answer"], policy["Score"], policy["Out of"]) == ("Ad hoc", 1, 4)
    assert policy["Answered by"] == "olivia" and policy["Answered at"] is not None
    assert book["Answers"].freeze_panes == "A2"


def test_the_results_page_links_the_workbook(client, viewer, assessment):
    client.force_login(viewer)
    page = client.get(url("results", assessment)).content.decode()
    assert url("export_results_xlsx", assessment) in page
    assert workbook(client, assessment).sheetnames[0] == "Summary"  # a viewer may export


@pytest.mark.parametrize("name", ["export_results_csv", "export_results_xlsx"])
def test_another_organizations_results_are_not_found(client, outsider, assessment, name):
    client.force_login(outsider)
    assert client.get(url(name, assessment)).status_code == 404
    assert client.get(url(name, assessment, org="globex")).status_code == 404
