import csv
import io
import json

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment
from tests.csv_blocks import csv_blocks

pytestmark = pytest.mark.django_db


def answer_all(assessment, score_for, user=None):
    for question in assessment.questionnaire.questions.prefetch_related("options"):
        score = score_for(question)
        if score is None:
            continue
        Answer.objects.create(
            assessment=assessment,
            question=question,
            kind="option",
            option=question.options.get(score=score),
            answered_by=user,
            comment='=HYPERLINK("http://evil")' if question.key == "policy" else "",
        )


def url(name, assessment, *extra):
    return reverse(f"assessments:{name}", args=["acme", assessment.pk, *extra])


def test_results_explain_the_stage_and_what_blocks_the_next(client, owner, assessment):
    answer_all(assessment, lambda q: 1 if q.key == "policy" else 4)
    client.force_login(owner)
    page = client.get(url("results", assessment)).content.decode()
    assert "Stage 1 reached: Ad hoc" in page
    assert "Provisional." in page
    assert (
        "Stage 1, Ad hoc, is reached; stage 2, Security, education and strategy, is not yet:"
        in page
    )
    assert "Is there an approved open source policy?" in page
    assert "core practice: blocks the stage" in page
    assert "Draft a policy and have it approved." in page
    for chart in ('id="stage-coverage"', 'id="heatmap"'):
        assert chart in page
    # Radars say no more than the tables beside them: the page draws none (test_results_headline).
    assert 'id="pillar-radar"' not in page and 'id="layer-radar"' not in page
    assert page.count("<table") >= 4  # every chart has its data table, plus the scope tables


def test_submitted_results_are_not_provisional(client, owner, assessment):
    answer_all(assessment, lambda q: 4)
    assessment.submit()
    client.force_login(owner)
    page = client.get(url("results", assessment)).content.decode()
    assert "Provisional." not in page
    assert "Every stage is reached" in page


def test_the_history_lists_every_assessment_with_its_stage_and_a_chart(
    client, owner, organization, questionnaire, assessment
):
    answer_all(assessment, lambda q: 0)
    later = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Second cycle"
    )
    answer_all(later, lambda q: 4)
    client.force_login(owner)
    page = client.get(reverse("assessments:dashboard", args=["acme"])).content.decode()
    assert page.index("Second cycle") < page.index("Baseline")  # newest first
    assert "2 · Security, education and strategy" in page
    assert 'id="history"' in page
    assert "Compare two assessments" in page


def test_compare_shows_the_change_per_scope_and_per_question(
    client, owner, organization, questionnaire, assessment
):
    answer_all(assessment, lambda q: 0)
    later = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Second cycle"
    )
    answer_all(later, lambda q: 4 if q.key in ("inventory", "champion") else 0)
    client.force_login(owner)
    compare = reverse("assessments:compare", args=["acme"])
    page = client.get(compare, {"a": assessment.pk, "b": later.pk}).content.decode()
    assert "2 answers changed." in page
    assert "Does the organization know which open source it uses?" in page
    assert "+4" in page
    only = client.get(compare, {"a": assessment.pk, "b": later.pk, "changes": "1"})
    assert "Is there an approved open source policy?" not in only.content.decode()


@pytest.mark.parametrize("query", [{"a": "x", "b": "1"}, {"a": "1"}, {"a": "", "b": ""}])
def test_compare_rejects_malformed_choices(client, owner, assessment, query):
    client.force_login(owner)
    assert client.get(reverse("assessments:compare", args=["acme"]), query).status_code == 400


def test_compare_refuses_another_organizations_assessment(
    client, owner, outsider, other_organization, questionnaire, assessment
):
    theirs = Assessment.objects.create(
        organization=other_organization, questionnaire=questionnaire, title="Theirs"
    )
    client.force_login(owner)
    response = client.get(
        reverse("assessments:compare", args=["acme"]), {"a": assessment.pk, "b": theirs.pk}
    )
    assert response.status_code == 404


def test_the_answers_csv_has_every_question_and_defuses_formulas(client, owner, assessment):
    answer_all(assessment, lambda q: 2 if q.key != "training" else None, user=owner)
    client.force_login(owner)
    response = client.get(url("export_answers_csv", assessment))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["question_key"] for r in rows] == [
        "inventory",
        "champion",
        "contribution-ok",
        "policy",
        "training",
        "releases",
    ]
    policy = next(r for r in rows if r["question_key"] == "policy")
    assert policy["answer"] == "Defined" and policy["score"] == "2"
    assert policy["answered_by"] == "olivia"
    assert policy["comment"].startswith("'=")
    assert next(r for r in rows if r["question_key"] == "training")["answer"] == ""


def test_the_results_csv_has_a_row_per_scope(client, owner, assessment):
    answer_all(assessment, lambda q: 4)
    client.force_login(owner)
    response = client.get(url("export_results_csv", assessment))
    rows, _blockers = csv_blocks(response.content)
    scopes = [(r["Scope"], r["Name"]) for r in rows]
    assert scopes[0] == ("Overall", "Overall")
    assert ("Layer of work", "Workers and employees") in scopes
    assert ("Pillar of support", "Advocate") in scopes
    assert ("Layer of work × Pillar of support", "Workers and employees × Advocate") in scopes
    assert rows[0]["Stage"] == "2 · Security, education and strategy"
    assert rows[0]["Coverage 2 · Security, education and strategy (%)"] == "100"


def test_the_json_export_holds_answers_and_results(client, owner, assessment):
    answer_all(assessment, lambda q: 1 if q.key == "policy" else 4)
    client.force_login(owner)
    data = json.loads(client.get(url("export_json", assessment)).content)
    assert data["format"] == "ospo-assess/assessment@1"
    assert data["organization"] == "Acme Research"
    assert data["questionnaire"] == {"key": "mini", "version": 1}
    assert data["results"]["overall"]["stage"] == 1
    assert data["results"]["blockers"][0]["question_key"] == "policy"
    assert len(data["answers"]) == 6
