"""The review and approval of a strategy, as pure functions over plain data.

A strategy is a draft, in review, or approved. Its version is a (major, minor) pair: the version
the current text is, or is becoming. A strategy never approved is the draft of "1.0"; its first
approval makes "1.0" approved. An edit of an approved strategy starts the draft of the next minor
("1.1 draft"), whose approval makes "1.1" approved. An owner may raise the major instead ("2.0")
when sending for review or approving. Versions only go up.

Who may do what (`allowed`):

- send for review (draft → in review): an owner or an editor, naming reviewers;
- return to draft (in review → draft): an owner or an editor, to go on writing without review;
- approve (in review → approved): an owner;
- edit (any state; an approved strategy then becomes the next draft): an owner or an editor;
- comment: an owner or an editor at any time, a reviewer (whatever their role) while in review;
- resolve a comment: an owner or an editor.

Nothing here reads the database: the views pass the state, the role and whether the person is a
reviewer, and turn a refusal into 403 (the role may never do it) or 409 (not in this state).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _


class State(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"


class Action(StrEnum):
    SEND_FOR_REVIEW = "send_for_review"
    RETURN_TO_DRAFT = "return_to_draft"
    APPROVE = "approve"
    EDIT = "edit"
    COMMENT = "comment"
    RESOLVE = "resolve"


OWNER, EDITOR, VIEWER = "owner", "editor", "viewer"

# (action) -> (states it is possible in, state it leads to or None for "unchanged")
_TRANSITIONS: dict[Action, tuple[frozenset[State], State | None]] = {
    Action.SEND_FOR_REVIEW: (frozenset({State.DRAFT}), State.REVIEW),
    Action.RETURN_TO_DRAFT: (frozenset({State.REVIEW}), State.DRAFT),
    Action.APPROVE: (frozenset({State.REVIEW}), State.APPROVED),
    Action.EDIT: (frozenset(State), None),
    Action.COMMENT: (frozenset(State), None),
    Action.RESOLVE: (frozenset(State), None),
}


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    @classmethod
    def parse(cls, text: str) -> Version:
        major, _, minor = text.partition(".")
        return cls(int(major), int(minor or 0))


FIRST = Version(1, 0)


@dataclass(frozen=True)
class Refusal:
    """Why an action is not allowed: `forbidden` for the role (403), else for the state (409)."""

    forbidden: bool
    reason: str


def role_allows(action: Action, state: State, role: str, reviewer: bool) -> bool:
    """Whether `role` (and being a reviewer) may ever do `action`, whatever else holds."""
    writer = role in (OWNER, EDITOR)
    if action is Action.APPROVE:
        return role == OWNER
    if action is Action.COMMENT:
        return writer or (reviewer and state is State.REVIEW)
    return writer


def allowed(action: Action, state: State, role: str, reviewer: bool = False) -> Refusal | None:
    """None when the action may be done now; otherwise why not."""
    states = _TRANSITIONS[action][0]
    if not role_allows(action, state, role, reviewer):
        if action is Action.COMMENT and reviewer:
            return Refusal(False, _("Reviewers comment while the strategy is in review."))
        if action is Action.APPROVE:
            return Refusal(True, _("Only an owner of the organization approves a strategy."))
        if action is Action.COMMENT:
            return Refusal(True, _("Only reviewers and editors comment on the strategy."))
        return Refusal(True, _("Viewers can read the strategy but not change it."))
    if state not in states:
        return Refusal(False, _STATE_REFUSALS[action, state]())
    return None


# Why an action is refused in a state, in words for the person who tried.
_STATE_REFUSALS = {
    (Action.SEND_FOR_REVIEW, State.REVIEW): lambda: _("The strategy is in review already."),
    (Action.SEND_FOR_REVIEW, State.APPROVED): lambda: _(
        "The strategy is approved: edit it to start the next draft, then send that for review."
    ),
    (Action.RETURN_TO_DRAFT, State.DRAFT): lambda: _("The strategy is a draft already."),
    (Action.RETURN_TO_DRAFT, State.APPROVED): lambda: _(
        "The strategy is approved: edit it to start the next draft."
    ),
    (Action.APPROVE, State.DRAFT): lambda: _(
        "Only a strategy in review can be approved: send it for review first."
    ),
    (Action.APPROVE, State.APPROVED): lambda: _("This version is approved already."),
}


def next_state(action: Action, state: State) -> State:
    """The state after `action`, assumed allowed; an edit of an approved strategy reopens it."""
    if action is Action.EDIT and state is State.APPROVED:
        return State.DRAFT
    target = _TRANSITIONS[action][1]
    return state if target is None else target


def draft_version_after(approved: Version | None) -> Version:
    """The version a new draft becomes: "1.0" before any approval, else the next minor."""
    if approved is None:
        return FIRST
    return Version(approved.major, approved.minor + 1)


def next_major(current: Version, approved: Version | None) -> Version:
    """The major revision an owner may choose instead of `current`: "2.0" after "1.x"."""
    if approved is None:
        return current
    return Version(approved.major + 1, 0)


def version_choices(current: Version, approved: Version | None) -> list[Version]:
    """The versions an owner may give the text being reviewed or approved: as drafted, or the
    next major. Both are above the last approved version."""
    major = next_major(current, approved)
    return [current] if major == current else [current, major]


def version_after(
    action: Action, state: State, current: Version, approved: Version | None, chosen=None
) -> Version:
    """The strategy's version after `action`: an edit of an approved strategy starts the next
    minor; sending for review or approving may take the `chosen` major; otherwise unchanged."""
    if action is Action.EDIT and state is State.APPROVED:
        return draft_version_after(approved)
    if action in (Action.SEND_FOR_REVIEW, Action.APPROVE) and chosen is not None:
        if chosen not in version_choices(current, approved):
            raise ValueError(f"{chosen} is not a version this strategy can take now")
        return chosen
    return current


def version_label(status: str, version: Version, approved_on=None, approved_by: str = "") -> str:
    """The version and status as the cover, the footer and the overview show them:
    "1.1 draft", "1.0 in review", "1.0 approved on 30 Nov. 2026 by Olivia"."""
    from django.utils.formats import date_format

    if status == State.APPROVED and approved_on is not None:
        values = {"version": version, "date": date_format(approved_on, "DATE_FORMAT")}
        if approved_by:
            return _("%(version)s approved on %(date)s by %(name)s") % {
                **values,
                "name": approved_by,
            }
        return _("%(version)s approved on %(date)s") % values
    if status == State.REVIEW:
        return _("%(version)s in review") % {"version": version}
    return _("%(version)s draft") % {"version": version}
