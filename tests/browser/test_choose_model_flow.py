"""Choosing the model when starting, with two published: the fields that follow the choice follow
it on screen, and the page stays accessible."""

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from assessments import demo
from assessments.models import Assessment
from tests.browser.helpers import axe_violations, screenshot
from tests.conftest import FIXTURES
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_models(transactional_db):
    logins = demo.setup_demo()
    mini = load_text((FIXTURES / "mini.yaml").read_text(encoding="utf-8"), publish=True)
    return logins, mini


def log_in(page):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(demo.DEMO_USERNAME)
    page.locator("#id_password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_it_starts_the_model_chosen_and_offers_only_its_answers(new_page, two_models):
    logins, mini = two_models
    month = date_format(timezone.now(), "F Y")
    page = new_page()
    log_in(page)
    page.goto("/orgs/demo/assessments/new/")
    ospo = page.get_by_role("radio", name="OSPO maturity self-assessment")
    other = page.get_by_role("radio", name="Miniature OSPO check")
    # The demo organization used the OSPO model last: it is chosen already.
    assert ospo.is_checked() and not other.is_checked()
    title = page.get_by_label("Title")
    assert title.input_value() == f"OSPO maturity self-assessment, {month}"
    prefill = page.get_by_label("Start from the answers of")
    assert "OSPO maturity baseline" in prefill.inner_text()
    screenshot(page, "start-two-models")

    other.check()
    page.wait_for_function(
        "() => document.querySelector('#id_title').value.startsWith('Miniature')"
    )
    assert title.input_value() == f"Miniature OSPO check, {month}"
    assert "OSPO maturity baseline" not in prefill.inner_text()
    assert other.is_checked()

    # A title of one's own stays when the model changes.
    title.fill("Our small check")
    ospo.check()
    page.wait_for_function(
        "() => document.querySelector('#id_prefill_from').innerText.includes('baseline')"
    )
    assert title.input_value() == "Our small check"
    other.check()
    page.wait_for_function(
        "() => !document.querySelector('#id_prefill_from').innerText.includes('baseline')"
    )
    screenshot(page, "start-two-models-other-chosen")
    # Scanned last: axe leaves style attributes behind, which a later swap would copy over.
    assert axe_violations(page) == []
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Does the organization know which open source it uses?").wait_for()
    started = Assessment.objects.get(title="Our small check")
    assert started.questionnaire == mini


def test_the_models_list_and_a_versions_page_are_accessible(new_page, two_models):
    _logins, mini = two_models
    page = new_page()
    page.goto("/model/")
    screenshot(page, "model-list")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Miniature OSPO check").click()
    page.get_by_role("heading", name="Miniature OSPO check", level=1).wait_for()
    assert page.url.endswith(f"/model/{mini.key}/{mini.version}/")
    screenshot(page, "model-version")
    assert axe_violations(page) == []
