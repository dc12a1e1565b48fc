import pytest
from django.db import IntegrityError, transaction

from assessments import caches, evaluation
from assessments.models import Answer, Assessment, Respondent
from assessments.questionnaire_file.store import save_document
from assessments.questionnaire_file.synthetic import synthetic_document

pytestmark = pytest.mark.django_db


def _answer_all(assessment, score_for):
    answers = []
    for question in assessment.questionnaire.questions.prefetch_related("options"):
        score = score_for(question)
        option = next(o for o in question.options.all() if o.score == score)
        answers.append(
            Answer(assessment=assessment, question=question, kind="option", option=option)
        )
    Answer.objects.bulk_create(answers)


def test_all_best_answers_reach_the_top_stage(assessment):
    _answer_all(assessment, lambda q: 4)
    result = evaluation.evaluate(assessment)
    assert result.overall.stage == 2
    assert result.overall.score == pytest.approx(100)


def test_a_failing_core_question_holds_the_stage_and_is_named_as_blocker(assessment):
    # Everything is best except the core policy question of stage 2, answered 'ad hoc'.
    _answer_all(assessment, lambda q: 1 if q.key == "policy" else 4)
    result = evaluation.evaluate(assessment)
    assert result.overall.stage == 1
    assert result.overall.blocking_stage == 2
    assert [b.question for b in result.overall.blockers] == ["policy"]
    assert result.overall.blockers[0].recommendation == "Draft a policy and have it approved."


def test_dont_know_and_not_applicable_are_read_from_the_database(assessment):
    releases = assessment.questionnaire.questions.get(key="releases")
    Answer.objects.create(
        assessment=assessment, question=releases, kind="not_applicable", reason="We release none"
    )
    training = assessment.questionnaire.questions.get(key="training")
    Answer.objects.create(assessment=assessment, question=training, kind="dont_know")
    result = evaluation.evaluate(assessment)
    assert result.overall.not_applicable == 1
    assert result.overall.dont_know == 1
    assert result.overall.unanswered == 4


def test_scoring_data_loads_in_a_fixed_number_of_queries(
    organization, django_assert_max_num_queries
):
    for size in (20, 200):
        questionnaire = save_document(synthetic_document(size, key=f"s{size}"), publish=True)
        assessment = Assessment.objects.create(
            organization=organization, questionnaire=questionnaire, title=str(size)
        )
        _answer_all(assessment, lambda q: q.order % 5)
        caches.clear()
        assessment = Assessment.objects.get(pk=assessment.pk)
        # questionnaire, stages, layers, pillars, questions with their maximum, answers
        with django_assert_max_num_queries(6):
            result = evaluation.evaluate(assessment)
        assert result.overall.answered == size
        # A published version's model is kept: later evaluations read only the answers.
        with django_assert_max_num_queries(1):
            evaluation.evaluate(assessment)


def test_only_one_agreed_answer_per_question(assessment, owner):
    question = assessment.questionnaire.questions.first()
    Answer.objects.create(assessment=assessment, question=question, kind="dont_know")
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(assessment=assessment, question=question, kind="dont_know")
    # Individual answers per respondent live beside the agreed one.
    respondent = Respondent.objects.create(assessment=assessment, user=owner, number=1)
    Answer.objects.create(
        assessment=assessment, question=question, kind="dont_know", respondent=respondent
    )


def test_the_database_refuses_an_inconsistent_answer(assessment):
    question = assessment.questionnaire.questions.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(assessment=assessment, question=question, kind="option")
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(assessment=assessment, question=question, kind="not_applicable")
    assert not Answer.objects.exists()


def test_summaries_are_stored_and_reused_until_an_answer_changes(
    assessment, owner, django_assert_max_num_queries
):
    policy = assessment.questionnaire.questions.get(key="policy")
    assessment.record_answer(policy, owner, kind="option", option=policy.options.get(score=4))
    first = evaluation.summaries([assessment])[assessment.pk]
    assert (first.answered, first.total) == (1, 6)
    assessment.refresh_from_db()
    with django_assert_max_num_queries(0):  # the fingerprint is on the row: nothing to read
        assert evaluation.summaries([assessment])[assessment.pk] == first
    assessment.record_answer(policy, owner, kind="option", option=policy.options.get(score=0))
    assessment.refresh_from_db()
    changed = evaluation.summaries([assessment])[assessment.pk]
    assert changed.score < first.score
    # The stored summary is the one a full evaluation gives.
    result = evaluation.evaluate(assessment).overall
    assert (changed.stage, changed.score) == (result.stage, result.score)


def test_summaries_follow_a_move_to_another_version(assessment, owner, mini_text):
    from tests.questionnaires import load_text

    evaluation.summaries([assessment])
    newer = load_text(mini_text.replace("version: 1", "version: 2", 1), publish=True)
    Assessment.objects.filter(pk=assessment.pk).update(questionnaire=newer)
    assessment.refresh_from_db()
    assert assessment.result_cache["fingerprint"].split(":")[0] != str(newer.pk)
    evaluation.summaries([assessment])
    assessment.refresh_from_db()
    assert assessment.result_cache["fingerprint"].startswith(f"{newer.pk}:")
