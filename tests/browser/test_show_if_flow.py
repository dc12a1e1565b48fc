"""A question asked only after a certain answer: it appears when that answer saves, and goes
again when the answer changes, without the page's inputs being replaced."""

import pytest
from django.contrib.auth import get_user_model

from assessments.models import Assessment, Membership, Organization
from tests.browser.helpers import wait_for_htmx
from tests.conftest import FIXTURES
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-passphrase-42"


@pytest.fixture
def conditional(transactional_db):
    questionnaire = load_text((FIXTURES / "show_if.yaml").read_text(encoding="utf-8"), publish=True)
    organization = Organization.objects.create(name="Show Lab", slug="show")
    user = get_user_model().objects.create_user("sam", password=PASSWORD)
    Membership.objects.create(organization=organization, user=user, role=Membership.Role.OWNER)
    return Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Show", created_by=user
    )


def test_a_dependent_question_appears_after_a_choice(new_page, conditional):
    page = new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("sam")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/orgs/show/assessments/{conditional.pk}/sections/basics/")
    wait_for_htmx(page)

    review = page.locator("#q-policy-review")
    assert not review.is_visible()
    assert not page.locator("#q-scanner-alerts").is_visible()

    has_policy = page.locator("#q-has-policy")
    # A comment typed in the governing question stays while the save shows its dependent.
    has_policy.get_by_text("Comment or evidence").click()
    has_policy.get_by_label("Comment").fill("Approved in March.")
    has_policy.get_by_label("Measured and improved").check()
    review.wait_for(state="visible")
    assert has_policy.get_by_label("Comment").input_value() == "Approved in March."
    page.wait_for_function(
        "() => document.querySelector('#progress').innerText.includes('1 of 4 answered')"
    )

    review.get_by_label("Defined").check()
    review.locator(".answer-status .text-success").wait_for()
    page.locator("#q-review-notes").wait_for(state="visible")  # a chain: shown by review's answer

    # Another answer hides both again; the stored answer is kept but no longer counted.
    has_policy.get_by_label("Ad hoc").check()
    review.wait_for(state="hidden")
    page.locator("#q-review-notes").wait_for(state="hidden")
    page.wait_for_function(
        "() => document.querySelector('#progress').innerText.includes('1 of 4 answered')"
    )  # has-policy, tools, training, and now no-policy-why on the next page
    assert conditional.answers.filter(question__key="policy-review").exists()

    tools = page.locator("#q-tools")
    tools.get_by_label("Dependency scanner").check()
    page.locator("#q-scanner-alerts").wait_for(state="visible")
