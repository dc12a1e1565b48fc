"""What each type of question scores, before any method reads it: pure, like the engine.

Every scored answer reaches the engine as a score on the version's scale (0..its highest score),
so the methods need not know a question's type (docs/scoring.md, "Question types"):

- single choice: the chosen option's score, as it is;
- checklist: the weights of the boxes checked, as a fraction of the weights of all its boxes,
  times the scale's highest score ("none of these" weighs nothing);
- single choice on its own scale (`scale: own`, options 0..its own highest): the chosen score as
  a fraction of its own highest, times the scale's highest score. 1 of 0–2 on a 0–4 scale is 2;
  so a core minimum of 2 (of 4) asks 1 of 2: it is mapped proportionally;
- free text: never scored, and never in a denominator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def checklist_fraction(checked: Iterable[int], weights: Mapping[int, int]) -> float:
    """The share (0..1) of the boxes' total weight that the `checked` boxes carry.

    `weights` maps each box of the question to its weight; a box not in it (of another question,
    or gone) counts nothing, and a box checked twice counts once.
    """
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(weights.get(box, 0) for box in set(checked)) / total


def on_scale(fraction: float, top: int) -> float:
    """A fraction (0..1) as a score on a scale that runs 0..`top`."""
    return min(max(fraction, 0.0), 1.0) * top


def own_fraction(score: float, own_max: int) -> float:
    """A score on a question's own scale (0..`own_max`) as a fraction (0..1)."""
    return score / own_max if own_max > 0 else 0.0
