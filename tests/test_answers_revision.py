"""Every way of writing answers moves the answers revision of the assessments it touches.

Results, summaries and PDFs are kept under `Assessment.answers_fingerprint`; a write that did not
move it would leave them showing answers that are no longer there.
"""

import pytest
from django.urls import reverse

from assessments.forms.assessments import carry_over_answers
from assessments.models import Answer, Assessment
from assessments.versioning import apply_upgrade
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db


def stored(assessment) -> int:
    return Assessment.objects.values_list("answers_revision", flat=True).get(pk=assessment.pk)


def question(assessment, key):
    return assessment.questionnaire.questions.get(key=key)


def answer(assessment, key, score=2, **extra):
    q = question(assessment, key)
    return Answer.objects.create(
        assessment=assessment, question=q, kind="option", option=q.options.get(score=score), **extra
    )


@pytest.fixture
def untouched(organization, questionnaire):
    """An assessment no test writes to: its revision must stay where it is."""
    other = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Untouched"
    )
    answer(other, "policy")
    yield other
    assert stored(other) == other.answers_revision == 1


@pytest.fixture
def second(organization, questionnaire):
    return Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Second"
    )


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("ada", "ada@example.org", "pw-ada-123")


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def test_it_moves_on_a_first_answer_and_a_changed_one_in_six_and_three_queries(
    assessment, owner, untouched, django_assert_num_queries
):
    policy = question(assessment, "policy")
    low, high = policy.options.get(score=1), policy.options.get(score=3)
    # UPDATE answer (no row), SAVEPOINT, INSERT answer, UPDATE assessment, RELEASE, INSERT the
    # change into the answer's history.
    with django_assert_num_queries(6):
        assessment.record_answer(policy, owner, reread=False, kind="option", option=low)
    assert stored(assessment) == assessment.answers_revision == 1
    # UPDATE answer, UPDATE assessment, INSERT the change.
    with django_assert_num_queries(3):
        assessment.record_answer(policy, owner, reread=False, kind="option", option=high)
    assert stored(assessment) == assessment.answers_revision == 2


def test_it_moves_on_save_and_delete_of_one_answer(assessment, untouched):
    made = answer(assessment, "policy")
    assert stored(assessment) == 1
    made.comment = "Approved"
    made.save()
    assert stored(assessment) == 2
    made.delete()
    assert stored(assessment) == 3
    assert assessment.answers_revision == 3  # the instance the answers held followed


def test_an_answer_moved_to_another_assessment_moves_both(assessment, second, untouched):
    made = Answer.objects.get(pk=answer(assessment, "policy").pk)
    made.assessment = second
    made.save()
    assert (stored(assessment), stored(second)) == (2, 1)


def test_it_moves_on_a_queryset_update_even_when_the_filter_no_longer_matches(
    assessment, second, untouched
):
    answer(assessment, "policy")
    answer(second, "policy")
    answer(second, "training")
    Answer.objects.exclude(assessment=untouched).filter(comment="").update(comment="Checked")
    assert (stored(assessment), stored(second)) == (2, 3)


def test_a_queryset_update_that_moves_answers_moves_both_assessments(assessment, second, untouched):
    answer(assessment, "policy")
    Answer.objects.filter(assessment=assessment).update(assessment=second)
    assert (stored(assessment), stored(second)) == (2, 1)


def test_it_moves_on_a_queryset_delete(assessment, second, untouched):
    answer(assessment, "policy")
    answer(second, "policy")
    Answer.objects.filter(question__key="policy").exclude(assessment=untouched).delete()
    assert (stored(assessment), stored(second)) == (2, 2)


def test_a_write_through_of_that_touches_nothing_moves_nothing(assessment, untouched):
    assert Answer.objects.of(assessment).update(comment="Nothing") == 0
    assert Answer.objects.of(assessment).delete()[0] == 0
    assert stored(assessment) == assessment.answers_revision == 0


def test_it_moves_once_per_bulk_create_for_every_assessment_in_it(
    assessment, second, untouched, django_assert_num_queries
):
    rows = [
        Answer(assessment=target, question=q, kind="dont_know")
        for target in (assessment, second)
        for q in assessment.questionnaire.questions.all()[:2]
    ]
    with django_assert_num_queries(2):  # INSERT answers, UPDATE both assessments
        Answer.objects.bulk_create(rows)
    assert (stored(assessment), stored(second)) == (1, 1)
    assert (assessment.answers_revision, second.answers_revision) == (1, 1)


def test_it_moves_on_a_bulk_update(assessment, untouched):
    made = [answer(assessment, "policy"), answer(assessment, "training")]
    for row in made:
        row.comment = "Reviewed"
    Answer.objects.bulk_update(made, ["comment"])
    assert stored(assessment) == 3


def test_starting_from_a_previous_assessment_moves_the_new_one_only(
    assessment, second, owner, untouched
):
    answer(assessment, "policy")
    answer(assessment, "training")
    assert carry_over_answers(assessment, second, owner) == 2
    assert (stored(assessment), stored(second)) == (2, 1)
    assert second.answers_revision == 1


def test_moving_to_a_newer_version_moves_it_and_keeps_the_instance_in_step(
    assessment, owner, next_version_text, untouched
):
    answer(assessment, "policy")
    answer(assessment, "training")  # gone in version 2: dropped
    v2 = load_text(next_version_text(), publish=True)
    before = stored(assessment)
    apply_upgrade(assessment, v2, owner)
    assert stored(assessment) > before
    assert assessment.answers_revision == stored(assessment)
    assert assessment.answers_fingerprint == f"{v2.pk}:{stored(assessment)}"


def test_it_moves_on_an_answer_changed_in_the_admin(admin_client, assessment, untouched):
    made = answer(assessment, "policy")
    response = admin_client.post(
        reverse("admin:assessments_answer_change", args=[made.pk]),
        {
            "assessment": assessment.pk,
            "question": made.question_id,
            "kind": "option",
            "option": made.option_id,
            "comment": "Changed by an administrator",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert Answer.objects.get(pk=made.pk).comment == "Changed by an administrator"
    assert stored(assessment) == 2


def test_it_moves_on_an_answer_deleted_in_the_admin(admin_client, assessment, untouched):
    made = answer(assessment, "policy")
    admin_client.post(reverse("admin:assessments_answer_delete", args=[made.pk]), {"post": "yes"})
    assert not Answer.objects.filter(pk=made.pk).exists()
    assert stored(assessment) == 2


def test_it_moves_on_answers_deleted_in_bulk_in_the_admin(
    admin_client, assessment, second, untouched
):
    made = [answer(assessment, "policy"), answer(second, "policy")]
    admin_client.post(
        reverse("admin:assessments_answer_changelist"),
        {"action": "delete_selected", "_selected_action": [a.pk for a in made], "post": "yes"},
    )
    assert not Answer.objects.filter(pk__in=[a.pk for a in made]).exists()
    assert (stored(assessment), stored(second)) == (2, 2)


def test_deleting_an_assessment_still_deletes_its_answers(assessment, untouched):
    answer(assessment, "policy")
    assessment.delete()
    assert not Answer.objects.exclude(assessment=untouched).exists()


def test_deleting_an_organization_still_deletes_its_assessments_answers(assessment, second):
    answer(assessment, "policy")
    answer(second, "policy")
    assessment.organization.delete()
    assert not Answer.objects.exists()
