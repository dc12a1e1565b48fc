"""The scope of an assessment: the sections, layers and pillars the organization pursues.

Everyone in the organization reads it; only an owner changes it. Putting a scope out of scope
changes the organization's stage and scores for everyone, the way submitting and reopening do,
so it is an owner's decision like those, and an editor who answers questions cannot make it.
A submitted assessment's scope is locked with its answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.access import assessment_or_404, require_owner
from assessments.reporting import words_of
from assessments.scopes import Exclusion, ScopeError, find


@dataclass(frozen=True)
class ScopeChoice:
    kind: str
    key: str
    name: str
    excluded: Exclusion | None


def _groups(assessment) -> list[tuple[str, str, list[ScopeChoice]]]:
    words = words_of(assessment.questionnaire)
    exclusions = assessment.exclusions
    named = (
        ("section", _("Sections"), list(words.sections.items())),
        ("layer", _("Layers of work"), [(x.key, x.name) for x in words.layers]),
        ("pillar", _("Pillars of support"), [(x.key, x.name) for x in words.pillars]),
    )
    return [
        (
            kind,
            title,
            [ScopeChoice(kind, key, name, find(exclusions, kind, key)) for key, name in items],
        )
        for kind, title, items in named
    ]


@login_required
@require_http_methods(["GET", "POST"])
def assessment_scope(request, org_slug, pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    error, sent = "", {}
    status = 200
    if request.method == "POST":
        require_owner(membership)
        if assessment.is_locked:
            return HttpResponse(
                _("This assessment is submitted; its scope is locked with its answers."),
                status=409,
            )
        kind = request.POST.get("kind", "")
        key = request.POST.get("key", "")
        include = request.POST.get("action") == "include"
        reason = None if include else request.POST.get("reason", "")
        known = {k: [c.key for c in choices] for k, _title, choices in _groups(assessment)}
        try:
            assessment.change_scope(kind, key, reason, request.user, known=known.get(kind, []))
        except ScopeError as exc:
            error, sent, status = str(exc), {"kind": kind, "key": key}, 400
        else:
            # With htmx the list is redrawn in place and shows the change itself.
            if not request.headers.get("HX-Request"):
                if include:
                    messages.success(request, _("Back in scope; the results count it again."))
                else:
                    messages.success(request, _("Out of scope; the results leave it out."))
                return redirect("assessments:assessment_scope", org_slug=org_slug, pk=pk)
    context = {
        "membership": membership,
        "organization": membership.organization,
        "assessment": assessment,
        "questionnaire": assessment.questionnaire,
        "groups": _groups(assessment),
        "can_change": membership.can_manage and not assessment.is_locked,
        "error": error,
        "sent": sent,
    }
    template = "assessments/scope.html"
    if request.headers.get("HX-Request"):
        template += "#scopes"
    return render(request, template, context, status=status)
