"""Pages on paper: print media hides the navbar, buttons, forms and "Show the data" toggles,
keeps the charts, and the shared results page has no axe violation."""

import io

import pytest
from pypdf import PdfReader

from assessments.models import ShareLink
from tests.browser.helpers import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def shown(page, selector: str) -> list[bool]:
    return page.locator(selector).evaluate_all("els => els.map(e => e.offsetParent !== null)")


@pytest.mark.parametrize("where", ["results", "dashboard", "compare"])
def test_print_shows_the_content_without_controls(new_page, assessment, where):
    page = new_page()
    log_in(page, "olivia", "pw-olivia-123")
    path = {
        "results": f"/orgs/acme/assessments/{assessment.pk}/results/",
        "dashboard": "/orgs/acme/",
        "compare": f"/orgs/acme/compare/?a={assessment.pk}&b={assessment.pk}",
    }[where]
    page.goto(path)
    assert page.locator("main h1").count() >= 1
    page.emulate_media(media="print")
    assert not any(shown(page, "nav, .btn, form, .dropdown, .chart details, footer"))
    assert all(shown(page, "main h1"))
    if where != "compare":
        assert all(shown(page, "figure.chart svg")) and shown(page, "figure.chart svg")
    pages = len(PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    assert pages >= 1


def test_the_shared_page_is_accessible(new_page, assessment, owner):
    assessment.submit()
    _link, token = ShareLink.create_for(assessment, owner)
    page = new_page(390, 844)
    page.goto(f"/shared/{token}/")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
