"""The Standards page in Chromium: reached from the results, no serious axe violation, looked at."""

import pytest

from assessments.models import Assessment
from tests.browser.helpers import axe_violations, screenshot
from tests.questionnaires import load_text
from tests.standards_data import MAPPINGS, STANDARDS, answer_some, with_standards

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mapped(mini_text, organization, owner):
    text = mini_text.replace("key: mini\n", "key: mini-standards\n", 1)
    version = with_standards(load_text(text, publish=False), STANDARDS, MAPPINGS)
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=version, title="Readiness", created_by=owner
    )
    answer_some(assessment)
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
def test_the_standards_page_is_accessible(new_page, mapped, width, height, device):
    page = new_page(width, height)
    log_in(page, "olivia", "pw-olivia-123")
    page.goto(f"/orgs/acme/assessments/{mapped.pk}/results/")
    page.get_by_role("link", name="Standards readiness").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/assessments/{mapped.pk}/standards/")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Standards readiness"
    summary = page.get_by_test_id("standard-summary").first.inner_text()
    assert summary.startswith("2 of 3 clauses met")
    table = page.get_by_role("table", name="Clauses of ISO/IEC 5230 OpenChain")
    assert table.get_by_role("row").count() == 6  # the header and five clauses
    screenshot(page, f"standards-{device}")
    assert axe_violations(page) == []
    # A question's link opens its section at the question.
    page.get_by_role("link", name="Is there an approved open source policy?").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/sections/program/#q-policy")
