"""The dashboard's history chart plots results, not work in progress."""

import re

import pytest
from django.urls import reverse

from assessments.models import Assessment

pytestmark = pytest.mark.django_db


def _assessment(organization, questionnaire, title, *, submitted):
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title=title
    )
    if submitted:
        assessment.submit()
    return assessment


def test_the_chart_plots_submitted_assessments_and_marks_the_newest_in_progress(
    client, owner, organization, questionnaire
):
    _assessment(organization, questionnaire, "First cycle", submitted=True)
    _assessment(organization, questionnaire, "Abandoned draft", submitted=False)
    _assessment(organization, questionnaire, "Second cycle", submitted=True)
    _assessment(organization, questionnaire, "Third cycle", submitted=False)
    client.force_login(owner)
    page = client.get(reverse("assessments:dashboard", args=["acme"])).content.decode()
    chart = page[page.index('id="history"') : page.index("</figure>")]
    rows = re.findall(
        r"<td>([^<]+)(?: <span class=\"badge[^\"]*\">in progress</span>)?</td>", chart
    )
    assert rows == ["First cycle", "Second cycle", "Third cycle"]
    assert chart.count('data-in-progress="true"') == 1
    assert "in progress</span>" in chart.split("Second cycle")[-1]
    # The table below lists every assessment, the abandoned draft too; the latest card the newest.
    assert "Abandoned draft" in page.split("</figure>")[1]
    assert "Third cycle" in page[page.index('id="latest-title"') :]


def test_without_work_in_progress_nothing_is_marked(client, owner, organization, questionnaire):
    _assessment(organization, questionnaire, "First cycle", submitted=True)
    client.force_login(owner)
    page = client.get(reverse("assessments:dashboard", args=["acme"])).content.decode()
    assert "data-in-progress" not in page and "still in progress" not in page
