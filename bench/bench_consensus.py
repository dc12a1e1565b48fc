"""A team's individual answers, for measuring the consensus view (`manage.py bench`).

`team_assessment` makes an assessment run as "individual answers, then consensus" with
`respondents` members who each answered every question of `questionnaire`, in different ways
(options spread over the scale, some "don't know", checklists, comments), and half the
questions already agreed: what a facilitator opens in the middle of a workshop.
"""

from __future__ import annotations


def team_assessment(organization, questionnaire, respondents: int, *, created_by=None):
    from django.contrib.auth import get_user_model

    from assessments.models import Answer, Assessment, Membership, Respondent

    User = get_user_model()
    assessment = Assessment.objects.create(
        organization=organization,
        questionnaire=questionnaire,
        title=f"Team of {respondents}",
        mode=Assessment.Mode.INDIVIDUAL,
        created_by=created_by,
    )
    prefix = f"team-{assessment.pk}"
    users = User.objects.bulk_create(
        User(username=f"{prefix}-{n}", first_name="Person", last_name=str(n))
        for n in range(1, respondents + 1)
    )
    Membership.objects.bulk_create(
        Membership(organization=organization, user=user, role=Membership.Role.EDITOR)
        for user in users
    )
    people = Respondent.objects.bulk_create(
        Respondent(assessment=assessment, user=user, number=n)
        for n, user in enumerate(users, start=1)
    )
    answers = []
    for question in questionnaire.questions.order_by("order").prefetch_related("options"):
        options = sorted(question.options.all(), key=lambda o: o.score)
        for n, person in enumerate(people):
            if question.is_text:
                answer = Answer(kind="note", comment=f"Person {n + 1}'s words")
            elif question.is_checklist:
                answer = Answer(kind="checked", boxes=[o.pk for o in options[: n % 3 + 1]])
            elif n % 9 == 4:
                answer = Answer(kind="dont_know", comment="Not sure who knows")
            else:
                # Around the question's own level, some further off.
                spread = (n % 3) - 1 + (2 if n % 11 == 0 else 0)
                level = (question.order + spread) % len(options)
                answer = Answer(kind="option", option=options[level])
            answer.assessment, answer.question, answer.respondent = assessment, question, person
            answers.append(answer)
        if question.order % 2 and not question.is_text:
            answers.append(Answer(assessment=assessment, question=question, kind="dont_know"))
    Answer.objects.bulk_create(answers, batch_size=2000)
    return assessment
