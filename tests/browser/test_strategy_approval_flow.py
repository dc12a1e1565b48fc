"""Review and approval in Chromium: an editor sends the strategy for review, a viewer reviews
it (comments, cannot edit), the owner approves, and the approved PDF and Word file download."""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from docx import Document

from assessments import demo
from assessments.models import Membership
from strategy.approval import ApprovedVersion
from strategy.models import Strategy
from tests.browser.helpers import ARTIFACTS, axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username, password):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_an_editor_sends_for_review_a_viewer_comments_and_the_owner_approves(
    new_page, transactional_db
):
    logins = demo.setup_demo()
    owner = get_user_model().objects.get(username=demo.DEMO_USERNAME)
    strategy = Strategy.objects.create_from_assessment(logins.assessment, owner, "OSS 2027")
    for section in strategy.sections.all():
        if not section.body.strip():
            section.save_body(f"Our answer on {section.title}.", section.version, owner)
    users = get_user_model().objects
    for name, role in (("edna", "editor"), ("vic", "viewer")):
        user = users.create_user(name, password=f"pw-{name}-123", first_name=name.title())
        Membership.objects.create(organization=strategy.organization, user=user, role=role)
    overview = f"/orgs/demo/strategies/{strategy.pk}/"
    page = new_page()

    # The editor names the viewer as reviewer.
    log_in(page, "edna", "pw-edna-123")
    page.goto(overview)
    page.get_by_label("Vic").check()
    page.get_by_role("button", name="Send for review").click()
    page.locator("#lifecycle-label").get_by_text("1.0 in review").wait_for()

    # The reviewer comments on a section; there is no editor for them, and a save is refused.
    log_in(page, "vic", "pw-vic-123")
    page.goto(overview + "sections/why/")
    assert page.locator("#id_body").count() == 0
    page.get_by_label("Add a comment").fill("Name the budget owner here.")
    page.get_by_role("button", name="Comment", exact=True).click()
    page.locator("#comments").get_by_text("Name the budget owner here.").wait_for()
    screenshot(page, "strategy-review-comment")
    assert axe_violations(page) == []
    refused = page.request.post(overview + "sections/why/save/", form={"body": "x"})
    assert refused.status == 403

    # The owner approves; the overview shows the version and the archived PDF downloads.
    log_in(page, demo.DEMO_USERNAME, demo.DEMO_PASSWORD)
    page.goto(overview)
    page.get_by_text("Name the budget owner here.").wait_for()
    page.get_by_role("button", name="Approve this version").click()
    page.locator("#lifecycle-label").get_by_text("1.0 approved on").wait_for()
    screenshot(page, "strategy-approved-overview")
    assert axe_violations(page) == []
    with page.expect_download() as download_info:
        page.locator("#review").get_by_role("link", name="PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-v1-0.pdf")
    path = ARTIFACTS / "strategy-approved.pdf"
    download.save_as(path)
    archived = bytes(ApprovedVersion.objects.get().pdf)
    assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(archived).digest()

    # The same approved version in Word: headings, the version on its cover.
    page.goto(overview)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Word").click()
    word = Document(download_info.value.path())
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert len(headings) >= strategy.sections.count()
    assert word.core_properties.version.startswith("1.0 approved")
