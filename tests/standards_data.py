"""A questionnaire version with standards and a crosswalk, and answers that meet, miss and skip
its areas: what the Standards page, the JSON export and the PDF appendix tests share."""

from assessments.models import Answer, Question, Questionnaire

STANDARDS = [
    {
        "key": "iso-5230",
        "name": "ISO/IEC 5230 OpenChain",
        "description": "Key requirements of a quality open source license compliance program.",
        "url": "https://www.iso.org/standard/81039.html",
        "area_name": "Clause",
        "areas_name": "Clauses",
        "areas": [
            {"id": "3.1.1", "name": "Policy"},
            {"id": "3.1.2", "name": "Competence"},
            {"id": "3.2.1", "name": "Releases"},
            {"id": "3.3.1", "name": "Bill of materials"},
            {"id": "3.4.1", "name": "Security assurance"},
        ],
    },
    {
        "key": "ggi",
        "name": "Good Governance Initiative",
        "assess": False,
        "area_name": "Activity",
        "areas_name": "Activities",
        "areas": [
            {"id": "GGI-A-1", "name": "Manage open source skills"},
            {"id": "GGI-A-2", "name": "Upstream first"},
            {"id": "GGI-A-3", "name": "Engage with open source projects"},
        ],
    },
    "a malformed row, skipped",
]
MAPPINGS = {
    "policy": {"iso-5230": ["3.1.1"], "linux-foundation": ["1"]},
    "training": {"iso-5230": ["3.1.2"]},
    "champion": {"iso-5230": ["3.1.2"], "ggi": ["GGI-A-1"]},
    "releases": {"iso-5230": ["3.2.1"]},
    "inventory": {"iso-5230": ["3.3.1"], "ggi": ["GGI-A-1"]},
    "contribution-ok": {"ggi": ["GGI-A-2"]},
}


def with_standards(questionnaire: Questionnaire, standards, mappings) -> Questionnaire:
    """A draft given its standards and crosswalk, then published."""
    questionnaire.standards = standards
    questionnaire.save()
    for key, mapping in mappings.items():
        Question.objects.filter(questionnaire=questionnaire, key=key).update(mappings=mapping)
    questionnaire.publish()
    return questionnaire


def answer(assessment, key, score=None, kind="option"):
    question = assessment.questionnaire.questions.get(key=key)
    option = question.options.get(score=score) if score is not None else None
    reason = "We release none" if kind == "not_applicable" else ""
    Answer.objects.create(
        assessment=assessment, question=question, kind=kind, option=option, reason=reason
    )


def answer_some(assessment):
    answer(assessment, "policy", 3)  # 3.1.1 met
    answer(assessment, "training", 1)  # 3.1.2 not met (champion unanswered too)
    answer(assessment, "champion", 4)
    answer(assessment, "releases", kind="not_applicable")  # 3.2.1 not applicable
    answer(assessment, "inventory", 2)  # 3.3.1 met, at the minimum exactly
