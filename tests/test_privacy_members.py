"""Leaving an organization: a person's own answers stay in the team's aggregates, without their
name, however the membership ends; the agreed answers and the results do not move."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments.evaluation import evaluate
from assessments.models import Answer, AnswerChange, Membership, Respondent
from tests.team_data import answered_team

pytestmark = pytest.mark.django_db

KEPT = "Their individual answers stay in the team's aggregates, without their name."


@pytest.fixture
def team(assessment, owner, colleague, viewer):
    return answered_team(assessment, owner, colleague, viewer)


def remove_url(organization, user):
    member = Membership.objects.get(organization=organization, user=user)
    return reverse(
        "assessments:member_remove",
        kwargs={"org_slug": organization.slug, "member_pk": member.pk},
    )


def state(assessment):
    """What the figures are made of: the agreed answers as stored, the revision, the result."""
    assessment.refresh_from_db()
    agreed = list(
        Answer.objects.filter(assessment=assessment, respondent__isnull=True)
        .order_by("pk")
        .values("question_id", "kind", "option_id", "comment", "answered_by_id", "version")
    )
    history = list(
        AnswerChange.objects.filter(assessment=assessment, respondent__isnull=True)
        .order_by("pk")
        .values("question_key", "changed_by_id", "choice")
    )
    result = evaluate(assessment)
    return agreed, history, assessment.answers_revision, result.overall.stage, result.overall.score


def assert_anonymized(respondent, user_id):
    respondent.refresh_from_db()
    assert respondent.user is None and respondent.has_left
    assert respondent.label() == f"Respondent {respondent.number}"
    own = Answer.objects.filter(respondent=respondent)
    assert own.exists()
    assert not own.filter(answered_by__isnull=False).exists()
    changes = AnswerChange.objects.filter(respondent=respondent)
    assert changes.exists()
    assert not changes.filter(changed_by__isnull=False).exists()
    assert not Respondent.objects.filter(assessment=respondent.assessment, user_id=user_id).exists()


def test_an_owner_removing_a_member_keeps_their_answers_without_their_name(
    client, team, organization, owner, colleague
):
    before = state(team.assessment)
    own = list(Answer.objects.filter(respondent=team.carlos).values("kind", "option_id", "comment"))
    client.force_login(owner)

    response = client.post(remove_url(organization, colleague))

    assert response.status_code == 302
    assert_anonymized(team.carlos, colleague.pk)
    # Their answers themselves are untouched: only who gave them is forgotten.
    assert (
        list(Answer.objects.filter(respondent=team.carlos).values("kind", "option_id", "comment"))
        == own
    )
    # The agreed answers (the owner's, and the colleague's own writes to them), revision, result.
    assert state(team.assessment) == before
    # The others are untouched.
    team.olivia.refresh_from_db()
    assert team.olivia.user == owner
    assert Answer.objects.filter(respondent=team.olivia, answered_by=owner).exists()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(KEPT in m for m in messages)


def test_a_member_leaving_by_themselves_is_anonymized_too(client, team, organization, viewer):
    before = state(team.assessment)
    client.force_login(viewer)

    response = client.post(remove_url(organization, viewer))

    assert response.status_code == 302
    assert_anonymized(team.vera, viewer.pk)
    assert state(team.assessment) == before
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Your individual answers stay" in m for m in messages)


def test_removing_someone_who_answered_nothing_individually_says_nothing_of_it(
    client, assessment, organization, owner, colleague
):
    client.force_login(owner)

    response = client.post(remove_url(organization, colleague))

    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages and not any(KEPT in m for m in messages)


def test_the_removal_and_the_anonymizing_are_one_transaction(
    client, team, organization, owner, colleague
):
    client.force_login(owner)
    original = Respondent.objects.anonymize

    def half_then_fail(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("the database went away")

    client.raise_request_exception = False
    with mock.patch.object(type(Respondent.objects), "anonymize", side_effect=half_then_fail):
        response = client.post(remove_url(organization, colleague))

    assert response.status_code == 500
    # Nothing half done: still a member, still named on their answers.
    assert Membership.objects.filter(organization=organization, user=colleague).exists()
    team.carlos.refresh_from_db()
    assert team.carlos.user == colleague
    assert Answer.objects.filter(respondent=team.carlos, answered_by=colleague).exists()


def test_a_membership_deleted_in_the_admin_anonymizes_too(team, organization, colleague, viewer):
    # The admin deletes one membership through the model, several through a QuerySet.
    Membership.objects.get(organization=organization, user=colleague).delete()
    Membership.objects.filter(organization=organization, user=viewer).delete()

    assert_anonymized(team.carlos, colleague.pk)
    assert_anonymized(team.vera, viewer.pk)


def test_leaving_one_organization_keeps_the_name_on_answers_in_another(
    team, organization, other_organization, questionnaire, colleague
):
    from assessments.models import Assessment

    Membership.objects.create(organization=other_organization, user=colleague, role="editor")
    elsewhere = Assessment.objects.create(
        organization=other_organization, questionnaire=questionnaire, title="Theirs"
    )
    theirs = Respondent.objects.create(assessment=elsewhere, user=colleague, number=1)

    Membership.objects.get(organization=organization, user=colleague).delete()

    theirs.refresh_from_db()
    assert theirs.user == colleague
    assert_anonymized(team.carlos, colleague.pk)


def test_deleting_a_user_account_keeps_their_answers_without_their_name(team, colleague):
    before = state(team.assessment)
    agreed = Answer.objects.filter(assessment=team.assessment, respondent__isnull=True).count()

    colleague_pk = colleague.pk
    colleague.delete()

    assert_anonymized(team.carlos, colleague_pk)
    assert (
        Answer.objects.filter(assessment=team.assessment, respondent__isnull=True).count() == agreed
    )
    after = state(team.assessment)
    assert after[2:] == before[2:]  # revision and result


def test_deleting_the_organization_deletes_the_respondents_with_it(team, organization):
    organization.delete()

    assert not Respondent.objects.exists()
    assert not Answer.objects.exists()


def test_the_members_page_says_what_becomes_of_a_removed_members_answers(
    client, team, organization, owner, colleague
):
    client.force_login(owner)

    page = client.get(reverse("assessments:members", kwargs={"org_slug": organization.slug}))

    content = page.content.decode()
    assert KEPT in content
    assert remove_url(organization, colleague) in content
    # The leave button of the owner's own row is not offered: they are the only owner.
    assert "without your name" not in content


def test_the_admin_deletion_page_of_a_membership_works(admin_client, team, organization, colleague):
    member = Membership.objects.get(organization=organization, user=colleague)
    url = reverse("admin:assessments_membership_delete", args=[member.pk])

    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert_anonymized(team.carlos, colleague.pk)
    assert site.is_registered(Membership)
