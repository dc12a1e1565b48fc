"""Strategies are reached through the requesting user's membership, like everything else."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from assessments.access import membership_or_404, require_editor
from assessments.models import Membership
from strategy.models import Strategy


def strategy_or_404(request, org_slug: str, strategy_pk: int) -> tuple[Membership, Strategy]:
    membership = membership_or_404(request, org_slug)
    strategy = get_object_or_404(
        Strategy.objects.select_related("organization", "assessment__questionnaire"),
        organization_id=membership.organization_id,
        pk=strategy_pk,
    )
    return membership, strategy


def require_strategy_editor(membership: Membership) -> None:
    require_editor(membership, _("Viewers can read the strategy but not change it."))


def begin_edit(request, membership: Membership, strategy: Strategy) -> None:
    """Before any write to the strategy: editors only, and an approved strategy first becomes
    the draft of its next minor version (its approved version stays archived as it was).

    Every view that changes the strategy's content calls this instead of
    `require_strategy_editor`.
    """
    from strategy.approval import reopen_if_approved

    require_strategy_editor(membership)
    reopen_if_approved(strategy, request.user)
