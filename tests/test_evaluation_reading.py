"""How evaluation reads a version and its answers for the scoring engine: the cases mutation
testing found unasserted (docs/testing.md)."""

import pytest
from django.utils import translation

from assessments import evaluation
from assessments.models import Answer, Assessment, Respondent
from assessments.scoring import AnswerKind, AnswerSpec
from assessments.scoring_methods.conditions import Condition
from tests.conftest import FIXTURES
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db


def _load(name: str):
    return load_text((FIXTURES / name).read_text(encoding="utf-8"), publish=True)


def _option(question, score: int) -> Answer:
    return Answer(
        question=question, kind=Answer.Kind.OPTION, option=question.options.get(score=score)
    )


def _save(assessment, *answers: Answer, respondent=None) -> None:
    for answer in answers:
        answer.assessment = assessment
        answer.respondent = respondent
    Answer.objects.bulk_create(answers)


def test_a_stage_without_its_own_threshold_takes_the_questionnaire_s_as_a_fraction(questionnaire):
    stages = {stage.key: stage for stage in evaluation.model_spec(questionnaire).stages}
    assert stages["awareness"].threshold == 0.7
    assert stages["strategy"].threshold == 0.75


def test_a_band_needs_both_ends():
    assert evaluation._band(10, 40) == (10, 40)
    assert evaluation._band(10, None) is None
    assert evaluation._band(None, 40) is None


def test_stage_names_are_read_in_the_reader_s_language():
    questionnaire = _load("translated.yaml")
    with translation.override("fr"):
        names = [stage.name for stage in evaluation._build_model_spec(questionnaire).stages]
    assert names[:2] == ["Stade awareness", "Stade ad hoc"]
    with translation.override("en"):
        names = [stage.name for stage in evaluation._build_model_spec(questionnaire).stages]
    assert names[:2] == ["Awareness", "Ad hoc"]


def test_questions_are_read_in_the_reader_s_language_with_their_place_in_the_model():
    questionnaire = _load("translated.yaml")
    with translation.override("fr"):
        spec = evaluation._build_model_spec(questionnaire)
    inventory, champion = spec.questions[:2]
    assert inventory.text == "FR: Does the organization know which open source it uses?"
    assert inventory.recommendation == "FR: à faire."
    assert (champion.layer, champion.pillar, champion.section) == ("worker", "advocate", "basics")
    with translation.override("en"):
        spec = evaluation._build_model_spec(questionnaire)
    inventory = spec.questions[0]
    assert inventory.text == "Does the organization know which open source it uses?"
    assert inventory.recommendation == ("Generate a dependency list for your three main products.")
    # Options of single-choice questions are no checklist's boxes, nor an own scale.
    assert {(q.boxes, q.own_max) for q in spec.questions} == {((), 0)}


def test_a_condition_keeps_only_what_its_governing_question_can_be_answered_with():
    governing = {"tools": ("checklist", {"Scanner": 7, "Checker": 8}), "level": ("single", {})}
    shows = [
        ("alerts", "tools", ["Scanner", 3, "Unknown"]),
        ("review", "level", [3, "x", True, 4]),
        ("notes", "level", None),
        ("orphan", "gone", [1]),  # a draft's slip: names no question
        ("always", "", [1]),
    ]
    assert evaluation.conditions(shows, governing) == (
        Condition("alerts", "tools", boxes=frozenset({7})),
        Condition("review", "level", scores=frozenset({3, 4})),
        Condition("notes", "level"),
        Condition("orphan", "gone", scores=frozenset({1})),
    )


def test_only_an_option_with_a_score_or_checked_boxes_is_a_choice():
    assert evaluation.chosen_answer("option", None, None) is None
    assert evaluation.chosen_answer("option", 3, None).score == 3
    assert evaluation.chosen_answer("checked", None, [4, 5]).boxes == frozenset({4, 5})
    assert evaluation.chosen_answer("dont_know", None, None) is None


def test_an_answer_without_a_score_is_read_as_zero(questionnaire):
    question = evaluation.model_spec(questionnaire).questions[0]
    assert evaluation.answer_spec(question, "dont_know", None, None) == AnswerSpec(
        question.key, AnswerKind.DONT_KNOW, 0
    )


def test_the_agreed_result_reads_neither_another_assessment_nor_a_respondent(
    assessment, organization, owner
):
    inventory = assessment.questionnaire.questions.get(key="inventory")
    champion = assessment.questionnaire.questions.get(key="champion")
    other = Assessment.objects.create(
        organization=organization, questionnaire=assessment.questionnaire, title="Other"
    )
    _save(other, _option(inventory, 4))
    respondent = Respondent.objects.create(assessment=assessment, user=owner, number=1)
    _save(assessment, _option(champion, 4), respondent=respondent)
    _save(assessment, _option(inventory, 1))

    assert evaluation.answer_specs(assessment) == [AnswerSpec("inventory", AnswerKind.OPTION, 1)]
    one = evaluation.evaluate(assessment).overall
    many = evaluation.evaluate_many([assessment])[assessment.pk].overall
    assert one == many
    assert one.total - one.unanswered == 1


def test_out_of_scope_questions_count_nowhere_in_one_result_or_many(assessment):
    questionnaire = assessment.questionnaire
    before = evaluation.evaluate(assessment).overall.total
    section = questionnaire.sections.get(key="program")
    assessment.scope_exclusions = [{"kind": "section", "key": "program", "reason": "Not ours"}]
    assessment.save()
    taken_out = section.questions.count()
    assert evaluation.evaluate(assessment).overall.total == before - taken_out
    assert evaluation.evaluate_many([assessment])[assessment.pk].overall.total == (
        before - taken_out
    )


def test_questions_hidden_by_checked_boxes_are_read_from_answers_already_loaded(
    organization, owner
):
    questionnaire = _load("show_if.yaml")
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Conditions"
    )
    model = evaluation.model_spec(questionnaire)
    # Only a checklist has boxes; the other questions' options are no boxes.
    assert {q.key for q in model.questions if q.boxes} == {"tools"}
    tools = questionnaire.questions.get(key="tools")
    license_checker = tools.options.get(label="License checker")
    scanner = tools.options.get(label="Dependency scanner")

    answer = Answer(question=tools, kind=Answer.Kind.CHECKED, boxes=[license_checker.pk])
    assert "scanner-alerts" in evaluation.hidden_of(model, {"tools": answer})
    answer.boxes = [scanner.pk]
    assert "scanner-alerts" not in evaluation.hidden_of(model, {"tools": answer})
    dont_know = Answer(question=tools, kind=Answer.Kind.DONT_KNOW)
    assert "scanner-alerts" in evaluation.hidden_of(model, {"tools": dont_know})

    checked = Answer(question=tools, kind=Answer.Kind.CHECKED, boxes=[license_checker.pk])
    _save(assessment, checked)
    assert "scanner-alerts" in evaluation.hidden(assessment)
    Answer.objects.filter(assessment=assessment).update(boxes=[scanner.pk])
    assert "scanner-alerts" not in evaluation.hidden(assessment)

    # Read the same way for one respondent's answers and for the standing of the agreed ones.
    respondent = Respondent.objects.create(assessment=assessment, user=owner, number=1)
    mine = Answer(question=tools, kind=Answer.Kind.CHECKED, boxes=[license_checker.pk])
    _save(assessment, mine, respondent=respondent)
    Answer.objects.filter(respondent=None).update(boxes=[license_checker.pk])
    agreed = evaluation.evaluate(assessment).overall
    theirs = evaluation.evaluate_respondents(assessment)[respondent.pk].overall
    assert theirs.total == agreed.total < len(model.questions)
    rows = [("tools", "checked", None, [license_checker.pk])]
    assert "scanner-alerts" in evaluation.standing(assessment, model, rows).hidden


def _answer_all(assessment, pick) -> None:
    questions = assessment.questionnaire.questions.exclude(type="text").prefetch_related("options")
    _save(
        assessment,
        *(
            Answer(question=q, kind=Answer.Kind.OPTION, option=pick(list(q.options.all())))
            for q in questions
        ),
    )


def test_a_gated_summary_says_whether_its_stage_is_reached_or_only_where_it_starts(assessment):
    summary = evaluation.summaries([assessment])[assessment.pk]
    assert (summary.stage, summary.reached, summary.answered) == (0, False, 0)

    _answer_all(assessment, lambda options: max(options, key=lambda o: o.score))
    assessment.refresh_from_db()
    summary = evaluation.summaries([assessment])[assessment.pk]
    assert (summary.stage, summary.reached) == (2, True)
    assert assessment.result_cache["reached"] is True


def test_a_banded_summary_stands_as_scored(organization):
    questionnaire = _load("bands.yaml")
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Bands"
    )
    _answer_all(assessment, lambda options: min(options, key=lambda o: o.score))
    summary = evaluation.summaries([assessment])[assessment.pk]
    assert summary.stage is not None
    assert summary.reached is True


def test_each_respondent_is_scored_on_their_own_answers_and_sections(assessment, owner, colleague):
    inventory = assessment.questionnaire.questions.get(key="inventory")
    champion = assessment.questionnaire.questions.get(key="champion")
    everything = Respondent.objects.create(assessment=assessment, user=owner, number=1)
    silent = Respondent.objects.create(assessment=assessment, number=2)
    basics_only = Respondent.objects.create(
        assessment=assessment, user=colleague, number=3, sections=["basics"]
    )
    _save(assessment, _option(inventory, 4), _option(champion, 4), respondent=everything)
    _save(assessment, _option(inventory, 1), respondent=basics_only)
    _save(assessment, _option(champion, 0))  # the agreed answer: read by nobody here

    results = evaluation.evaluate_respondents(assessment)
    assert set(results) == {everything.pk, basics_only.pk}
    assert silent.pk not in results
    mine = results[everything.pk].overall
    theirs = results[basics_only.pk].overall
    assert mine.total - mine.unanswered == 2
    assert theirs.total - theirs.unanswered == 1
    basics = assessment.questionnaire.questions.filter(section__key="basics").exclude(type="text")
    assert theirs.total == basics.count() < mine.total
    assert evaluation.evaluate_respondents(assessment, [basics_only]).keys() == {basics_only.pk}

    # The assessment's scope holds for every respondent.
    assessment.scope_exclusions = [{"kind": "section", "key": "basics", "reason": "Not ours"}]
    assessment.save()
    mine_in_scope = evaluation.evaluate_respondents(assessment)[everything.pk].overall
    assert mine_in_scope.total == mine.total - basics.count()


def test_the_standing_of_an_assessment_agrees_with_its_result(assessment):
    inventory = assessment.questionnaire.questions.get(key="inventory")
    assessment.scope_exclusions = [{"kind": "section", "key": "program", "reason": "Not ours"}]
    assessment.save()
    model = evaluation.model_spec(assessment.questionnaire)
    seen = evaluation.standing(assessment, model, [("inventory", "option", 3, [])])
    assert seen.answers == {"inventory": AnswerSpec("inventory", AnswerKind.OPTION, 3)}
    program = assessment.questionnaire.questions.filter(section__key="program")
    assert seen.excluded == frozenset(program.values_list("key", flat=True))
    assert seen.hidden == frozenset()
    assert inventory.key not in seen.excluded
