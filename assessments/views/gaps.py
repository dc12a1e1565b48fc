"""The results page's "Perception gaps" part: how the groups of a team see the organization.

No page of its own: the results view puts it under the report, and answers an htmx switch of
grouping (`?gaps=role`) with this part only. Rendered once per state and kept: the key names the
answers (individual answers move the answers revision too), the respondents' groups (what they
speak for, their role), the grouping and whether the reader may see groups of one.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from assessments.caches import cached_fragment, fragment_key
from assessments.gaps import (
    BY_LAYER,
    GROUPINGS,
    PRIVATE_BELOW,
    gaps_of,
    groupings_key,
    respondents_with_roles,
)


def grouping(request) -> str:
    by = request.GET.get("gaps", BY_LAYER)
    return by if by in GROUPINGS else BY_LAYER


def perception_part(request, membership, assessment) -> SafeString:
    """The rendered part, or "" where there is nothing to compare (not answered individually,
    fewer than two respondents who answered)."""
    if not assessment.is_individual:
        return SafeString("")
    by = grouping(request)
    # Owners and editors see every group; the others groups of two people or more only.
    sees_everyone = membership.can_edit
    respondents = respondents_with_roles(assessment)
    if len(respondents) < 2:
        return SafeString("")

    def render_part() -> str:
        gaps = gaps_of(
            assessment,
            by=by,
            min_group=1 if sees_everyone else PRIVATE_BELOW,
            respondents=respondents,
        )
        if gaps is None:
            return ""
        context = {
            "organization": membership.organization,
            "assessment": assessment,
            "gaps": gaps,
            "chart": gaps.chart(),
            "table": gaps.table(),
            "sees_everyone": sees_everyone,
            "small_groups": sum(1 for g in gaps.groups if g.size < PRIVATE_BELOW),
            "private_below": PRIVATE_BELOW,
        }
        return render_to_string("assessments/results.html#perception", context, request=request)

    key = None
    if not assessment.questionnaire.is_draft:
        key = fragment_key(
            "perception",
            assessment.pk,
            assessment.created_at.isoformat(),
            assessment.answers_fingerprint,
            assessment.scope_exclusions,
            assessment.organization.slug,
            by,
            sees_everyone,
            groupings_key(respondents),
        )
    return cached_fragment(key, render_part)
