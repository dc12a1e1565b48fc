"""An answer's history, and a re-assessment's carried-over answers, as a person uses them."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments import demo
from assessments.forms.assessments import carry_over_answers
from assessments.models import Answer, AnswerChange, Assessment
from tests.browser.helpers import axe_violations, screenshot, wait_for_htmx

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def second_cycle(transactional_db):
    """The demo's assessment, and a second cycle started from its answers."""
    logins = demo.setup_demo()
    first = logins.assessment
    user = get_user_model().objects.get(username=demo.DEMO_USERNAME)
    second = Assessment.objects.create(
        organization=logins.organization,
        questionnaire=first.questionnaire,
        title="Second cycle",
        created_by=user,
    )
    carry_over_answers(first, second, user)
    return second


def open_page(new_page, path, width=1280):
    page = new_page(width, 900)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(demo.DEMO_USERNAME)
    page.locator("#id_password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(path)
    wait_for_htmx(page)
    return page


def section_path(assessment, key):
    return reverse("assessments:section", args=[assessment.organization.slug, assessment.pk, key])


def test_a_carried_over_answer_is_confirmed_and_its_history_opens_in_place(new_page, second_cycle):
    section = second_cycle.questionnaire.sections.order_by("order").first()
    waiting = Answer.objects.filter(assessment=second_cycle, needs_review=True)
    before = waiting.count()
    page = open_page(new_page, section_path(second_cycle, section.key) + "?show=unreviewed")
    fieldset = page.locator("fieldset.question").first
    key = fieldset.get_attribute("id").removeprefix("q-")
    fieldset.get_by_text("Carried over, not yet reviewed").wait_for()
    screenshot(page, "section-carried-over")
    assert axe_violations(page) == []
    status = fieldset.locator(".answer-status")
    page.evaluate("id => { window.statusBefore = document.getElementById(id) }", f"status-q-{key}")

    fieldset.get_by_role("button", name="Confirm as it is").click()
    fieldset.get_by_text("Confirmed: the answer carried over still holds.").wait_for()
    same = "id => window.statusBefore === document.getElementById(id)"
    assert page.evaluate(same, f"status-q-{key}")
    assert status.get_by_text("Carried over, not yet reviewed").count() == 0
    assert waiting.count() == before - 1
    page.get_by_test_id("unreviewed-count").get_by_text(f"{before - 1} answers").wait_for()

    fieldset.get_by_text("History", exact=True).click()
    history = fieldset.locator(".answer-history-list")
    history.wait_for()
    assert history.locator("li").first.get_attribute("data-how") == "confirmed"
    assert history.locator("li").nth(1).get_attribute("data-how") == "carried_over"
    screenshot(page, "section-history-open")
    assert axe_violations(page) == []
    # A change after it is in the history the next time it opens.
    fieldset.locator("input[type=radio]:not(:checked)").first.check()
    fieldset.locator(".answer-status").get_by_text("Saved").wait_for()
    fieldset.get_by_text("History", exact=True).click()  # closed
    fieldset.get_by_text("History", exact=True).click()  # and opened again: read afresh
    page.wait_for_function(
        "key => document.querySelector(`#q-${key} .answer-history-list li`)"
        "?.dataset.how === 'answered'",
        arg=key,
    )
    assert AnswerChange.objects.filter(assessment=second_cycle, question_key=key).count() == 3


def test_a_choice_made_with_the_arrow_keys_is_kept_when_the_page_is_left_at_once(
    new_page, second_cycle
):
    Answer.objects.filter(assessment=second_cycle).delete()
    section = second_cycle.questionnaire.sections.order_by("order").first()
    page = open_page(new_page, section_path(second_cycle, section.key))
    fieldset = page.locator("fieldset.question").first
    fieldset.locator("input[type=radio]").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    chosen = fieldset.locator("input[type=radio]:checked").get_attribute("value")
    # Well within the 400 ms a choice takes to settle: the next section, at once.
    page.get_by_role("link", name="Next section").click()
    page.wait_for_url("**/sections/**")
    page.wait_for_function("() => document.readyState === 'complete'")
    for _ in range(50):
        answer = Answer.objects.filter(assessment=second_cycle).first()
        if answer is not None:
            break
        page.wait_for_timeout(100)
    assert answer is not None and str(answer.option_id) == chosen
