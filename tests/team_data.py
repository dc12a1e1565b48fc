"""An assessment answered individually, then agreed, for the privacy, export, portability and
versioning tests: made directly in the tables, as the respondents' own pages would leave it."""

from __future__ import annotations

from dataclasses import dataclass

from assessments.models import Answer, Assessment, Respondent


@dataclass
class Team:
    assessment: Assessment
    carlos: Respondent  # the colleague (editor), speaks for the workers
    olivia: Respondent  # the owner, speaks for management
    vera: Respondent  # the viewer, no layer, assigned to one section


def answered_team(assessment: Assessment, owner, colleague, viewer) -> Team:
    """Three respondents who disagree on 'policy', an agreed answer set by the owner, and each
    respondent's own history (through `record_answer`, as the answering pages write)."""
    assessment.mode = Assessment.Mode.INDIVIDUAL
    assessment.save(update_fields=["mode"])
    questions = {q.key: q for q in assessment.questionnaire.questions.all()}

    def option(key: str, score: int):
        return questions[key].options.get(score=score)

    carlos = Respondent.objects.create(
        assessment=assessment, user=colleague, number=1, speaks_for="worker"
    )
    olivia = Respondent.objects.create(
        assessment=assessment, user=owner, number=2, speaks_for="management"
    )
    vera = Respondent.objects.create(
        assessment=assessment, user=viewer, number=3, sections=["program"]
    )
    record = assessment.record_answer
    record(
        questions["policy"], colleague, respondent=carlos, kind="option", option=option("policy", 0)
    )
    record(
        questions["policy"],
        colleague,
        respondent=carlos,
        kind="option",
        option=option("policy", 1),
        comment='=HYPERLINK("http://evil")',
    )
    record(
        questions["inventory"],
        colleague,
        respondent=carlos,
        kind="not_applicable",
        reason="We use none, says Carlos.",
    )
    record(
        questions["policy"],
        owner,
        respondent=olivia,
        kind="option",
        option=option("policy", 4),
        evidence_url="https://acme.example/policy",
    )
    record(questions["releases"], viewer, respondent=vera, kind="dont_know", comment="No idea.")
    record(questions["policy"], owner, kind="option", option=option("policy", 2), comment="Agreed.")
    record(questions["inventory"], owner, kind="option", option=option("inventory", 3))
    assessment.refresh_from_db()
    return Team(assessment, carlos, olivia, vera)


def individual(assessment: Assessment):
    return Answer.objects.filter(assessment=assessment, respondent__isnull=False)
