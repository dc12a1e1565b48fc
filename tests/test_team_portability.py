"""Moving an organization carries an assessment's respondents whole: who they are (or that they
left), what they speak for and answer, their own answers and those answers' history."""

from __future__ import annotations

import copy
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Answer, AnswerChange, Assessment, Membership, Respondent
from ospo_assess.portability import ImportRefused, dumps, export_organization, import_organization
from tests.team_data import answered_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(assessment, owner, colleague, viewer):
    team = answered_team(assessment, owner, colleague, viewer)
    team.olivia.submitted_at = timezone.now()
    team.olivia.save()
    team.assessment.others_answers = Assessment.OthersAnswers.NEVER
    team.assessment.save()
    return team


def without_identity(data: dict) -> dict:
    data = copy.deepcopy(data)
    del data["organization"]["slug"], data["organization"]["name"]
    return data


def respondents(assessment) -> list[tuple]:
    return [
        (
            r.number,
            r.user.username if r.user else None,
            r.speaks_for,
            r.sections,
            r.added_at,
            r.submitted_at,
        )
        for r in Respondent.objects.filter(assessment=assessment).select_related("user")
    ]


def own_answers(assessment) -> list[tuple]:
    return sorted(
        (
            a.respondent.number if a.respondent else 0,
            a.question.key,
            a.kind,
            a.option.score if a.option else None,
            a.reason,
            a.comment,
            a.evidence_url,
            a.answered_by.username if a.answered_by else None,
            a.answered_at,
        )
        for a in Answer.objects.filter(assessment=assessment).select_related(
            "respondent", "question", "option", "answered_by"
        )
    )


def changes(assessment) -> list[tuple]:
    return [
        (
            c.respondent.number if c.respondent else None,
            c.question_key,
            c.how,
            c.changed_by.username if c.changed_by else None,
            c.changed_at,
            c.choice,
            c.comment,
        )
        for c in AnswerChange.objects.filter(assessment=assessment)
        .select_related("respondent", "changed_by")
        .in_order()
    ]


def test_the_export_carries_the_respondents_and_whose_each_answer_is(team):
    data = export_organization(team.assessment.organization)

    baseline = data["assessments"][0]
    assert (baseline["mode"], baseline["others_answers"]) == ("individual", "never")
    assert [
        (r["number"], r["user"], r["speaks_for"], r["sections"]) for r in baseline["respondents"]
    ] == [
        (1, "carlos", "worker", []),
        (2, "olivia", "management", []),
        (3, "vera", "", ["program"]),
    ]
    assert baseline["respondents"][1]["submitted_at"] and baseline["respondents"][0]["added_at"]
    assert baseline["respondents"][0]["submitted_at"] is None
    policy = [
        (a["respondent"], a["option"]) for a in baseline["answers"] if a["question"] == "policy"
    ]
    assert sorted(policy, key=str) == sorted([(None, 2), (1, 1), (2, 4)], key=str)
    history = [(h["respondent"], h["question"]) for h in baseline["answer_history"]]
    assert history.count((1, "policy")) == 2 and history.count((None, "policy")) == 1


def test_someone_who_left_is_exported_without_their_name(team, organization, colleague):
    Membership.objects.get(organization=organization, user=colleague).delete()

    text = dumps(export_organization(organization))
    baseline = json.loads(text)["assessments"][0]

    assert baseline["respondents"][0]["user"] is None
    mine = [a for a in baseline["answers"] if a["respondent"] == 1]
    assert mine and all(a["answered_by"] is None for a in mine)
    assert all(h["changed_by"] is None for h in baseline["answer_history"] if h["respondent"] == 1)
    assert "carlos" not in text


@pytest.mark.parametrize("left", [False, True])
def test_round_trip_into_a_fresh_organization_keeps_everything(team, organization, colleague, left):
    if left:
        Membership.objects.get(organization=organization, user=colleague).delete()
    exported = export_organization(organization)

    copied = import_organization(
        json.loads(dumps(exported)), slug="acme-copy", name="Acme Copy", link_existing_users=True
    )

    assert without_identity(export_organization(copied)) == without_identity(exported)
    twin = Assessment.objects.get(organization=copied)
    assert (twin.mode, twin.others_answers) == ("individual", "never")
    assert respondents(twin) == respondents(team.assessment)
    assert own_answers(twin) == own_answers(team.assessment)
    # The history came whole: no "imported" row, each respondent's rows theirs.
    assert changes(twin) == changes(team.assessment)
    assert not AnswerChange.objects.filter(assessment=twin, how="imported").exists()
    assert Respondent.objects.filter(assessment=twin, user__isnull=True).count() == int(left)


def legacy(data: dict) -> dict:
    """The file as written before respondents were carried: answers named their respondent by
    username, with no list of respondents and no respondent on history rows."""
    data = copy.deepcopy(data)
    for assessment in data["assessments"]:
        names = {r["number"]: r["user"] for r in assessment.pop("respondents")}
        del assessment["mode"], assessment["others_answers"]
        for answer in assessment["answers"]:
            if answer["respondent"] is not None:
                answer["respondent"] = names[answer["respondent"]]
        del assessment["answer_history"]
    return data


def test_a_file_of_the_earlier_format_still_imports_with_its_respondents(team, organization):
    data = legacy(export_organization(organization))
    first = data["assessments"][0]["answers"]
    next(a for a in first if a["respondent"] == "vera")["respondent"] = "oscar"
    messages: list[str] = []

    copied = import_organization(data, slug="acme-old", messages=messages, link_existing_users=True)

    twin = Assessment.objects.get(organization=copied)
    assert twin.mode == "shared"  # the file did not say
    made = {(r.number, r.user.username if r.user else None) for r in twin.respondents.all()}
    # Numbered in the order their answers come; someone who is no member, without a name.
    assert {name for _n, name in made} == {"carlos", "olivia", None}
    assert sorted(n for n, _name in made) == [1, 2, 3]
    own = Answer.objects.filter(assessment=twin, respondent__isnull=False)
    assert own.count() == 4
    assert own.filter(respondent__user__username="carlos").count() == 2
    assert own.get(respondent__user__isnull=True).comment == "No idea."
    assert Answer.objects.filter(assessment=twin, respondent__isnull=True).count() == 2
    assert any("Kept 'oscar''s own answers" in m for m in messages)


def _unknown_respondent(data):
    data["assessments"][0]["answers"][0]["respondent"] = 9


def _twice(data):
    people = data["assessments"][0]["respondents"]
    people[1]["number"] = 1
    people[2]["user"] = "carlos"


def _bad_values(data):
    baseline = data["assessments"][0]
    baseline["mode"] = "telepathy"
    baseline["respondents"][0]["sections"] = [1, 2]
    baseline["respondents"][1]["number"] = 0
    baseline["answers"][0]["respondent"] = True
    baseline["answer_history"][0]["respondent"] = "carlos"


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (
            _unknown_respondent,
            ["assessments[0].answers[0].respondent: refers to respondent 9, who is not"],
        ),
        (
            _twice,
            [
                "assessments[0].respondents[1].number: respondent 1 is listed twice",
                "assessments[0].respondents[2].user: 'carlos' is listed twice",
            ],
        ),
        (
            _bad_values,
            [
                "assessments[0].mode: 'telepathy' is not one of: shared, individual",
                "assessments[0].respondents[0].sections: expected a list of section keys",
                "assessments[0].respondents[1].number: must be 1 or more",
                "assessments[0].answers[0].respondent: expected a respondent's number, a "
                "username or null, found True",
                "assessments[0].answer_history[0].respondent: expected a respondent's number or "
                "null, found 'carlos'",
            ],
        ),
    ],
)
def test_bad_respondents_write_nothing_and_say_what_is_wrong(team, organization, spoil, expected):
    data = export_organization(organization)
    spoil(data)
    before = (Respondent.objects.count(), Answer.objects.count(), AnswerChange.objects.count())

    with pytest.raises(ImportRefused) as refused:
        import_organization(data, slug="acme-bad", link_existing_users=True)

    for text in expected:
        assert any(text in problem for problem in refused.value.problems), (
            text,
            refused.value.problems,
        )
    assert (
        Respondent.objects.count(),
        Answer.objects.count(),
        AnswerChange.objects.count(),
    ) == before


def test_the_export_reads_a_fixed_number_of_queries_whatever_the_respondents(
    team, organization, django_user_model
):
    with CaptureQueriesContext(connection) as few:
        export_organization(organization)
    question = team.assessment.questionnaire.questions.get(key="training")
    for number in range(4, 14):
        user = django_user_model.objects.create_user(f"person{number}")
        Membership.objects.create(organization=organization, user=user)
        respondent = Respondent.objects.create(assessment=team.assessment, user=user, number=number)
        team.assessment.record_answer(question, user, respondent=respondent, kind="dont_know")
    with CaptureQueriesContext(connection) as more:
        data = export_organization(organization)
    assert len(more) == len(few)
    assert len(data["assessments"][0]["respondents"]) == 13
