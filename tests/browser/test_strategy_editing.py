"""Editing a strategy section in Chromium: nothing typed is lost."""

import time

import pytest

from assessments import demo
from assessments.models import Membership
from strategy.models import Revision, Section, Strategy
from tests.browser.helpers import axe_violations, wait_for_htmx

pytestmark = pytest.mark.django_db(transaction=True)

COLLEAGUE, COLLEAGUE_PASSWORD = "carlos", "pw-carlos-123"


@pytest.fixture
def strategy(transactional_db, django_user_model):
    logins = demo.setup_demo()
    lead = django_user_model.objects.get(username=demo.DEMO_USERNAME)
    colleague = django_user_model.objects.create_user(COLLEAGUE, password=COLLEAGUE_PASSWORD)
    Membership.objects.create(
        organization=logins.organization, user=colleague, role=Membership.Role.EDITOR
    )
    return Strategy.objects.create_from_assessment(logins.assessment, lead, "Our strategy")


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def open_section(page, strategy, key):
    page.goto(f"/orgs/{strategy.organization.slug}/strategies/{strategy.pk}/sections/{key}/")
    wait_for_htmx(page)


def body_of(strategy, key="why") -> str:
    return Section.objects.get(strategy=strategy, key=key).body


def eventually(check, page, timeout=15.0):
    """Wait for `check` through `page`: Playwright handles events (dialogs) only while waiting."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(100)


def test_text_typed_just_before_following_a_link_is_saved_first(new_page, strategy):
    page = new_page()
    log_in(page, demo.DEMO_USERNAME, demo.DEMO_PASSWORD)
    open_section(page, strategy, "why")
    page.locator("#id_body").click()
    page.keyboard.type("We publish by default.", delay=40)
    # Well within the autosave's 1.5 s of quiet: only the flush before leaving can save this.
    page.get_by_role("navigation", name="Other sections").get_by_role("link").last.click()
    page.wait_for_url(lambda url: "/sections/why/" not in url)
    wait_for_htmx(page)
    assert body_of(strategy) == "We publish by default."


def test_closing_the_page_asks_first_and_saves_what_was_typed(new_page, strategy):
    page, other = new_page(), new_page()
    log_in(page, demo.DEMO_USERNAME, demo.DEMO_PASSWORD)
    open_section(page, strategy, "why")
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    page.locator("#id_body").click()
    page.keyboard.type("Kept when the tab closes.", delay=20)
    page.close(run_before_unload=True)
    eventually(lambda: body_of(strategy) == "Kept when the tab closes.", other)
    assert dialogs == ["beforeunload"]


def test_two_people_edit_one_section_and_the_second_merges_both_texts(new_page, strategy):
    lead, colleague = new_page(), new_page()
    log_in(lead, demo.DEMO_USERNAME, demo.DEMO_PASSWORD)
    log_in(colleague, COLLEAGUE, COLLEAGUE_PASSWORD)
    open_section(lead, strategy, "why")
    open_section(colleague, strategy, "why")

    lead.locator("#id_body").fill("Alpha writes first.\nA second line.")
    lead.locator("#save-status").get_by_text("Saved (version 1)").wait_for()

    colleague.locator("#id_body").fill("Beta adds this.")
    panel = colleague.locator("#save-status .conflict")
    panel.wait_for()
    diff = panel.locator(".conflict-diff")
    assert diff.locator("del").first.inner_text().startswith("Alpha")
    assert "Beta adds this." in diff.locator("ins").all_inner_texts()
    assert panel.locator(".conflict-theirs").inner_text() == "Alpha writes first.\nA second line."
    assert axe_violations(colleague) == []
    conflicts = Revision.objects.filter(section__strategy=strategy, kind=Revision.Kind.CONFLICT)
    assert conflicts.count() == 1

    # Typing on while the panel is open adds no conflict revision: saving as you type waits.
    colleague.locator("#id_body").press("Control+End")
    colleague.keyboard.type(" And more.", delay=40)
    colleague.wait_for_timeout(2500)
    assert conflicts.count() == 1
    panel.wait_for()

    merged = colleague.get_by_label("Merged text")
    assert merged.input_value() == "Alpha writes first.\nA second line.\n\nBeta adds this."
    merged.press("Control+End")
    merged.type(" And more.")
    colleague.get_by_role("button", name="Save the merged text").click()
    colleague.locator("#save-status").get_by_text("Saved (version 2)").wait_for()
    expected = "Alpha writes first.\nA second line.\n\nBeta adds this. And more."
    assert body_of(strategy) == expected
    assert colleague.locator("#id_body").input_value() == expected
    # What was typed in the editor while the panel was open is kept once, at the merge.
    colleague.get_by_text("kept in the section's history").wait_for()
    assert list(conflicts.order_by("pk").values_list("body", flat=True)) == [
        "Beta adds this.",
        "Beta adds this. And more.",
    ]

    # Resolved: saving as you type resumes, from the merged version.
    colleague.locator("#id_body").press("Control+End")
    colleague.keyboard.type(" Done.", delay=20)
    colleague.locator("#save-status").get_by_text("Saved (version 3)").wait_for()
    assert body_of(strategy) == expected + " Done."
    assert conflicts.count() == 2
