"""How differently the groups of a team see the organization: pure rules over plain data.

In an assessment answered individually first, each respondent's own answers are scored as the
agreed ones are (`evaluation.evaluate_respondents`). Here those results, one score (0-100) and
one level per axis (the overall result, each layer, each pillar), are compared
(docs/team.md, "Perception gaps"):

- The spread of an axis is the highest respondent score minus the lowest, in points, and the
  same for the level: 0 exactly when every respondent with a score on the axis has the same.
- Respondents form groups by a key: the layer they speak for, or their role. A group's mean on
  an axis is over its members with a score there.
- The gap of an axis is between the group with the lowest mean and the group with the highest;
  the largest gaps come first.

Nothing depends on the order of the respondents: means are exact sums (`math.fsum`) and ties
are broken by the groups' keys.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

OVERALL, LAYER, PILLAR = "overall", "layer", "pillar"

# An axis: ("overall", ""), ("layer", key) or ("pillar", key).
Axis = tuple[str, str]


@dataclass(frozen=True)
class Standing:
    """A result on one axis: its score (0-100, None without a scored question) and level."""

    score: float | None
    level: int | None = None


@dataclass(frozen=True)
class RespondentResult:
    """One respondent, as the comparison reads them: never their name, only their group."""

    group: str
    standings: Mapping[Axis, Standing]


@dataclass(frozen=True)
class Spread:
    axis: Axis
    points: float | None  # highest score minus lowest; None: no respondent has a score here
    levels: int | None  # highest level minus lowest; None: no respondent has a level here
    respondents: int  # how many have a score on the axis


@dataclass(frozen=True)
class GroupMean:
    group: str
    axis: Axis
    score: float | None  # the mean of its members' scores; None: none has a score here
    level: float | None  # the mean of their levels
    members: int  # how many of them have a score on the axis


@dataclass(frozen=True)
class Gap:
    axis: Axis
    low: str  # the group with the lowest mean
    high: str  # the group with the highest
    low_score: float
    high_score: float

    @property
    def points(self) -> float:
        return self.high_score - self.low_score


@dataclass(frozen=True)
class Perception:
    axes: tuple[Axis, ...]
    groups: tuple[tuple[str, int], ...]  # the groups compared, with their sizes, by key
    hidden: int  # respondents left out of the groups' comparison: their group is too small
    spreads: tuple[Spread, ...]  # in the order of `axes`
    means: Mapping[tuple[str, Axis], GroupMean]
    gaps: tuple[Gap, ...]  # largest first
    agreed: Mapping[Axis, Standing] = field(default_factory=dict)

    def mean(self, group: str, axis: Axis) -> GroupMean | None:
        return self.means.get((group, axis))

    def largest(self, count: int = 3) -> tuple[Gap, ...]:
        return self.gaps[:count]


def _difference(values: Sequence[float]) -> float | None:
    return max(values) - min(values) if values else None


def spread(respondents: Iterable[RespondentResult], axis: Axis) -> Spread:
    """The spread of `axis` over the respondents with a score (and a level) there."""
    standings = [r.standings.get(axis) for r in respondents]
    scores = [s.score for s in standings if s is not None and s.score is not None]
    levels = [
        s.level for s in standings if s is not None and s.score is not None and s.level is not None
    ]
    points = _difference(scores)
    level_gap = _difference(levels)
    return Spread(axis, points, None if level_gap is None else int(level_gap), len(scores))


def _mean(values: Sequence[float]) -> float | None:
    if not values:
        return None
    # fsum is exact, the division rounds: three scores of 43.308635199851736 would average one
    # step above themselves, and a gap between groups would exceed the spread of their members.
    return min(max(math.fsum(values) / len(values), min(values)), max(values))


def group_mean(members: Sequence[RespondentResult], group: str, axis: Axis) -> GroupMean:
    standings = [r.standings.get(axis) for r in members]
    scored = [s for s in standings if s is not None and s.score is not None]
    scores = [s.score for s in scored if s.score is not None]
    levels = [float(s.level) for s in scored if s.level is not None]
    return GroupMean(group, axis, _mean(scores), _mean(levels), len(scores))


def gap(means: Iterable[GroupMean], axis: Axis) -> Gap | None:
    """The lowest group against the highest on `axis`; None when fewer than two groups have a
    score there or they all have the same."""
    scored = sorted(
        ((m.score, m.group) for m in means if m.axis == axis and m.score is not None),
    )
    if len(scored) < 2 or scored[0][0] == scored[-1][0]:
        return None
    # Ties: the lowest key is the low group, and of the highest scores the lowest key again.
    low_score, low = scored[0]
    high_score = scored[-1][0]
    high = min(group for score, group in scored if score == high_score)
    return Gap(axis, low, high, low_score, high_score)


def perceive(
    respondents: Iterable[RespondentResult],
    axes: Sequence[Axis],
    agreed: Mapping[Axis, Standing] | None = None,
    *,
    min_group: int = 1,
) -> Perception:
    """Spreads over all `respondents`; means and gaps of the groups of at least `min_group`
    respondents (a smaller group is left out of the comparison, not out of the spreads)."""
    everyone = list(respondents)
    members: dict[str, list[RespondentResult]] = {}
    for respondent in everyone:
        members.setdefault(respondent.group, []).append(respondent)
    shown = {key: rows for key, rows in members.items() if len(rows) >= max(1, min_group)}
    means = {
        (key, axis): group_mean(rows, key, axis) for key, rows in shown.items() for axis in axes
    }
    order = {axis: index for index, axis in enumerate(axes)}
    found = [g for axis in axes if (g := gap(means.values(), axis)) is not None]
    found.sort(key=lambda g: (-g.points, order[g.axis], g.low, g.high))
    return Perception(
        axes=tuple(axes),
        groups=tuple(sorted((key, len(rows)) for key, rows in shown.items())),
        hidden=sum(len(rows) for key, rows in members.items() if key not in shown),
        spreads=tuple(spread(everyone, axis) for axis in axes),
        means=means,
        gaps=tuple(found),
        agreed=dict(agreed or {}),
    )
