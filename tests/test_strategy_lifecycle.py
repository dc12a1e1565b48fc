"""The review and approval rules as pure functions (strategy.lifecycle): no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategy.lifecycle import (
    EDITOR,
    FIRST,
    OWNER,
    VIEWER,
    Action,
    State,
    Version,
    allowed,
    draft_version_after,
    next_state,
    version_after,
    version_choices,
    version_label,
)


@pytest.mark.parametrize(
    ("action", "state", "role", "reviewer", "ok", "forbidden"),
    [
        (Action.SEND_FOR_REVIEW, State.DRAFT, EDITOR, False, True, False),
        (Action.SEND_FOR_REVIEW, State.DRAFT, OWNER, False, True, False),
        (Action.SEND_FOR_REVIEW, State.DRAFT, VIEWER, True, False, True),
        (Action.SEND_FOR_REVIEW, State.REVIEW, EDITOR, False, False, False),
        (Action.SEND_FOR_REVIEW, State.APPROVED, OWNER, False, False, False),
        (Action.APPROVE, State.REVIEW, OWNER, False, True, False),
        (Action.APPROVE, State.REVIEW, EDITOR, True, False, True),
        (Action.APPROVE, State.DRAFT, OWNER, False, False, False),
        (Action.APPROVE, State.APPROVED, OWNER, False, False, False),
        (Action.RETURN_TO_DRAFT, State.REVIEW, EDITOR, False, True, False),
        (Action.RETURN_TO_DRAFT, State.DRAFT, EDITOR, False, False, False),
        (Action.COMMENT, State.REVIEW, VIEWER, True, True, False),
        (Action.COMMENT, State.REVIEW, VIEWER, False, False, True),
        (Action.COMMENT, State.DRAFT, VIEWER, True, False, False),
        (Action.COMMENT, State.DRAFT, EDITOR, False, True, False),
        (Action.EDIT, State.REVIEW, VIEWER, True, False, True),
        (Action.EDIT, State.APPROVED, EDITOR, False, True, False),
        (Action.RESOLVE, State.REVIEW, VIEWER, True, False, True),
        (Action.RESOLVE, State.REVIEW, EDITOR, False, True, False),
    ],
)
def test_it_allows_each_transition_by_state_and_role(action, state, role, reviewer, ok, forbidden):
    refusal = allowed(action, state, role, reviewer)
    assert (refusal is None) == ok
    if refusal is not None:
        assert refusal.forbidden == forbidden
        assert refusal.reason


def test_the_states_follow_draft_review_approved_and_an_edit_reopens():
    assert next_state(Action.SEND_FOR_REVIEW, State.DRAFT) is State.REVIEW
    assert next_state(Action.APPROVE, State.REVIEW) is State.APPROVED
    assert next_state(Action.RETURN_TO_DRAFT, State.REVIEW) is State.DRAFT
    assert next_state(Action.EDIT, State.APPROVED) is State.DRAFT
    assert next_state(Action.EDIT, State.REVIEW) is State.REVIEW
    assert next_state(Action.COMMENT, State.REVIEW) is State.REVIEW


def test_the_first_approval_is_1_0_and_an_edit_after_starts_the_next_minor():
    assert draft_version_after(None) == FIRST == Version(1, 0)
    assert version_after(Action.APPROVE, State.REVIEW, FIRST, None) == Version(1, 0)
    assert version_after(Action.EDIT, State.APPROVED, FIRST, FIRST) == Version(1, 1)
    assert version_after(Action.EDIT, State.DRAFT, Version(1, 1), FIRST) == Version(1, 1)
    assert version_after(Action.EDIT, State.APPROVED, Version(1, 1), Version(1, 1)) == Version(1, 2)


def test_an_owner_may_choose_the_next_major_instead():
    assert version_choices(Version(1, 1), Version(1, 0)) == [Version(1, 1), Version(2, 0)]
    assert version_choices(FIRST, None) == [FIRST]
    assert version_after(
        Action.APPROVE, State.REVIEW, Version(1, 1), Version(1, 0), Version(2, 0)
    ) == Version(2, 0)
    with pytest.raises(ValueError, match="not a version"):
        version_after(Action.APPROVE, State.REVIEW, Version(1, 1), Version(1, 0), Version(3, 0))
    with pytest.raises(ValueError, match="not a version"):
        version_after(Action.APPROVE, State.REVIEW, Version(1, 1), Version(1, 0), Version(0, 9))


def test_the_label_says_version_and_status():
    from datetime import date

    assert version_label("draft", Version(1, 1)) == "1.1 draft"
    assert version_label("review", FIRST) == "1.0 in review"
    label = version_label("approved", FIRST, date(2026, 11, 30), "Olivia")
    assert label.startswith("1.0 approved on ") and label.endswith(" by Olivia")
    assert "2026" in label


actions = st.sampled_from(list(Action))
roles = st.sampled_from([OWNER, EDITOR, VIEWER])


@given(st.lists(st.tuples(actions, roles, st.booleans(), st.booleans()), max_size=40))
def test_versions_only_go_up(steps):
    """Whatever allowed steps are taken in whatever order, each approved version is above the
    one before, and the current version never goes down."""
    state, current, approved = State.DRAFT, FIRST, None
    approvals = []
    for action, role, reviewer, major in steps:
        if allowed(action, state, role, reviewer) is not None:
            continue
        chosen = None
        if major and action in (Action.SEND_FOR_REVIEW, Action.APPROVE) and role == OWNER:
            chosen = version_choices(current, approved)[-1]
        new = version_after(action, state, current, approved, chosen)
        assert new >= current
        state, current = next_state(action, state), new
        if action is Action.APPROVE:
            assert approved is None or current > approved
            approved = current
            approvals.append(current)
    assert approvals == sorted(set(approvals))
