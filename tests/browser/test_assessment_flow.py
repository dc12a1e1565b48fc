"""The self-assessment, end to end, as people use it in Chromium."""

import re

import pytest
from django.contrib.auth import get_user_model

from assessments import demo
from assessments.models import Answer, Assessment, Membership, Organization
from tests.browser.helpers import axe_violations, screenshot, wait_for_htmx

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-passphrase-42"


@pytest.fixture
def questionnaire(transactional_db):
    return demo.ensure_default_questionnaire()


def sign_up_and_create_organization(page, username: str, organization: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Start for free").click()
    page.locator("#id_username").fill(username)
    page.locator("#id_email").fill(f"{username}@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.locator("#id_name").fill(organization)
    page.get_by_role("button", name=re.compile("Create")).click()
    page.get_by_role("heading", name=organization).wait_for()


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def answer_question(fieldset) -> None:
    """Practices up to stage 2 are practised widely; from stage 3 on, only ad hoc."""
    meta = fieldset.locator("p.small").first.inner_text()
    stage = int(re.search(r"Stage (\d)", meta).group(1))
    fieldset.locator("input[type=radio]").nth(3 if stage <= 2 else 1).check()
    fieldset.locator(".answer-status .text-success").wait_for()


def answer_section(page) -> int:
    wait_for_htmx(page)
    questions = page.locator("fieldset.question")
    for index in range(questions.count()):
        answer_question(questions.nth(index))
    return questions.count()


def link_key(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def answer_as_the_browser_would(assessment, section, user) -> int:
    """answer_question's choices, stored without the clicks: the 4th option up to stage 2, else
    the 2nd."""
    questions = section.questions.select_related("stage").prefetch_related("options")
    for question in questions:
        options = sorted(question.options.all(), key=lambda option: option.order)
        option = options[3 if question.stage.level <= 2 else 1]
        assessment.record_answer(question, user, kind=Answer.Kind.OPTION, option=option)
    return len(questions)


def section_links(page) -> list[str]:
    return page.locator("#sections-nav a").evaluate_all("links => links.map(a => a.href)")


def test_a_team_answers_the_whole_questionnaire_and_sees_where_it_stands(
    new_page, questionnaire, live_server
):
    page = new_page()
    sign_up_and_create_organization(page, "lead", "Example Public Works")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Start an assessment").first.click()
    page.get_by_role("button", name="Start").click()
    page.locator("fieldset.question").first.wait_for()
    screenshot(page, "section-first")
    assert axe_violations(page) == []
    links = section_links(page)
    assert len(links) >= 8

    # A colleague joins and answers the last section while the lead works through the first ones.
    organization = Organization.objects.get(name="Example Public Works")
    colleague = get_user_model().objects.create_user("colleague", password=PASSWORD)
    Membership.objects.create(organization=organization, user=colleague, role="editor")
    other = new_page()
    log_in(other, "colleague")
    other.goto(links[-1])
    wait_for_htmx(other)
    colleague_questions = other.locator("fieldset.question")

    # The lead answers the first sections in the browser; the middle ones are stored directly, as
    # the same answers would be (clicking through all 98 questions took 90 s and proved nothing
    # the first sections don't).
    assessment = Assessment.objects.get(organization=organization)
    lead = get_user_model().objects.get(username="lead")
    sections = {s.key: s for s in questionnaire.sections.all()}
    answered = 0
    in_browser = 2
    for number, link in enumerate(links[:-1]):
        if number < in_browser:
            page.goto(link)
            answered += answer_section(page)
        else:
            answered += answer_as_the_browser_would(assessment, sections[link_key(link)], lead)
        if number < colleague_questions.count():
            answer_question(colleague_questions.nth(number))
        if number == in_browser - 1:
            # Reload: every answer so far is still there.
            page.reload()
            for earlier in links[:in_browser]:
                page.goto(earlier)
                total = page.locator("fieldset.question").count()
                assert page.locator("fieldset.question input[type=radio]:checked").count() == total
    page.goto(links[-2])  # a section answered outside the browser shows its answers too
    total = page.locator("fieldset.question").count()
    assert page.locator("fieldset.question input[type=radio]:checked").count() == total
    answer_section(other)  # the colleague finishes the section they started
    answered += colleague_questions.count()

    assert assessment.answers.count() == answered == questionnaire.questions.count()
    assert Answer.objects.filter(assessment=assessment, answered_by=colleague).count() == (
        colleague_questions.count()
    )

    page.goto(links[0])
    page.get_by_role("link", name="Review and submit").click()
    page.get_by_role("heading", name="Review before submitting").wait_for()
    page.get_by_role("button", name="Submit and lock the answers").click()
    page.get_by_role(
        "heading", name=re.compile(r"Stage 2 reached: Security, education and strategy")
    ).wait_for()
    assert page.locator("figure#heatmap svg").count() == 1
    assert page.locator("ol.blockers li").count() >= 3
    assert "Provisional" not in page.content()
    screenshot(page, "results-laptop")
    assert axe_violations(page) == []

    phone = new_page(390, 844)
    log_in(phone, "lead")
    phone.goto(page.url)
    screenshot(phone, "results-phone")
    phone.goto(links[1])
    screenshot(phone, "section-phone")
    phone.goto(f"/orgs/{organization.slug}/")
    screenshot(phone, "dashboard-phone")
    assert axe_violations(phone) == []


def test_a_failed_save_says_so_and_can_be_retried(new_page, questionnaire, live_server):
    page = new_page()
    sign_up_and_create_organization(page, "retrier", "Retry Labs")
    page.get_by_role("link", name="Start an assessment").first.click()
    page.get_by_role("button", name="Start").click()
    page.locator("fieldset.question").first.wait_for()
    wait_for_htmx(page)
    fieldset = page.locator("fieldset.question").first
    page.route("**/answer/", lambda route: route.abort())
    fieldset.locator("input[type=radio]").nth(2).check()
    fieldset.get_by_text("Not saved").wait_for()
    assert not Answer.objects.exists()
    page.unroute("**/answer/")
    fieldset.get_by_role("button", name="Try again").click()
    page.locator("fieldset.question").first.locator(".answer-status .text-success").wait_for()
    assert Answer.objects.get().option.score == 2
