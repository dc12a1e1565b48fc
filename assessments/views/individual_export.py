"""The export of the individual answers: owners only (docs/team.md, "Privacy")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_safe

from assessments.access import assessment_or_404, require_owner
from assessments.individual_export import individual_csv_response


@login_required
@require_safe
def export_individual_csv(request, org_slug, pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    # Editors see the answers on the consensus page, but a file leaves the organization's
    # hands: only an owner takes the team's individual answers away.
    require_owner(membership)
    return individual_csv_response(assessment)
