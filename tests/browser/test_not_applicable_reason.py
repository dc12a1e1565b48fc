"""'Not applicable' asks for its reason before it says anything is wrong, with or without script."""

import pytest

from assessments.models import Answer

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("olivia")
    page.locator("#id_password").fill("pw-olivia-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/orgs/**")


def _releases(page, assessment):
    page.goto(f"/orgs/acme/assessments/{assessment.pk}/sections/program/")
    return page.locator("#q-releases")


def test_choosing_not_applicable_opens_the_reason_and_saves_once_it_is_given(
    new_page, owner, assessment
):
    page = new_page()
    _log_in(page)
    question = _releases(page, assessment)
    reason = question.get_by_role("textbox", name="Why does this not apply?")
    assert not reason.is_visible()  # folded away until it is needed

    question.get_by_role("radio", name="Not applicable").check()
    reason.wait_for(state="visible")
    assert reason.evaluate("el => el === document.activeElement")
    status = question.locator(".answer-status")
    assert "Say why it does not apply" in status.inner_text()
    assert question.locator(".text-danger, .is-invalid").count() == 0
    assert not Answer.objects.filter(assessment=assessment, question__key="releases").exists()

    # Typed at a person's pace: nothing saves half a reason, nothing typed is lost.
    reason.press_sequentially("We release nothing ourselves", delay=40)
    reason.press("Tab")
    status.locator(".text-success").wait_for()
    answer = Answer.objects.get(assessment=assessment, question__key="releases")
    assert (answer.kind, answer.reason) == (
        Answer.Kind.NOT_APPLICABLE,
        "We release nothing ourselves",
    )
    assert question.locator(".text-danger, .is-invalid").count() == 0


def test_without_script_the_reason_is_there_and_only_a_save_without_it_is_refused(
    browser, live_server, owner, assessment
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        _log_in(page)
        question = _releases(page, assessment)
        reason = question.get_by_role("textbox", name="Why does this not apply?")
        assert reason.is_visible()
        assert question.locator(".text-danger").count() == 0
        question.get_by_role("radio", name="Not applicable").check()
        page.get_by_role("button", name="Save and see results").click()
        question = page.locator("#q-releases")
        assert "Say why this practice does not apply to you." in question.inner_text()

        question.get_by_role("textbox", name="Why does this not apply?").fill(
            "We release nothing ourselves"
        )
        question.get_by_role("radio", name="Not applicable").check()
        page.get_by_role("button", name="Save and see results").click()
        page.wait_for_url("**/results/**")
        answer = Answer.objects.get(assessment=assessment, question__key="releases")
        assert answer.kind == Answer.Kind.NOT_APPLICABLE
    finally:
        context.close()
