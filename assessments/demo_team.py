"""Demo data for team perspectives: a workshop three colleagues answered each on their own.

A second organization of the demo owner, so the demo's baseline stays the one assessment of its
own organization. Its people see the organization as such people do: the engineer sees less
strategy and more contribution than management does, the business unit does not know about
security. Where all three gave the same answer it is agreed already; the rest waits for the
demo owner in the consensus view and the workshop (docs/team.md).
"""

from __future__ import annotations

import yaml
from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments.models import (
    Answer,
    AnswerChange,
    Assessment,
    Membership,
    Organization,
    Questionnaire,
    Respondent,
)

TEAM_ORGANIZATION = "Demo team workshop"
TEAM_SLUG = "demo-team"
TEAM_TITLE = "Team workshop"
TEAM_PASSWORD = "demo-ospo"  # noqa: S105 - published demo logins, never used outside development

# Who answers, their role, the layer they speak for, and how their view differs from the
# baseline's answers: steps up or down the scale per section, or "don't know" there.
PEOPLE = (
    (
        "ana",
        "Ana (engineering)",
        Membership.Role.VIEWER,
        "worker",
        {"strategy": -1, "governance": -1, "metrics": -1, "ospo": -1, "contribution": 1},
    ),
    (
        "ben",
        "Ben (management)",
        Membership.Role.EDITOR,
        "management",
        {"strategy": 1, "governance": 1, "metrics": 1, "contribution": -1, "community": -1},
    ),
    (
        "chloe",
        "Chloe (business unit)",
        Membership.Role.VIEWER,
        "units",
        {"security": "dont_know", "releasing": "dont_know", "community-leadership": "dont_know"},
    ),
)


def setup_team_demo(owner, questionnaire: Questionnaire, answers_file) -> Assessment:
    """Create the team workshop organization, its people and their answers; once only."""
    organization, _created = Organization.objects.get_or_create(
        slug=TEAM_SLUG, defaults={"name": TEAM_ORGANIZATION}
    )
    Membership.objects.get_or_create(
        organization=organization, user=owner, defaults={"role": Membership.Role.OWNER}
    )
    existing = organization.assessments.filter(title=TEAM_TITLE).first()
    if existing is not None:
        return existing
    assessment = Assessment.objects.create(
        organization=organization,
        questionnaire=questionnaire,
        title=TEAM_TITLE,
        created_by=owner,
        mode=Assessment.Mode.INDIVIDUAL,
    )
    baseline = yaml.safe_load(answers_file.read_text(encoding="utf-8"))["answers"]
    questions = {
        q.key: q
        for q in questionnaire.questions.select_related("section").prefetch_related("options")
    }
    User = get_user_model()
    rows: list[Answer] = []
    by_question: dict[str, list[Answer]] = {}
    for number, (username, full_name, role, layer, view) in enumerate(PEOPLE, start=1):
        first, _space, unit = full_name.partition(" ")
        user, made = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.org", "first_name": first, "last_name": unit},
        )
        if made:
            user.set_password(TEAM_PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            organization=organization, user=user, defaults={"role": role}
        )
        respondent = Respondent.objects.create(
            assessment=assessment,
            user=user,
            number=number,
            speaks_for=layer,
            submitted_at=timezone.now(),
        )
        for key, value in baseline.items():
            question = questions[key]
            answer = _their_answer(question, value, view.get(question.section.key, 0))
            answer.assessment, answer.respondent, answer.answered_by = assessment, respondent, user
            rows.append(answer)
            by_question.setdefault(key, []).append(answer)
    Answer.objects.bulk_create(rows)
    AnswerChange.objects.record(rows, AnswerChange.How.ANSWERED)
    agreed = [_agreed(assessment, answers, owner) for answers in by_question.values()]
    agreed = [answer for answer in agreed if answer is not None]
    Answer.objects.bulk_create(agreed)
    AnswerChange.objects.record(agreed, AnswerChange.How.ANSWERED)
    return assessment


def _their_answer(question, value, view) -> Answer:
    """The baseline's answer `value`, seen `view` steps higher or lower, or not known."""
    if view == "dont_know" or value == "dont_know":
        return Answer(question=question, kind=Answer.Kind.DONT_KNOW)
    if isinstance(value, dict):
        return Answer(
            question=question, kind=Answer.Kind.NOT_APPLICABLE, reason=value["not_applicable"]
        )
    options = sorted(question.options.all(), key=lambda o: (o.score, o.order))
    place = next(i for i, o in enumerate(options) if o.score == value)
    place = min(max(place + view, 0), len(options) - 1)
    return Answer(question=question, kind=Answer.Kind.OPTION, option=options[place])


def _agreed(assessment, answers: list[Answer], owner) -> Answer | None:
    """Where all three answered alike the team needs no discussion: that answer is agreed."""
    first = answers[0]
    same = all(
        (a.kind, a.option_id, a.reason) == (first.kind, first.option_id, first.reason)
        for a in answers
    )
    if not same or first.kind == Answer.Kind.DONT_KNOW:
        return None
    return Answer(
        assessment=assessment,
        question=first.question,
        kind=first.kind,
        option=first.option,
        reason=first.reason,
        answered_by=owner,
        comment="",
    )
