"""Migration 0021 gives every answer that named a user as its respondent a respondent of its own:
no such answer is lost, and none turns into the assessment's agreed answer."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessments", "0020_share_links")]
AFTER = [("assessments", "0021_team_respondents")]


@pytest.mark.django_db(transaction=True)
def test_answers_of_a_user_respondent_keep_a_respondent_after_the_migration(
    assessment, owner, colleague
):
    question_keys = list(assessment.questionnaire.questions.values_list("key", flat=True)[:2])
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        Answer = apps.get_model("assessments", "Answer")
        Question = apps.get_model("assessments", "Question")
        for key in question_keys:
            question = Question.objects.get(questionnaire_id=assessment.questionnaire_id, key=key)
            for user in (owner, colleague):
                Answer.objects.create(
                    assessment_id=assessment.pk,
                    question=question,
                    respondent_id=user.pk,
                    kind="dont_know",
                )

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        Answer = apps.get_model("assessments", "Answer")
        Respondent = apps.get_model("assessments", "Respondent")
        respondents = {r.user_id: r for r in Respondent.objects.filter(assessment_id=assessment.pk)}
        assert set(respondents) == {owner.pk, colleague.pk}
        assert sorted(r.number for r in respondents.values()) == [1, 2]
        for user in (owner, colleague):
            mine = Answer.objects.filter(respondent=respondents[user.pk])
            assert mine.count() == len(question_keys)
        assert not Answer.objects.filter(assessment_id=assessment.pk, respondent__isnull=True)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
