"""The consensus view and the workshop cost a fixed number of queries, whatever the number of
respondents and questions."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import caches
from assessments.models import Answer, Assessment, Membership, Respondent
from assessments.questionnaire_file.store import save_document
from assessments.questionnaire_file.synthetic import synthetic_document

pytestmark = pytest.mark.django_db

# The session, the user, the assessment with the membership, the respondents, the agreed and the
# individual answers, and the navigation's memberships.
MAX_QUERIES = 7


def team_assessment(organization, questions: int, respondents: int) -> Assessment:
    key = f"c{questions}x{respondents}"
    questionnaire = save_document(synthetic_document(questions, key=key, mixed=True), publish=True)
    assessment = Assessment.objects.create(
        organization=organization,
        questionnaire=questionnaire,
        title=key,
        mode=Assessment.Mode.INDIVIDUAL,
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"{key}-{n}") for n in range(respondents)
    )
    Membership.objects.bulk_create(
        Membership(organization=organization, user=user, role="editor") for user in users
    )
    people = Respondent.objects.bulk_create(
        Respondent(assessment=assessment, user=user, number=n)
        for n, user in enumerate(users, start=1)
    )
    answers = []
    for question in questionnaire.questions.prefetch_related("options"):
        options = list(question.options.all())
        for n, person in enumerate(people):
            if question.is_text:
                answer = Answer(kind="note", comment=f"Words of {n}")
            elif question.is_checklist:
                answer = Answer(kind="checked", boxes=[o.pk for o in options[: n % 3 + 1]])
            elif n % 7 == 3:
                answer = Answer(kind="dont_know", comment="Not sure")
            else:
                answer = Answer(kind="option", option=options[(question.order + n) % len(options)])
            answer.assessment, answer.question, answer.respondent = assessment, question, person
            answers.append(answer)
        if question.order % 2 and not question.is_text:
            # Half the questions already agreed.
            answers.append(Answer(assessment=assessment, question=question, kind="dont_know"))
    Answer.objects.bulk_create(answers)
    return assessment


def count(client, url, **extra) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **extra)
    assert response.status_code in (200, 302), response.content[:300]
    return len(context.captured_queries)


@pytest.mark.parametrize(("questions", "respondents"), [(20, 3), (20, 30), (200, 3), (200, 30)])
def test_the_consensus_view_reads_a_fixed_number_of_queries(
    client, owner, organization, questions, respondents, django_assert_max_num_queries
):
    assessment = team_assessment(organization, questions, respondents)
    client.force_login(owner)
    args = [organization.slug, assessment.pk]
    caches.clear()
    client.get(reverse("assessments:consensus", args=args))  # the structure, once per process
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("assessments:consensus", args=args))
    assert response.status_code == 200
    assert len(response.context["cards"]) == questions - questions // 6  # free text left out
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("assessments:workshop_question", args=[*args, 1]))


def test_the_counts_are_the_same_for_3_and_30_respondents_and_20_and_200_questions(
    client, owner, organization
):
    client.force_login(owner)
    counts = set()
    for questions, respondents in [(20, 3), (20, 30), (200, 3), (200, 30)]:
        assessment = team_assessment(organization, questions, respondents)
        args = [organization.slug, assessment.pk]
        count(client, reverse("assessments:consensus", args=args))  # warm the structure
        counts.add(
            (
                count(client, reverse("assessments:consensus", args=args)),
                count(client, reverse("assessments:workshop_question", args=[*args, 2])),
            )
        )
    assert len(counts) == 1, counts
