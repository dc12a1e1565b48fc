from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from assessments.evaluation import evaluate, model_spec
from assessments.models import Assessment, Questionnaire


def home(request):
    rows = []
    if request.user.is_authenticated:
        assessments = Assessment.objects.for_user(request.user).select_related(
            "organization", "questionnaire"
        )
        for assessment in assessments:
            spec = model_spec(assessment.questionnaire)
            result = evaluate(assessment)
            stage_names = {stage.level: stage.name for stage in spec.stages}
            rows.append(
                {
                    "assessment": assessment,
                    "result": result,
                    "stage_name": stage_names[result.overall.stage],
                    "coverage": [(stage_names[c.level], c) for c in result.overall.stages],
                }
            )
    return render(request, "home.html", {"rows": rows})


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
