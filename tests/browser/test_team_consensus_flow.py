"""A team in three browsers: each answers on their own, the facilitator agrees the answers,
and the results show the agreed stage beside the gaps between the groups."""

import pytest

from assessments.models import Answer, Assessment, Membership, Respondent
from tests.browser.helpers import screenshot, wait_for_htmx

pytestmark = pytest.mark.django_db(transaction=True)

# Each person's view of the "basics" section: engineers see less in place than management.
CHOICES = {
    "carlos": {"inventory": "Measured and improved", "champion": "Practised organization-wide"},
    "vera": {"inventory": "Not in place", "champion": "Ad hoc"},
    "tess": {"inventory": "Ad hoc", "champion": "Ad hoc"},
}
CONTRIBUTION = {
    "carlos": "Allowed and encouraged",
    "vera": "Forbidden or unknown",
    "tess": "Allowed case by case",
}


def log_in(page, username):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(f"pw-{username}-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/orgs/**")


@pytest.fixture
def team(assessment, organization, colleague, viewer, django_user_model):
    assessment.mode = Assessment.Mode.INDIVIDUAL
    assessment.save()
    tess = django_user_model.objects.create_user("tess", password="pw-tess-123")
    Membership.objects.create(organization=organization, user=tess, role="viewer")
    for number, (user, layer) in enumerate(
        ((colleague, "management"), (viewer, "worker"), (tess, "worker")), start=1
    ):
        Respondent.objects.create(
            assessment=assessment, user=user, number=number, speaks_for=layer, sections=["basics"]
        )
    return assessment


def test_three_people_answer_apart_and_the_facilitator_agrees_what_is_scored(new_page, owner, team):
    base = f"/orgs/acme/assessments/{team.pk}/"
    # Three people, three browsers, each with their own cookies, all open at once.
    pages = {name: new_page() for name in CHOICES}
    for name, page in pages.items():
        log_in(page, name)
        page.goto(base + "mine/")
        page.wait_for_url("**/mine/sections/basics/")
        wait_for_htmx(page)
    for name, page in pages.items():
        for key, label in CHOICES[name].items():
            question = page.locator(f"#q-{key}")
            question.get_by_label(label, exact=True).check()
            question.locator(".answer-status").get_by_text("Saved").wait_for()
        contribution = page.locator("#q-contribution-ok")
        contribution.get_by_label(CONTRIBUTION[name], exact=True).check()
        contribution.locator(".answer-status").get_by_text("Saved").wait_for()
    # Nobody sees the others' answers before submitting their own.
    assert pages["vera"].get_by_test_id("others-answers").count() == 0
    for page in pages.values():
        page.goto(base + "mine/submit/")
        page.get_by_role("button", name="Submit my answers").click()
        page.wait_for_load_state()
    # Once their own are in, they see how the others answered, counted, never named.
    pages["vera"].goto(base + "mine/sections/basics/")
    others = pages["vera"].locator("#q-inventory").get_by_test_id("others-answers").inner_text()
    assert "Measured and improved" in others and "carlos" not in others
    assert Respondent.objects.filter(assessment=team, submitted_at__isnull=False).count() == 3
    assert not Answer.objects.filter(assessment=team, respondent__isnull=True).exists()

    facilitator = new_page()
    log_in(facilitator, "olivia")
    facilitator.goto(base + "consensus/")
    wait_for_htmx(facilitator)
    progress = facilitator.get_by_test_id("consensus-progress").inner_text()
    assert "0 of" in progress and "strong disagreement" in progress
    # Strongest disagreement first: the inventory, from "Not in place" to "Measured".
    first = facilitator.locator(".consensus-card").first
    assert first.get_attribute("id") == "q-inventory"
    assert "carlos" in first.inner_text() and "vera" in first.inner_text()
    assert "Suggested (the median): Ad hoc" in first.inner_text()
    screenshot(facilitator, "consensus-view")
    for key in ("inventory", "champion", "contribution-ok"):
        card = facilitator.locator(f"#q-{key}")
        card.get_by_role("button", name="Agree").click()
        card.get_by_test_id("agreed").wait_for()
    assert "3 of" in facilitator.get_by_test_id("consensus-progress").inner_text()
    agreed = {
        a.question.key: a.option.label
        for a in Answer.objects.filter(assessment=team, respondent__isnull=True).select_related(
            "question", "option"
        )
    }
    assert agreed == {
        "inventory": "Ad hoc",
        "champion": "Ad hoc",
        "contribution-ok": "Allowed case by case",
    }

    facilitator.goto(base + "results/")
    gaps = facilitator.get_by_test_id("perception-gaps")
    gaps.wait_for()
    assert facilitator.get_by_test_id("consensus-link").inner_text() == "Agree the answers"
    assert gaps.locator("svg").count() >= 1
    assert facilitator.get_by_test_id("largest-gaps").locator("li").count() >= 1
    screenshot(facilitator, "results-perception-gaps")
