"""The pure rules of answering on one's own (assessments/individual.py)."""

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from assessments.answering import Structure
from assessments.individual import assigned_structure, next_number, others_summary, progress_of


def test_numbers_start_at_one_and_follow_the_highest_given():
    assert next_number([]) == 1
    assert next_number([1, 2, 5]) == 6
    # A gap left by a removed respondent is never filled.
    assert next_number([2, 3]) == 4


def test_the_others_are_counted_most_chosen_first_without_names():
    labels = ["Yes", "Partly", "Partly"]
    assert others_summary(labels) == "2 chose “Partly”, 1 “Yes”"
    assert others_summary([]) == ""


@given(st.lists(st.sampled_from(["Yes", "No", "Partly", "Don't know"]), max_size=12))
def test_the_summary_does_not_depend_on_who_answered_first(labels):
    assert others_summary(labels) == others_summary(list(reversed(labels)))
    assert others_summary(labels) == others_summary(sorted(labels))


def _structure() -> Structure:
    a, b = SimpleNamespace(pk=1, key="a", order=1), SimpleNamespace(pk=2, key="b", order=2)
    questions = {
        pk: SimpleNamespace(pk=pk, key=f"q{pk}", section_id=section, is_scored=pk != 4)
        for pk, section in [(1, 1), (2, 1), (3, 2), (4, 2)]
    }
    return Structure(
        sections=(a, b),
        section_by_key={"a": a, "b": b},
        questions=questions,
        section_questions={1: (questions[1], questions[2]), 2: (questions[3], questions[4])},
        numbers={1: 1, 2: 2, 3: 3, 4: 4},
    )


def test_an_assignment_keeps_its_sections_and_their_questions_with_their_numbers():
    part = assigned_structure(_structure(), ["b"])
    assert [s.key for s in part.sections] == ["b"] and set(part.questions) == {3, 4}
    assert part.numbers[3] == 3  # "question 3" for everyone
    assert assigned_structure(_structure(), []) == _structure()


def test_progress_counts_the_assigned_scored_questions_only():
    structure = assigned_structure(_structure(), ["b"])
    rows = [(1, "option", 2, []), (3, "option", 1, [])]  # question 1 is not theirs
    progress = progress_of(structure, rows)
    assert (progress.answered, progress.total, progress.done) == (1, 1, True)
    out_of_scope = progress_of(structure, rows, excluded={3})
    assert (out_of_scope.answered, out_of_scope.total, out_of_scope.done) == (0, 0, False)
