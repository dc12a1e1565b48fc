"""The strategy section editor on a 390 px phone: the preview of wide content never makes the
page scroll sideways, and an image without address is named while typing."""

import pytest

from assessments import demo
from strategy.models import Strategy, StructuredRow
from tests.browser.helpers import screenshot, wait_for_htmx
from tests.layout_content import LONG_URL, NESTED_LIST, WIDE_TABLE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def strategy(transactional_db, django_user_model):
    logins = demo.setup_demo()
    lead = django_user_model.objects.get(username=demo.DEMO_USERNAME)
    strategy = Strategy.objects.create_from_assessment(logins.assessment, lead, "Our strategy")
    section = strategy.sections.get(key="budget")
    section.save_body(WIDE_TABLE + f"\nSee {LONG_URL}.\n" + NESTED_LIST, section.version, lead)
    # The section's own rows are drawn on the same page: they must not widen it either.
    StructuredRow.objects.create(
        strategy=strategy,
        kind="budget",
        data={"item": "Licence and vulnerability scanning for every pipeline", "kind": "tools",
              "cost": "1200000", "benefit": LONG_URL},
    )  # fmt: skip
    return strategy


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_the_section_preview_never_scrolls_sideways_at_390_px(new_page, strategy):
    page = new_page(390, 844)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(demo.DEMO_USERNAME)
    page.locator("#id_password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"/orgs/{strategy.organization.slug}/strategies/{strategy.pk}/sections/budget/")
    wait_for_htmx(page)
    preview = page.locator("#preview")
    assert preview.locator("table").count() == 1
    assert preview.get_by_role("link", name=LONG_URL).count() == 1
    assert page_width(page) <= 390
    # The wide table scrolls inside its own box.
    box = preview.locator("table").evaluate("t => [t.scrollWidth, t.clientWidth]")
    assert box[0] > box[1]

    textarea = page.locator("#id_body")
    textarea.fill(textarea.input_value() + "\n\n![image]()\n")
    page.locator("[data-image-problems]").first.wait_for()
    assert "Image 1 has no address." in preview.inner_text()
    assert page_width(page) <= 390
    screenshot(page, "strategy-section-390")
    # The typed text saves itself: the test ends once it has, not while the save is under way.
    page.locator("#save-status").get_by_text("Saved (version 2)").wait_for()
