"""Questions asked only on a condition ("show if"): which are hidden, from plain data.

A question may be asked only when an earlier question was answered a certain way
(docs/questionnaire-format.md, "Show if"): one of some scores of a single-choice question, or any
of some boxes of a checklist. A hidden question is not asked: it leaves every denominator, as if
the version did not have it (`assessments.scoring.assess`, `hidden=`), and its stored answer is
kept but not counted. A question whose governing question is itself hidden is hidden too; a
governing question unanswered, answered "don't know" or "not applicable" shows none of its
dependents.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Condition:
    """`question` is asked only when `on` was answered with one of `scores` (a single-choice
    question's option scores) or checked any of `boxes` (a checklist's box ids)."""

    question: str
    on: str
    scores: frozenset[int] = frozenset()
    boxes: frozenset[int] = frozenset()

    def holds(self, chosen: Chosen | None) -> bool:
        if chosen is None:
            return False
        if chosen.score is not None and chosen.score in self.scores:
            return True
        return not self.boxes.isdisjoint(chosen.boxes)


@dataclass(frozen=True, slots=True)
class Chosen:
    """What an answer chose: an option's score, or a checklist's boxes (ids)."""

    score: int | None = None
    boxes: frozenset[int] = frozenset()


def hidden_questions(
    conditions: Iterable[Condition], chosen: Mapping[str, Chosen]
) -> frozenset[str]:
    """The keys of the questions not asked, given what each answered question chose.

    `conditions` in the questionnaire's order: a governing question always comes before the
    questions it shows (a rule of the file), so one pass settles the chains.
    """
    hidden: set[str] = set()
    for condition in conditions:
        if condition.on in hidden or not condition.holds(chosen.get(condition.on)):
            hidden.add(condition.question)
    return frozenset(hidden)


def chosen_of(rows: Iterable[tuple[str, str, int | None, Collection[int] | None]]) -> dict:
    """(question key, answer kind, option score, boxes) rows as `hidden_questions` reads them:
    only answers that chose an option or checked boxes."""
    chosen: dict[str, Chosen] = {}
    for key, kind, score, boxes in rows:
        if kind == "option" and score is not None:
            chosen[key] = Chosen(score=score)
        elif kind == "checked":
            chosen[key] = Chosen(boxes=frozenset(boxes or ()))
    return chosen
