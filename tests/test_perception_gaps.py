"""Perception gaps as pure rules: spreads per axis, group means and the largest gaps."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.perception import (
    LAYER,
    OVERALL,
    PILLAR,
    RespondentResult,
    Standing,
    perceive,
    spread,
)

AXES = [(OVERALL, ""), (LAYER, "engineering"), (LAYER, "management"), (PILLAR, "community")]
GROUPS = ["engineering", "management", "business", ""]

standings = st.one_of(
    st.just(Standing(None, None)),
    st.builds(
        Standing,
        st.floats(0, 100, allow_nan=False),
        st.integers(0, 4),
    ),
)
respondents = st.builds(
    RespondentResult,
    st.sampled_from(GROUPS),
    st.fixed_dictionaries({axis: standings for axis in AXES}),
)


def person(group, **scores):
    """A respondent with a score per axis, and a level of one per 20 points."""
    axes = {"overall": (OVERALL, ""), "eng": AXES[1], "mgmt": AXES[2], "community": AXES[3]}
    return RespondentResult(
        group, {axes[name]: Standing(score, int(score) // 20) for name, score in scores.items()}
    )


@given(st.lists(respondents, max_size=8))
def test_spread_is_zero_exactly_when_every_respondent_scores_the_same(people):
    for axis in AXES:
        scores = {p.standings[axis].score for p in people} - {None}
        found = spread(people, axis)
        if not scores:
            assert found.points is None
        else:
            assert (found.points == 0) == (len(scores) == 1)
            assert found.points >= 0


@given(st.lists(respondents, max_size=8), st.randoms())
def test_nothing_depends_on_the_order_of_respondents(people, rng):
    shuffled = list(people)
    rng.shuffle(shuffled)
    assert perceive(shuffled, AXES) == perceive(people, AXES)
    assert perceive(shuffled, AXES, min_group=2) == perceive(people, AXES, min_group=2)


@given(st.lists(respondents, max_size=8))
def test_gaps_come_largest_first_and_lie_within_the_spread(people):
    found = perceive(people, AXES)
    sizes = [gap.points for gap in found.gaps]
    assert sizes == sorted(sizes, reverse=True)
    spreads = {s.axis: s for s in found.spreads}
    for gap in found.gaps:
        assert 0 < gap.points <= spreads[gap.axis].points
        assert gap.low != gap.high


@given(st.lists(respondents, max_size=8), st.integers(1, 4))
def test_a_group_below_the_minimum_is_compared_nowhere_but_counts_in_the_spreads(people, least):
    everyone = perceive(people, AXES)
    found = perceive(people, AXES, min_group=least)
    assert all(size >= least for _group, size in found.groups)
    assert found.hidden + sum(size for _group, size in found.groups) == len(people)
    assert found.spreads == everyone.spreads
    shown = {group for group, _size in found.groups}
    assert all(g.low in shown and g.high in shown for g in found.gaps)


def test_the_spread_is_the_highest_score_minus_the_lowest_and_the_same_in_levels():
    people = [person("engineering", overall=20), person("management", overall=85)]
    found = spread(people, (OVERALL, ""))
    assert (found.points, found.levels, found.respondents) == (65, 3, 2)


def test_a_respondent_without_a_score_on_an_axis_is_left_out_of_it():
    people = [person("engineering", overall=20), person("management", overall=30, eng=50)]
    found = spread(people, AXES[1])
    assert (found.points, found.levels, found.respondents) == (0, 0, 1)
    assert spread([], AXES[1]).points is None


def test_group_means_and_the_gap_between_the_lowest_and_highest_group():
    people = [
        person("engineering", community=10),
        person("engineering", community=30),
        person("management", community=58),
        person("business", community=40),
    ]
    found = perceive(people, AXES)
    assert found.mean("engineering", AXES[3]).score == 20
    assert found.mean("engineering", AXES[3]).members == 2
    (gap,) = found.gaps
    assert (gap.axis, gap.low, gap.high, gap.points) == (AXES[3], "engineering", "management", 38)


def test_groups_of_one_are_compared_unless_a_minimum_is_set():
    people = [person("engineering", overall=10), person("management", overall=90)]
    assert perceive(people, AXES).gaps[0].points == 80
    hidden = perceive(people, AXES, min_group=2)
    assert hidden.groups == () and hidden.gaps == () and hidden.hidden == 2
    assert hidden.spreads[0].points == 80


def test_the_same_view_in_every_group_is_no_gap():
    people = [person("engineering", overall=50), person("management", overall=50)]
    assert perceive(people, AXES).gaps == ()


def test_ties_are_broken_by_the_groups_keys_and_then_the_axes_order():
    people = [
        person("management", overall=10, community=10),
        person("engineering", overall=40, community=40),
        person("business", overall=40, community=40),
    ]
    found = perceive(people, AXES)
    assert [(g.axis, g.low, g.high) for g in found.gaps] == [
        ((OVERALL, ""), "management", "business"),
        (AXES[3], "management", "business"),
    ]


@pytest.mark.parametrize("value", [0.1 + 0.2, 1e-9, 99.99999])
def test_means_are_exact_whatever_the_order(value):
    people = [person("a", overall=value), person("a", overall=100 - value), person("a", overall=1)]
    assert perceive(people, AXES) == perceive(list(reversed(people)), AXES)


def test_a_group_s_mean_never_rounds_beyond_its_members_scores():
    score = 43.308635199851736  # three of it sum to a value that divides back one step higher
    people = [
        RespondentResult("engineering", {axis: Standing(score, 0) for axis in AXES}),
    ] * 3 + [RespondentResult("management", {axis: Standing(0.0, 0) for axis in AXES})]
    found = perceive(people, AXES)
    spreads = {s.axis: s for s in found.spreads}
    for gap in found.gaps:
        assert gap.high_score == score
        assert gap.points <= spreads[gap.axis].points
