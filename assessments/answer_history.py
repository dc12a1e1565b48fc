"""An answer's history as people read it: each change with what it changed from and to.

Rows (`AnswerChange`) hold the answer after each change; what it was before is the previous row
of the same question. Plain functions over rows already loaded: the pages and the exports read
one query's worth and pass it here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from assessments.models import AnswerChange

# What a change can change, in the order a page lists them.
FIELDS = ("choice", "reason", "comment", "evidence_url")


@dataclass(frozen=True)
class HistoryEntry:
    change: AnswerChange
    before: AnswerChange | None  # the question's previous row; None for its first
    changed: tuple[str, ...]  # which of FIELDS differ from `before` (all that are set, at first)

    @property
    def choice_changed(self) -> bool:
        return "choice" in self.changed

    @property
    def before_choice(self) -> str:
        return self.before.choice_label if self.before is not None else ""


def _values(change: AnswerChange | None) -> dict[str, object]:
    if change is None:
        return {"choice": ("", ""), "reason": "", "comment": "", "evidence_url": ""}
    return {
        "choice": (change.kind, change.choice),
        "reason": change.reason,
        "comment": change.comment,
        "evidence_url": change.evidence_url,
    }


def entries(changes: Iterable[AnswerChange]) -> list[HistoryEntry]:
    """One question's changes, oldest first, each with the one before it."""
    result = []
    before: AnswerChange | None = None
    for change in changes:
        old, new = _values(before), _values(change)
        changed = tuple(name for name in FIELDS if old[name] != new[name])
        result.append(HistoryEntry(change, before, changed))
        before = change
    return result


def entries_by_question(changes: Iterable[AnswerChange]) -> dict[str, list[HistoryEntry]]:
    """Many questions' changes (in order, as `AnswerChange.objects.in_order()` reads them),
    grouped by question key."""
    grouped: dict[str, list[AnswerChange]] = defaultdict(list)
    for change in changes:
        grouped[change.question_key].append(change)
    return {key: entries(rows) for key, rows in grouped.items()}
