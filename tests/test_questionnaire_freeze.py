import pytest
from django.db.models.deletion import ProtectedError

from assessments.models import (
    Answer,
    AnswerOption,
    FrozenQuestionnaireError,
    Question,
    Questionnaire,
    Section,
    Stage,
)
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db


def test_a_question_of_a_published_questionnaire_cannot_be_saved(questionnaire):
    question = questionnaire.questions.get(key="policy")
    question.text = "Changed after publication"
    with pytest.raises(FrozenQuestionnaireError):
        question.save()
    assert (
        questionnaire.questions.get(key="policy").text == "Is there an approved open source policy?"
    )


@pytest.mark.parametrize("model", [Stage, Section, Question])
def test_no_part_of_a_published_questionnaire_can_be_bulk_updated(questionnaire, model):
    with pytest.raises(FrozenQuestionnaireError):
        model.objects.filter(questionnaire=questionnaire).update(key="changed")


def test_an_option_of_a_published_questionnaire_cannot_change(questionnaire):
    option = AnswerOption.objects.filter(question__questionnaire=questionnaire).first()
    option.label = "Different meaning"
    with pytest.raises(FrozenQuestionnaireError):
        option.save()
    with pytest.raises(FrozenQuestionnaireError):
        AnswerOption.objects.filter(pk=option.pk).update(score=3)
    with pytest.raises(FrozenQuestionnaireError):
        option.delete()


def test_a_published_question_cannot_be_deleted(questionnaire):
    with pytest.raises(FrozenQuestionnaireError):
        questionnaire.questions.first().delete()
    with pytest.raises(FrozenQuestionnaireError):
        Question.objects.filter(questionnaire=questionnaire).delete()
    assert questionnaire.questions.count() == 6


def test_the_published_questionnaire_itself_is_frozen(questionnaire):
    questionnaire.title = "Renamed"
    with pytest.raises(FrozenQuestionnaireError):
        questionnaire.save()
    with pytest.raises(FrozenQuestionnaireError):
        Questionnaire.objects.filter(pk=questionnaire.pk).update(threshold=50)
    with pytest.raises(FrozenQuestionnaireError):
        questionnaire.delete()


def test_a_published_version_cannot_go_back_to_draft(questionnaire):
    questionnaire.status = Questionnaire.Status.DRAFT
    with pytest.raises(FrozenQuestionnaireError):
        questionnaire.save()


def test_a_draft_is_editable(mini_text):
    draft = load_text(mini_text, publish=False)
    question = draft.questions.get(key="policy")
    question.text = "Is there a written policy?"
    question.save()
    question.options.filter(score=1).update(label="Informal")
    question.options.get(score=3).delete()
    assert draft.questions.get(key="policy").options.count() == 4


def test_a_question_with_answers_cannot_be_deleted_even_in_a_draft(mini_text, organization):
    draft = load_text(mini_text, publish=False)
    assessment = organization.assessments.create(questionnaire=draft, title="Preview")
    question = draft.questions.get(key="policy")
    Answer.objects.create(
        assessment=assessment, question=question, kind="option", option=question.options.first()
    )
    with pytest.raises(ProtectedError):
        question.delete()


def test_a_questionnaire_in_use_cannot_be_deleted(assessment):
    with pytest.raises(FrozenQuestionnaireError):
        assessment.questionnaire.delete()
