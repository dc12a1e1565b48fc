"""The results page explains itself: one headline per case (nothing reached yet, a stage reached,
every stage), a reason in one sentence that agrees with it and with the tables, every blocker
linked, and a heat map that says what its numbers are."""

import re

import pytest
from django.urls import reverse

from assessments import demo
from assessments.models import Answer, Assessment, Membership
from assessments.reporting import build_report
from tests.conftest import FIXTURES
from tests.questionnaires import load_text
from tests.test_results import answer_all

pytestmark = pytest.mark.django_db


def results_page(client, user, assessment):
    client.force_login(user)
    slug = assessment.organization.slug
    return client.get(reverse("assessments:results", args=[slug, assessment.pk])).content.decode()


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_below_the_first_stage_the_owner_reads_that_no_stage_is_reached(client, owner, assessment):
    answer_all(assessment, lambda q: 0)
    page = results_page(client, owner, assessment)
    text = text_of(page)
    assert "No stage reached yet" in text
    # Headline, why and tables agree: nothing says the organization is at stage 0.
    assert "Stage 0: Awareness" not in text and "Stage 0 reached" not in text
    assert "Why no stage is reached yet" in text
    assert (
        "Stage 0, Awareness, the first, is not reached yet: 0 % of its practices are in place"
        " where 70 % are needed, and 1 core practice is below “Defined”." in text
    )
    tables = text_of(page[page.index('id="profile-title"') :])
    assert "0 · Awareness" not in tables and "none yet" in tables
    assert "hold the organization back" not in text
    heatmap = page[page.index('id="heatmap"') :]
    assert ">stage 0<" not in heatmap and "· stage 0" not in text_of(heatmap)
    assert "stage 0 reached" not in text_of(heatmap)
    assert "no stage" in text_of(page[page.index('id="heatmap"') :])


def test_a_reached_stage_heads_the_page_and_the_why_names_the_next(client, owner, assessment):
    answer_all(assessment, lambda q: 1 if q.key == "policy" else 4)
    text = text_of(results_page(client, owner, assessment))
    assert "Stage 1 reached: Ad hoc" in text
    assert "Why this stage" in text
    assert (
        "Stage 1, Ad hoc, is reached; stage 2, Security, education and strategy, is not yet:"
        in text
    )
    assert "1 core practice is below “Defined”" in text


def test_every_stage_reached_says_so_once(client, owner, assessment):
    answer_all(assessment, lambda q: 4)
    text = text_of(results_page(client, owner, assessment))
    assert "Every stage reached: Stage 2, Security, education and strategy" in text
    assert "Every stage is reached, up to stage 2, Security, education and strategy." in text
    assert "stand in the way" not in text


def test_a_floor_names_the_versions_words_for_nothing_yet(client, owner, organization):
    roles = load_text((FIXTURES / "roles.yaml").read_text(encoding="utf-8"), publish=True)
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=roles, title="Roles"
    )
    answer_all(assessment, lambda q: 0)
    text = text_of(results_page(client, owner, assessment))
    assert "No level reached yet" in text
    assert "Nothing is agreed yet." in text
    assert ": Starting" not in text


def test_counts_name_only_what_occurs_and_agree_in_number(client, owner, assessment):
    answer_all(assessment, lambda q: 4)
    text = text_of(results_page(client, owner, assessment))
    assert "0 questions are unanswered" not in text and "0 unanswered" not in text
    assert "0 not applicable" not in text and "0 “don't know”" not in text
    Answer.objects.filter(assessment=assessment).order_by("pk").first().delete()
    text = text_of(results_page(client, owner, assessment))
    assert "1 question is unanswered and counts as not in place" in text
    assert ", 1 unanswered." in text


@pytest.fixture
def demo_results(client):
    logins = demo.setup_demo()
    owner = Membership.objects.get(organization=logins.organization).user
    return results_page(client, owner, logins.assessment), logins.assessment


def test_the_demo_lists_every_blocker_linked_the_first_five_in_sight(demo_results):
    page, assessment = demo_results
    blockers = page[page.index('data-testid="blockers"') : page.index('id="next-steps-title"')]
    links = re.findall(r'<a href="[^"]*/sections/[^"]*#q-[^"]+">', blockers)
    visible = blockers[: blockers.index("<details")]
    assert len(re.findall(r"#q-", visible)) == 5
    more = int(re.search(r"Show (\d+) more</summary>", blockers).group(1))
    assert len(links) == 5 + more
    assert len(links) == len(build_report(assessment).overall.blockers) > 5
    assert "more practices of this stage" not in page


def test_the_demo_heat_map_explains_score_and_stage_and_no_radar_repeats_the_tables(demo_results):
    page, _assessment = demo_results
    assert 'data-testid="heatmap-legend"' in page
    assert "how much of its practices is in place" in page
    assert 'id="pillar-radar"' not in page and 'id="layer-radar"' not in page
    assert "Stage 2 reached: Security, education and strategy" in text_of(page)


def test_an_outsider_sees_no_results(client, outsider, assessment):
    client.force_login(outsider)
    url = reverse("assessments:results", args=["acme", assessment.pk])
    assert client.get(url).status_code == 404


def test_the_dashboard_agrees_that_no_stage_is_reached(client, owner, assessment):
    answer_all(assessment, lambda q: 0)
    client.force_login(owner)
    page = client.get(reverse("assessments:dashboard", args=[assessment.organization.slug]))
    text = text_of(page.content.decode())
    assert "No stage reached yet" in text  # the latest assessment's card
    assert "no stage yet" in text  # its row in the table
    assert "0 · Awareness" not in text


def test_compare_says_no_stage_yet_where_none_was_reached(client, owner, assessment):
    answer_all(assessment, lambda q: 0)
    later = Assessment.objects.create(
        organization=assessment.organization,
        questionnaire=assessment.questionnaire,
        title="Later",
        created_by=owner,
    )
    answer_all(later, lambda q: max(o.score for o in q.options.all()))
    client.force_login(owner)
    page = client.get(
        reverse("assessments:compare", args=[assessment.organization.slug]),
        {"a": assessment.pk, "b": later.pk},
    )
    overall = text_of(page.content.decode()).split("Overall", 1)[1][:80]
    assert overall.split()[:4] == ["no", "stage", "yet", "·"]
    assert "Stage 0 ·" not in text_of(page.content.decode())
