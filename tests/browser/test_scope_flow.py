"""A section's own content and the Scope page, as people see them in Chromium."""

import pytest
import yaml
from django.contrib.auth import get_user_model

from assessments.models import Answer, Assessment, Membership, Organization
from tests.browser.helpers import axe_violations, screenshot, wait_for_htmx
from tests.browser.test_assessment_flow import PASSWORD, log_in
from tests.conftest import FIXTURES
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db(transaction=True)


def _questionnaire():
    data = yaml.safe_load((FIXTURES / "mini.yaml").read_text(encoding="utf-8"))
    basics = data["sections"][0]
    for question in basics["questions"][:2]:
        question["recommendation"] = "Keep one list of the open source you use."
    questions = basics.pop("questions")
    basics.update(
        help="Knowing **what you use** comes first.\n\n- licenses\n- security fixes\n",
        recommendations="Start with the *three* products that matter most.",
        resources=[{"title": "OpenChain", "url": "https://openchainproject.org/"}],
        questions=questions,
    )
    return load_text(yaml.safe_dump(data, sort_keys=False), publish=True)


def test_about_this_section_and_the_scope_page(new_page):
    questionnaire = _questionnaire()
    user = get_user_model().objects.create_user("olga", password=PASSWORD)
    organization = Organization.objects.create(name="Bank", slug="bank")
    Membership.objects.create(organization=organization, user=user, role=Membership.Role.OWNER)
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Baseline"
    )
    for question in questionnaire.questions.prefetch_related("options"):
        option = min(question.options.all(), key=lambda o: o.score)
        Answer.objects.create(
            assessment=assessment, question=question, kind="option", option=option
        )
    page = new_page()
    log_in(page, "olga")
    base = f"/orgs/bank/assessments/{assessment.pk}/"

    page.goto(base + "sections/basics/")
    page.get_by_text("About this section").click()
    page.get_by_role("link", name="OpenChain").wait_for()
    screenshot(page, "section-about")
    assert axe_violations(page) == []

    page.goto(base + "scope/")
    wait_for_htmx(page)
    page.locator("#reason-pillar-advocate").fill("We are a bank: we do not lead communities.")
    advocate = page.locator("#scope-pillar-advocate")
    advocate.get_by_role("button", name="Put out of scope").click()
    advocate.get_by_role("button", name="Bring back into scope").wait_for()
    screenshot(page, "scope-page")
    assert axe_violations(page) == []
    # Without a reason the browser asks for one; nothing is sent.
    page.locator("#scope-layer-worker").get_by_role("button", name="Put out of scope").click()
    assert Assessment.objects.get(pk=assessment.pk).scope_exclusions[0]["key"] == "advocate"
    assert len(Assessment.objects.get(pk=assessment.pk).scope_exclusions) == 1

    page.goto(base + "results/")
    page.get_by_text("Out of scope: We are a bank").wait_for()
    page.get_by_test_id("next-steps").wait_for()
    screenshot(page, "results-out-of-scope")
    assert axe_violations(page) == []
