"""The results page, exports, history, comparison and strategy for `bands` and `progress`
versions (tests/fixtures/bands.yaml, progress.yaml): no crash, and no stage where there is none."""

import json
import re

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment
from strategy.document import document_context
from strategy.markdown_export import strategy_markdown
from strategy.models import Strategy
from strategy.pdf import document_html
from tests.conftest import FIXTURES
from tests.csv_blocks import csv_blocks
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db


def _assessment(name, organization, owner, scores, title="Baseline"):
    questionnaire = load_text((FIXTURES / name).read_text(encoding="utf-8"), publish=True)
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title=title, created_by=owner
    )
    for question in questionnaire.questions.prefetch_related("options"):
        if question.key in scores:
            Answer.objects.create(
                assessment=assessment,
                question=question,
                kind="option",
                option=question.options.get(score=scores[question.key]),
            )
    return assessment


@pytest.fixture
def progress(organization, owner):
    # Policy: written 4/4 (weight 1), approved 1/4 (weight 2) = 1.5 / 3 = 50 %. Training 0 %.
    # Overall: (1 + 0.5 + 0) / 4 = 37.5 %.
    scores = {"policy-written": 4, "policy-approved": 1, "training-given": 0}
    return _assessment("progress.yaml", organization, owner, scores)


@pytest.fixture
def bands(organization, owner):
    # Licences 2/2 (weight 2), sbom 1/2, upstream 1/2, maintainers unanswered:
    # (2 + 0.5 + 0.5 + 0) / 5 = 60, in Managed's band [40, 75).
    scores = {"licences-known": 2, "sbom": 1, "upstream": 1}
    return _assessment("bands.yaml", organization, owner, scores)


def url(name, assessment):
    return reverse(f"assessments:{name}", args=["acme", assessment.pk])


def test_progress_results_show_percentages_per_section_and_no_stage(client, owner, progress):
    client.force_login(owner)
    page = client.get(url("results", progress)).content.decode()
    assert "Overall progress: 38 %" in page
    assert "Progress per section" in page
    assert "Policy" in page and "Training" in page
    assert 'id="section-progress' in page
    assert "Stage" not in page and "stage " not in page
    assert "What would raise the score most" in page
    assert "Take the policy to the next leadership meeting." in page


def test_bands_results_show_the_band_the_score_falls_in(client, owner, bands):
    client.force_login(owner)
    page = client.get(url("results", bands)).content.decode()
    assert "Stage 1: Managed" in page
    assert 'data-testid="score-bands"' in page
    assert "40–75" in page
    assert "Stage 2, Leading, starts at a score of 75." in page
    assert "Coverage of each stage" not in page


def test_progress_exports_name_no_stage(client, owner, progress):
    client.force_login(owner)
    data = json.loads(client.get(url("export_json", progress)).content)
    assert data["results"]["method"] == "progress"
    assert data["stages"] == []
    assert data["results"]["overall"]["stage"] is None
    assert data["results"]["overall"]["score"] == 37.5
    sections = {s["key"]: s["score"] for s in data["results"]["scopes"] if s["scope"] == "section"}
    assert sections == {"policy": 50.0, "training": 0.0}
    response = client.get(url("export_results_csv", progress))
    rows, blockers = csv_blocks(response.content)
    assert "Stage" not in rows[0] and "Next stage not reached" not in rows[0]
    assert "Stage" not in blockers[0]
    assert not any(column.startswith("Coverage") for column in rows[0])
    assert (rows[0]["Scope"], rows[0]["Score (of 100)"]) == ("Overall", "38")  # 37.5, as shown
    assert ("Section", "0") in {(r["Scope"], r["Score (of 100)"]) for r in rows}


def test_bands_exports_give_the_level_and_no_coverage(client, owner, bands):
    client.force_login(owner)
    data = json.loads(client.get(url("export_json", bands)).content)
    assert data["results"]["method"] == "bands"
    assert (data["results"]["overall"]["stage"], data["results"]["overall"]["score"]) == (1, 60.0)
    assert data["results"]["overall"]["stage_coverage"] == {}
    rows, _blockers = csv_blocks(client.get(url("export_results_csv", bands)).content)
    assert rows[0]["Stage"].startswith("1 · ")
    assert not any(column.startswith("Coverage") for column in rows[0])


def test_history_and_comparison_mix_methods_without_naming_missing_stages(
    client, owner, organization, progress, bands
):
    client.force_login(owner)
    page = client.get(reverse("assessments:dashboard", args=["acme"])).content.decode()
    assert "Baseline" in page
    # The progress assessment's row shows no stage; the bands one its level.
    assert "1 · Managed" in page
    compare = client.get(
        reverse("assessments:compare", args=["acme"]), {"a": progress.pk, "b": bands.pk}
    )
    assert compare.status_code == 200


def test_a_strategy_from_a_progress_assessment_claims_no_stage(owner, progress):
    strategy = Strategy.objects.create_from_assessment(progress, owner, "Roll-out")
    assert strategy.target_stage is None
    text = strategy_markdown(strategy)
    # The guidance's questions still speak of stages; a later change rewrites them.
    assert not re.search(r"[Ss]tage \d|Stage today|Target stage", text)
    assert "there is no stage target" in text
    assert "Raises the score" in " ".join(item.why for item in strategy.roadmap.all())
    html = document_html(document_context(strategy))
    assert "Progress 38 %" in html
    assert not re.search(r"[Ss]tage \d|Stage today|Target stage", html)
