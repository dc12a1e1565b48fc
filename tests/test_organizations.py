"""Organizations: creating one, its members, invitations, deleting it, and switching between them.

Outside their organizations people get 404; inside, a non-owner doing an owner's job gets 403.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse
from django.utils import timezone

from assessments.access import CURRENT_ORGANIZATION
from assessments.context_processors import organizations
from assessments.models import Assessment, Invitation, Membership, Organization
from assessments.models.organization import RESERVED_SLUGS

pytestmark = pytest.mark.django_db

OWNER = Membership.Role.OWNER
EDITOR = Membership.Role.EDITOR
VIEWER = Membership.Role.VIEWER


@pytest.fixture
def invitation(organization, owner):
    return Invitation.objects.create(organization=organization, role=VIEWER, created_by=owner)


def membership(user, organization):
    return Membership.objects.get(user=user, organization=organization)


def members_url(organization):
    return reverse("assessments:members", kwargs={"org_slug": organization.slug})


def url(name, organization, **kwargs):
    return reverse(f"assessments:{name}", kwargs={"org_slug": organization.slug, **kwargs})


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# Creating an organization


def test_the_creator_of_an_organization_becomes_its_owner_and_lands_on_its_dashboard(client, owner):
    client.force_login(owner)

    response = client.post(reverse("assessments:organization_create"), {"name": "Initech Labs"})

    created = Organization.objects.get(name="Initech Labs")
    assert created.slug == "initech-labs"
    assert response.status_code == 302
    assert response.url == reverse("assessments:dashboard", kwargs={"org_slug": "initech-labs"})
    assert membership(owner, created).role == OWNER


def test_a_taken_slug_gets_a_number(client, owner):
    client.force_login(owner)
    for _ in range(3):
        client.post(reverse("assessments:organization_create"), {"name": "Acme Research"})

    slugs = set(Organization.objects.filter(name="Acme Research").values_list("slug", flat=True))
    # The fixture's organization already holds "acme"; "acme-research" is still free.
    assert slugs == {"acme", "acme-research", "acme-research-2", "acme-research-3"}


def test_a_slug_never_takes_the_address_of_the_create_page():
    assert Organization.objects.unique_slug("New") == "new-2"


def fixed_segments_under_orgs(patterns=None, prefix=""):
    """Every fixed path segment right after `orgs/` in the URLconf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if hasattr(pattern, "url_patterns"):
            yield from fixed_segments_under_orgs(pattern.url_patterns, route)
        elif route.startswith("orgs/"):
            segment = route.removeprefix("orgs/").split("/", 1)[0]
            if "<" not in segment:
                yield segment


def test_the_reserved_slugs_cover_every_fixed_page_under_orgs():
    segments = set(fixed_segments_under_orgs())
    assert "new" in segments
    assert segments <= RESERVED_SLUGS


def test_a_reserved_slug_is_refused_on_the_model_and_by_create_with_owner(owner):
    with pytest.raises(ValidationError):
        Organization(name="New", slug="new").full_clean()
    with pytest.raises(ValidationError):
        Organization.objects.create_with_owner("New", owner, slug="new")
    assert not Organization.objects.filter(slug="new").exists()


def test_create_with_owner_makes_the_user_its_owner(owner):
    made = Organization.objects.create_with_owner("Initech", owner)
    assert made.slug == "initech"
    assert Membership.objects.get(organization=made).user == owner
    assert Membership.objects.get(organization=made).role == OWNER


def test_the_admin_refuses_a_reserved_slug(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("ada", "ada@example.org", "pw-ada-123")
    )
    response = client.post(
        reverse("admin:assessments_organization_add"),
        {
            "name": "New",
            "slug": "new",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "reserved" in response.content.decode()
    assert not Organization.objects.filter(slug="new").exists()


def test_a_long_name_gets_a_slug_that_fits_even_with_a_number(db):
    name = "x" * 200
    Organization.objects.create(name=name, slug=Organization.objects.unique_slug(name))

    slug = Organization.objects.unique_slug(name)

    assert slug.endswith("-2")
    assert len(slug) <= Organization._meta.get_field("slug").max_length


def test_creating_an_organization_needs_a_name(client, owner):
    client.force_login(owner)

    response = client.post(reverse("assessments:organization_create"), {"name": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]


def test_creating_an_organization_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get(reverse("assessments:organization_create"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# The members page


def test_an_owner_sees_members_and_every_management_control(client, owner, colleague, invitation):
    client.force_login(owner)

    page = client.get(members_url(invitation.organization))

    content = page.content.decode()
    assert page.status_code == 200
    assert "olivia" in content and "carlos" in content
    colleague_pk = membership(colleague, invitation.organization).pk
    assert url("member_role", invitation.organization, member_pk=colleague_pk) in content
    assert url("member_remove", invitation.organization, member_pk=colleague_pk) in content
    assert url("invitation_create", invitation.organization) in content
    assert url("invitation_revoke", invitation.organization, invitation_pk=invitation.pk) in content
    assert url("organization_delete", invitation.organization) in content
    # The full link, in a labelled read-only field.
    link = f"http://testserver/invite/{invitation.token}/"
    assert re.search(rf'<label[^>]*for="invitation-link-{invitation.pk}"', content) and re.search(
        rf'<input[^>]*id="invitation-link-{invitation.pk}" value="{link}" readonly[ >]',
        content,
    )


def test_a_colleague_sees_the_members_but_no_owner_controls(client, owner, colleague, invitation):
    client.force_login(colleague)

    page = client.get(members_url(invitation.organization))

    content = page.content.decode()
    assert page.status_code == 200
    assert "olivia" in content and "carlos" in content
    assert "/role/" not in content
    assert invitation.token not in content
    assert url("organization_delete", invitation.organization) not in content
    # Only their own remove button: to leave.
    own = url(
        "member_remove",
        invitation.organization,
        member_pk=membership(colleague, invitation.organization).pk,
    )
    assert content.count("/remove/") == 1 and own in content


def test_the_members_page_of_another_organization_is_not_found(client, outsider, organization):
    client.force_login(outsider)

    assert client.get(members_url(organization)).status_code == 404


def test_the_members_page_asks_an_anonymous_visitor_to_log_in(client, organization):
    response = client.get(members_url(organization))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Roles and removal


def test_an_owner_changes_a_role(client, owner, colleague, organization):
    client.force_login(owner)
    target = membership(colleague, organization)

    response = client.post(url("member_role", organization, member_pk=target.pk), {"role": VIEWER})

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == VIEWER


def test_a_role_that_does_not_exist_changes_nothing(client, owner, colleague, organization):
    client.force_login(owner)
    target = membership(colleague, organization)

    client.post(url("member_role", organization, member_pk=target.pk), {"role": "admin"})

    target.refresh_from_db()
    assert target.role == EDITOR


def test_an_owner_removes_a_member(client, owner, colleague, organization):
    client.force_login(owner)

    response = client.post(
        url("member_remove", organization, member_pk=membership(colleague, organization).pk)
    )

    assert response.status_code == 302
    assert response.url == members_url(organization)
    assert not Membership.objects.filter(user=colleague, organization=organization).exists()


def test_a_member_may_leave(client, owner, colleague, organization):
    client.force_login(colleague)

    response = client.post(
        url("member_remove", organization, member_pk=membership(colleague, organization).pk)
    )

    assert response.status_code == 302
    assert response.url == reverse("assessments:home")
    assert not Membership.objects.filter(user=colleague, organization=organization).exists()


def test_the_last_owner_can_be_neither_demoted_nor_removed(client, owner, colleague, organization):
    client.force_login(owner)
    own = membership(owner, organization)

    demote = client.post(url("member_role", organization, member_pk=own.pk), {"role": EDITOR})
    leave = client.post(url("member_remove", organization, member_pk=own.pk))

    own.refresh_from_db()
    assert own.role == OWNER
    assert "only owner" in messages_of(demote)[0]
    assert "only owner" in messages_of(leave)[0]
    page = client.get(members_url(organization))
    assert url("member_remove", organization, member_pk=own.pk) not in page.content.decode()


def test_an_owner_may_step_down_once_there_is_another_owner(client, owner, colleague, organization):
    Membership.objects.filter(user=colleague).update(role=OWNER)
    client.force_login(owner)
    own = membership(owner, organization)

    client.post(url("member_role", organization, member_pk=own.pk), {"role": EDITOR})

    own.refresh_from_db()
    assert own.role == EDITOR


def owner_only_posts(organization, colleague_membership, invitation):
    return [
        (url("member_role", organization, member_pk=colleague_membership.pk), {"role": OWNER}),
        (url("member_remove", organization, member_pk=colleague_membership.pk), {}),
        (url("invitation_create", organization), {"role": OWNER}),
        (url("invitation_revoke", organization, invitation_pk=invitation.pk), {}),
        (url("organization_delete", organization), {"delete-confirm_name": organization.name}),
    ]


@pytest.mark.parametrize("role", [EDITOR, VIEWER])
def test_editors_and_viewers_are_refused_every_owner_only_action(
    client, django_user_model, owner, colleague, organization, invitation, role
):
    actor = django_user_model.objects.create_user("ava", password="pw-ava-123")
    Membership.objects.create(organization=organization, user=actor, role=role)
    client.force_login(actor)
    target = membership(colleague, organization)

    for action, data in owner_only_posts(organization, target, invitation):
        assert client.post(action, data).status_code == 403, action

    target.refresh_from_db()
    invitation.refresh_from_db()
    assert target.role == EDITOR
    assert invitation.revoked_at is None
    assert Invitation.objects.count() == 1
    assert Organization.objects.filter(pk=organization.pk).exists()
    assert not Membership.objects.filter(user=actor, role=OWNER).exists()


def test_an_outsider_gets_not_found_for_every_owner_only_action(
    client, outsider, colleague, organization, invitation
):
    client.force_login(outsider)

    for action, data in owner_only_posts(
        organization, membership(colleague, organization), invitation
    ):
        assert client.post(action, data).status_code == 404, action


def test_ids_of_another_organization_are_not_found(
    client, owner, outsider, organization, other_organization
):
    foreign_member = membership(outsider, other_organization)
    foreign_invitation = Invitation.objects.create(organization=other_organization)
    client.force_login(owner)

    assert (
        client.post(
            url("member_role", organization, member_pk=foreign_member.pk), {"role": VIEWER}
        ).status_code
        == 404
    )
    assert (
        client.post(url("member_remove", organization, member_pk=foreign_member.pk)).status_code
        == 404
    )
    assert (
        client.post(
            url("invitation_revoke", organization, invitation_pk=foreign_invitation.pk)
        ).status_code
        == 404
    )
    foreign_member.refresh_from_db()
    foreign_invitation.refresh_from_db()
    assert foreign_member.role == OWNER
    assert foreign_invitation.revoked_at is None


def test_management_actions_only_accept_post(client, owner, colleague, organization, invitation):
    client.force_login(owner)

    for action, _data in owner_only_posts(
        organization, membership(colleague, organization), invitation
    ):
        assert client.get(action).status_code == 405, action


def test_a_post_without_a_csrf_token_is_refused(owner, colleague, organization):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    target = membership(colleague, organization)

    response = client.post(url("member_remove", organization, member_pk=target.pk))

    assert response.status_code == 403
    assert Membership.objects.filter(pk=target.pk).exists()


# Invitations


def _chosen_role(html: str) -> str:
    select = re.search(r'<select name="role".*?</select>', html, re.DOTALL).group(0)
    return re.search(r'<option value="(\w+)" selected>', select).group(1)


def test_the_role_picker_keeps_the_role_of_the_invitation_just_made(client, owner, organization):
    client.force_login(owner)
    response = client.post(url("invitation_create", organization), {"role": VIEWER}, follow=True)
    assert _chosen_role(response.content.decode()) == VIEWER
    # A made-up role in the address is ignored: the form starts from its default.
    page = client.get(members_url(organization) + "?role=admin").content.decode()
    assert _chosen_role(page) == Membership.Role.EDITOR


def test_the_role_picker_keeps_its_choice_when_the_invitation_is_refused(
    client, owner, organization
):
    client.force_login(owner)
    response = client.post(
        url("invitation_create", organization), {"role": VIEWER, "single_use": "on"}
    )
    html = response.content.decode()
    assert "needs the address" in html
    assert _chosen_role(html) == VIEWER


def test_each_invitation_link_has_a_copy_button_and_a_field_to_select_without_script(
    client, owner, organization
):
    client.force_login(owner)
    client.post(url("invitation_create", organization), {"role": VIEWER})
    html = client.get(members_url(organization)).content.decode()
    invitation = Invitation.objects.get()
    field = re.search(rf'<input[^>]*id="invitation-link-{invitation.pk}"[^>]*>', html).group(0)
    assert "readonly" in field and "data-select-on-focus" in field
    assert invitation.token in field
    # Hidden until app.js runs: without script there is nothing to copy with.
    button = re.search(rf'<button[^>]*data-copy="invitation-link-{invitation.pk}"[^>]*>', html)
    assert button and " hidden" in button.group(0)


def test_an_owner_creates_an_invitation_link(client, owner, organization):
    client.force_login(owner)

    response = client.post(url("invitation_create", organization), {"role": VIEWER, "email": ""})

    invitation = Invitation.objects.get()
    assert response.status_code == 302
    assert response.url == members_url(organization) + f"?role={VIEWER}#invitations"
    assert (invitation.organization, invitation.role, invitation.created_by) == (
        organization,
        VIEWER,
        owner,
    )
    assert invitation.is_usable
    assert mail.outbox == []
    page = client.get(members_url(organization))
    assert f"http://testserver/invite/{invitation.token}/" in page.content.decode()


def test_an_invitation_with_an_address_is_also_emailed(client, owner, organization):
    client.force_login(owner)

    client.post(url("invitation_create", organization), {"role": EDITOR, "email": "ed@example.org"})

    invitation = Invitation.objects.get()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ed@example.org"]
    assert "Acme Research" in mail.outbox[0].subject
    assert f"http://testserver/invite/{invitation.token}/" in mail.outbox[0].body


def test_an_invalid_invitation_is_shown_with_its_errors(client, owner, organization):
    client.force_login(owner)

    response = client.post(
        url("invitation_create", organization), {"role": "admin", "email": "not-an-address"}
    )

    assert response.status_code == 200
    assert set(response.context["invitation_form"].errors) == {"role", "email"}
    assert not Invitation.objects.exists()


def test_an_owner_revokes_an_invitation(client, owner, organization, invitation):
    client.force_login(owner)

    client.post(url("invitation_revoke", organization, invitation_pk=invitation.pk))

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert invitation.token not in client.get(members_url(organization)).content.decode()


def test_an_anonymous_visitor_learns_where_the_invitation_leads_and_how_to_come_back(
    client, invitation
):
    path = reverse("assessments:invitation_accept", kwargs={"token": invitation.token})

    page = client.get(path)

    content = page.content.decode()
    assert page.status_code == 200
    assert "Acme Research" in content and "Viewer" in content
    assert f'href="{reverse("login")}?next={path}"' in content
    assert f'href="{reverse("assessments:signup")}?next={path}"' in content
    assert not Membership.objects.filter(role=VIEWER).exists()


def test_an_anonymous_post_to_an_invitation_asks_to_log_in(client, invitation):
    path = reverse("assessments:invitation_accept", kwargs={"token": invitation.token})

    response = client.post(path)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert invitation.organization.memberships.count() == 1


def test_a_logged_in_visitor_confirms_with_a_join_button(client, outsider, invitation):
    client.force_login(outsider)
    path = reverse("assessments:invitation_accept", kwargs={"token": invitation.token})

    page = client.get(path)

    assert page.status_code == 200
    assert re.search(rf'<form method="post" action="{path}">', page.content.decode())
    assert b"<button" in page.content
    assert not Membership.objects.filter(user=outsider, organization=invitation.organization)


def test_joining_creates_the_membership_with_the_invitations_role(
    client, outsider, django_user_model, invitation
):
    path = reverse("assessments:invitation_accept", kwargs={"token": invitation.token})
    client.force_login(outsider)

    response = client.post(path)

    assert response.status_code == 302
    assert response.url == reverse("assessments:dashboard", kwargs={"org_slug": "acme"})
    assert membership(outsider, invitation.organization).role == VIEWER
    invitation.refresh_from_db()
    assert invitation.uses == 1

    # The same link works for the whole team.
    second = django_user_model.objects.create_user("sam", password="pw-sam-123")
    client.force_login(second)
    client.post(path)
    invitation.refresh_from_db()
    assert membership(second, invitation.organization).role == VIEWER
    assert invitation.uses == 2


def test_someone_who_already_belongs_keeps_their_role(client, colleague, invitation):
    client.force_login(colleague)
    path = reverse("assessments:invitation_accept", kwargs={"token": invitation.token})

    response = client.post(path)

    assert response.status_code == 302
    assert membership(colleague, invitation.organization).role == EDITOR
    assert "already belong" in messages_of(response)[0]
    invitation.refresh_from_db()
    assert invitation.uses == 0


@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_an_expired_or_revoked_invitation_is_gone(client, outsider, invitation, state):
    if state == "expired":
        invitation.expires_at = timezone.now() - timedelta(minutes=1)
    else:
        invitation.revoked_at = timezone.now()
    invitation.save()
    path = reverse("assessments:invitation_accept", kwargs={"token": invitation.token})

    anonymous = client.get(path)
    client.force_login(outsider)
    joining = client.post(path)

    assert anonymous.status_code == 410
    assert b"no longer works" in anonymous.content
    assert joining.status_code == 410
    assert not Membership.objects.filter(user=outsider, organization=invitation.organization)


def test_an_unknown_invitation_is_not_found(client, invitation):
    path = reverse("assessments:invitation_accept", kwargs={"token": "not-a-token"})

    assert client.get(path).status_code == 404


# Deleting an organization


def test_deleting_an_organization_needs_its_exact_name(client, owner, organization):
    client.force_login(owner)

    for typed in ["", "acme research", "Acme"]:
        response = client.post(
            url("organization_delete", organization), {"delete-confirm_name": typed}
        )
        assert response.status_code == 200
        assert response.context["delete_form"].errors

    assert Organization.objects.filter(pk=organization.pk).exists()


def test_an_owner_deletes_the_organization_with_everything_in_it(
    client, owner, colleague, organization, other_organization, assessment, invitation
):
    client.force_login(owner)
    client.get(members_url(organization))

    response = client.post(
        url("organization_delete", organization), {"delete-confirm_name": "Acme Research"}
    )

    assert response.status_code == 302
    assert response.url == reverse("assessments:home")
    assert "Acme Research" in messages_of(response)[0]
    assert not Organization.objects.filter(pk=organization.pk).exists()
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    assert not Membership.objects.filter(organization_id=organization.pk).exists()
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert Organization.objects.filter(pk=other_organization.pk).exists()
    assert CURRENT_ORGANIZATION not in client.session


# Switching organizations


def test_the_switcher_lists_only_the_users_organizations(
    client, owner, organization, other_organization
):
    client.force_login(owner)
    Membership.objects.create(
        organization=Organization.objects.create(name="Umbrella", slug="umbrella"),
        user=owner,
        role=VIEWER,
    )

    page = client.get(members_url(organization))

    content = page.content.decode()
    switcher = content[
        content.index('data-testid="organization-switcher"') : content.index('id="account-menu"')
    ]
    assert reverse("assessments:dashboard", kwargs={"org_slug": "acme"}) in switcher
    assert reverse("assessments:dashboard", kwargs={"org_slug": "umbrella"}) in switcher
    assert "globex" not in content
    assert [m.organization.slug for m in page.context["user_memberships"]] == ["acme", "umbrella"]
    assert reverse("assessments:organization_create") in switcher
    assert members_url(organization) in switcher


def test_an_anonymous_visitor_has_no_switcher(client, organization):
    content = client.get(reverse("assessments:home")).content.decode()

    assert "organization-switcher" not in content
    assert reverse("assessments:signup") in content


def test_the_current_organization_is_the_one_in_the_url_then_the_last_opened_then_the_first(
    client, owner, organization
):
    umbrella = Organization.objects.create(name="Umbrella", slug="umbrella")
    Membership.objects.create(organization=umbrella, user=owner, role=VIEWER)
    client.force_login(owner)

    # A page without an organization in its URL, before any organization was opened.
    elsewhere = reverse("password_change")
    assert client.get(elsewhere).context["current_membership"].organization == organization

    in_url = client.get(members_url(umbrella))
    assert in_url.context["current_membership"].organization == umbrella

    # Opening umbrella's page remembered it for pages without an organization in the URL.
    assert client.session[CURRENT_ORGANIZATION] == "umbrella"
    assert client.get(elsewhere).context["current_membership"].organization == umbrella


def test_the_organizations_of_the_navbar_cost_one_query(
    owner, organization, other_organization, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = owner
    request.session = {}

    context = organizations(request)

    with django_assert_num_queries(1):
        assert [m.organization.slug for m in context["user_memberships"]] == ["acme"]
        assert context["current_membership"].organization.slug == "acme"


def test_an_anonymous_visitor_costs_no_query(django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with django_assert_num_queries(0):
        context = organizations(request)

    assert context == {"user_memberships": [], "current_membership": None}


# --- Single-use invitations -----------------------------------------------------------------


@pytest.fixture
def single_use(organization, owner):
    return Invitation.objects.create(
        organization=organization,
        role=EDITOR,
        created_by=owner,
        email="newcomer@example.ORG",
        single_use=True,
    )


def accept_path(invitation):
    return reverse("assessments:invitation_accept", kwargs={"token": invitation.token})


def test_an_owner_creates_a_single_use_invitation_for_an_address(client, owner, organization):
    client.force_login(owner)

    response = client.post(
        url("invitation_create", organization),
        {"role": EDITOR, "email": "ed@example.org", "single_use": "on"},
    )

    invitation = Invitation.objects.get()
    assert response.status_code == 302
    assert invitation.single_use and invitation.email == "ed@example.org"
    assert mail.outbox[0].to == ["ed@example.org"]
    page = client.get(members_url(organization)).content.decode()
    assert "single use, only for ed@example.org" in page
    assert accept_path(invitation) in page


def test_a_single_use_invitation_needs_an_address(client, owner, organization):
    client.force_login(owner)

    response = client.post(
        url("invitation_create", organization), {"role": EDITOR, "email": "", "single_use": "on"}
    )

    assert response.status_code == 200
    assert "needs the address of the person it is for" in response.content.decode()
    assert not Invitation.objects.exists()


def test_only_owners_of_the_organization_create_single_use_invitations(
    client, colleague, outsider, organization
):
    data = {"role": OWNER, "email": "x@example.org", "single_use": "on"}
    client.force_login(colleague)
    assert client.post(url("invitation_create", organization), data).status_code == 403
    client.force_login(outsider)
    assert client.post(url("invitation_create", organization), data).status_code == 404
    assert not Invitation.objects.exists()


def test_a_single_use_invitation_is_accepted_once_by_its_address_in_any_case(
    client, django_user_model, single_use
):
    newcomer = django_user_model.objects.create_user("nina", "Newcomer@Example.org", "pw-nina-1")
    namesake = django_user_model.objects.create_user("nico", "newcomer@example.org", "pw-nico-1")
    client.force_login(newcomer)

    page = client.get(accept_path(single_use))
    joined = client.post(accept_path(single_use))

    assert page.status_code == 200 and b"You are invited to join" in page.content
    assert joined.status_code == 302
    assert membership(newcomer, single_use.organization).role == EDITOR
    single_use.refresh_from_db()
    assert single_use.uses == 1 and not single_use.is_usable
    assert single_use not in Invitation.objects.usable()
    # Used up: gone, for anyone, even someone else with the same address.
    assert client.get(accept_path(single_use)).status_code == 410
    client.force_login(namesake)
    again = client.post(accept_path(single_use))
    assert again.status_code == 410
    assert b"already used" in again.content
    assert not Membership.objects.filter(user=namesake).exists()


@pytest.mark.parametrize("email", ["someone@example.org", ""], ids=["other address", "none"])
def test_a_single_use_invitation_refuses_any_other_account(
    client, django_user_model, single_use, email
):
    stranger = django_user_model.objects.create_user("sam", email, "pw-sam-123")
    client.force_login(stranger)

    page = client.get(accept_path(single_use))
    joining = client.post(accept_path(single_use))

    assert page.status_code == 403 and joining.status_code == 403
    assert b"for someone else" in joining.content
    assert b"newcomer@example" not in joining.content.lower()
    assert not Membership.objects.filter(user=stranger).exists()
    single_use.refresh_from_db()
    assert single_use.uses == 0 and single_use.is_usable


def test_a_single_use_invitation_asks_a_visitor_to_log_in_with_its_address(client, single_use):
    page = client.get(accept_path(single_use))
    joining = client.post(accept_path(single_use))

    assert page.status_code == 200
    assert b"This invitation is for one person" in page.content
    assert joining.status_code == 302 and "login" in joining.url


def test_a_single_use_invitation_claimed_meanwhile_is_gone(client, django_user_model, single_use):
    newcomer = django_user_model.objects.create_user("nina", "newcomer@example.org", "pw-nina-1")
    client.force_login(newcomer)
    page = client.get(accept_path(single_use))
    Invitation.objects.filter(pk=single_use.pk).update(uses=1)  # another tab, a moment earlier

    joining = client.post(accept_path(single_use))

    assert page.status_code == 200
    assert joining.status_code == 410
    assert not Membership.objects.filter(user=newcomer).exists()


def test_a_reusable_link_still_lets_anyone_join_several_times(
    client, django_user_model, invitation
):
    for name in ("amy", "ben"):
        client.force_login(django_user_model.objects.create_user(name, "", f"pw-{name}-123"))
        assert client.post(accept_path(invitation)).status_code == 302
    invitation.refresh_from_db()
    assert invitation.uses == 2 and invitation.is_usable
