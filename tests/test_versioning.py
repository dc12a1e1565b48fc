"""Moving an assessment to a newer version of its questionnaire: the plan, applying it, the page."""

import pytest
from django.urls import reverse

from assessments.evaluation import evaluate
from assessments.models import Answer, AnswerOption, Assessment, Membership, Questionnaire
from assessments.versioning import (
    DropReason,
    UpgradeError,
    apply_upgrade,
    matching_option,
    newer_version,
    plan_upgrade,
)
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(assessment, owner):
    """One answer of every kind, on every question of version 1."""
    q = {x.key: x for x in assessment.questionnaire.questions.prefetch_related("options")}

    def option(key, score):
        return next(o for o in q[key].options.all() if o.score == score)

    rows = {
        "inventory": {"kind": "dont_know"},
        "champion": {"kind": "option", "option": option("champion", 1)},
        "contribution-ok": {"kind": "option", "option": option("contribution-ok", 2)},
        "policy": {
            "kind": "option",
            "option": option("policy", 3),
            "comment": "Approved by the board",
            "evidence_url": "https://intranet.example/policy",
        },
        "training": {"kind": "dont_know"},
        "releases": {"kind": "not_applicable", "reason": "We release no software"},
    }
    return {
        key: Answer.objects.create(
            assessment=assessment, question=q[key], answered_by=owner, **values
        )
        for key, values in rows.items()
    }


@pytest.fixture
def v2(questionnaire, next_version_text):
    return load_text(next_version_text(), publish=True)


def upgrade_url(assessment):
    return reverse(
        "assessments:assessment_upgrade", args=[assessment.organization.slug, assessment.pk]
    )


def results_url(assessment):
    return reverse("assessments:results", args=[assessment.organization.slug, assessment.pk])


def state(assessment):
    return (
        Assessment.objects.filter(pk=assessment.pk).values_list("questionnaire_id", "status").get(),
        sorted(
            Answer.objects.filter(assessment=assessment).values_list(
                "pk", "question_id", "option_id", "kind", "comment", "answered_at"
            )
        ),
    )


def test_the_plan_lists_what_carries_over_what_is_dropped_and_why_and_what_is_new(
    assessment, answered, v2, django_assert_max_num_queries
):
    assessment = Assessment.objects.select_related("questionnaire").get(pk=assessment.pk)
    with django_assert_max_num_queries(5):
        plan = plan_upgrade(assessment, v2)
    carried = {c.question.key: c for c in plan.carried}
    assert set(carried) == {"inventory", "champion", "policy"}
    assert all(c.question.questionnaire_id == v2.pk for c in plan.carried)
    assert carried["policy"].option.question_id == carried["policy"].question.pk
    assert carried["policy"].option.score == 3
    assert carried["inventory"].option is None
    assert [c.question.key for c in plan.reworded] == ["champion"]
    assert {d.answer.question.key: d.reason for d in plan.dropped} == {
        "contribution-ok": DropReason.OPTION_CHANGED,
        "training": DropReason.QUESTION_REMOVED,
        "releases": DropReason.NOT_APPLICABLE_NOT_ALLOWED,
    }
    assert [q.key for q in plan.new_questions] == ["metrics"]
    # Planning changes nothing.
    assert Answer.objects.filter(assessment=assessment, question__questionnaire=v2).count() == 0


def test_an_option_with_the_same_score_and_label_carries_over(assessment, owner, v2):
    q = assessment.questionnaire.questions.get(key="contribution-ok")
    Answer.objects.create(
        assessment=assessment, question=q, kind="option", option=q.options.get(score=4)
    )
    plan = plan_upgrade(assessment, v2)
    assert [(c.question.key, c.option.label) for c in plan.carried] == [
        ("contribution-ok", "Allowed and encouraged")
    ]


def test_applying_repoints_the_answers_and_switches_the_version(assessment, answered, v2, owner):
    before = {a.question.key: a for a in Answer.objects.filter(assessment=assessment)}
    plan = apply_upgrade(assessment, v2, owner)
    assessment.refresh_from_db()
    assert assessment.questionnaire_id == v2.pk
    assert (len(plan.carried), len(plan.dropped), len(plan.new_questions)) == (3, 3, 1)
    after = {
        a.question.key: a
        for a in Answer.objects.filter(assessment=assessment).select_related("question", "option")
    }
    assert set(after) == {"inventory", "champion", "policy"}
    assert all(a.question.questionnaire_id == v2.pk for a in after.values())
    policy = after["policy"]
    assert policy.pk == before["policy"].pk
    assert policy.option.question_id == policy.question_id
    assert (policy.option.score, policy.comment, policy.evidence_url) == (
        3,
        "Approved by the board",
        "https://intranet.example/policy",
    )
    assert (policy.answered_by, policy.answered_at) == (owner, before["policy"].answered_at)
    assert not Answer.objects.filter(pk__in=[before[k].pk for k in ("training", "releases")])

    # The results are computed on version 2: its six questions, three of them answered.
    overall = evaluate(assessment).overall
    assert (overall.total, overall.answered, overall.dont_know, overall.unanswered) == (6, 2, 1, 3)


def test_the_page_shows_the_plan_and_only_the_post_changes_anything(
    client, owner, assessment, answered, v2
):
    client.force_login(owner)
    before = state(assessment)
    response = client.get(upgrade_url(assessment))
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 answers carry over" in html
    assert "3 answers are dropped" in html
    assert "1 new question to answer" in html
    assert 'data-reason="option_changed"' in html
    assert "no longer asks this question" in html
    assert "Does the office measure its impact?" in html
    assert "reworded" in html
    assert state(assessment) == before

    response = client.post(upgrade_url(assessment), {"target": v2.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessments:assessment", args=[assessment.organization.slug, assessment.pk]
    )
    assessment.refresh_from_db()
    assert assessment.questionnaire_id == v2.pk
    page = client.get(results_url(assessment))
    assert "Moved to version 2. 3 answers carried over, 3 dropped" in page.content.decode()
    assert 'data-testid="upgrade-link"' not in page.content.decode()


def test_results_offer_the_move_to_owners_only_and_only_when_a_newer_version_exists(
    client, owner, colleague, assessment, questionnaire, next_version_text
):
    client.force_login(owner)
    assert 'data-testid="upgrade-link"' not in client.get(results_url(assessment)).content.decode()
    assert newer_version(assessment) is None
    load_text(next_version_text(), publish=True)
    assessment.refresh_from_db()
    html = client.get(results_url(assessment)).content.decode()
    assert 'data-testid="upgrade-link"' in html
    assert upgrade_url(assessment) in html
    client.force_login(colleague)
    assert 'data-testid="upgrade-link"' not in client.get(results_url(assessment)).content.decode()


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_editors_and_viewers_get_403(client, assessment, answered, v2, django_user_model, role):
    user = django_user_model.objects.create_user("member", password="pw-member-123")
    Membership.objects.create(organization=assessment.organization, user=user, role=role)
    client.force_login(user)
    before = state(assessment)
    assert client.get(upgrade_url(assessment)).status_code == 403
    assert client.post(upgrade_url(assessment), {"target": v2.pk}).status_code == 403
    assert state(assessment) == before


def test_an_outsider_gets_404(client, outsider, assessment, answered, v2):
    client.force_login(outsider)
    before = state(assessment)
    assert client.get(upgrade_url(assessment)).status_code == 404
    assert client.post(upgrade_url(assessment), {"target": v2.pk}).status_code == 404
    assert state(assessment) == before


def test_a_submitted_assessment_is_refused(client, owner, assessment, answered, v2):
    assessment.submit()
    client.force_login(owner)
    before = state(assessment)
    response = client.get(upgrade_url(assessment))
    assert response.status_code == 200
    assert "Reopen it before moving it" in response.content.decode()
    response = client.post(upgrade_url(assessment), {"target": v2.pk})
    assert response.status_code == 409
    assert "submitted" in response.content.decode()
    with pytest.raises(ValueError, match="submitted"):
        apply_upgrade(assessment, v2, owner)
    assert state(assessment) == before
    # Nor offered on the results page while submitted.
    html = client.get(results_url(assessment)).content.decode()
    assert 'data-testid="upgrade-link"' not in html


def test_without_a_newer_version_the_page_says_so_and_a_post_is_400(
    client, owner, assessment, answered
):
    client.force_login(owner)
    before = state(assessment)
    response = client.get(upgrade_url(assessment))
    assert response.status_code == 200
    assert "There is no newer published version" in response.content.decode()
    assert client.post(upgrade_url(assessment), {"target": "1"}).status_code == 400
    assert state(assessment) == before


def test_a_post_for_another_version_than_the_latest_is_shown_again(
    client, owner, assessment, answered, v2, next_version_text
):
    client.force_login(owner)
    load_text(next_version_text(version=3), publish=True)
    before = state(assessment)
    response = client.post(upgrade_url(assessment), {"target": v2.pk})
    assert response.status_code == 409
    assert "Move to version 3" in response.content.decode()
    assert state(assessment) == before


def test_only_a_newer_published_version_of_the_same_questionnaire_is_accepted(
    assessment, answered, questionnaire, owner, mini_text, next_version_text
):
    draft = load_text(next_version_text(), publish=False)
    other = load_text(mini_text.replace("key: mini", "key: other", 1), publish=True)
    for target, message in [
        (draft, "published"),
        (other, "another questionnaire"),
        (questionnaire, "not newer"),
    ]:
        with pytest.raises(UpgradeError, match=message):
            apply_upgrade(assessment, target, owner)
    assessment.refresh_from_db()
    assert assessment.questionnaire_id == questionnaire.pk
    assert Questionnaire.objects.get(pk=questionnaire.pk).status == "published"


def option(score, label, description=""):
    return AnswerOption(score=score, label=label, description=description)


def test_it_matches_the_option_with_the_same_score_and_label():
    chosen = option(2, "Defined")
    same = option(2, "Defined", description="Reworded help")
    candidates = [option(0, "Not in place"), same, option(3, "Practised")]
    assert matching_option(chosen, candidates) is same


def test_it_matches_nothing_when_the_label_at_that_score_was_reworded():
    candidates = [option(2, "Written down"), option(1, "Ad hoc")]
    assert matching_option(option(2, "Defined"), candidates) is None


def test_it_matches_nothing_when_the_label_moved_to_another_score():
    assert matching_option(option(2, "Defined"), [option(3, "Defined")]) is None


def test_starting_from_a_previous_assessment_carries_answers_as_the_upgrade_does(
    client, owner, assessment, answered, v2
):
    client.force_login(owner)
    client.post(
        reverse("assessments:assessment_start", args=[assessment.organization.slug]),
        {"questionnaire": v2.pk, "title": "On version 2", "prefill_from": assessment.pk},
    )
    second = Assessment.objects.get(title="On version 2")
    assert second.questionnaire == v2
    carried = set(second.answers.values_list("question__key", flat=True))
    assert carried == {c.question.key for c in plan_upgrade(assessment, v2).carried}
    assert "contribution-ok" not in carried  # its option was relabelled in version 2
