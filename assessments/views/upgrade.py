"""Moving an assessment in progress to the latest published version of its questionnaire.

The GET shows what would happen; only the POST changes anything. Owners only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from assessments.access import assessment_or_404, require_owner
from assessments.versioning import UpgradeError, apply_upgrade, newer_version, plan_upgrade


@login_required
@require_http_methods(["GET", "POST"])
def assessment_upgrade(request, org_slug, pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_owner(membership)
    target = newer_version(assessment)
    context = {
        "membership": membership,
        "organization": membership.organization,
        "assessment": assessment,
        "target": target,
        "plan": None,
    }
    if target is None:
        # Nothing to move to: say so, and refuse a confirmation that confirms nothing.
        status = 400 if request.method == "POST" else 200
        return render(request, "assessments/upgrade.html", context, status=status)
    if request.method == "POST":
        if request.POST.get("target") != str(target.pk):
            # Another version was published after the plan on screen was made: show the new one.
            messages.warning(
                request,
                _("A newer version was published meanwhile. Review what moving to it changes."),
            )
            context["plan"] = plan_upgrade(assessment, target)
            return render(request, "assessments/upgrade.html", context, status=409)
        try:
            plan = apply_upgrade(assessment, target, request.user)
        except UpgradeError as error:
            context["error"] = str(error)
            return render(request, "assessments/upgrade.html", context, status=409)
        messages.success(request, _upgrade_message(plan))
        return redirect("assessments:assessment", org_slug=org_slug, pk=pk)
    if not assessment.is_locked:
        context["plan"] = plan_upgrade(assessment, target)
    return render(request, "assessments/upgrade.html", context)


def _upgrade_message(plan) -> str:
    carried, dropped = len(plan.agreed_carried), len(plan.agreed_dropped)
    parts = [
        _("Moved to version %(version)s.") % {"version": plan.target.version},
        ngettext(
            "%(count)d answer carried over",
            "%(count)d answers carried over",
            carried,
        )
        % {"count": carried},
        ngettext("%(count)d dropped", "%(count)d dropped", dropped) % {"count": dropped},
        ngettext(
            "%(count)d new question to answer.",
            "%(count)d new questions to answer.",
            len(plan.new_questions),
        )
        % {"count": len(plan.new_questions)},
    ]
    message = f"{parts[0]} {parts[1]}, {parts[2]}, {parts[3]}"
    if plan.individual_carried or plan.individual_dropped:
        message += " " + _(
            "Of the respondents' own answers, %(carried)d carried over and %(dropped)d dropped."
        ) % {"carried": len(plan.individual_carried), "dropped": len(plan.individual_dropped)}
    return message
