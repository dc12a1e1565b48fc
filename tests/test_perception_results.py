"""Perception gaps on the results page: each respondent scored on their own answers, the groups
they form compared with the agreed result, groups of one shown to owners and editors only."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments.evaluation import evaluate, evaluate_respondents
from assessments.gaps import BY_ROLE, gaps_of
from assessments.models import Answer, Assessment, Membership, Respondent

pytestmark = pytest.mark.django_db

# mini.yaml: worker questions are champion, training, releases; management ones
# contribution-ok and policy; inventory counts for every layer.
HIGH = {"inventory": 4, "champion": 4, "contribution-ok": 4, "policy": 4, "training": 4}
LOW = {"inventory": 1, "champion": 0, "contribution-ok": 0, "policy": 0, "training": 0}


def individual(assessment) -> Assessment:
    assessment.mode = Assessment.Mode.INDIVIDUAL
    assessment.save(update_fields=["mode"])
    return assessment


def respondent(assessment, user, number, speaks_for="", scores=None, **extra) -> Respondent:
    person = Respondent.objects.create(
        assessment=assessment, user=user, number=number, speaks_for=speaks_for, **extra
    )
    give(assessment, scores or {}, person)
    return person


def give(assessment, scores, person=None):
    questions = {q.key: q for q in assessment.questionnaire.questions.all()}
    for key, score in scores.items():
        question = questions[key]
        Answer.objects.create(
            assessment=assessment,
            question=question,
            respondent=person,
            kind="option",
            option=question.options.get(score=score),
        )


def member(organization, name, role=Membership.Role.EDITOR):
    user = get_user_model().objects.create_user(name, password=f"pw-{name}-123")
    Membership.objects.create(organization=organization, user=user, role=role)
    return user


@pytest.fixture
def team(assessment, owner, colleague, viewer):
    return _team(assessment, owner, colleague, viewer)


def _team(assessment, owner, colleague, viewer):
    """Management sees everything in place, the workers nothing; the agreed answers between."""
    individual(assessment)
    respondent(assessment, owner, 1, "management", HIGH)
    respondent(assessment, colleague, 2, "management", HIGH)
    respondent(assessment, viewer, 3, "worker", LOW)
    give(assessment, {key: 2 for key in HIGH})
    return assessment


def url(assessment, query=""):
    return reverse("assessments:results", args=["acme", assessment.pk]) + query


# --- Scoring each respondent ----------------------------------------------------------------


def test_each_respondent_is_scored_on_their_own_answers_and_the_agreed_result_stays(team):
    agreed_before = evaluate(team)
    results = evaluate_respondents(team)
    people = {r.number: r.pk for r in team.respondents.all()}
    assert results[people[1]].overall.score == results[people[2]].overall.score
    assert results[people[1]].overall.score > results[people[3]].overall.score
    assert results[people[3]].layers["worker"].score < results[people[1]].layers["worker"].score
    assert evaluate(team) == agreed_before
    assert evaluate(team).overall.score != results[people[1]].overall.score


def test_all_respondents_are_scored_from_one_query_for_their_answers(
    team, django_assert_num_queries
):
    respondents = list(team.respondents.all())
    evaluate(team)  # the model of the version is kept for the process
    with django_assert_num_queries(1):
        evaluate_respondents(team, respondents)


def test_a_respondent_without_an_answer_has_no_result(team, organization):
    quiet = respondent(team, member(organization, "quinn"), 4, "worker")
    assert quiet.pk not in evaluate_respondents(team)


def test_scope_exclusions_hold_for_each_respondent(team, owner):
    from assessments.scopes import ScopeKind

    team.change_scope(ScopeKind.PILLAR, "advocate", "Not now.", owner, known={"advocate"})
    for result in evaluate_respondents(team).values():
        assert result.pillars["advocate"].score is None


def test_a_respondent_asked_for_some_sections_is_scored_on_those_only(team, organization):
    basics_only = respondent(
        team, member(organization, "bea"), 4, "worker", {"inventory": 4}, sections=["basics"]
    )
    result = evaluate_respondents(team)[basics_only.pk]
    assert result.overall.unanswered == 2  # champion, contribution-ok; program counts nowhere
    assert result.overall.total == 3


# --- The comparison -------------------------------------------------------------------------


def test_groups_by_the_layer_they_speak_for_show_the_largest_gap_first(team):
    gaps = gaps_of(team)
    assert [g.name for g in gaps.groups] == ["Workers and employees", "Management"]
    first = gaps.largest()[0]
    assert (first.high, first.low) == ("management", "worker")
    assert gaps.sentences()[0].startswith("Respondents for Management see ")
    assert "points higher than respondents for Workers and employees." in gaps.sentences()[0]


def test_groups_by_role_name_the_roles(team):
    gaps = gaps_of(team, by=BY_ROLE)
    assert [g.name for g in gaps.groups] == ["Owners", "Editors", "Viewers"]
    assert gaps.sentences()[0].startswith(("Owners see ", "Editors see "))


def test_a_member_who_left_counts_among_former_members(team, viewer, organization):
    Respondent.objects.anonymize(organization, viewer)
    Membership.objects.filter(user=viewer).delete()
    gaps = gaps_of(team, by=BY_ROLE)
    assert "Former members" in [g.name for g in gaps.groups]


def test_no_gaps_for_a_shared_assessment_or_a_single_respondent(assessment, owner):
    assert gaps_of(assessment) is None
    individual(assessment)
    respondent(assessment, owner, 1, "management", HIGH)
    assert gaps_of(assessment) is None


# --- The page -------------------------------------------------------------------------------


def test_owners_see_the_chart_the_spreads_and_the_largest_gaps_in_words(client, owner, team):
    client.force_login(owner)
    page = client.get(url(team)).content.decode()
    assert 'data-testid="perception-gaps"' in page
    assert "Respondents for Management see Enabler" in page
    assert '<figure class="chart my-3" id="perception-gaps"' in page  # the chart
    assert 'data-testid="spread-table"' in page
    # Groups, never people.
    assert "olivia" not in page.split('id="perception"')[1]


def test_viewers_do_not_see_a_group_of_one(client, viewer, team):
    client.force_login(viewer)
    page = client.get(url(team)).content.decode()
    part = page.split('id="perception"')[1]
    assert "Workers and employees (1)" not in part
    assert 'data-testid="gaps-hidden"' in part
    assert "shown to owners and editors only" in part
    assert 'data-testid="largest-gaps"' not in part


def test_editors_see_a_group_of_one_and_are_told_viewers_do_not(client, colleague, team):
    client.force_login(colleague)
    part = client.get(url(team)).content.decode().split('id="perception"')[1]
    assert "Workers and employees (1)" in part
    assert 'data-testid="gaps-small-groups"' in part


def test_the_switch_to_roles_answers_htmx_with_the_part_only(client, owner, team):
    client.force_login(owner)
    response = client.get(url(team, "?gaps=role"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith("<section")
    assert "Owners (1)" in body
    assert "<html" not in body
    # Without JavaScript the same link serves the whole page, grouped by role.
    whole = client.get(url(team, "?gaps=role")).content.decode()
    assert "<html" in whole and "Owners (1)" in whole


def test_an_unknown_grouping_falls_back_to_layers(client, owner, team):
    client.force_login(owner)
    page = client.get(url(team, "?gaps=<script>")).content.decode()
    assert "Management (2)" in page
    assert "<script>" not in page.split('id="perception"')[1]


def test_a_new_individual_answer_shows_at_once(client, owner, team, organization):
    client.force_login(owner)
    before = client.get(url(team)).content.decode()
    assert "Management (2)" in before
    respondent(team, member(organization, "mia"), 4, "management", LOW)
    after = client.get(url(team)).content.decode()
    assert "Management (3)" in after


def test_changing_what_a_respondent_speaks_for_shows_at_once(client, owner, team):
    client.force_login(owner)
    assert "Management (2)" in client.get(url(team)).content.decode()
    Respondent.objects.filter(assessment=team, number=2).update(speaks_for="worker")
    page = client.get(url(team)).content.decode()
    assert "Management (1)" in page and "Workers and employees (2)" in page


def test_layer_and_pillar_names_come_from_the_version(client, owner, organization, mini_text):
    from tests.questionnaires import load_text

    text = mini_text.replace("key: mini", "key: mini-de")
    text = text.replace("name: Management", "name: Leitung")
    text = text.replace("name: Enabler", "name: Befähiger")
    version = load_text(text, publish=True)
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=version, title="Auf Deutsch"
    )
    _team(assessment, owner, *[member(organization, n) for n in ("ute", "vic")])
    client.force_login(owner)
    page = client.get(url(assessment)).content.decode()
    assert "Respondents for Leitung see" in page and "Befähiger" in page
    assert "Management" not in page.split('id="perception"')[1]


def test_a_shared_assessment_has_no_perception_part(client, owner, assessment):
    client.force_login(owner)
    assert 'data-testid="perception-gaps"' not in client.get(url(assessment)).content.decode()


def test_another_organization_cannot_see_the_gaps(client, outsider, team):
    client.force_login(outsider)
    assert client.get(url(team)).status_code == 404


@pytest.mark.parametrize("grouping", ["", "?gaps=role"])
def test_the_query_count_does_not_grow_with_respondents(
    client, owner, assessment, organization, django_assert_max_num_queries, grouping
):
    individual(assessment)
    give(assessment, {key: 2 for key in HIGH})
    counts = {}
    number = 0
    client.force_login(owner)
    client.get(url(assessment))  # the version's words and model, kept for the process
    for size in (3, 30):
        while number < size:
            number += 1
            layer = ("worker", "management")[number % 2]
            scores = HIGH if number % 3 else LOW
            respondent(assessment, member(organization, f"r{number}"), number, layer, scores)
        from django.core.cache import cache

        cache.clear()  # measure a rendering, not a kept one
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(url(assessment, grouping))
        assert response.status_code == 200
        assert f"{size} respondents answered" in response.content.decode()
        counts[size] = len(captured)
    assert counts[3] == counts[30] <= 9  # the report's 6, respondents, their answers, agreed
    with django_assert_max_num_queries(counts[3]):
        client.get(url(assessment, grouping))


def test_each_group_places_the_organization_at_a_stage_named_by_the_version(client, owner, team):
    from assessments.headline import reached_level

    names = {s.level: s.name for s in team.questionnaire.stages.all()}
    for question in team.questionnaire.questions.filter(key__in=["inventory", "champion"]):
        # The agreed answers reach a stage now.
        Answer.objects.filter(assessment=team, respondent__isnull=True, question=question).update(
            option=question.options.get(score=4)
        )
    agreed = reached_level(evaluate(team).overall)
    assert agreed is not None
    stages = {row["name"]: row for row in gaps_of(team).overall_stages()}
    assert (stages["Agreed result"]["level"], stages["Agreed result"]["stage"]) == (
        agreed,
        names[agreed],
    )
    # The workers answered nothing in place: no stage reached, not "stage 0".
    assert not stages["Workers and employees"]["reached"]
    assert stages["Management"]["reached"]
    client.force_login(owner)
    page = client.get(url(team)).content.decode()
    part = page.split('data-testid="overall-stages"')[1].split("</table>")[0]
    assert f"Stage {agreed} · {names[agreed]}" in part
    assert "No stage reached yet" in part


def test_a_viewer_with_only_groups_of_one_sees_no_comparison_and_why(client, viewer, team):
    Respondent.objects.filter(assessment=team, number=2).update(speaks_for="")
    client.force_login(viewer)
    part = client.get(url(team)).content.decode().split('id="perception"')[1]
    assert "Fewer than two groups can be shown" in part
    assert 'data-testid="gaps-hidden"' in part
    assert '<figure class="chart my-3" id="perception-gaps"' not in part  # no chart of nobody
