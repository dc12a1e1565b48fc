from django.shortcuts import render

from assessments.evaluation import evaluate, model_spec
from assessments.models import Assessment


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
