"""Nothing typed is lost: a save never touches what the person is editing."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments import demo
from assessments.models import Answer, Assessment, Membership, Organization
from tests.browser.helpers import wait_for_htmx

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-passphrase-42"


@pytest.fixture
def assessment(transactional_db):
    questionnaire = demo.ensure_default_questionnaire()
    organization = Organization.objects.create(name="Typing Works", slug="typing-works")
    for name in ("ada", "bob"):
        user = get_user_model().objects.create_user(name, password=PASSWORD)
        Membership.objects.create(organization=organization, user=user, role="editor")
    return Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Cycle"
    )


def open_section(new_page, assessment, username="ada"):
    page = new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    section = assessment.questionnaire.sections.order_by("order").first()
    page.goto(
        reverse(
            "assessments:section",
            args=[assessment.organization.slug, assessment.pk, section.key],
        )
    )
    wait_for_htmx(page)
    return page


def saved(fieldset) -> None:
    fieldset.locator(".answer-status .text-success").wait_for()


def test_typing_a_comment_then_a_link_across_a_save_keeps_every_character(new_page, assessment):
    page = open_section(new_page, assessment)
    fieldset = page.locator("fieldset.question").first
    fieldset.locator("input[type=radio]").nth(2).check()
    saved(fieldset)
    fieldset.get_by_text("Comment or evidence").click()
    comment = "Approved by the board in May, see the minutes"
    link = "https://intranet.example.org/policies/open-source"
    fieldset.locator("textarea").click()
    page.keyboard.type(comment, delay=40)
    page.keyboard.press("Tab")  # the comment's change: a save, while the link is typed
    page.keyboard.type(link, delay=40)
    page.keyboard.press("Tab")
    page.wait_for_function(
        "() => document.querySelector('fieldset.question .answer-status')"
        ".textContent.includes('Saved') && !document.querySelector('.htmx-request')"
    )
    assert fieldset.locator("textarea").input_value() == comment
    assert fieldset.locator("input[type=url]").input_value() == link
    page.wait_for_timeout(300)
    answer = Answer.objects.get()
    assert (answer.comment, answer.evidence_url) == (comment, link)


def test_a_save_keeps_open_details_focus_and_the_status_region(new_page, assessment):
    page = open_section(new_page, assessment)
    fieldset = page.locator("fieldset.question").filter(has=page.get_by_text("Why it matters"))
    fieldset = fieldset.first
    fieldset.get_by_text("Why it matters").click()
    page.evaluate(
        "() => { window.statusBefore = document.querySelector("
        "'fieldset.question details[open]').closest('fieldset').querySelector('.answer-status') }"
    )
    radio = fieldset.locator("input[type=radio]").nth(1)
    radio.check()
    saved(fieldset)
    assert fieldset.locator("details").first.evaluate("d => d.open")
    assert radio.evaluate("r => r === document.activeElement")
    assert page.evaluate(
        "() => window.statusBefore.isConnected && window.statusBefore === document"
        ".querySelector('fieldset.question details[open]').closest('fieldset')"
        ".querySelector('.answer-status')"
    )
    status = fieldset.locator(".answer-status")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"


def test_arrow_keys_through_the_options_save_once(new_page, assessment):
    page = open_section(new_page, assessment)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    fieldset = page.locator("fieldset.question").first
    fieldset.locator("input[type=radio]").first.check()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(60)
    saved(fieldset)
    page.wait_for_timeout(600)
    assert len(posts) == 1, posts
    checked = fieldset.locator("input[type=radio]").nth(3)
    assert checked.is_checked()
    assert str(Answer.objects.get().option_id) == checked.get_attribute("value")


def test_a_refused_save_keeps_what_was_typed(new_page, assessment):
    page = open_section(new_page, assessment)
    fieldset = page.locator("fieldset.question").first
    fieldset.locator("input[type=radio]").nth(2).check()
    saved(fieldset)
    fieldset.get_by_text("Comment or evidence").click()
    fieldset.locator("textarea").fill("Kept")
    url = fieldset.locator("input[type=url]")
    url.fill("ftp://files.example.org/x")
    url.press("Tab")
    fieldset.get_by_text("Not saved: please correct the answer.").wait_for()
    assert url.input_value() == "ftp://files.example.org/x"
    assert url.get_attribute("aria-invalid") == "true"
    assert fieldset.locator("textarea").input_value() == "Kept"
    url.fill("https://files.example.org/x")
    url.press("Tab")
    saved(fieldset)
    assert url.get_attribute("aria-invalid") is None


def test_a_comment_without_a_choice_survives_a_reload(new_page, assessment):
    page = open_section(new_page, assessment)
    fieldset = page.locator("fieldset.question").first
    fieldset.get_by_text("Comment or evidence").click()
    fieldset.locator("textarea").fill("We still need to ask legal")
    fieldset.locator("textarea").press("Tab")
    fieldset.get_by_text("no answer is chosen yet").wait_for()
    progress_before = page.locator("#progress").inner_text()
    page.reload()
    wait_for_htmx(page)
    fieldset = page.locator("fieldset.question").first
    assert fieldset.locator("textarea").input_value() == "We still need to ask legal"
    assert fieldset.locator("input[type=radio]:checked").count() == 0
    assert "0 of" in progress_before and "0 of" in page.locator("#progress").inner_text()
    assert Answer.objects.get().kind == "note"


def test_two_people_on_one_question_are_asked_and_nothing_is_overwritten(new_page, assessment):
    ada = open_section(new_page, assessment, "ada")
    bob = open_section(new_page, assessment, "bob")
    mine, theirs = (page.locator("fieldset.question").first for page in (ada, bob))
    mine.locator("input[type=radio]").nth(1).check()
    saved(mine)
    # Bob's page was drawn before Ada answered: his different choice is not saved over hers.
    theirs.locator("input[type=radio]").nth(3).check()
    theirs.get_by_text("ada chose").wait_for()
    assert theirs.get_by_role("button", name="Keep theirs").is_visible()
    ada_choice = Answer.objects.get()
    assert (ada_choice.answered_by.username, ada_choice.version) == ("ada", 1)
    option_of = {
        radio.get_attribute("value"): index
        for index, radio in enumerate(theirs.locator("input[type=radio]").all())
    }
    assert option_of[str(ada_choice.option_id)] == 1
    theirs.get_by_role("button", name="Use mine").click()
    saved(theirs)
    bob_choice = Answer.objects.get()
    assert (bob_choice.answered_by.username, option_of[str(bob_choice.option_id)]) == ("bob", 3)

    # Ada, on her page as it was, adds a comment: Bob's choice stays, her comment is added.
    mine.get_by_text("Comment or evidence").click()
    mine.locator("textarea").fill("Minutes of the May board")
    with ada.expect_response(lambda response: response.request.method == "POST") as response:
        mine.locator("textarea").press("Tab")
    assert response.value.status == 200
    answer = Answer.objects.get()
    assert option_of[str(answer.option_id)] == 3
    assert answer.comment == "Minutes of the May board"


def test_keeping_a_colleagues_answer_shows_it_and_writes_nothing(new_page, assessment):
    ada = open_section(new_page, assessment, "ada")
    bob = open_section(new_page, assessment, "bob")
    mine = ada.locator("fieldset.question").first
    mine.locator("input[type=radio]").nth(1).check()
    saved(mine)
    theirs = bob.locator("fieldset.question").first
    theirs.locator("input[type=radio]").nth(3).check()
    theirs.get_by_role("button", name="Keep theirs").click()
    bob.locator("fieldset.question").first.get_by_text("Last changed by ada").wait_for()
    kept = bob.locator("fieldset.question").first.locator("input[type=radio]").nth(1)
    assert kept.is_checked()
    assert kept.evaluate("radio => radio === document.activeElement")
    answer = Answer.objects.get()
    assert (answer.answered_by.username, answer.version) == ("ada", 1)
