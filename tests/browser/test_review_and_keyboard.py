"""Submitting through the review, going back afterwards, and using the pages by keyboard."""

import re

import pytest

from assessments import demo
from assessments.models import Answer, Assessment, Invitation, Membership
from tests.browser.helpers import axe_violations, screenshot, wait_for_htmx

pytestmark = pytest.mark.django_db(transaction=True)

# Where the focused element is, and how its outline is drawn.
FOCUSED = """() => {
  const e = document.activeElement, r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return {tag: e.tagName, text: (e.textContent || e.name || '').trim().slice(0, 40),
          top: Math.round(r.top + scrollY), inNav: !!e.closest('#sections-nav'),
          outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
          outlineColor: s.outlineColor};
}"""


@pytest.fixture
def demo_org(transactional_db):
    logins = demo.setup_demo()
    # The demo's baseline starts submitted; these tests answer in it, as its owner may reopen it.
    logins.assessment.reopen()
    return logins.organization, logins.assessment


def log_in(page):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(demo.DEMO_USERNAME)
    page.locator("#id_password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def section_path(organization, assessment, key="compliance"):
    return f"/orgs/{organization.slug}/assessments/{assessment.pk}/sections/{key}/"


def tab_to(page, selector: str, limit: int = 80) -> dict:
    """Press Tab until the element matching `selector` has the focus; where it is and looks."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return page.evaluate(FOCUSED)
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize(("width", "device"), [(1280, "laptop"), (390, "phone")])
def test_submitting_goes_through_the_review_and_back_shows_the_locked_answers(
    new_page, demo_org, width, device
):
    organization, assessment = demo_org
    page = new_page(width, 900)
    log_in(page)
    page.goto(section_path(organization, assessment))
    wait_for_htmx(page)
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name="Review and submit").click()
    page.get_by_role("heading", name="Review before submitting").wait_for()
    screenshot(page, f"review-{device}")
    assert axe_violations(page) == []
    assessment.refresh_from_db()
    assert not assessment.is_locked
    # Every open question links to itself on its section page.
    links = page.locator(".review-list a")
    assert links.count() > 0
    assert all(
        re.search(r"/sections/[\w-]+/#q-[\w-]+$", href)
        for href in links.evaluate_all("links => links.map(a => a.href)")
    )

    page.get_by_role("button", name="Submit and lock the answers").click()
    page.wait_for_url("**/results/")
    assessment.refresh_from_db()
    assert assessment.is_locked
    # Back: the review now sends to the results; one more, the section page, drawn afresh
    # (never from the back/forward cache) and locked.
    page.go_back()
    page.wait_for_url("**/results/")
    page.go_back()
    page.wait_for_url(f"**{section_path(organization, assessment)}")
    page.get_by_text("This assessment is submitted.").wait_for()
    assert page.evaluate("window.notReloaded") is None
    assert page.locator("fieldset.question input[type=radio]:enabled").count() == 0
    assert page.get_by_role("link", name="Review and submit").count() == 0


def test_a_refused_save_puts_the_stored_answer_back_on_screen(new_page, demo_org):
    organization, assessment = demo_org
    page = new_page()
    log_in(page)
    page.goto(section_path(organization, assessment))
    wait_for_htmx(page)
    fieldset = page.locator("fieldset.question").first
    stored = fieldset.locator("input[type=radio]:checked").get_attribute("value")
    other = fieldset.locator(f"input[type=radio]:not([value='{stored}'])").first
    Assessment.objects.get(pk=assessment.pk).submit()  # by someone else, meanwhile
    other.check()
    fieldset.get_by_text("answers are locked").wait_for()
    assert fieldset.locator("input[type=radio]:checked").get_attribute("value") == stored
    assert fieldset.locator("input[type=radio]:enabled").count() == 0
    question_key = fieldset.get_attribute("id").removeprefix("q-")
    answer = Answer.objects.get(assessment=assessment, question__key=question_key)
    assert str(answer.option_id or answer.kind) == stored


def test_on_a_phone_the_tab_order_follows_what_is_seen(new_page, demo_org):
    organization, assessment = demo_org
    page = new_page(390, 844)
    log_in(page)
    page.goto(section_path(organization, assessment))
    wait_for_htmx(page)
    screenshot(page, "section-keyboard-phone")
    stops = []
    for _ in range(12):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
    tops = [stop["top"] for stop in stops]
    assert tops == sorted(tops), stops
    # The questions come before the list of sections, which is below them.
    assert not any(stop["inNav"] for stop in stops), stops
    assert any(stop["tag"] == "INPUT" for stop in stops), stops


@pytest.mark.parametrize("forced_colors", ["none", "active"])
def test_the_keyboard_focus_is_outlined(new_page, demo_org, forced_colors):
    organization, assessment = demo_org
    page = new_page()
    page.emulate_media(forced_colors=forced_colors)
    log_in(page)
    page.goto(section_path(organization, assessment))
    wait_for_htmx(page)
    for selector in (
        ".navbar .nav-link",
        "a.btn-outline-primary",
        "fieldset.question input[type=radio]",
    ):
        focused = tab_to(page, selector)
        assert focused["outlineStyle"] != "none", (selector, focused)
        assert focused["outlineWidth"] >= 2, (selector, focused)
    page.goto(section_path(organization, assessment))
    screenshot(page, f"focus-forced-colors-{forced_colors}")


def test_the_members_page_reflows_at_320_pixels(new_page, demo_org, django_user_model):
    organization, _assessment = demo_org
    colleague = django_user_model.objects.create_user(
        "maximiliane", "maximiliane.mustermann-schulze@verwaltung.example.org", "pw-123456789"
    )
    Membership.objects.create(organization=organization, user=colleague, role="editor")
    Invitation.objects.create(organization=organization, email="new.colleague@example.org")
    for width in (320, 390, 1280):
        page = new_page(width, 800)
        log_in(page)
        page.goto(f"/orgs/{organization.slug}/members/")
        screenshot(page, f"members-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == []
        # Still a table to assistive technology, with its header cells.
        tree = page.locator("table").aria_snapshot()
        assert "- rowheader" in tree and "- cell" in tree, tree
