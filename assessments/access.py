"""Tenancy: every object a view touches is reached through the requesting user's membership.

A URL of an organization the user does not belong to answers 404 (not 403), so that it tells an
outsider nothing, not even that the organization exists. Inside their organization, a viewer who
tries to write gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from assessments.models import Assessment, Membership

CURRENT_ORGANIZATION = "current_organization"


def user_memberships(request) -> list[Membership]:
    """Every membership of the requesting user, with its organization, read once per request:
    the navbar lists them all and `membership_or_404` picks one, from the same query."""
    memberships = getattr(request, "_user_memberships", None)
    if memberships is None:
        memberships = request._user_memberships = list(
            Membership.objects.filter(user_id=request.user.pk)
            .select_related("organization")
            .order_by("organization__name", "organization__slug")
        )
    return memberships


def membership_or_404(request, org_slug: str) -> Membership:
    membership = next(
        (m for m in user_memberships(request) if m.organization.slug == org_slug), None
    )
    if membership is None:
        raise Http404("No such organization among yours.")
    # Whatever organization the user last opened is where "home" takes them next time.
    if request.session.get(CURRENT_ORGANIZATION) != org_slug:
        request.session[CURRENT_ORGANIZATION] = org_slug
    return membership


def require_editor(membership: Membership, refusal: str | None = None) -> None:
    """Owners and editors change answers and strategies; a viewer only reads.

    `refusal` is what the 403 page tells the viewer, in the words of the page they were on.
    """
    if not membership.can_edit:
        raise PermissionDenied(refusal or _("Viewers can read results but not change answers."))


def require_owner(membership: Membership) -> None:
    if not membership.can_manage:
        raise PermissionDenied(_("Only an owner of the organization can do this."))


def assessment_or_404(request, org_slug: str, pk: int) -> tuple[Membership, Assessment]:
    # One query in the common case: the assessment, joined with the requesting user's membership
    # of its organization, which must also be the organization of the URL.
    found = (
        Assessment.objects.select_related("questionnaire", "organization")
        .filter(
            pk=pk, organization__slug=org_slug, organization__memberships__user_id=request.user.pk
        )
        .annotate(
            **{
                f"membership_{name}": F(f"organization__memberships__{name}")
                for name in _MEMBERSHIP_READ
            }
        )
        .order_by()[:1]
    )
    assessment = next(iter(found), None)
    if assessment is None:
        # Not a member, or no such assessment there: the two steps one by one, so that a miss
        # behaves exactly as each of them does on its own.
        membership = membership_or_404(request, org_slug)
        assessment = get_object_or_404(
            Assessment.objects.select_related("questionnaire", "organization"),
            organization_id=membership.organization_id,
            pk=pk,
        )
        return membership, assessment
    # The join's own conditions give the organization and the user.
    known = {"organization_id": assessment.organization_id, "user_id": request.user.pk}
    membership = Membership.from_db(
        assessment._state.db,
        _MEMBERSHIP_COLUMNS,
        [
            known[name] if name in known else getattr(assessment, f"membership_{name}")
            for name in _MEMBERSHIP_COLUMNS
        ],
    )
    membership.organization = assessment.organization
    if request.session.get(CURRENT_ORGANIZATION) != org_slug:
        request.session[CURRENT_ORGANIZATION] = org_slug
    return membership, assessment


# Every column of a membership, in the model's order, as Model.from_db takes them; and those
# read from the join (each one read costs some building of the query).
_MEMBERSHIP_COLUMNS = [field.attname for field in Membership._meta.concrete_fields]
_MEMBERSHIP_READ = [
    name for name in _MEMBERSHIP_COLUMNS if name not in ("organization_id", "user_id")
]
