"""Answering a checklist and a free text question in Chromium, and seeing the results."""

import pytest
from django.contrib.auth import get_user_model

from assessments.models import Assessment, Membership, Organization
from tests.browser.helpers import wait_for_htmx
from tests.conftest import FIXTURES
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-passphrase-42"


@pytest.fixture
def typed(transactional_db):
    questionnaire = load_text(
        (FIXTURES / "question_types.yaml").read_text(encoding="utf-8"), publish=True
    )
    organization = Organization.objects.create(name="Types Lab", slug="types")
    user = get_user_model().objects.create_user("tess", password=PASSWORD)
    Membership.objects.create(organization=organization, user=user, role=Membership.Role.OWNER)
    return Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Types", created_by=user
    )


def test_each_type_is_answered_on_one_page_and_scored(new_page, typed):
    page = new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("tess")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/orgs/types/assessments/{typed.pk}/sections/basics/")
    wait_for_htmx(page)

    inventory = page.locator("#q-inventory")
    inventory.get_by_label("Practised organization-wide").check()
    inventory.locator(".answer-status .text-success").wait_for()

    tools = page.locator("#q-tools")
    tools.get_by_label("None of these").check()
    tools.locator(".answer-status .text-success").wait_for()
    # Another box clears "none of these", on the page and in what is saved.
    tools.get_by_label("Dependency scanner").check()
    assert not tools.get_by_label("None of these").is_checked()
    tools.get_by_label("License checker").check()
    page.wait_for_function(
        """() => document.querySelector('#start-q-tools input[name$="was_choice"]')
                   .value.split(",").length === 2"""
    )
    # And "none of these" clears the others again, though not saved here.
    tools.get_by_label("None of these").check()
    assert not tools.get_by_label("Dependency scanner").is_checked()
    tools.get_by_label("Dependency scanner").check()
    tools.get_by_label("License checker").check()
    page.wait_for_function(
        """() => document.querySelector('#start-q-tools input[name$="was_choice"]')
                   .value.split(",").length === 2"""
    )

    goals = page.locator("#q-goals")
    goals.get_by_label("Your answer").fill("Publish our first project.")
    goals.get_by_label("Your answer").blur()
    goals.locator(".answer-status .text-success").wait_for()
    # Two of the three scored questions of the section are answered; the text counts in none.
    assert "2/2" in page.locator("#sections-nav").inner_text()

    answers = {a.question.key: a for a in typed.answers.select_related("question")}
    tools_q = answers["tools"].question
    assert answers["tools"].boxes == [
        tools_q.options.get(label="Dependency scanner").pk,
        tools_q.options.get(label="License checker").pk,
    ]
    assert answers["goals"].comment == "Publish our first project."

    page.get_by_role("link", name="See results").first.click()
    page.wait_for_url("**/results/")
    # Four scored questions, two answered: the text question is none of them.
    page.get_by_text("2 questions are unanswered").wait_for()
