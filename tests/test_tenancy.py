"""Tenancy, enumerated: every URL of the app is requested with another organization's ids.

New URL patterns are covered automatically: a pattern with an argument this file cannot fill
fails the test until someone says here how to fill it.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import Answer, Assessment, Invitation, Membership, Organization

pytestmark = pytest.mark.django_db

# URLs every logged-in person may open whatever their organization: they name no organization.
OPEN_TO_ANYONE = {"home", "model", "signup", "organization_create", "invitation_accept"}


def app_patterns() -> list[URLPattern]:
    found = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif namespace == "assessments":
                found.append(entry)

    walk(get_resolver().url_patterns, None)
    return found


def org_patterns() -> list[URLPattern]:
    return [p for p in app_patterns() if p.name not in OPEN_TO_ANYONE]


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
        "member_pk": Membership.objects.get(user=outsider).pk,
        "invitation_pk": Invitation.objects.create(
            organization=other_organization, created_by=outsider
        ).pk,
    }


def snapshot():
    return (
        Organization.objects.count(),
        Membership.objects.values_list("pk", "role").order_by("pk").__str__(),
        Assessment.objects.values_list("pk", "status", "title").order_by("pk").__str__(),
        Answer.objects.values_list("pk", "option_id", "kind").order_by("pk").__str__(),
        Invitation.objects.values_list("pk", "revoked_at").order_by("pk").__str__(),
    )


def fill(pattern: URLPattern, values: dict) -> str:
    names = list(pattern.pattern.converters)
    missing = [n for n in names if n not in values]
    assert not missing, f"teach tests/test_tenancy.py to fill {missing} of {pattern.name}"
    return reverse(f"assessments:{pattern.name}", kwargs={n: values[n] for n in names})


def test_every_app_url_is_known_to_this_test():
    names = {p.name for p in app_patterns()}
    assert "answer_save" in names and "results" in names
    assert len(org_patterns()) >= 15


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
        if not names & {"pk", "member_pk", "invitation_pk", "question_pk"}:
            continue
        if "question_pk" in names:
            # Our assessment, a question of a version our assessment does not use.
            continue
        url = fill(pattern, ours)
        statuses = {client.get(url).status_code, client.post(url, {"role": "owner"}).status_code}
        assert statuses <= {404, 405} and 404 in statuses, f"{url}: {statuses}"
    assert snapshot() == before


def test_a_viewer_gets_403_on_every_write(client, organization, assessment, django_user_model):
    viewer = django_user_model.objects.create_user("vera", password="pw-vera-123")
    Membership.objects.create(organization=organization, user=viewer, role="viewer")
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
        "member_pk": editor.pk,
        "invitation_pk": Invitation.objects.create(organization=organization).pk,
    }
    client.force_login(viewer)
    before = snapshot()
    for pattern in org_patterns():
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
        "member_pk": Membership.objects.get(user=owner).pk,
        "invitation_pk": Invitation.objects.create(organization=assessment.organization).pk,
    }
    before = snapshot()
    for pattern in org_patterns():
        url = fill(pattern, ours)
        assert client.post(url, {"role": "viewer"}).status_code in (403, 405), url
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_log_in(client, assessment):
    ours = {"org_slug": "acme", "pk": assessment.pk, "section_key": "program", "question_pk": 1}
    ours |= {"member_pk": 1, "invitation_pk": 1}
    for pattern in org_patterns():
        response = client.get(fill(pattern, ours))
        assert response.status_code in (302, 405), pattern.name
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))
