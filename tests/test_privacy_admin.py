"""The admin shows an assessment's respondents and whose each answer is, and never turns a
respondent's own answer into the agreed one (or back) by an edit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Answer, AnswerChange
from tests.team_data import answered_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(assessment, owner, colleague, viewer):
    return answered_team(assessment, owner, colleague, viewer)


def change_data(answer: Answer, **changes) -> dict:
    data = {
        "assessment": answer.assessment_id,
        "question": answer.question_id,
        "kind": answer.kind,
        "option": answer.option_id or "",
        "boxes": "[]",
        "reason": answer.reason,
        "comment": answer.comment,
        "evidence_url": answer.evidence_url,
        "answered_by": answer.answered_by_id or "",
    }
    return {**data, **changes}


def test_an_assessments_page_lists_its_respondents_read_only(client, staff, team):
    client.force_login(staff)

    page = client.get(
        reverse("admin:assessments_assessment_change", args=[team.assessment.pk])
    ).content.decode()

    assert "carlos" in page and "vera" in page
    assert "respondents-0-number" not in page  # shown, not a field to edit
    assert 'name="respondents-MAX_NUM_FORMS" value="0"' in page  # none to add


def test_the_answer_list_says_whose_each_answer_is_and_filters_on_it(client, staff, team):
    client.force_login(staff)
    url = reverse("admin:assessments_answer_changelist")

    everything = client.get(url).content.decode()
    own = client.get(url, {"whose": "own"}).content.decode()
    agreed = client.get(url, {"whose": "agreed"}).content.decode()

    assert "Agreed (scored)" in everything and "carlos&#x27;s own (not scored)" in everything
    assert "Agreed (scored)" not in own and "vera&#x27;s own (not scored)" in own
    assert "own (not scored)" not in agreed


def test_editing_a_respondents_own_answer_keeps_it_theirs(client, staff, team):
    client.force_login(staff)
    own = Answer.objects.get(respondent=team.carlos, question__key="policy")
    agreed_before = list(
        Answer.objects.filter(assessment=team.assessment, respondent__isnull=True).values()
    )

    response = client.post(
        reverse("admin:assessments_answer_change", args=[own.pk]),
        # A hand-made form that tries to make it the agreed answer: the field is not taken.
        change_data(own, comment="Fixed a typo.", respondent=""),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    own.refresh_from_db()
    assert own.respondent == team.carlos and own.comment == "Fixed a typo."
    assert (
        list(Answer.objects.filter(assessment=team.assessment, respondent__isnull=True).values())
        == agreed_before
    )
    # The change is in the respondent's own history, by the administrator.
    last = AnswerChange.objects.filter(question_key="policy").order_by("pk").last()
    assert (last.respondent, last.how, last.changed_by) == (team.carlos, "admin", staff)


def test_a_respondents_page_opens_and_cannot_be_changed(client, staff, team):
    client.force_login(staff)

    page = client.get(reverse("admin:assessments_respondent_change", args=[team.carlos.pk]))
    refused = client.post(
        reverse("admin:assessments_respondent_change", args=[team.carlos.pk]),
        {"number": 9, "speaks_for": "advocate"},
    )

    assert page.status_code == 200
    assert refused.status_code == 403
    team.carlos.refresh_from_db()
    assert (team.carlos.number, team.carlos.speaks_for) == (1, "worker")
