"""Each respondent's own answers move to a newer questionnaire version by the agreed answers'
rules, or are dropped with the plan saying so; starting from an earlier assessment copies the
agreed answers only."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments.forms.assessments import carry_over_answers
from assessments.models import Answer, AnswerChange, Assessment, Respondent
from assessments.versioning import DropReason, apply_upgrade, plan_upgrade
from tests.questionnaires import load_text
from tests.team_data import answered_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(assessment, owner, colleague, viewer):
    team = answered_team(assessment, owner, colleague, viewer)
    questions = {q.key: q for q in assessment.questionnaire.questions.all()}
    # Gone in version 2, and an option relabelled there.
    team.assessment.record_answer(
        questions["training"], colleague, respondent=team.carlos, kind="dont_know"
    )
    team.assessment.record_answer(
        questions["contribution-ok"],
        owner,
        respondent=team.olivia,
        kind="option",
        option=questions["contribution-ok"].options.get(score=2),
    )
    team.assessment.refresh_from_db()
    return team


@pytest.fixture
def v2(questionnaire, next_version_text):
    return load_text(next_version_text(), publish=True)


def whose(items) -> set[tuple]:
    return {
        (
            item.answer.respondent.number if item.answer.respondent else None,
            item.answer.question.key,
        )
        for item in items
    }


def test_the_plan_counts_the_respondents_own_answers_apart(team, v2):
    plan = plan_upgrade(team.assessment, v2)

    assert whose(plan.agreed_carried) == {(None, "policy"), (None, "inventory")}
    assert plan.agreed_dropped == []
    assert whose(plan.individual_carried) == {(1, "policy"), (2, "policy"), (3, "releases")}
    assert whose(plan.individual_dropped) == {
        (1, "inventory"),
        (1, "training"),
        (2, "contribution-ok"),
    }
    reasons = {(d.answer.question.key, d.reason) for d in plan.individual_dropped}
    assert reasons == {
        ("inventory", DropReason.NOT_APPLICABLE_NOT_ALLOWED),
        ("training", DropReason.QUESTION_REMOVED),
        ("contribution-ok", DropReason.OPTION_CHANGED),
    }


def test_moving_carries_each_respondents_own_answers_and_their_history(team, v2, owner):
    plan = apply_upgrade(team.assessment, v2, owner)

    own = Answer.objects.filter(assessment=team.assessment, respondent__isnull=False)
    assert {
        (a.respondent.number, a.question.key) for a in own.select_related("respondent", "question")
    } == {
        (1, "policy"),
        (2, "policy"),
        (3, "releases"),
    }
    assert not own.exclude(question__questionnaire=v2).exists()
    carlos = own.get(respondent=team.carlos)
    assert (carlos.option.score, carlos.comment) == (1, '=HYPERLINK("http://evil")')
    assert carlos.answered_by.username == "carlos"  # who answered stays true
    # Each move and drop is in the answer's own history, a respondent's in theirs.
    moved = AnswerChange.objects.filter(assessment=team.assessment, how="upgraded")
    assert set(moved.values_list("respondent__number", "question_key")) == {
        (None, "policy"),
        (None, "inventory"),
        (1, "policy"),
        (2, "policy"),
        (3, "releases"),
    }
    removed = AnswerChange.objects.filter(assessment=team.assessment, how="removed")
    assert set(removed.values_list("respondent__number", "question_key")) == {
        (1, "inventory"),
        (1, "training"),
        (2, "contribution-ok"),
    }
    assert len(plan.individual_dropped) == 3
    # The respondents themselves stay as they were.
    assert Respondent.objects.filter(assessment=team.assessment).count() == 3


def test_the_page_says_what_becomes_of_the_respondents_own_answers(client, team, v2, owner):
    url = reverse(
        "assessments:assessment_upgrade",
        args=[team.assessment.organization.slug, team.assessment.pk],
    )
    client.force_login(owner)

    page = client.get(url).content.decode()

    assert "Of the respondents' own answers, 3 carry over" in page
    assert "3 are dropped" in page
    assert "(carlos's own answer)" in page
    assert "2 answers carry over" in page and "0 answers are dropped" in page

    response = client.post(url, {"target": v2.pk})

    assert response.status_code == 302
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "2 answers carried over, 0 dropped" in said
    assert "Of the respondents' own answers, 3 carried over and 3 dropped." in said


def test_someone_who_left_is_named_by_number_on_the_plan(client, team, v2, owner, colleague):
    from assessments.models import Membership

    Membership.objects.get(user=colleague, organization=team.assessment.organization).delete()
    client.force_login(owner)

    page = client.get(
        reverse(
            "assessments:assessment_upgrade",
            args=[team.assessment.organization.slug, team.assessment.pk],
        )
    ).content.decode()

    assert "Respondent 1" in page and "carlos" not in page


def test_starting_from_an_earlier_assessment_copies_the_agreed_answers_only(client, team, owner):
    client.force_login(owner)

    response = client.post(
        reverse("assessments:assessment_start", args=[team.assessment.organization.slug]),
        {
            "questionnaire": team.assessment.questionnaire.pk,
            "title": "Second cycle",
            "prefill_from": team.assessment.pk,
        },
    )

    assert response.status_code == 302
    second = Assessment.objects.get(title="Second cycle")
    assert sorted(second.answers.values_list("question__key", "respondent")) == [
        ("inventory", None),
        ("policy", None),
    ]
    assert second.answers.get(question__key="policy").comment == "Agreed."
    assert not Respondent.objects.filter(assessment=second).exists()
    assert not AnswerChange.objects.filter(assessment=second, respondent__isnull=False).exists()


def test_carrying_over_directly_copies_the_agreed_answers_only(team, owner):
    second = Assessment.objects.create(
        organization=team.assessment.organization,
        questionnaire=team.assessment.questionnaire,
        title="Again",
    )

    assert carry_over_answers(team.assessment, second, owner) == 2
    assert not second.answers.filter(respondent__isnull=False).exists()
