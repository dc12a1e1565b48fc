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


@pytest.fixture
def strategy(assessment, owner):
    from strategy.models import Strategy

    return Strategy.objects.create_from_assessment(assessment, owner, "Strategy")


def section_url(name, strategy, *extra):
    return reverse(f"strategy:{name}", args=["acme", strategy.pk, *extra])


def history_entries(html: str) -> list[str]:
    return re.findall(r'<li class="card mb-2">.*?</li>', html, re.S)


def test_the_current_version_offers_no_restore_but_older_ones_do(client, owner, strategy):
    from strategy.models import Revision

    client.force_login(owner)
    save = section_url("section_save", strategy, "why")
    client.post(save, {"body": "Version one.", "base_version": 0})
    Revision.objects.update(created_at=timezone.now() - timedelta(minutes=6))  # not folded
    client.post(save, {"body": "Version two.", "base_version": 1})
    html = client.get(section_url("section_history", strategy, "why")).content.decode()
    current, older = history_entries(html)
    assert "Version two." in current and "Version one." in older
    assert "Restore this text" not in current and "Compare version" not in current
    assert "The current text" in current
    assert "Restore this text" in older and "Compare version 1 with the current text" in older

    # Once version one is restored, it is the current text, and version two can be restored.
    first = Revision.objects.get(body="Version one.")
    client.post(section_url("revision_restore", strategy, "why", first.pk))
    html = client.get(section_url("section_history", strategy, "why")).content.decode()
    entries = history_entries(html)
    offered = [entry for entry in entries if "Restore this text" in entry]
    assert len(offered) == 1 and "Version two." in offered[0]


def test_the_roadmap_section_leads_to_the_roadmap_editor(client, owner, viewer, strategy):
    from strategy.models import RoadmapItem

    actions = RoadmapItem.objects.filter(strategy=strategy).count()
    editor = section_url("roadmap", strategy)
    client.force_login(owner)
    html = client.get(section_url("section", strategy, "roadmap")).content.decode()
    link = re.search(r'<div [^>]*id="roadmap-editor-link".*?</div>', html, re.S).group()
    assert f'href="{editor}"' in link and "Edit the roadmap" in link
    assert f"Its {actions} action" in link
    assert client.get(editor).status_code == 200

    client.force_login(viewer)
    html = client.get(section_url("section", strategy, "roadmap")).content.decode()
    assert f'href="{editor}"' in html and "See the roadmap" in html


def test_other_sections_do_not_carry_the_roadmap_link(client, owner, strategy):
    client.force_login(owner)
    html = client.get(section_url("section", strategy, "why")).content.decode()
    assert "roadmap-editor-link" not in html
