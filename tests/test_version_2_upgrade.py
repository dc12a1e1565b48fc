"""Moving from ospo-maturity version 1 to version 2, tested on the demo organization's answers:
version 1 stays loadable, its assessments keep their results, and the move carries what still
means the same and lists the rest."""

import pytest
import yaml

from assessments import demo, evaluation
from assessments.models import Assessment, Questionnaire
from assessments.versioning import DropReason, apply_upgrade, plan_upgrade

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_version_1(organization, owner):
    version_1 = demo.ensure_default_questionnaire(demo.VERSION_1_FILE)
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=version_1, title="Baseline", created_by=owner
    )
    data = yaml.safe_load(demo.DEMO_ANSWERS_VERSION_1_FILE.read_text(encoding="utf-8"))
    demo.apply_answers(assessment, data, owner)
    return assessment


def test_version_1_assessments_keep_their_result_when_version_2_is_published(on_version_1):
    before = evaluation.evaluate(on_version_1)
    version_2 = demo.ensure_default_questionnaire()
    assert version_2.version == 2
    on_version_1.refresh_from_db()
    assert on_version_1.questionnaire.status == Questionnaire.Status.RETIRED
    after = evaluation.evaluate(Assessment.objects.get(pk=on_version_1.pk))
    assert (after.overall.stage, after.overall.score) == (2, before.overall.score)
    assert after == before


def test_the_upgrade_plan_of_the_demo_carries_what_still_means_the_same(on_version_1):
    version_2 = demo.ensure_default_questionnaire()
    plan = plan_upgrade(on_version_1, version_2)
    answered = on_version_1.answers.count()
    assert len(plan.carried) + len(plan.dropped) == answered == 72
    # Measured on the demo: 37 answers carry over (19 of them to a reworded question, so the
    # move lists them for a second look); 5 questions are gone and 30 answers were given with
    # an option version 2 words anew (most on the generic scale of version 1).
    assert (len(plan.carried), len(plan.reworded), len(plan.dropped)) == (37, 19, 35)
    reasons = {}
    for dropped in plan.dropped:
        reasons.setdefault(dropped.reason, set()).add(dropped.answer.question.key)
    # The five questions version 2 no longer asks (docs/questionnaire.md lists where they went).
    assert reasons[DropReason.QUESTION_REMOVED] == {
        "oss-curious-person",
        "go-to-person-named",
        "decision-rights-defined",
        "vulnerable-dependencies-patched",
        "event-presence-planned",
    }
    # Whatever else is dropped was answered with an option version 2 words differently.
    assert set(reasons) <= {DropReason.QUESTION_REMOVED, DropReason.OPTION_CHANGED}
    for carried in plan.carried:
        if carried.option is not None:
            assert carried.option.label == carried.answer.option.label
            assert carried.option.score == carried.answer.option.score
    # Version 2 adds its new practices, to be answered.
    new = {q.key for q in plan.new_questions}
    assert {"license-obligations-reviewed", "threat-modelling", "upstream-first"} <= new
    assert len(new) == 98 - (72 - 5)


def test_the_demo_moved_to_version_2_is_offered_its_new_questions_and_keeps_the_rest(
    on_version_1, owner
):
    version_2 = demo.ensure_default_questionnaire()
    plan = plan_upgrade(on_version_1, version_2)
    apply_upgrade(on_version_1, version_2, owner)
    moved = Assessment.objects.get(pk=on_version_1.pk)
    assert moved.questionnaire == version_2
    assert moved.answers.count() == len(plan.carried)
    # Carried answers keep what the respondent wrote alongside them.
    kept = moved.answers.get(question__key="strategy-documented")
    assert kept.comment.startswith("Approved by the executive team")


def test_the_demo_answered_anew_for_version_2_stands_at_stage_2_with_its_blockers_explained():
    result = evaluation.evaluate(demo.setup_demo().assessment)
    overall = result.overall
    assert (overall.stage, overall.blocking_stage) == (2, 3)
    gating = [b for b in overall.blockers if b.gating]
    assert {b.question for b in gating} == {
        "contribution-recognition",
        "contribution-process-light",
        "upstream-time-for-critical-projects",
    }
    assert all(b.recommendation.strip() and b.text.strip() for b in overall.blockers)
