"""Read-only share links of a submitted assessment's results.

An owner makes a link (it expires after 7, 30 or 90 days, 30 unless chosen) and may revoke it;
colleagues get 403 and outsiders 404, as everywhere. Whoever holds a live link sees the results
summary (`assessments/_summary.html`, every blocker and next step) without logging in: no
navigation into the organization, no answer's comment, nothing of another organization. A
revoked or expired link, or one whose assessment was reopened, answers 404. The page and its
header ask search engines not to index it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.access import assessment_or_404, require_owner
from assessments.models import ShareLink
from assessments.models.share import DAY_CHOICES, DEFAULT_DAYS, token_digest
from assessments.summary import summary_context


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def share_links(request, org_slug, pk):
    """The assessment's live links, and a new one (shown once, when made)."""
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_owner(membership)
    context = {
        "membership": membership,
        "organization": membership.organization,
        "assessment": assessment,
        "day_choices": DAY_CHOICES,
        "default_days": DEFAULT_DAYS,
    }
    status = 200
    if request.method == "POST":
        days = request.POST.get("days", "")
        if not assessment.is_locked:
            context["error"] = _("Only a submitted assessment can be shared.")
            status = 400
        elif not days.isdigit() or int(days) not in DAY_CHOICES:
            context["error"] = _("Choose how long the link stays open.")
            status = 400
        else:
            link, token = ShareLink.create_for(assessment, request.user, int(days))
            context["new_link"] = link
            context["new_url"] = request.build_absolute_uri(
                reverse("assessments:shared_results", args=[token])
            )
    context["links"] = list(
        ShareLink.objects.live().filter(assessment=assessment).select_related("created_by")
    )
    return render(request, "assessments/share_links.html", context, status=status)


@login_required
@require_POST
def share_revoke(request, org_slug, pk, link_pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_owner(membership)
    link = get_object_or_404(ShareLink, assessment=assessment, pk=link_pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    messages.success(request, _("The link is revoked: it opens nothing any more."))
    return redirect("assessments:share_links", org_slug=org_slug, pk=pk)


@require_safe
def shared_results(request, token):
    # The token is looked up by its digest: the visitor's secret is hashed, never compared.
    link = (
        ShareLink.objects.live()
        .filter(token_hash=token_digest(token))
        .select_related("assessment__organization", "assessment__questionnaire")
        .first()
    )
    if link is None or not link.assessment.is_locked:
        raise Http404(_("This link is not valid (any more)."))
    context = summary_context(link.assessment, full=True) | {"link": link}
    response = render(request, "assessments/shared.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The URL is the secret: a link followed from the page must not carry it along.
    response["Referrer-Policy"] = "no-referrer"
    return response
