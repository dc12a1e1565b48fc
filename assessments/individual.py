"""Answering on one's own: the rules of an assessment run as "individual answers, then consensus".

Pure functions over plain data (and the read-only `Structure`), so they are tested without a
database: the numbers respondents are given, the part of a version a respondent answers, their
progress, and the aggregate of the others' answers a respondent may see (docs/team.md).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

from django.utils.translation import gettext, ngettext

from assessments.answering import Structure
from assessments.evaluation import chosen_answer


def next_number(taken: Iterable[int]) -> int:
    """The number of the next respondent: one more than any given so far, so that a number is
    never reused, not even after its respondent was removed ("Respondent 3" stays one person)."""
    return max(taken, default=0) + 1


def assigned_structure(structure: Structure, sections: Collection[str]) -> Structure:
    """The part of `structure` a respondent answers: the sections `sections` names (keys; empty:
    all of them), with only their questions. Numbers stay those of the whole version, so that
    "question 12" is the same question for everyone in the room."""
    if not sections:
        return structure
    kept = tuple(s for s in structure.sections if s.key in sections)
    kept_pks = {s.pk for s in kept}
    return dataclasses.replace(
        structure,
        sections=kept,
        section_by_key={s.key: s for s in kept},
        questions={pk: q for pk, q in structure.questions.items() if q.section_id in kept_pks},
        section_questions={
            pk: qs for pk, qs in structure.section_questions.items() if pk in kept_pks
        },
    )


@dataclasses.dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def done(self) -> bool:
        return self.total > 0 and self.answered >= self.total


def progress_of(
    structure: Structure, rows: Sequence[tuple], excluded: Collection[int] = ()
) -> Progress:
    """How many of the questions of `structure` (a respondent's assigned part) one respondent
    answered, counted as the section page counts them: `rows` are that person's chosen answers
    as (question pk, kind, option score, boxes); questions not asked by their own answers'
    conditions, or out of scope (`excluded`, pks), count on neither side."""
    mine = [row for row in rows if row[0] in structure.questions]
    hidden = structure.hidden(
        {row[0]: chosen for row in mine if (chosen := chosen_answer(*row[1:])) is not None}
    )
    uncounted = frozenset(hidden) | frozenset(excluded)
    answered = sum(1 for pk, *_rest in mine if pk not in uncounted)
    total = sum(structure.total(section, uncounted) for section in structure.sections)
    return Progress(answered, total)


def others_summary(labels: Iterable[str]) -> str:
    """How the others answered a question, without names: "2 chose “Partly”, 1 “Yes”".

    Most chosen first; ties by label, so that the order says nothing of who answered first.
    Empty when nobody else has answered.
    """
    counted = sorted(Counter(labels).items(), key=lambda item: (-item[1], item[0]))
    parts = []
    for index, (label, n) in enumerate(counted):
        if index == 0:
            parts.append(
                ngettext("%(n)d chose “%(label)s”", "%(n)d chose “%(label)s”", n)
                % {"n": n, "label": label}
            )
        else:
            parts.append(gettext("%(n)d “%(label)s”") % {"n": n, "label": label})
    return ", ".join(parts)
