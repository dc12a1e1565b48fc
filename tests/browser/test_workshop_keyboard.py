"""Workshop mode driven by the keyboard alone, on a shared screen."""

import pytest

from assessments.models import Answer, Assessment, Membership, Respondent
from tests.browser.helpers import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team(assessment, owner, colleague, django_user_model, organization):
    assessment.mode = Assessment.Mode.INDIVIDUAL
    assessment.save()
    tess = django_user_model.objects.create_user("tess", password="pw-tess-123")
    Membership.objects.create(organization=organization, user=tess, role="editor")
    people = [
        Respondent.objects.create(assessment=assessment, user=user, number=number)
        for number, user in enumerate((owner, colleague, tess), start=1)
    ]
    questions = list(
        assessment.questionnaire.questions.order_by("order").prefetch_related("options")
    )
    for n, person in enumerate(people):
        for question in questions[:3]:
            options = list(question.options.order_by("score"))
            Answer.objects.create(
                assessment=assessment,
                question=question,
                respondent=person,
                kind="option",
                option=options[n % len(options)],
            )
    return questions


def agreed(assessment, question):
    return Answer.objects.filter(
        assessment=assessment, question=question, respondent__isnull=True
    ).first()


def test_the_workshop_runs_on_the_keyboard_alone(new_page, assessment, team):
    inventory, champion, contribution = team[:3]
    base = f"/orgs/{assessment.organization.slug}/assessments/{assessment.pk}/workshop/"
    page = new_page(1280, 900)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("olivia")
    page.locator("#id_password").fill("pw-olivia-123")
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()

    page.goto(base)
    assert page.url.endswith(base + "1/")
    assert page.get_by_test_id("workshop-keys").is_visible()
    assert page.get_by_text("carlos").count() == 0  # names hidden at first
    assert axe_violations(page) == []

    page.keyboard.press("2")  # the second option: "Ad hoc"
    assert page.locator(".consensus-agree input[type=radio]").nth(1).is_checked()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(base + "2/")
    assert agreed(assessment, inventory).option.label == "Ad hoc"

    with page.expect_navigation():
        page.keyboard.press("ArrowLeft")
    assert page.url.endswith(base + "1/")
    assert "Agreed: Ad hoc" in page.get_by_test_id("agreed").inner_text()
    with page.expect_navigation():
        page.keyboard.press("ArrowRight")
    assert page.url.endswith(base + "2/")

    with page.expect_navigation():
        page.keyboard.press("h")
    assert page.locator(".workshop-people").get_by_text("carlos").count() == 1
    screenshot(page, "workshop-names-shown")

    page.keyboard.press("4")  # "Practised organization-wide"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(base + "3/?names=1")  # names stay shown
    assert agreed(assessment, champion).option.label == "Practised organization-wide"
    assert agreed(assessment, champion).answered_by.username == "olivia"
    assert agreed(assessment, contribution) is None

    page.goto(base.replace("workshop/", "consensus/"))
    assert "2 of 6 agreed" in page.get_by_test_id("consensus-progress").inner_text()
    assert axe_violations(page) == []
