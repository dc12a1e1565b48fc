from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments.access import CURRENT_ORGANIZATION
from assessments.models import Membership, Questionnaire


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
    """The maturity model of the current questionnaire, in words: the help behind every result."""
    questionnaire = Questionnaire.objects.latest_published()
    if questionnaire is None:
        raise Http404(_("No questionnaire has been published yet."))
    return render(
        request,
        "assessments/model_overview.html",
        {
            "questionnaire": questionnaire,
            "stages": questionnaire.stages.order_by("level"),
            "layers": questionnaire.layers.order_by("order"),
            "pillars": questionnaire.pillars.order_by("order"),
            "scale": questionnaire.scale_levels.all(),
        },
    )
