"""A viewer asked to answer on their own does so in the browser, at a person's pace."""

import pytest

from assessments.models import Answer, Assessment, Respondent
from tests.browser.helpers import axe_violations, screenshot, wait_for_htmx

pytestmark = pytest.mark.django_db(transaction=True)

COMMENT = "Only the legal team knows where the policy is."


def test_a_viewer_answers_a_section_on_their_own_and_finds_it_all_after_a_reload(
    new_page, viewer, assessment
):
    assessment.mode = Assessment.Mode.INDIVIDUAL
    assessment.save()
    respondent = Respondent.objects.create(
        assessment=assessment, user=viewer, number=1, sections=["program"]
    )
    page = new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("vera")
    page.locator("#id_password").fill("pw-vera-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/orgs/**")
    page.goto(f"/orgs/acme/assessments/{assessment.pk}/mine/")
    page.wait_for_url("**/mine/sections/program/")
    wait_for_htmx(page)
    assert "Your own answers." in page.get_by_test_id("own-answers").inner_text()

    def saved(key):
        page.locator(f"#q-{key} .answer-status").get_by_text("Saved").wait_for()

    page.locator("#q-policy").get_by_label("Defined").check()
    saved("policy")
    page.locator("#q-training").get_by_label("Ad hoc").check()
    saved("training")
    policy = page.locator("#q-policy")
    policy.get_by_text("Comment or evidence").click()
    comment = policy.get_by_label("Comment")
    comment.click()
    page.keyboard.type(COMMENT, delay=60)
    comment.blur()
    policy.locator(".answer-status").get_by_text("Saved").wait_for()
    page.wait_for_function(
        "() => !document.querySelector('#q-policy.htmx-request, #q-policy .htmx-request')"
    )
    screenshot(page, "individual-answering")
    assert axe_violations(page) == []

    page.reload()
    wait_for_htmx(page)
    assert page.locator("#q-policy").get_by_label("Defined").is_checked()
    assert page.locator("#q-training").get_by_label("Ad hoc").is_checked()
    assert page.locator("#q-policy").get_by_label("Comment").input_value() == COMMENT
    assert "2 of 3 answered" in page.locator("#progress").inner_text()
    mine = {a.question.key: a for a in respondent.answers.select_related("question", "option")}
    assert mine["policy"].comment == COMMENT and mine["training"].option.label == "Ad hoc"
    assert not Answer.objects.filter(assessment=assessment, respondent__isnull=True).exists()
