"""The spread of a team's answers and the suggested agreed answer: pure rules, no database."""

from hypothesis import given
from hypothesis import strategies as st

from assessments import consensus
from assessments.consensus import (
    DONT_KNOW_POSITION,
    NOT_APPLICABLE_POSITION,
    Position,
    checked,
    median,
    option,
    spread,
)

STEPS = 4  # five options

positions = st.one_of(
    st.integers(0, STEPS).map(option),
    st.frozensets(st.integers(1, 6), max_size=6).map(checked),
    st.just(NOT_APPLICABLE_POSITION),
    st.just(DONT_KNOW_POSITION),
)


def _agree(answers: list[Position]) -> bool:
    return len({p for p in answers if p.takes_position}) <= 1


@given(st.lists(positions, max_size=8))
def test_spread_is_zero_exactly_when_all_who_take_a_position_agree(answers):
    assert (spread(answers, STEPS) == 0) == _agree(answers)


@given(st.lists(positions, max_size=8), st.randoms())
def test_spread_and_median_do_not_depend_on_the_order_of_answers(answers, rng):
    shuffled = list(answers)
    rng.shuffle(shuffled)
    assert spread(shuffled, STEPS) == spread(answers, STEPS)
    assert median(shuffled) == median(answers)


@given(st.lists(positions, max_size=8))
def test_spread_stays_between_zero_and_one(answers):
    assert 0 <= spread(answers, STEPS) <= 1


@given(st.lists(st.integers(0, STEPS).map(option), min_size=1, max_size=8))
def test_the_median_option_is_one_somebody_chose_and_no_higher_than_the_middle(answers):
    middle = median(answers)
    assert middle in answers
    ranks = sorted(p.rank for p in answers)
    assert middle.rank <= ranks[len(ranks) // 2]


def test_options_are_as_far_apart_as_their_steps_on_the_scale():
    assert spread([option(0), option(4)], STEPS) == 1
    assert spread([option(1), option(2), option(1)], STEPS) == 0.25
    assert consensus.is_strong(spread([option(0), option(2)], STEPS))
    assert not consensus.is_strong(spread([option(1), option(2)], STEPS))


def test_dont_know_neither_widens_the_spread_nor_moves_the_median():
    answers = [option(3), DONT_KNOW_POSITION, option(3)]
    assert spread(answers, STEPS) == 0
    assert median(answers) == option(3)
    assert median([DONT_KNOW_POSITION]) == DONT_KNOW_POSITION
    assert median([]) is None


def test_does_not_apply_against_an_answer_is_the_widest_spread():
    assert spread([NOT_APPLICABLE_POSITION, option(2)], STEPS) == 1
    assert median([NOT_APPLICABLE_POSITION, NOT_APPLICABLE_POSITION, option(2)]) == (
        NOT_APPLICABLE_POSITION
    )
    assert median([NOT_APPLICABLE_POSITION, option(2)]) == option(2)


def test_the_lower_middle_is_suggested_when_the_team_splits_evenly():
    assert median([option(1), option(3)]) == option(1)


def test_checklists_differ_by_the_share_of_boxes_only_one_checked():
    assert spread([checked({1, 2}), checked({2, 3})], STEPS) == 2 / 3
    assert median([checked({1, 2}), checked({2, 3}), checked({2})]) == checked({2})


def test_scale_ranks_follow_the_scores_and_the_order_breaks_ties():
    assert consensus.scale_ranks([(10, 100), (11, 0), (12, 50), (13, 50)]) == {
        11: 0,
        12: 1,
        13: 2,
        10: 3,
    }


def test_agreement_counts_the_open_questions_with_strong_disagreement():
    state = consensus.agreement([(True, 1.0), (False, 0.75), (False, 0.25), (False, 0.0)])
    assert (state.agreed, state.total, state.strong) == (1, 4, 1)


def test_the_order_of_the_question_breaks_a_tie_not_the_option_s_id():
    assert consensus.scale_ranks([(13, 50), (12, 50)]) == {13: 0, 12: 1}


def test_a_position_is_no_distance_from_itself():
    assert consensus.distance(option(2), option(2), STEPS) == 0
    assert consensus.distance(checked({1}), checked({1}), STEPS) == 0


def test_two_options_are_at_most_one_apart_even_beyond_the_scale():
    # A rank beyond the steps (a scale read from another version) still counts as the widest.
    assert consensus.distance(option(0), option(6), STEPS) == 1


def test_on_a_scale_without_steps_two_different_options_are_as_far_apart_as_can_be():
    assert consensus.distance(option(0), option(1), 0) == 1


def test_on_a_scale_of_one_step_neighbours_are_as_far_apart_as_can_be():
    assert consensus.distance(option(0), option(1), 1) == 1


def test_the_median_of_three_options_is_the_middle_one():
    assert median([option(4), option(0), option(2)]) == option(2)
    assert median([option(0), option(1), option(3), option(4), option(4)]) == option(3)


def test_a_box_half_the_team_checked_is_not_in_the_suggestion():
    assert median([checked({1, 2}), checked({2})]) == checked({2})
    assert median([checked({1}), checked({2})]) == checked(set())


def test_only_open_questions_count_as_strong_disagreement():
    assert consensus.agreement([(True, 1.0)]) == consensus.Agreement(agreed=1, total=1, strong=0)
    assert consensus.agreement([(False, 0.5)]) == consensus.Agreement(agreed=0, total=1, strong=1)
    assert consensus.agreement([(False, 0.49)]) == consensus.Agreement(0, 1, 0)
