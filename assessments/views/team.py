"""An assessment's team page: how the team answers, and who answers on their own.

Owners change the way of answering (until the first answer), what respondents see of the
others' answers, and the respondents; editors read it all; a viewer who is a respondent sees
their own assignment only. docs/team.md says it in plain words.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from assessments.access import assessment_or_404, require_owner
from assessments.answering import AssessmentAnswers, questionnaire_structure
from assessments.forms.team import MODE_HELP, OTHERS_HELP, RespondentForm, TeamSettingsForm
from assessments.individual import assigned_structure, next_number, progress_of
from assessments.models import Answer, Assessment, Respondent


def _team(request, org_slug, pk):
    """The assessment, the membership and the requesting user's respondent (or None): 404
    outside one's organizations, 403 for a viewer who answers nothing here."""
    membership, assessment = assessment_or_404(request, org_slug, pk)
    mine = Respondent.objects.of_user(assessment, request.user)
    if not membership.can_edit and mine is None:
        raise PermissionDenied(
            _("Only owners and editors see the team; you are not one of its respondents.")
        )
    return membership, assessment, mine


def _entries(assessment: Assessment, respondents, structure, layers, forms=None) -> list[dict]:
    """Each respondent with what the page shows of them: two queries whatever their number
    (the respondents, and every answer of theirs as plain values)."""
    rows = defaultdict(list)
    answered_any = set()
    for respondent_id, question_id, kind, score, boxes in Answer.objects.filter(
        assessment=assessment, respondent__in=[r.pk for r in respondents]
    ).values_list("respondent_id", "question_id", "kind", "option__score", "boxes"):
        answered_any.add(respondent_id)
        if kind != Answer.Kind.NOTE:
            rows[respondent_id].append((question_id, kind, score, boxes))
    excluded = AssessmentAnswers(assessment, structure).excluded()
    layer_names = dict(layers)
    titles = {s.key: s.title for s in structure.sections}
    forms = forms or {}
    entries = []
    for respondent in respondents:
        respondent.assessment = assessment
        entries.append(
            {
                "respondent": respondent,
                "speaks_for": layer_names.get(respondent.speaks_for, respondent.speaks_for),
                "sections": [titles[key] for key in respondent.sections if key in titles],
                "progress": progress_of(
                    assigned_structure(structure, respondent.sections),
                    rows[respondent.pk],
                    excluded,
                ),
                "has_answers": respondent.pk in answered_any,
                "form": forms.get(respondent.pk)
                or RespondentForm(
                    assessment=assessment,
                    structure=structure,
                    respondent=respondent,
                    layers=layers,
                ),
            }
        )
    return entries


def _render(request, membership, assessment, mine, status=200, **bound):
    """The team page; `bound` holds a refused form to show again with its errors
    (`settings_form`, `add_form`, or `forms` by respondent pk)."""
    structure = questionnaire_structure(assessment.questionnaire)
    full = membership.can_edit
    respondents = list(assessment.respondents.select_related("user")) if full else [mine]
    owner = membership.can_manage
    layers = [(layer.key, layer.name) for layer in assessment.questionnaire.layers.all()]
    context = {
        "membership": membership,
        "organization": membership.organization,
        "assessment": assessment,
        "mine": mine,
        "full": full,
        "owner": owner,
        "names": assessment.questionnaire.axis_names,
        "can_change_mode": assessment.can_change_mode(),
        "mode_help": MODE_HELP,
        "others_help": OTHERS_HELP,
        "entries": _entries(assessment, respondents, structure, layers, bound.get("forms")),
    }
    if owner:
        context["settings_form"] = bound.get("settings_form") or TeamSettingsForm(
            initial={"mode": assessment.mode, "others_answers": assessment.others_answers}
        )
        if assessment.is_individual:
            context["add_form"] = bound.get("add_form") or RespondentForm(
                assessment=assessment, structure=structure, layers=layers
            )
    return render(request, "assessments/team.html", context, status=status)


@login_required
@require_safe
def team(request, org_slug, pk):
    membership, assessment, mine = _team(request, org_slug, pk)
    return _render(request, membership, assessment, mine)


@login_required
@require_POST
def team_settings(request, org_slug, pk):
    """The way of answering (until the first answer) and what respondents see of the others."""
    membership, assessment, mine = _team(request, org_slug, pk)
    require_owner(membership)
    form = TeamSettingsForm(request.POST)
    if not form.is_valid():
        return _render(request, membership, assessment, mine, status=400, settings_form=form)
    mode = form.cleaned_data["mode"]
    if mode != assessment.mode and not assessment.can_change_mode():
        messages.error(
            request,
            _(
                "The way of answering can no longer change: answers have been given. Nothing "
                "was changed."
            ),
        )
        return _render(request, membership, assessment, mine, status=409, settings_form=form)
    assessment.mode = mode
    assessment.others_answers = form.cleaned_data["others_answers"]
    assessment.save(update_fields=["mode", "others_answers", "updated_at"])
    messages.success(request, _("Saved how the team answers."))
    return redirect("assessments:team", org_slug=org_slug, pk=pk)


@login_required
@require_POST
def team_respondent_add(request, org_slug, pk):
    membership, assessment, mine = _team(request, org_slug, pk)
    require_owner(membership)
    structure = questionnaire_structure(assessment.questionnaire)
    form = RespondentForm(request.POST, assessment=assessment, structure=structure)
    if not assessment.is_individual:
        messages.error(
            request, _("This assessment is answered as one shared set: it has no respondents.")
        )
        return _render(request, membership, assessment, mine, status=409)
    if not form.is_valid():
        return _render(request, membership, assessment, mine, status=400, add_form=form)
    user = form.members[form.cleaned_data["user"]]
    for _attempt in range(3):
        # Numbers are given in order and never reused; two owners adding at once meet on the
        # unique number, and the later one takes the next.
        try:
            with transaction.atomic():
                Respondent.objects.create(
                    assessment=assessment,
                    user=user,
                    number=next_number(
                        Respondent.objects.filter(assessment=assessment).values_list(
                            "number", flat=True
                        )
                    ),
                    speaks_for=form.cleaned_data["speaks_for"],
                    sections=form.cleaned_data["sections"],
                )
        except IntegrityError:
            if Respondent.objects.of_user(assessment, user) is not None:
                break
            continue
        break
    messages.success(
        request,
        _("%(name)s now answers on their own.") % {"name": user.get_full_name() or user.username},
    )
    return redirect("assessments:team", org_slug=org_slug, pk=pk)


def _respondent_or_404(assessment: Assessment, respondent_pk: int) -> Respondent:
    respondent = assessment.respondents.select_related("user").filter(pk=respondent_pk).first()
    if respondent is None:
        raise Http404("No such respondent of this assessment.")
    respondent.assessment = assessment
    return respondent


@login_required
@require_POST
def team_respondent(request, org_slug, pk, respondent_pk):
    """Change what a respondent speaks for and answers."""
    membership, assessment, mine = _team(request, org_slug, pk)
    require_owner(membership)
    respondent = _respondent_or_404(assessment, respondent_pk)
    structure = questionnaire_structure(assessment.questionnaire)
    form = RespondentForm(
        request.POST, assessment=assessment, structure=structure, respondent=respondent
    )
    if not form.is_valid():
        return _render(
            request, membership, assessment, mine, status=400, forms={respondent.pk: form}
        )
    respondent.speaks_for = form.cleaned_data["speaks_for"]
    respondent.sections = form.cleaned_data["sections"]
    respondent.save(update_fields=["speaks_for", "sections"])
    messages.success(request, _("Saved %(label)s.") % {"label": respondent.label()})
    return redirect("assessments:team", org_slug=org_slug, pk=pk)


@login_required
@require_POST
def team_respondent_remove(request, org_slug, pk, respondent_pk):
    """Remove a respondent; one who answered goes only once the owner confirmed that their
    answers go with them."""
    membership, assessment, _mine = _team(request, org_slug, pk)
    require_owner(membership)
    respondent = _respondent_or_404(assessment, respondent_pk)
    answers = Answer.objects.of(assessment).filter(respondent=respondent)
    count = answers.count()
    if count and request.POST.get("confirm") != "1":
        context = {
            "membership": membership,
            "organization": membership.organization,
            "assessment": assessment,
            "respondent": respondent,
            "count": count,
        }
        return render(request, "assessments/team_remove.html", context)
    label = respondent.label()
    with transaction.atomic():
        answers.delete()
        respondent.delete()
    messages.success(request, _("Removed %(label)s and their answers.") % {"label": label})
    return redirect("assessments:team", org_slug=org_slug, pk=pk)
