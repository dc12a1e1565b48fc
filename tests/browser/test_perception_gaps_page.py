"""Perception gaps on the results page in Chromium: the switch to roles swaps the part in place,
works without JavaScript, and the part has no serious axe violation; looked at."""

import pytest
from django.contrib.auth import get_user_model

from assessments.models import Answer, Assessment, Membership, Respondent
from tests.browser.helpers import axe_violations, screenshot, wait_for_htmx

pytestmark = pytest.mark.django_db(transaction=True)

HIGH = {"inventory": 4, "champion": 4, "contribution-ok": 4, "policy": 4, "training": 3}
LOW = {"inventory": 1, "champion": 0, "contribution-ok": 0, "policy": 0, "training": 0}
MIDDLE = {"inventory": 3, "champion": 2, "contribution-ok": 2, "policy": 2, "training": 1}


def give(assessment, scores, person=None):
    questions = {q.key: q for q in assessment.questionnaire.questions.all()}
    for key, score in scores.items():
        Answer.objects.create(
            assessment=assessment,
            question=questions[key],
            respondent=person,
            kind="option",
            option=questions[key].options.get(score=score),
        )


@pytest.fixture
def team(assessment, organization, owner, viewer):
    assessment.mode = Assessment.Mode.INDIVIDUAL
    assessment.save(update_fields=["mode"])
    give(assessment, MIDDLE)
    plan = [
        (owner, "management", HIGH),
        (viewer, "worker", LOW),
        (None, "management", HIGH),
        (None, "worker", MIDDLE),
    ]
    for number, (user, layer, scores) in enumerate(plan, start=1):
        if user is None:
            user = get_user_model().objects.create_user(f"r{number}", password="pw-r-123")
            Membership.objects.create(organization=organization, user=user)
        person = Respondent.objects.create(
            assessment=assessment, user=user, number=number, speaks_for=layer
        )
        give(assessment, scores, person)
    return assessment


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@pytest.mark.parametrize(
    ("width", "height", "device"), [(1280, 900, "laptop"), (390, 844, "phone")]
)
def test_the_owner_switches_the_groups_to_roles_in_place(new_page, team, width, height, device):
    page = new_page(width, height)
    log_in(page, "olivia", "pw-olivia-123")
    page.goto(f"/orgs/acme/assessments/{team.pk}/results/")
    part = page.get_by_test_id("perception-gaps")
    assert "Respondents for Management see" in part.get_by_test_id("largest-gaps").inner_text()
    assert "Management (2)" in part.inner_text()
    page.locator("#perception-gaps summary").click()  # the chart's data, open
    screenshot(page, f"perception-gaps-{device}")
    assert axe_violations(page) == []
    wait_for_htmx(page)
    page.get_by_test_id("gaps-by-role").click()
    page.wait_for_selector("[data-testid=gaps-by-role][aria-current=true]")
    assert page.url.endswith("?gaps=role")
    assert "Owners (1)" in page.get_by_test_id("perception-gaps").inner_text()
    assert page.get_by_role("heading", level=1).count() == 1  # the part only was swapped


def test_a_viewer_is_told_a_group_of_one_is_not_shown(new_page, team):
    page = new_page()
    log_in(page, "vera", "pw-vera-123")
    page.goto(f"/orgs/acme/assessments/{team.pk}/results/?gaps=role")
    text = page.get_by_test_id("perception-gaps").inner_text()
    assert "shown to owners and editors only" in text
    assert "Owners (1)" not in text and "Viewers (1)" not in text
