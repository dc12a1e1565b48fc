"""What the navbar needs on every page: the site's name, the user's organizations and the one
they are in."""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from assessments.access import CURRENT_ORGANIZATION, user_memberships
from assessments.models import Membership


def organizations(request) -> dict:
    if not request.user.is_authenticated:
        return {"user_memberships": [], "current_membership": None}
    # Lazy, so that a response that never renders the navbar (a redirect, an htmx fragment)
    # costs no query; one that does shares the request's one query with membership_or_404.
    memberships = SimpleLazyObject(lambda: user_memberships(request))
    return {
        "user_memberships": memberships,
        "current_membership": SimpleLazyObject(lambda: _current(request, memberships)),
    }


def _current(request, memberships) -> Membership | None:
    match = request.resolver_match
    wanted = [
        match.kwargs.get("org_slug") if match else None,
        request.session.get(CURRENT_ORGANIZATION),
    ]
    for slug in wanted:
        for membership in memberships:
            if slug and membership.organization.slug == slug:
                return membership
    return memberships[0] if memberships else None


def site(request) -> dict:
    return {"site_name": settings.SITE_NAME}
