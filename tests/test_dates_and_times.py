"""Dates in one style on every page, and how long ago something happened in plain words."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments.models import Assessment
from assessments.templatetags.time_tags import ago

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("before", "words"),
    [
        (dt.timedelta(0), "just now"),
        (dt.timedelta(seconds=59), "just now"),
        (dt.timedelta(minutes=1), "1 minute ago"),
        (dt.timedelta(minutes=2), "2 minutes ago"),
        (dt.timedelta(hours=1, minutes=1), "1 hour, 1 minute ago"),
        (dt.timedelta(days=1), "1 day ago"),
        (dt.timedelta(days=3), "3 days ago"),
    ],
)
def test_how_long_ago_says_just_now_under_a_minute_and_counts_in_singular_or_plural(before, words):
    # timesince joins number and unit with a no-break space, so they never part at a line end.
    assert ago(NOW - before, NOW).replace("\xa0", " ") == words


def test_nothing_is_said_of_a_moment_that_is_not_there():
    assert ago(None) == ""


def test_an_answer_just_saved_was_last_changed_just_now(client, owner, assessment):
    question = assessment.questionnaire.questions.order_by("order").first()
    option = question.options.order_by("score").first()
    assessment.record_answer(question, owner, kind="option", option=option)
    client.force_login(owner)
    section = reverse("assessments:section", args=["acme", assessment.pk, question.section.key])
    page = client.get(section).content.decode()
    assert "Last changed by olivia, just now." in page
    assert "0 minutes" not in page


def test_the_dashboard_and_compare_show_dates_in_the_one_date_format(
    client, owner, organization, questionnaire, assessment
):
    Assessment.objects.create(organization=organization, questionnaire=questionnaire, title="B")
    client.force_login(owner)
    day = date_format(timezone.localtime(assessment.created_at), "DATE_FORMAT")
    short = date_format(timezone.localtime(assessment.created_at), "SHORT_DATE_FORMAT")
    for url in (
        reverse("assessments:dashboard", args=["acme"]),
        reverse("assessments:compare", args=["acme"]),
    ):
        page = client.get(url).content.decode()
        assert day in page, url
        assert short not in page, url
