"""How far apart a team's individual answers to one question are, and where to start agreeing.

Pure functions over plain data, no database (docs/team.md has the rules in words):

- Each answer that takes a position is a `Position`: an option, at its place on the question's
  scale; the boxes of a checklist; or "does not apply". "Don't know" takes no position: it is
  counted in the distribution, but neither widens the spread nor moves the median.
- The distance between two positions is between 0 (the same) and 1 (as far apart as the
  question allows): for options, how many steps of the scale apart they are, over the scale's
  steps; for checklists, the share of the boxes either checked that only one of them checked;
  "does not apply" against any answer is 1.
- The spread of a question is the largest distance between two of its positions: 0 exactly
  when everybody who took a position took the same one, whatever their order.
- The suggested agreed answer is the median: the lower middle option (so the team starts from
  the more cautious one), the boxes more than half checked, or "does not apply" when more than
  half said so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

OPTION = "option"
CHECKED = "checked"
NOT_APPLICABLE = "not_applicable"
DONT_KNOW = "dont_know"

# From this spread on, the team disagrees strongly: at least half the scale apart.
STRONG = 0.5


@dataclass(frozen=True)
class Position:
    """One person's answer as the spread reads it."""

    kind: str  # OPTION, CHECKED, NOT_APPLICABLE or DONT_KNOW
    rank: int = 0  # an option's place on the scale, from 0 (lowest score)
    boxes: frozenset[int] = field(default_factory=frozenset)  # a checklist's boxes (pks)

    @property
    def takes_position(self) -> bool:
        return self.kind != DONT_KNOW


def option(rank: int) -> Position:
    return Position(OPTION, rank=rank)


def checked(boxes: Iterable[int]) -> Position:
    return Position(CHECKED, boxes=frozenset(boxes))


NOT_APPLICABLE_POSITION = Position(NOT_APPLICABLE)
DONT_KNOW_POSITION = Position(DONT_KNOW)


def scale_ranks(options: Sequence[tuple[int, float]]) -> dict[int, int]:
    """Each option's place on the scale, by pk, from (pk, score) in the question's order: by
    score, the question's order breaking ties, so two options never share a place."""
    ordered = sorted(enumerate(options), key=lambda item: (item[1][1], item[0]))
    return {pk: rank for rank, (_order, (pk, _score)) in enumerate(ordered)}


def distance(a: Position, b: Position, steps: int) -> float:
    """How far apart two positions are, from 0 to 1; `steps`: the scale's steps (options - 1)."""
    if a == b:
        return 0.0
    if a.kind != b.kind:
        return 1.0
    if a.kind == OPTION:
        return min(1.0, abs(a.rank - b.rank) / steps) if steps > 0 else 1.0
    if a.kind == CHECKED:
        either = a.boxes | b.boxes
        return len(a.boxes ^ b.boxes) / len(either) if either else 0.0
    return 0.0


def spread(positions: Iterable[Position], steps: int) -> float:
    """The largest distance between two of the positions taken ("don't know" takes none)."""
    taken = {p for p in positions if p.takes_position}
    return max((distance(a, b, steps) for a, b in combinations(taken, 2)), default=0.0)


def is_strong(value: float) -> bool:
    return value >= STRONG


def median(positions: Iterable[Position]) -> Position | None:
    """Where agreeing starts: the median of the positions taken; "don't know" when nobody took
    one, None when nobody answered."""
    positions = list(positions)
    if not positions:
        return None
    taken = [p for p in positions if p.takes_position]
    if not taken:
        return DONT_KNOW_POSITION
    not_applicable = sum(p.kind == NOT_APPLICABLE for p in taken)
    if not_applicable * 2 > len(taken):
        return NOT_APPLICABLE_POSITION
    ranks = sorted(p.rank for p in taken if p.kind == OPTION)
    if ranks:
        return option(ranks[(len(ranks) - 1) // 2])
    lists = [p.boxes for p in taken if p.kind == CHECKED]
    if lists:
        counts: dict[int, int] = {}
        for boxes in lists:
            for box in boxes:
                counts[box] = counts.get(box, 0) + 1
        return checked(box for box, count in counts.items() if count * 2 > len(lists))
    return NOT_APPLICABLE_POSITION


@dataclass(frozen=True)
class Agreement:
    """Where a team stands on agreeing its answers: "38 of 72 agreed, 12 with strong
    disagreement" (`strong` counts the questions still open whose spread is strong)."""

    agreed: int
    total: int
    strong: int


def agreement(states: Iterable[tuple[bool, float]]) -> Agreement:
    """From (agreed?, spread) per question."""
    agreed = total = strong = 0
    for is_agreed, value in states:
        total += 1
        agreed += is_agreed
        strong += not is_agreed and is_strong(value)
    return Agreement(agreed, total, strong)
