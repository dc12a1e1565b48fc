"""After an answer changes in Chromium, the strategy's PDF gives one answered count, the current
one, and says which revision of the assessment it reflects."""

import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments import demo
from assessments.models import Answer, Assessment
from strategy.models import Strategy
from tests.browser.helpers import ARTIFACTS, wait_for_htmx

pytestmark = pytest.mark.django_db(transaction=True)

ANSWERED = re.compile(r"\b(\d+) (?:questions )?answered\b")


def test_after_an_answer_changes_in_the_browser_the_pdf_gives_one_count_and_its_revision(
    new_page, transactional_db
):
    logins = demo.setup_demo()
    logins.assessment.reopen()  # submitted by setup_demo; here someone answers in it again
    user = get_user_model().objects.get(username=demo.DEMO_USERNAME)
    strategy = Strategy.objects.create_from_assessment(logins.assessment, user, "Strategy 2027")
    written_at = logins.assessment.answers_revision
    agreed = Answer.objects.filter(assessment=logins.assessment, respondent__isnull=True)
    answered_before = agreed.filter(kind=Answer.Kind.OPTION).count()

    page = new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(demo.DEMO_USERNAME)
    page.locator("#id_password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    # A person changes an answer: the first question, answered in the demo, becomes "don't know".
    section = logins.assessment.questionnaire.sections.order_by("order").first()
    page.goto(reverse("assessments:section", args=["demo", logins.assessment.pk, section.key]))
    wait_for_htmx(page)
    fieldset = page.locator("fieldset.question").first
    fieldset.get_by_label("Don't know", exact=True).check()
    fieldset.locator(".answer-status").get_by_text("Saved").wait_for()
    assessment = Assessment.objects.get(pk=logins.assessment.pk)
    assert assessment.answers_revision > written_at
    key = (fieldset.get_attribute("id") or "").removeprefix("q-")
    assert agreed.get(question__key=key).kind == Answer.Kind.DONT_KNOW
    answered = agreed.filter(kind=Answer.Kind.OPTION).count()
    assert answered == answered_before - 1

    # The strategy says its "Where we stand" was written from an earlier state.
    page.goto(reverse("strategy:overview", args=["demo", strategy.pk]))
    notice = page.locator(".generated-stale")
    notice.get_by_text(f"(revision {written_at}); it has changed since").wait_for()
    notice.get_by_text("1 answer changed").wait_for()

    # The worker renders the whole document (some 25 pages for the demo) before the download
    # starts: seconds on a quiet machine, more on a loaded one.
    with page.expect_download(timeout=90_000) as download_info:
        page.get_by_role("link", name="Download PDF").click(timeout=90_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "strategy-after-answer-change.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    text = " ".join(" ".join(pages).split())

    counts = ANSWERED.findall(text)
    assert len(counts) >= 2, text[:2000]  # the headline, and the generated text written afresh
    assert set(counts) == {str(answered)}, counts
    revision = (
        f"Figures from the assessment “{assessment.title}” as of "
        f"{date_format(timezone.localtime(assessment.updated_at), 'DATE_FORMAT')}, "
        f"revision {assessment.answers_revision}."
    )
    assert revision in text
    assert f"revision {written_at}; the assessment has changed since" in text

    # The pages up to "Where we stand", to look at.
    last = next(n for n, sheet in enumerate(pages, 1) if revision in " ".join(sheet.split()))
    prefix = ARTIFACTS / "strategy-after-answer-change-page"
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-l", str(last), str(pdf), prefix], check=True)
