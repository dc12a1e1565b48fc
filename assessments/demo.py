"""Demo data: an organization, its logins, and an assessment answered like a real stage-2 OSPO.

The assessment is submitted: a first visit sees a finished baseline's results, not a provisional
one. The demo owner reopens it with one click (on its results or any of its sections) to answer.
One assessment rather than a submitted one and a copy in progress: two with the same answers
and the same score would leave a newcomer asking which one is real.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from assessments import caches
from assessments.demo_team import setup_team_demo
from assessments.models import (
    Answer,
    AnswerChange,
    Assessment,
    Membership,
    Organization,
    Questionnaire,
)
from assessments.questionnaire_file import DEFAULT_QUESTIONNAIRE
from assessments.questionnaire_file.document import QuestionnaireDoc, parse_document
from assessments.questionnaire_file.store import save_document

DEFAULT_FILE = DEFAULT_QUESTIONNAIRE / "ospo-maturity-v2.yaml"
# Version 1 stays loadable: assessments answered with it keep their questions and results.
VERSION_1_FILE = DEFAULT_QUESTIONNAIRE / "ospo-maturity-v1.yaml"
# The key of DEFAULT_FILE, known without reading it: the start page offers this model first.
DEFAULT_QUESTIONNAIRE_KEY = "ospo-maturity"
DEMO_ANSWERS_FILE = DEFAULT_QUESTIONNAIRE / "demo-stage2-answers-v2.yaml"
# The demo organization's answers to version 1: what moving it to version 2 is tested on.
DEMO_ANSWERS_VERSION_1_FILE = DEFAULT_QUESTIONNAIRE / "demo-stage2-answers.yaml"

DEMO_ORGANIZATION = "Demo Organization"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-ospo"  # noqa: S105 - a published demo login, never used outside development
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin-ospo"  # noqa: S105


@dataclass(frozen=True)
class DemoLogins:
    organization: Organization
    assessment: Assessment
    created: bool
    # The team workshop, in an organization of its own (assessments.demo_team).
    team: Assessment | None = None


@caches.shipped("shipped-questionnaires")
def shipped_document(path: Path) -> QuestionnaireDoc:
    """A questionnaire file shipped with the app, read once per process: with its translations
    the default takes most of a second to read. Callers must not change what it returns."""
    return parse_document(path.read_text(encoding="utf-8"))


def ensure_default_questionnaire(path: Path = DEFAULT_FILE) -> Questionnaire:
    doc = shipped_document(path)
    existing = Questionnaire.objects.filter(key=doc.key, version=doc.version).first()
    return existing or save_document(doc, publish=True)


def apply_answers(assessment: Assessment, data: dict, user) -> int:
    """Answer `assessment` from a demo answers mapping; returns the number of answers written.

    `data["answers"]` maps a question key to a score, to `dont_know`, or to
    `{not_applicable: reason}`; `data["comments"]` optionally maps a key to a comment.
    """
    questions = {q.key: q for q in assessment.questionnaire.questions.prefetch_related("options")}
    comments = data.get("comments") or {}
    answers = []
    for key, value in (data.get("answers") or {}).items():
        question = questions[key]
        answer = Answer(
            assessment=assessment,
            question=question,
            answered_by=user,
            comment=comments.get(key, ""),
        )
        if value == "dont_know":
            answer.kind = Answer.Kind.DONT_KNOW
        elif isinstance(value, dict) and "not_applicable" in value:
            answer.kind = Answer.Kind.NOT_APPLICABLE
            answer.reason = value["not_applicable"]
        else:
            answer.kind = Answer.Kind.OPTION
            answer.option = next(o for o in question.options.all() if o.score == value)
        answers.append(answer)
    Answer.objects.bulk_create(answers)
    AnswerChange.objects.record(answers, AnswerChange.How.ANSWERED, user)
    return len(answers)


@transaction.atomic
def setup_demo() -> DemoLogins:
    """Create the demo organization, logins and assessment; a second run changes nothing."""
    questionnaire = ensure_default_questionnaire()
    User = get_user_model()
    user, user_created = User.objects.get_or_create(
        username=DEMO_USERNAME, defaults={"email": "demo@example.org"}
    )
    if user_created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    admin, admin_created = User.objects.get_or_create(
        username=ADMIN_USERNAME,
        defaults={"email": "admin@example.org", "is_staff": True, "is_superuser": True},
    )
    if admin_created:
        admin.set_password(ADMIN_PASSWORD)
        admin.save()
    organization, created = Organization.objects.get_or_create(
        slug="demo", defaults={"name": DEMO_ORGANIZATION}
    )
    Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": Membership.Role.OWNER}
    )
    assessment = organization.assessments.order_by("created_at").first()
    if assessment is None:
        assessment = Assessment.objects.create(
            organization=organization,
            questionnaire=questionnaire,
            title="OSPO maturity baseline",
            created_by=user,
        )
        data = yaml.safe_load(DEMO_ANSWERS_FILE.read_text(encoding="utf-8"))
        apply_answers(assessment, data, user)
        assessment.submit()
    team = setup_team_demo(user, questionnaire, DEMO_ANSWERS_FILE)
    return DemoLogins(organization=organization, assessment=assessment, created=created, team=team)
