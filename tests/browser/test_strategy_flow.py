"""Building a strategy in Chromium: from the assessment to a downloaded PDF."""

import subprocess

import pytest

from assessments import demo
from strategy.models import Strategy
from tests.browser.helpers import ARTIFACTS, axe_violations, screenshot, wait_for_htmx

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_lead_builds_a_strategy_edits_it_and_downloads_the_pdf(new_page, transactional_db):
    logins = demo.setup_demo()
    page = new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(demo.DEMO_USERNAME)
    page.locator("#id_password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/orgs/demo/assessments/{logins.assessment.pk}/results/")
    page.get_by_role("link", name="Build a strategy").click()
    page.locator("#id_title").fill("Open source strategy 2027")
    page.get_by_role("button", name="Create the strategy").click()
    page.get_by_role("heading", name="Open source strategy 2027").wait_for()
    screenshot(page, "strategy-overview")
    assert axe_violations(page) == []

    # Edit a section: the preview follows the text and the save happens by itself.
    page.get_by_role("link", name="Why we exist").click()
    wait_for_htmx(page)
    page.locator("#id_body").fill(
        "## Our mission\n\nWe build **public infrastructure** in the open."
    )
    page.locator("#preview strong").get_by_text("public infrastructure").wait_for()
    page.locator("#save-status").get_by_text("Saved (version 1)").wait_for()
    screenshot(page, "strategy-section")
    assert axe_violations(page) == []
    strategy = Strategy.objects.get()
    assert strategy.sections.get(key="why").body.startswith("## Our mission")

    # Add a roadmap item.
    page.goto(f"/orgs/demo/strategies/{strategy.pk}/roadmap/")
    wait_for_htmx(page)
    drafted = strategy.roadmap.count()
    add = page.locator("#roadmap-add")
    add.get_by_label("Action").fill("Publish the contribution policy on the intranet")
    add.get_by_label("Owner").fill("OSPO lead")
    add.get_by_label("Target quarter").fill("2027-Q1")
    add.get_by_role("button", name="Add the action").click()
    page.get_by_text("Publish the contribution policy on the intranet").first.wait_for()
    assert strategy.roadmap.count() == drafted + 1
    screenshot(page, "strategy-roadmap")
    assert axe_violations(page) == []

    # Download the PDF and look at it.
    page.goto(f"/orgs/demo/strategies/{strategy.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = ARTIFACTS / "strategy.pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-l", "6", str(pdf), str(ARTIFACTS / "strategy-page")],
        check=False,
    )
