"""Small defects of the strategy builder: the assessment a new strategy starts from, the section
history's restore button, the roadmap section's link to the roadmap editor."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from strategy.forms import preselected_assessment

pytestmark = pytest.mark.django_db


def selected(html: str) -> list[str]:
    select = re.search(r'<select name="assessment".*?</select>', html, re.S).group()
    return re.findall(r'<option value="(\d*)" selected>', select)


def create_page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("strategy:create", args=["acme"]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_rule_takes_the_only_assessment_or_the_latest_submitted():
    day = datetime(2026, 1, 1, tzinfo=UTC)
    assert preselected_assessment([]) is None
    assert preselected_assessment([(7, None)]) == 7
    assert preselected_assessment([(7, None), (8, None)]) is None
    assert preselected_assessment([(9, None), (7, day), (8, day + timedelta(days=1))]) == 8


def test_the_only_assessment_is_preselected(client, owner, assessment):
    assert selected(create_page(client, owner)) == [str(assessment.pk)]


def test_of_several_the_latest_submitted_is_preselected(
    client, owner, organization, assessment, questionnaire
):
    def add(title, submitted_days_ago=None):
        new = Assessment.objects.create(
            organization=organization, questionnaire=questionnaire, title=title
        )
        if submitted_days_ago is not None:
            Assessment.objects.filter(pk=new.pk).update(
                status=Assessment.Status.SUBMITTED,
                submitted_at=timezone.now() - timedelta(days=submitted_days_ago),
            )
        return new

    add("Older, submitted", submitted_days_ago=30)
    latest = add("Latest submitted", submitted_days_ago=2)
    reopened = add("Reopened since", submitted_days_ago=1)
    Assessment.objects.filter(pk=reopened.pk).update(status=Assessment.Status.IN_PROGRESS)
    add("Newest, in progress")
    assert selected(create_page(client, owner)) == [str(latest.pk)]


def test_several_unsubmitted_assessments_leave_the_choice_open(
    client, owner, organization, assessment, questionnaire
):
    Assessment.objects.create(organization=organization, questionnaire=questionnaire, title="B")
    assert selected(create_page(client, owner)) == [""]  # the empty choice: pick one


def test_an_assessment_named_in_the_link_wins(
    client, owner, organization, assessment, questionnaire
):
    other = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="B"
    )
    client.force_login(owner)
    html = client.get(
        reverse("strategy:create", args=["acme"]) + f"?assessment={assessment.pk}"
    ).content.decode()
    assert selected(html) == [str(assessment.pk)] and str(other.pk) not in selected(html)
