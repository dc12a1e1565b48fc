"""Each version names its levels and axes (issue 15): a model whose words are not ours shows none
of ours anywhere, and the shipped model still says what it said."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from assessments.models import Answer, Assessment
from strategy.document import document_context
from strategy.markdown_export import strategy_markdown
from strategy.models import Strategy
from strategy.pdf import document_html
from tests.conftest import FIXTURES
from tests.questionnaires import load_text
from tests.visible_text import ours_in, visible_text

pytestmark = pytest.mark.django_db


def _answer(questionnaire, organization, owner, scores, title):
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
def roles(organization, owner):
    questionnaire = load_text((FIXTURES / "roles.yaml").read_text(encoding="utf-8"), publish=True)
    before = _answer(questionnaire, organization, owner, {"licence-list": 1}, "Baseline")
    after = _answer(
        questionnaire,
        organization,
        owner,
        {"licence-list": 3, "upstream-fixes": 2, "budget": 1, "advisories": 0},
        "Follow-up",
    )
    return before, after


def _pages(client, organization, before, after) -> dict[str, str]:
    slug = organization.slug
    questionnaire = after.questionnaire

    def page(name, *args, **query):
        response = client.get(reverse(name, args=args), query)
        assert response.status_code == 200, name
        return response.content.decode()

    pages = {
        "section": page("assessments:section", slug, after.pk, "basics"),
        "results": page("assessments:results", slug, after.pk),
        "review": page("assessments:assessment_review", slug, after.pk),
        "model": page("assessments:model_version", questionnaire.key, questionnaire.version),
        "dashboard": page("assessments:dashboard", slug),
        "compare": page("assessments:compare", slug, a=before.pk, b=after.pk),
    }
    strategy = Strategy.objects.create_from_assessment(after, after.created_by, "Plan")
    pages["strategy overview"] = page("strategy:overview", slug, strategy.pk)
    pages["roadmap"] = page("strategy:roadmap", slug, strategy.pk)
    for section in strategy.sections.all():
        pages[f"strategy section {section.key}"] = page(
            "strategy:section", slug, strategy.pk, section.key
        )
    pages["pdf"] = document_html(document_context(strategy))
    return pages | {"markdown": strategy_markdown(strategy)}


@override_settings(SITE_NAME="Assess")
def test_a_model_with_its_own_words_shows_none_of_ours(client, owner, organization, roles):
    client.force_login(owner)
    pages = _pages(client, organization, *roles)
    found = {
        name: ours_in(content if name == "markdown" else visible_text(content))
        for name, content in pages.items()
    }
    assert {name: hits for name, hits in found.items() if hits} == {}
    # And its own words are there instead.
    results = " ".join(visible_text(pages["results"]).split())
    assert "Level 1 reached: Basic" in results
    assert "Roles and dimensions" in results
    assert "Per role" in results and "Per dimension" in results
    # The core label is the scale's own, and a level with its own threshold is said to have one.
    assert "at least “Agreed”" in results and "unless it sets its own" in results
    model = " ".join(visible_text(pages["model"]).split())
    assert "Acme practice tiers Tier one" in model
    assert "Levels build on each other." in model
    section = " ".join(visible_text(pages["section"]).split())
    assert "Level 1 · Usage · Legal" in section and "All roles" in section
    assert "Plans for each role" in pages["markdown"]
    assert "What will we do for Engineers" in pages["markdown"]
    assert "from an assessment on “Open source practice review”" in visible_text(pages["pdf"])


def test_the_shipped_model_still_says_what_it_said(client, demo_strategy):
    """The default questionnaire keeps its words: Stage, Layers of work, Pillars of support."""
    assessment = demo_strategy.assessment
    organization = assessment.organization
    client.force_login(assessment.created_by)
    results = " ".join(
        visible_text(
            client.get(
                reverse("assessments:results", args=[organization.slug, assessment.pk])
            ).content.decode()
        ).split()
    )
    assert re.search(r"Stage \d reached: ", results)
    assert "Layers of work and pillars of support" in results
    assert "Per layer of work" in results and "Per pillar of support" in results
    # Version 2's stages set their own rules, each stated in the scale's words.
    assert "Awareness at 50 %, core at least “Partly in place”" in results
    assert "Leader and advisor at 70 %, core at least “In place”." in results
    questionnaire = assessment.questionnaire
    model = " ".join(
        visible_text(
            client.get(
                reverse(
                    "assessments:model_version", args=[questionnaire.key, questionnaire.version]
                )
            ).content.decode()
        ).split()
    )
    assert "Stages build on each other." in model
    assert "Ad hoc at 50 %, core at least “Partly in place”;" in model
    assert "Layers of work" in model and "Pillars of support" in model
    assert "Linux Foundation model" in model
    markdown = strategy_markdown(demo_strategy)
    assert "Plans for each layer of work" in markdown
    assert "What do managers need from us" in markdown


def test_a_model_without_layers_and_one_pillar(client, owner, organization):
    questionnaire = load_text((FIXTURES / "flat.yaml").read_text(encoding="utf-8"), publish=True)
    assessment = _answer(
        questionnaire, organization, owner, {"owner-named": 1, "inventory": 0}, "Flat"
    )
    assert not questionnaire.layers.exists()
    client.force_login(owner)
    html = client.get(
        reverse("assessments:results", args=[organization.slug, assessment.pk])
    ).content.decode()
    text = " ".join(visible_text(html).split())
    assert "Goal 0 reached: First steps" in text
    # One pillar: no radar of one point, no heat map; its score is in the table.
    assert "pillar-radar" not in html and "layer-radar" not in html and 'id="heatmap' not in html
    assert "Per theme" in text and "Per role" not in text
    assert not ours_in(text.replace("OSPO Assess", ""))
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Plan")
    keys = [s.key for s in strategy.sections.all()]
    assert "layer-plans" not in keys and "pillar-plans" in keys
    assert not ours_in(strategy_markdown(strategy))
