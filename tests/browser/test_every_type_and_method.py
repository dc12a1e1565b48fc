"""One model with every question type and a condition, scored by each method, answered in
Chromium as a person does, then read: results page and the strategy's PDF."""

import subprocess

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments.models import Answer, Assessment, Membership, Organization
from strategy.models import Strategy
from tests.browser.helpers import ARTIFACTS, axe_violations, screenshot, wait_for_htmx
from tests.conftest import FIXTURES
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-passphrase-42"
BANDS = {"starting": [0, 50], "practising": [50, 100]}


def model_text(method: str) -> str:
    """tests/fixtures/every_type.yaml, scored by `method`."""
    data = yaml.safe_load((FIXTURES / "every_type.yaml").read_text(encoding="utf-8"))
    data["key"] = f"every-type-{method}"
    data["scoring"]["method"] = method
    if method == "bands":
        for stage in data["stages"]:
            stage["band"] = BANDS[stage["key"]]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@pytest.mark.parametrize("method", ["gated", "bands", "progress"])
def test_every_type_is_answered_and_read_under_each_scoring_method(
    new_page, transactional_db, method
):
    questionnaire = load_text(model_text(method), publish=True)
    organization = Organization.objects.create(name="Every Type Lab", slug="every")
    user = get_user_model().objects.create_user("eve", password=PASSWORD)
    Membership.objects.create(organization=organization, user=user, role=Membership.Role.OWNER)
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="All types", created_by=user
    )

    page = new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("eve")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(reverse("assessments:section", args=["every", assessment.pk, "basics"]))
    wait_for_htmx(page)

    def saved(key):
        page.locator(f"#q-{key} .answer-status").get_by_text("Saved").wait_for()

    # The condition: the review question is asked once the inventory is practised or better.
    review = page.locator("#q-inventory-review")
    assert not review.is_visible()
    page.locator("#q-inventory").get_by_label("Measured and improved").check()
    saved("inventory")
    review.wait_for(state="visible")
    review.get_by_label("Defined").check()
    saved("inventory-review")
    page.locator("#q-tools").get_by_label("Dependency scanner").check()
    saved("tools")
    page.locator("#q-policy").get_by_label("Approved").check()
    saved("policy")
    goals = page.locator("#q-goals").get_by_label("Your answer")
    goals.click()
    page.keyboard.type("Publish our first project.", delay=40)
    goals.blur()
    saved("goals")
    stored = Answer.objects.filter(assessment=assessment)
    assert stored.count() == 5
    assert stored.get(question__key="goals").comment == "Publish our first project."

    page.goto(reverse("assessments:results", args=["every", assessment.pk]))
    headline = page.locator("#headline").inner_text()
    screenshot(page, f"every-type-results-{method}")
    assert axe_violations(page) == []
    if method == "progress":
        assert "Stage" not in headline and "%" in headline, headline
    else:
        assert "Stage" in headline, headline

    strategy = Strategy.objects.create_from_assessment(assessment, user, "Strategy")
    page.goto(reverse("strategy:overview", args=["every", strategy.pk]))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"every-type-{method}.pdf"
    download_info.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    # The appendix carries each kind of answer in words.
    for shown in ("Measured and improved", "Dependency scanner", "Approved", "Publish our first"):
        assert shown in flat, shown
    assert ("Stage" in flat) == (method != "progress")
