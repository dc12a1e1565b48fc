"""An organization's life: creating it, its members and invitations, deleting it.

Every view that takes an organization slug reaches it through the user's membership
(access.membership_or_404), and looks up member and invitation ids only inside that organization,
so an id of another organization answers 404 like an unknown one.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.access import CURRENT_ORGANIZATION, membership_or_404, require_owner
from assessments.forms.organizations import (
    InvitationForm,
    MemberRoleForm,
    OrganizationDeleteForm,
    OrganizationForm,
)
from assessments.models import Invitation, Membership, Organization, Respondent

OWNER = Membership.Role.OWNER

logger = logging.getLogger(__name__)


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = Organization.objects.create_with_owner(
            form.cleaned_data["name"], request.user
        )
        messages.success(
            request,
            _("%(name)s is ready. You are its owner.") % {"name": organization.name},
        )
        return redirect("assessments:dashboard", org_slug=organization.slug)
    return render(request, "organizations/organization_form.html", {"form": form})


def _members_page(request, membership, *, invitation_form=None, delete_form=None):
    organization = membership.organization
    members = list(organization.memberships.select_related("user").order_by("user__username"))
    owner_count = sum(member.role == OWNER for member in members)
    context = {
        "organization": organization,
        "membership": membership,
        "members": [
            # The sole owner gets neither a role menu nor a remove button: neither could work.
            (member, member.role == OWNER and owner_count == 1)
            for member in members
        ],
        "roles": Membership.Role.choices,
    }
    if membership.can_manage:
        invitations = organization.invitations.usable().order_by("-created_at")
        # After an invitation is made, the next one starts with the role just chosen (the
        # redirect names it), not the model's default: a team is often invited one by one.
        role = request.GET.get("role")
        initial = {"role": role} if role in Membership.Role.values else {}
        context.update(
            invitation_form=invitation_form or InvitationForm(initial=initial),
            delete_form=delete_form or OrganizationDeleteForm(organization=organization),
            invitations=[
                (invitation, _invitation_link(request, invitation)) for invitation in invitations
            ],
        )
    return render(request, "organizations/members.html", context)


def _invitation_link(request, invitation: Invitation) -> str:
    return request.build_absolute_uri(
        reverse("assessments:invitation_accept", kwargs={"token": invitation.token})
    )


def _is_last_owner(member: Membership) -> bool:
    """Call inside a transaction: it locks the owners so two owners cannot demote each other."""
    if member.role != OWNER:
        return False
    owners = Membership.objects.select_for_update().filter(
        organization_id=member.organization_id, role=OWNER
    )
    return list(owners.values_list("pk", flat=True)) == [member.pk]


@login_required
@require_GET
def members(request, org_slug):
    membership = membership_or_404(request, org_slug)
    return _members_page(request, membership)


@login_required
@require_POST
def member_role(request, org_slug, member_pk):
    membership = membership_or_404(request, org_slug)
    require_owner(membership)
    member = get_object_or_404(
        Membership.objects.select_related("user"),
        organization_id=membership.organization_id,
        pk=member_pk,
    )
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles offered."))
        return redirect("assessments:members", org_slug=org_slug)
    role = form.cleaned_data["role"]
    with transaction.atomic():
        if role != OWNER and _is_last_owner(member):
            messages.error(
                request,
                _(
                    "%(name)s is the only owner. Make someone else an owner first; "
                    "an organization always needs one."
                )
                % {"name": member.user},
            )
            return redirect("assessments:members", org_slug=org_slug)
        member.role = role
        member.save(update_fields=["role"])
    messages.success(
        request,
        _("%(name)s is now %(role)s.") % {"name": member.user, "role": member.get_role_display()},
    )
    return redirect("assessments:members", org_slug=org_slug)


@login_required
@require_POST
def member_remove(request, org_slug, member_pk):
    membership = membership_or_404(request, org_slug)
    member = get_object_or_404(
        Membership.objects.select_related("user"),
        organization_id=membership.organization_id,
        pk=member_pk,
    )
    leaving = member.pk == membership.pk
    if not leaving:
        require_owner(membership)
    organization = membership.organization
    with transaction.atomic():
        if _is_last_owner(member):
            messages.error(
                request,
                _(
                    "%(name)s is the only owner and cannot leave. Make someone else an owner "
                    "first, or delete the organization."
                )
                % {"name": member.user},
            )
            return redirect("assessments:members", org_slug=org_slug)
        # Their own answers stay in the team's aggregates, without their name: in this
        # transaction, so the membership never ends with the name still on them. (Deleting a
        # membership does it too, whatever deletes it: here it is done first, to say so.)
        anonymized = Respondent.objects.anonymize(organization, member.user)
        member.delete()
    if leaving:
        if request.session.get(CURRENT_ORGANIZATION) == org_slug:
            del request.session[CURRENT_ORGANIZATION]
        said = _("You left %(name)s.") % {"name": organization.name}
        if anonymized:
            said += " " + _(
                "Your individual answers stay in the team's aggregates, without your name."
            )
        messages.success(request, said)
        return redirect("assessments:home")
    said = _("%(name)s no longer belongs to %(organization)s.") % {
        "name": member.user,
        "organization": organization.name,
    }
    if anonymized:
        said += " " + _(
            "Their individual answers stay in the team's aggregates, without their name."
        )
    messages.success(request, said)
    return redirect("assessments:members", org_slug=org_slug)


@login_required
@require_POST
def invitation_create(request, org_slug):
    membership = membership_or_404(request, org_slug)
    require_owner(membership)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _members_page(request, membership, invitation_form=form)
    invitation = form.save(commit=False)
    invitation.organization = membership.organization
    invitation.created_by = request.user
    invitation.save()
    if invitation.email and _send_invitation(request, invitation):
        messages.success(
            request,
            _("The invitation was sent to %(email)s. You can also share its link below.")
            % {"email": invitation.email},
        )
    elif invitation.email:
        messages.warning(
            request,
            _("The invitation could not be emailed to %(email)s. Share its link below instead.")
            % {"email": invitation.email},
        )
    else:
        messages.success(request, _("Invitation created. Share its link below."))
    members_url = reverse("assessments:members", kwargs={"org_slug": org_slug})
    return redirect(f"{members_url}?role={invitation.role}#invitations")


def _send_invitation(request, invitation: Invitation) -> bool:
    context = {
        "invitation": invitation,
        "link": _invitation_link(request, invitation),
        "inviter": request.user,
    }
    subject = render_to_string("organizations/invitation_subject.txt", context)
    try:
        send_mail(
            # A header cannot hold a line break.
            " ".join(subject.split()),
            render_to_string("organizations/invitation_email.txt", context),
            None,
            [invitation.email],
        )
    except Exception:
        # The link works without the email; a mail server that is down must not lose it.
        logger.exception("Could not email invitation %s", invitation.pk)
        return False
    return True


@login_required
@require_POST
def invitation_revoke(request, org_slug, invitation_pk):
    membership = membership_or_404(request, org_slug)
    require_owner(membership)
    invitation = get_object_or_404(
        Invitation, organization_id=membership.organization_id, pk=invitation_pk
    )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    messages.success(request, _("The invitation link no longer works."))
    return redirect(reverse("assessments:members", kwargs={"org_slug": org_slug}) + "#invitations")


class _UsedUp(Exception):
    """A single-use invitation was accepted by someone else in the meantime."""


def _gone(request, invitation: Invitation):
    return render(
        request, "organizations/invitation_gone.html", {"invitation": invitation}, status=410
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("organization"), token=token)
    organization = invitation.organization
    if not invitation.is_usable:
        return _gone(request, invitation)
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.path)
        return render(
            request, "organizations/invitation_anonymous.html", {"invitation": invitation}
        )
    if not invitation.is_addressed_to(request.user):
        return render(
            request,
            "organizations/invitation_not_yours.html",
            {"invitation": invitation},
            status=403,
        )
    if request.method == "GET":
        existing = Membership.objects.filter(organization=organization, user=request.user).first()
        return render(
            request,
            "organizations/invitation_accept.html",
            {"invitation": invitation, "existing": existing},
        )
    try:
        with transaction.atomic():
            member, created = Membership.objects.get_or_create(
                organization=organization, user=request.user, defaults={"role": invitation.role}
            )
            this = Invitation.objects.filter(pk=invitation.pk)
            if created and invitation.single_use:
                # Claimed by one conditional update: of two acceptances at once, one gets it.
                if not this.filter(uses=0, revoked_at__isnull=True).update(uses=1):
                    raise _UsedUp
            elif created:
                # F() so that colleagues joining through the same link at once are all counted.
                this.update(uses=F("uses") + 1)
    except _UsedUp:
        invitation.uses = 1
        return _gone(request, invitation)
    if created:
        messages.success(
            request,
            _("Welcome to %(organization)s. You joined as %(role)s.")
            % {"organization": organization.name, "role": member.get_role_display()},
        )
    else:
        messages.info(
            request,
            _("You already belong to %(organization)s as %(role)s; your role did not change.")
            % {"organization": organization.name, "role": member.get_role_display()},
        )
    return redirect("assessments:dashboard", org_slug=organization.slug)


@login_required
@require_POST
def organization_delete(request, org_slug):
    membership = membership_or_404(request, org_slug)
    require_owner(membership)
    organization = membership.organization
    form = OrganizationDeleteForm(request.POST, organization=organization)
    if not form.is_valid():
        return _members_page(request, membership, delete_form=form)
    name = organization.name
    organization.delete()
    if request.session.get(CURRENT_ORGANIZATION) == org_slug:
        del request.session[CURRENT_ORGANIZATION]
    messages.success(request, _("%(name)s was deleted, with all its assessments.") % {"name": name})
    return redirect("assessments:home")
