"""Adding a KPI and a risk in Chromium, in the sections they belong to."""

import pytest

from assessments import demo
from strategy.models import Strategy, StructuredRow
from tests.browser.helpers import axe_violations, wait_for_htmx

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_adds_a_kpi_and_a_risk_in_the_browser(new_page, django_user_model):
    logins = demo.setup_demo()
    lead = django_user_model.objects.get(username=demo.DEMO_USERNAME)
    strategy = Strategy.objects.create_from_assessment(logins.assessment, lead, "Our strategy")
    base = f"/orgs/{strategy.organization.slug}/strategies/{strategy.pk}"
    page = new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(demo.DEMO_USERNAME)
    page.locator("#id_password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(f"{base}/sections/where-we-aim/")
    wait_for_htmx(page)
    add = page.locator("#row-add")
    add.get_by_label("Indicator").fill("Projects released as open source")
    add.get_by_label("Target").fill("3")
    add.get_by_label("By").fill("2027-12-31")
    add.get_by_label("Evidence of").select_option(index=2)
    add.get_by_role("button", name="Add the KPI").click()
    page.get_by_role("status").filter(has_text="Added the KPI").wait_for()
    cell = page.get_by_role("cell", name="Projects released as open source")
    assert cell.is_visible()

    page.goto(f"{base}/sections/risks/")
    wait_for_htmx(page)
    add = page.locator("#row-add")
    add.locator("#new-risk-risk").fill("The OSPO lead leaves")
    add.get_by_role("button", name="Add the risk").click()
    # Likelihood and impact are missing: said per field, nothing stored.
    page.locator("#rows .invalid-feedback").first.wait_for()
    assert page.locator("#rows [aria-invalid=true]").count() == 2
    assert not StructuredRow.objects.filter(kind="risk").exists()
    add = page.locator("#row-add")
    add.get_by_label("Likelihood").select_option("medium")
    add.get_by_label("Impact").select_option("high")
    add.get_by_role("button", name="Add the risk").click()
    page.get_by_role("status").filter(has_text="Added the risk").wait_for()
    assert page.get_by_role("cell", name="The OSPO lead leaves").is_visible()
    page.get_by_text("Edit row 1").click()  # the row's form, open
    assert axe_violations(page) == []

    kinds = sorted(StructuredRow.objects.filter(strategy=strategy).values_list("kind", flat=True))
    assert kinds == ["kpi", "risk"]
    page.goto(base + "/")
    assert page.get_by_text("No KPI yet").count() == 0
