"""Downloading a strategy as Word and its roadmap for an issue tracker, from the pages' links."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from docx import Document

from assessments import demo
from strategy.models import Strategy
from tests.browser.helpers import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_lead_downloads_the_word_file_and_the_roadmap_for_jira(new_page, transactional_db):
    logins = demo.setup_demo()
    user = get_user_model().objects.get(username=demo.DEMO_USERNAME)
    strategy = Strategy.objects.create_from_assessment(logins.assessment, user, "Strategy 2027")
    page = new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(demo.DEMO_USERNAME)
    page.locator("#id_password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/orgs/demo/strategies/{strategy.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Word").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    document = Document(download.path())
    assert document.paragraphs[0].text == "Strategy 2027"
    assert document.inline_shapes  # the charts
    assert any(p.style.name == "Heading 1" for p in document.paragraphs)

    page.goto(f"/orgs/demo/strategies/{strategy.pk}/roadmap/")
    assert axe_violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV for Jira").click()
    text = download_info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Summary", "Description", "Assignee", "Due date", "Labels", "Status"]
    assert len(rows) == 1 + strategy.roadmap.count()
