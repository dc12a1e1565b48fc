from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from assessments.access import CURRENT_ORGANIZATION
from assessments.forms.assessments import offered_models
from assessments.models import Membership, Questionnaire
from assessments.reporting import core_label, stage_rules
from assessments.views.preview import can_preview


def home(request):
    """Visitors see what the product does; members go straight to their organization."""
    if request.user.is_authenticated:
        memberships = Membership.objects.filter(user=request.user).select_related("organization")
        slugs = [m.organization.slug for m in memberships]
        if slugs:
            current = request.session.get(CURRENT_ORGANIZATION)
            return redirect(
                "assessments:dashboard", org_slug=current if current in slugs else slugs[0]
            )
    return render(request, "home.html")


def model_overview(request):
    """The published models: one links to its latest version's page, or is that page at once."""
    models = offered_models()
    if not models:
        raise Http404(_("No questionnaire has been published yet."))
    if len(models) == 1:
        return redirect("assessments:model_version", key=models[0].key, version=models[0].version)
    return render(request, "assessments/model_list.html", {"models": models})


def model_version(request, key, version):
    """The maturity model of one questionnaire version, in its own words: the help behind every
    result of an assessment on that version. Published and retired versions are public (an
    assessment may stay on a retired one); a draft is staff's only, as its preview is."""
    questionnaire = Questionnaire.objects.filter(key=key, version=version).first()
    if questionnaire is None or (questionnaire.is_draft and not can_preview(request.user)):
        raise Http404(_("No such version of a model."))
    latest = Questionnaire.objects.latest_published(key)
    scale = list(questionnaire.scale_levels.all())
    names = questionnaire.axis_names
    stages = list(questionnaire.stages.order_by("level"))
    for stage in stages:
        # Each other model a stage maps to, under the label the version gives it.
        stage.mapping_rows = [  # type: ignore[attr-defined]
            (names.mapping_label(model), name) for model, name in stage.mappings.items()
        ]
    response = render(
        request,
        "assessments/model_overview.html",
        {
            "questionnaire": questionnaire,
            "latest": latest if latest is not None and latest.pk != questionnaire.pk else None,
            "names": names,
            "own_thresholds": any(
                s.threshold not in (None, questionnaire.threshold) for s in stages
            ),
            "stages": stages,
            "layers": questionnaire.layers.order_by("order"),
            "pillars": questionnaire.pillars.order_by("order"),
            "scale": scale,
            # The threshold's rule names the scale's own word for the core minimum.
            "core_label": core_label(questionnaire),
            "stage_rules": stage_rules(questionnaire),
        },
    )
    if questionnaire.is_draft:
        # Only staff see a draft: no cache may keep it for the next visitor.
        patch_cache_control(response, private=True, no_store=True)
    return response
