"""An admin changes the questionnaire in the Django admin; old assessments keep their version."""

import pytest

from assessments import demo
from assessments.models import Questionnaire
from tests.browser.helpers import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, path, username, password):
    page.goto(path)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()


def test_an_admin_publishes_a_new_version_without_touching_old_assessments(
    new_page, transactional_db
):
    logins = demo.setup_demo()
    old_assessment = logins.assessment
    current = old_assessment.questionnaire
    admin = new_page()
    log_in(admin, "/admin/login/?next=/admin/", demo.ADMIN_USERNAME, demo.ADMIN_PASSWORD)

    admin.goto(f"/admin/assessments/questionnaire/{current.pk}/change/")
    screenshot(admin, "admin-questionnaire-published")
    admin.get_by_role("button", name="New draft from this version").click()
    admin.wait_for_load_state()
    draft = Questionnaire.objects.get(key=current.key, version=current.version + 1)
    assert draft.is_draft

    # Find the question through the list's search, then edit its text and an option's score.
    admin.goto(f"/admin/assessments/question/?questionnaire={draft.pk}&q=oss-dependence-recognized")
    screenshot(admin, "admin-question-list")
    question = draft.questions.get(key="oss-dependence-recognized")
    admin.goto(f"/admin/assessments/question/{question.pk}/change/")
    admin.locator("#id_text").fill("Can every team list the open source components it ships?")
    # Drop the 'ad hoc' option and let 'defined' count as 1 instead: scores stay distinct.
    options = list(question.options.order_by("score"))
    admin.locator(f"input[name='options-{options.index(options[1])}-DELETE']").check()
    admin.locator(f"input[name='options-{options.index(options[2])}-score']").fill("1")
    admin.locator("input[name='_save']").click()
    admin.wait_for_load_state()
    question.refresh_from_db()
    assert question.text == "Can every team list the open source components it ships?"
    assert sorted(question.options.values_list("score", flat=True)) == [0, 1, 3, 4]

    admin.goto(f"/admin/assessments/questionnaire/{draft.pk}/publish/")
    screenshot(admin, "admin-publish")
    admin.get_by_role("button", name=f"Publish version {draft.version}").click()
    admin.wait_for_load_state()
    draft.refresh_from_db()
    current.refresh_from_db()
    assert draft.status == "published" and current.status == "retired"

    # A new assessment asks the new text; the old one still shows the old.
    member = new_page()
    log_in(member, "/accounts/login/", demo.DEMO_USERNAME, demo.DEMO_PASSWORD)
    member.goto("/orgs/demo/assessments/new/")
    member.get_by_role("button", name="Start").click()
    member.get_by_text("Can every team list the open source components it ships?").wait_for()
    member.goto(f"/orgs/demo/assessments/{old_assessment.pk}/sections/strategy/")
    page = member.content()
    assert "Can every team list the open source components it ships?" not in page
    assert current.questions.get(key="oss-dependence-recognized").text in page
