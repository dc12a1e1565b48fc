"""axe-core over the key pages, on a laptop and on a phone: no serious or critical violations."""

import pytest
from django.contrib.auth import get_user_model

from assessments import demo
from assessments.models import Assessment, Membership
from tests.browser.helpers import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_org(transactional_db):
    logins = demo.setup_demo()
    later = Assessment.objects.create(
        organization=logins.organization,
        questionnaire=logins.assessment.questionnaire,
        title="Second cycle",
    )
    viewer = get_user_model().objects.create_user("viewer", password="viewer-pass-123")
    Membership.objects.create(organization=logins.organization, user=viewer, role="viewer")
    return logins.organization, logins.assessment, later


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@pytest.mark.parametrize(
    ("width", "height", "device"), [(1280, 900, "laptop"), (390, 844, "phone")]
)
def test_key_pages_have_no_serious_accessibility_violations(
    new_page, demo_org, width, height, device
):
    organization, assessment, later = demo_org
    page = new_page(width, height)
    public = [("landing", "/"), ("signup", "/accounts/signup/"), ("model", "/model/")]
    for name, path in [*public, ("about", "/about/")]:
        page.goto(path)
        screenshot(page, f"{name}-{device}")
        assert axe_violations(page) == [], name
    log_in(page, demo.DEMO_USERNAME, demo.DEMO_PASSWORD)
    base = f"/orgs/{organization.slug}"
    question = assessment.questionnaire.questions.order_by("order").first()
    pages = [
        ("dashboard", f"{base}/"),
        ("members", f"{base}/members/"),
        ("start", f"{base}/assessments/new/"),
        ("section", f"{base}/assessments/{assessment.pk}/sections/compliance/"),
        ("results-demo", f"{base}/assessments/{assessment.pk}/results/"),
        ("review", f"{base}/assessments/{assessment.pk}/submit/"),
        ("review-unreviewed", f"{base}/assessments/{assessment.pk}/submit/?show=unreviewed"),
        ("answer-history", f"{base}/assessments/{assessment.pk}/questions/{question.pk}/history/"),
        ("compare", f"{base}/compare/?a={assessment.pk}&b={later.pk}"),
    ]
    for name, path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        screenshot(page, f"{name}-{device}")
        assert axe_violations(page) == [], name
