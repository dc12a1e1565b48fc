"""The individual answers of an assessment as a CSV file, for its organization's owners only.

Each respondent's own answers are theirs and the facilitators' (docs/team.md, "Privacy"): no
other export carries them. This one is for an owner who keeps the workshop's record or analyses
it elsewhere; it names the respondents the way the consensus view does, "Respondent 3" for one
who has left the organization.
"""

from __future__ import annotations

from django.http import HttpResponse

from assessments.answering import questionnaire_structure
from assessments.exports import _answer_label, _cell, _csv_response, _score, filename_stem
from assessments.models import Answer, Assessment, Respondent

COLUMNS = [
    "respondent_number",
    "respondent",
    "speaks_for",
    "submitted_at",
    "section",
    "question_number",
    "question_key",
    "question",
    "answer",
    "score",
    "reason",
    "comment",
    "evidence_url",
    "answered_at",
]


def individual_rows(assessment: Assessment) -> list[dict]:
    """One row per respondent and question they answered, by respondent number, then in the
    questionnaire's order. A fixed number of queries, whatever the respondents or questions."""
    questionnaire = assessment.questionnaire
    structure = questionnaire_structure(questionnaire)
    layers = {layer.key: layer.name for layer in questionnaire.layers.all()}
    respondents = {
        r.pk: r for r in Respondent.objects.filter(assessment=assessment).select_related("user")
    }
    answers = sorted(
        (
            answer
            for answer in Answer.objects.filter(
                assessment=assessment, respondent__isnull=False
            ).select_related("option")
            if answer.question_id in structure.questions
        ),
        key=lambda a: (respondents[a.respondent_id].number, structure.numbers[a.question_id]),
    )
    top = None
    if any(a.kind == Answer.Kind.CHECKED for a in answers):
        top = max(questionnaire.scale_levels.values_list("score", flat=True), default=0)
    rows = []
    for answer in answers:
        respondent = respondents[answer.respondent_id]
        question = structure.questions[answer.question_id]
        rows.append(
            {
                "respondent_number": respondent.number,
                "respondent": respondent.label(),
                "speaks_for": layers.get(respondent.speaks_for, respondent.speaks_for),
                "submitted_at": respondent.submitted_at.isoformat()
                if respondent.submitted_at
                else "",
                "section": question.section.title,
                "question_number": structure.numbers[question.pk],
                "question_key": question.key,
                "question": question.text,
                "answer": _answer_label(question, answer),
                "score": _score(question, answer, top),
                "reason": answer.reason,
                "comment": answer.comment,
                "evidence_url": answer.evidence_url,
                "answered_at": answer.answered_at.isoformat(),
            }
        )
    return rows


def individual_csv_response(assessment: Assessment) -> HttpResponse:
    response, writer = _csv_response(f"{filename_stem(assessment)}-individual-answers.csv")
    writer.writerow(COLUMNS)
    for row in individual_rows(assessment):
        writer.writerow([_cell(row[column]) for column in COLUMNS])
    return response
