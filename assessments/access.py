"""Tenancy: every object a view touches is reached through the requesting user's membership.

A URL of an organization the user does not belong to answers 404 (not 403), so that it tells an
outsider nothing, not even that the organization exists. Inside their organization, a viewer who
tries to write gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from assessments.models import Assessment, Membership

CURRENT_ORGANIZATION = "current_organization"


def membership_or_404(request, org_slug: str) -> Membership:
    membership = get_object_or_404(
        Membership.objects.select_related("organization"),
        user_id=request.user.pk,
        organization__slug=org_slug,
    )
    # Whatever organization the user last opened is where "home" takes them next time.
    if request.session.get(CURRENT_ORGANIZATION) != org_slug:
        request.session[CURRENT_ORGANIZATION] = org_slug
    return membership


def require_answer_rights(membership: Membership) -> None:
    if not membership.can_answer:
        raise PermissionDenied("Viewers can read results but not change answers.")


def require_owner(membership: Membership) -> None:
    if not membership.can_manage:
        raise PermissionDenied("Only an owner of the organization can do this.")


def assessment_or_404(request, org_slug: str, pk: int) -> tuple[Membership, Assessment]:
    membership = membership_or_404(request, org_slug)
    assessment = get_object_or_404(
        Assessment.objects.select_related("questionnaire", "organization"),
        organization_id=membership.organization_id,
        pk=pk,
    )
    return membership, assessment
