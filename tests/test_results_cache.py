"""Results and history read stored work, and never show a stale result."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Answer, Assessment
from assessments.views import results as results_views

pytestmark = pytest.mark.django_db


def results_url(assessment):
    return reverse("assessments:results", args=["acme", assessment.pk])


def answer(assessment, user, key, score):
    question = assessment.questionnaire.questions.get(key=key)
    assessment.record_answer(
        question, user, kind="option", option=question.options.get(score=score)
    )


def answer_everything(assessment, user, score):
    for question in assessment.questionnaire.questions.all():
        answer(assessment, user, question.key, score)


def test_the_results_page_follows_every_saved_answer(client, owner, assessment):
    answer_everything(assessment, owner, 4)
    client.force_login(owner)
    assert "Every stage is reached" in client.get(results_url(assessment)).content.decode()
    answer(assessment, owner, "policy", 0)
    page = client.get(results_url(assessment)).content.decode()
    assert "Every stage is reached" not in page
    assert "Is there an approved open source policy?" in page  # now a blocker


def test_a_repeated_results_view_reads_no_answer(client, owner, assessment):
    answer_everything(assessment, owner, 2)
    client.force_login(owner)
    first = client.get(results_url(assessment)).content.decode()
    with CaptureQueriesContext(connection) as context:
        again = client.get(results_url(assessment)).content.decode()
    tables = " ".join(q["sql"] for q in context.captured_queries)
    assert Answer._meta.db_table not in tables
    assert len(context.captured_queries) <= 5
    # The report is the same; only per-request tokens elsewhere on the page differ.
    report = lambda page: page[page.index('id="headline"') : page.index('id="actions-title"')]  # noqa: E731
    assert report(first) == report(again)


def test_submitting_ends_the_provisional_banner_at_once(client, owner, assessment):
    answer_everything(assessment, owner, 4)
    client.force_login(owner)
    assert "Provisional." in client.get(results_url(assessment)).content.decode()
    client.post(
        reverse("assessments:assessment_submit", args=["acme", assessment.pk]), {"confirm": "1"}
    )
    assert "Provisional." not in client.get(results_url(assessment)).content.decode()


def test_an_answer_changed_in_the_admin_shows_in_the_results(
    client, admin_client, owner, assessment
):
    answer_everything(assessment, owner, 4)
    client.force_login(owner)
    assert "Every stage is reached" in client.get(results_url(assessment)).content.decode()
    policy = Answer.objects.get(assessment=assessment, question__key="policy")
    admin_client.post(reverse("admin:assessments_answer_delete", args=[policy.pk]), {"post": "yes"})
    assert not Answer.objects.filter(pk=policy.pk).exists()
    assert "Every stage is reached" not in client.get(results_url(assessment)).content.decode()


def test_a_member_of_another_organization_with_the_same_ids_sees_nothing_cached(
    client, owner, outsider, assessment
):
    answer_everything(assessment, owner, 4)
    client.force_login(owner)
    client.get(results_url(assessment))
    client.force_login(outsider)
    assert client.get(results_url(assessment)).status_code == 404
    other = reverse("assessments:results", args=["globex", assessment.pk])
    assert client.get(other).status_code == 404


def many_assessments(organization, questionnaire, owner, count):
    made = Assessment.objects.bulk_create(
        Assessment(organization=organization, questionnaire=questionnaire, title=f"Cycle {i:03}")
        for i in range(count)
    )
    return made


def history_queries(client, page=1):
    url = reverse("assessments:dashboard", args=["acme"]) + f"?page={page}"
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), context.captured_queries


def test_the_history_reads_a_page_and_the_chart_not_the_whole_history(
    client, owner, organization, questionnaire, monkeypatch
):
    monkeypatch.setattr(results_views, "HISTORY_PAGE_SIZE", 4)
    monkeypatch.setattr(results_views, "HISTORY_CHART_POINTS", 6)
    client.force_login(owner)
    many_assessments(organization, questionnaire, owner, 10)
    history_queries(client)  # stores every shown assessment's summary
    history_queries(client, page=3)
    _, small = history_queries(client)
    many_assessments(organization, questionnaire, owner, 40)
    history_queries(client)
    page, large = history_queries(client)
    assert len(large) == len(small)
    assert not any(Answer._meta.db_table in q["sql"] for q in large)
    assert "The chart shows the latest 6 of 50 assessments." in page
    assert "Page 1 of 13" in page


def test_the_history_pages_go_from_newest_to_oldest(client, owner, organization, questionnaire):
    client.force_login(owner)
    many_assessments(organization, questionnaire, owner, 30)
    first, _ = history_queries(client)
    second, _ = history_queries(client, page=2)

    def table(page):
        return page[page.index("Assessments, newest first") :]

    assert "Cycle 029" in table(first) and "Cycle 005" in table(first)
    assert "Cycle 004" not in table(first)
    assert "Cycle 004" in table(second) and "Cycle 000" in table(second)
    assert "Cycle 029" not in table(second)
    # The latest-assessment card shows the newest on every page.
    assert "Cycle 029" in second[: second.index("Assessments, newest first")]


def test_the_history_shows_a_changed_answer_at_once(client, owner, organization, assessment):
    client.force_login(owner)
    page, _ = history_queries(client)
    assert "0/6" in page
    answer(assessment, owner, "policy", 4)
    page, _ = history_queries(client)
    assert "1/6" in page


def test_the_history_shows_a_submission_at_once(client, owner, assessment):
    client.force_login(owner)
    assert "In progress" in history_queries(client)[0]
    client.post(
        reverse("assessments:assessment_submit", args=["acme", assessment.pk]), {"confirm": "1"}
    )
    page, _ = history_queries(client)
    table = page[page.index("Assessments, newest first") :]
    assert "Submitted" in table and "In progress" not in table


def test_a_viewer_sees_the_history_without_an_editors_buttons(client, owner, viewer, assessment):
    client.force_login(owner)
    assert "Continue answering" in history_queries(client)[0]
    client.force_login(viewer)
    assert "Continue answering" not in history_queries(client)[0]
