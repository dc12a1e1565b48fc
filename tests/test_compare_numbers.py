"""Compare: every change is the difference of the numbers the page shows beside it."""

from types import SimpleNamespace

import pytest
from django.template.defaultfilters import floatformat

from assessments.comparison import ScopeChange, shown_score


def _row(score):
    return SimpleNamespace(scope=SimpleNamespace(score=score, stage=None))


@pytest.mark.parametrize(
    ("before", "after", "shown", "delta"),
    [
        # 52.6 → 59.4 shows as 53 → 59: +6, where the raw difference 6.8 would round to +7.
        (52.6, 59.4, (53, 59), 6),
        (53.4, 58.6, (53, 59), 6),
        # .5 rounds up, as the page's floatformat does: 52.5 shows 53, 58.5 shows 59.
        (52.5, 58.5, (53, 59), 6),
        (52.5, 58.4, (53, 58), 5),
        (0.5, 0.4, (1, 0), -1),
        (70.0, 70.0, (70, 70), 0),
        (59.5, 52.5, (60, 53), -7),
    ],
)
def test_the_score_change_is_the_difference_of_the_shown_scores(before, after, shown, delta):
    change = ScopeChange("overall", "Overall", _row(before), _row(after))
    assert (change.before_score, change.after_score) == shown
    assert change.score_delta == delta


@pytest.mark.parametrize("score", [0.5, 1.5, 2.5, 52.5, 53.5, 99.5, 12.49, 12.51, 100.0, 0.0])
def test_a_shown_score_rounds_as_the_rest_of_the_pages_do(score):
    assert str(shown_score(score)) == floatformat(score, 0)


def test_no_change_without_a_score_on_both_sides():
    assert ScopeChange("overall", "Overall", _row(None), _row(50.0)).score_delta is None
    assert ScopeChange("layer", "Worker", None, _row(50.0)).score_delta is None
    assert shown_score(None) is None
