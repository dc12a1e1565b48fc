"""Tenancy, enumerated: every URL of the app is requested with another organization's ids.

New URL patterns are covered automatically: a pattern with an argument this file cannot fill
fails the test until someone says here how to fill it.
"""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from assessments.models import (
    Answer,
    Assessment,
    Invitation,
    Membership,
    Organization,
    Respondent,
    ShareLink,
)
from strategy.approval import ApprovedVersion, ReviewComment
from strategy.models import Revision, RoadmapItem, Section, Strategy, StructuredRow
from tests.url_patterns import app_patterns, fill

pytestmark = pytest.mark.django_db

# URLs every logged-in person may open whatever their organization: they name no organization.
OPEN_TO_ANYONE = {
    "home",
    "model",
    "model_version",
    "signup",
    "organization_create",
    "invitation_accept",
    # A share link's page: open to whoever holds a live token, logged in or not
    # (tests/test_share_links.py).
    "shared_results",
}

# URLs of staff tools that name no organization: 404 for everyone but staff who may view
# questionnaires, whatever their memberships.
STAFF_ONLY = {"preview", "preview_section", "preview_results", "preview_reset"}


# POSTs a viewer may make: they change no content (a viewer may download the PDF, so may retry it).
VIEWER_MAY_POST = {"export_pdf_retry"}


def org_patterns() -> list[URLPattern]:
    return [p for p in app_patterns() if p.name not in OPEN_TO_ANYONE | STAFF_ONLY]


def staff_patterns() -> list[URLPattern]:
    return [p for p in app_patterns() if p.name in STAFF_ONLY]


@pytest.fixture
def theirs(outsider, other_organization, questionnaire):
    """Everything the other organization has, for using its ids in our URLs."""
    assessment = Assessment.objects.create(
        organization=other_organization, questionnaire=questionnaire, title="Their assessment"
    )
    question = questionnaire.questions.get(key="policy")
    Answer.objects.create(
        assessment=assessment, question=question, kind="option", option=question.options.last()
    )
    return {
        "org_slug": other_organization.slug,
        "pk": assessment.pk,
        "section_key": "program",
        "question_pk": question.pk,
        "number": 1,  # a question's number in the workshop
        "member_pk": Membership.objects.get(user=outsider).pk,
        "invitation_pk": Invitation.objects.create(
            organization=other_organization, created_by=outsider
        ).pk,
        "link_pk": ShareLink.create_for(assessment, outsider)[0].pk,
        "respondent_pk": Respondent.objects.create(
            assessment=assessment, user=outsider, number=1
        ).pk,
        **strategy_values(other_organization, assessment),
    }


def strategy_values(organization, assessment) -> dict:
    """A strategy with a section, a revision and a roadmap item, for the strategy URLs."""
    strategy = Strategy.objects.create(
        organization=organization, assessment=assessment, title="Strategy"
    )
    section = Section.objects.create(strategy=strategy, key="risks", title="Risks", body="x")
    return {
        "strategy_pk": strategy.pk,
        "strategy:section_key": section.key,
        "revision_pk": Revision.objects.create(section=section, version=1, body="x").pk,
        "item_pk": RoadmapItem.objects.create(strategy=strategy, title="Act").pk,
        "row_pk": StructuredRow.objects.create(
            strategy=strategy, kind="risk", data={"risk": "Churn"}
        ).pk,
        "comment_pk": ReviewComment.objects.create(
            strategy=strategy, section=section, body="Why?"
        ).pk,
        "version_pk": ApprovedVersion.objects.create(
            strategy=strategy, major=1, minor=0, approved_at=timezone.now(), pdf=b"%PDF"
        ).pk,
    }


def snapshot():
    return (
        Organization.objects.count(),
        Membership.objects.values_list("pk", "role").order_by("pk").__str__(),
        Assessment.objects.values_list("pk", "status", "title", "mode", "others_answers")
        .order_by("pk")
        .__str__(),
        Respondent.objects.values_list("pk", "number", "speaks_for", "sections", "submitted_at")
        .order_by("pk")
        .__str__(),
        Answer.objects.values_list("pk", "option_id", "kind").order_by("pk").__str__(),
        Invitation.objects.values_list("pk", "revoked_at").order_by("pk").__str__(),
        Strategy.objects.values_list(
            "pk", "title", "target_stage", "currency", "status", "version_minor"
        )
        .order_by("pk")
        .__str__(),
        ReviewComment.objects.values_list("pk", "resolved_at").order_by("pk").__str__(),
        ApprovedVersion.objects.count(),
        Section.objects.values_list("pk", "body", "version").order_by("pk").__str__(),
        Revision.objects.count(),
        RoadmapItem.objects.values_list("pk", "title", "order").order_by("pk").__str__(),
        StructuredRow.objects.values_list("pk", "data", "order").order_by("pk").__str__(),
    )


def test_every_app_url_is_known_to_this_test():
    names = {p.name for p in app_patterns()}
    assert "answer_save" in names and "results" in names
    assert len(org_patterns()) >= 15
    assert {p.name for p in staff_patterns()} == STAFF_ONLY


def test_staff_only_urls_answer_404_to_everyone_else_and_work_for_staff(
    client, owner, assessment, django_user_model
):
    questionnaire = assessment.questionnaire
    values = {"questionnaire_pk": questionnaire.pk, "section_key": "program"}
    staff_without_permission = django_user_model.objects.create_user(
        "stan", password="pw-stan-123", is_staff=True
    )
    before = snapshot()
    for user in (None, owner, staff_without_permission):
        client.logout()
        if user is not None:
            client.force_login(user)
        for pattern in staff_patterns():
            url = fill(pattern, values)
            statuses = {client.get(url).status_code, client.post(url, {}).status_code}
            assert statuses <= {404, 405} and 404 in statuses, f"{user} {url}: {statuses}"
    staff = django_user_model.objects.create_user("sue", password="pw-sue-123", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_questionnaire"))
    client.force_login(staff)
    for pattern in staff_patterns():
        url = fill(pattern, values)
        statuses = {client.get(url).status_code, client.post(url, {}).status_code}
        assert statuses <= {200, 302, 405} and statuses & {200, 302}, f"{url}: {statuses}"
    assert snapshot() == before


def test_every_url_of_another_organization_answers_404(client, owner, assessment, theirs):
    client.force_login(owner)
    before = snapshot()
    for pattern in org_patterns():
        url = fill(pattern, theirs)
        # 405 (wrong method) is decided before any lookup and tells nothing about the organization.
        statuses = {client.get(url).status_code, client.post(url, {"role": "owner"}).status_code}
        assert statuses <= {404, 405} and 404 in statuses, f"{url}: {statuses}"
    assert snapshot() == before


def test_another_organizations_ids_under_our_own_slug_answer_404(client, owner, assessment, theirs):
    client.force_login(owner)
    ours = {**theirs, "org_slug": "acme"}
    before = snapshot()
    for pattern in org_patterns():
        names = set(pattern.pattern.converters)
        ids = {
            "pk",
            "member_pk",
            "invitation_pk",
            "question_pk",
            "strategy_pk",
            "item_pk",
            "row_pk",
            "link_pk",
            "respondent_pk",
            "comment_pk",
            "version_pk",
        }
        if not names & ids:
            continue
        if "question_pk" in names:
            # Our assessment, a question of a version our assessment does not use.
            continue
        url = fill(pattern, ours)
        statuses = {client.get(url).status_code, client.post(url, {"role": "owner"}).status_code}
        assert statuses <= {404, 405} and 404 in statuses, f"{url}: {statuses}"
    assert snapshot() == before


def test_a_viewer_gets_403_on_every_write(
    client, organization, assessment, viewer, django_user_model
):
    editor = Membership.objects.create(
        organization=organization,
        user=django_user_model.objects.create_user("eddie", password="pw-eddie-123"),
        role="editor",
    )
    ours = {
        "org_slug": "acme",
        "pk": assessment.pk,
        "section_key": "program",
        "question_pk": assessment.questionnaire.questions.get(key="policy").pk,
        "number": 1,
        "member_pk": editor.pk,
        "invitation_pk": Invitation.objects.create(organization=organization).pk,
        "link_pk": ShareLink.create_for(assessment, None)[0].pk,
        "respondent_pk": Respondent.objects.create(
            assessment=assessment, user=editor.user, number=1
        ).pk,
        **strategy_values(organization, assessment),
    }
    client.force_login(viewer)
    before = snapshot()
    for pattern in org_patterns():
        if pattern.name in VIEWER_MAY_POST:
            continue
        url = fill(pattern, ours)
        status = client.post(url, {"role": "owner", "name": "Acme Research"}).status_code
        assert status in (403, 405), f"{url}: {status}"
    assert snapshot() == before


def test_every_post_needs_a_csrf_token(owner, assessment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    ours = {
        "org_slug": "acme",
        "pk": assessment.pk,
        "section_key": "program",
        "question_pk": assessment.questionnaire.questions.get(key="policy").pk,
        "number": 1,
        "member_pk": Membership.objects.get(user=owner).pk,
        "invitation_pk": Invitation.objects.create(organization=assessment.organization).pk,
        "link_pk": ShareLink.create_for(assessment, None)[0].pk,
        "respondent_pk": Respondent.objects.create(assessment=assessment, user=owner, number=1).pk,
        **strategy_values(assessment.organization, assessment),
    }
    before = snapshot()
    for pattern in org_patterns():
        url = fill(pattern, ours)
        assert client.post(url, {"role": "viewer"}).status_code in (403, 405), url
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_log_in(client, assessment):
    ours = {"org_slug": "acme", "pk": assessment.pk, "section_key": "program", "question_pk": 1}
    ours |= {"member_pk": 1, "invitation_pk": 1, "strategy_pk": 1, "item_pk": 1, "revision_pk": 1}
    ours |= {"link_pk": 1, "respondent_pk": 1, "number": 1}
    ours |= {"strategy:section_key": "risks", "row_pk": 1}
    ours |= {"link_pk": 1, "respondent_pk": 1, "number": 1, "comment_pk": 1, "version_pk": 1}
    ours |= {"strategy:section_key": "why"}
    for pattern in org_patterns():
        response = client.get(fill(pattern, ours))
        assert response.status_code in (302, 405), pattern.name
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))
