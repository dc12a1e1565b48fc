"""Two assessments side by side: what moved, per scope and per question.

Questions are matched by their stable key, so two assessments on different questionnaire versions
compare where their questions are the same and show the rest as added or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessments.exports import answer_rows
from assessments.figures import shown
from assessments.models import Assessment
from assessments.reporting import Report, ScopeRow, build_report

# A score as the page shows it (assessments/figures.py).
shown_score = shown


@dataclass(frozen=True)
class ScopeChange:
    kind: str
    name: str
    before: ScopeRow | None
    after: ScopeRow | None

    @property
    def stage_delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        before, after = self.before.scope.stage, self.after.scope.stage
        # No stage on either side (a progress version, a bands scope without score): no delta.
        if before is None or after is None:
            return None
        return after - before

    @property
    def before_score(self) -> int | None:
        return None if self.before is None else shown_score(self.before.scope.score)

    @property
    def after_score(self) -> int | None:
        return None if self.after is None else shown_score(self.after.scope.score)

    @property
    def score_delta(self) -> int | None:
        """The difference of the two scores as shown: 53 → 59 is +6, whatever the decimals."""
        if self.before_score is None or self.after_score is None:
            return None
        return self.after_score - self.before_score


@dataclass(frozen=True)
class QuestionChange:
    key: str
    text: str
    section: str
    before: dict | None
    after: dict | None

    @property
    def changed(self) -> bool:
        if self.before is None or self.after is None:
            return True
        return (self.before["answer"], self.before["score"]) != (
            self.after["answer"],
            self.after["score"],
        )

    @property
    def score_delta(self) -> int | None:
        if not self.before or not self.after:
            return None
        if self.before["score"] is None or self.after["score"] is None:
            return None
        return self.after["score"] - self.before["score"]


@dataclass(frozen=True)
class Comparison:
    before: Report
    after: Report
    scopes: list[ScopeChange]
    questions: list[QuestionChange]

    @property
    def changed_questions(self) -> list[QuestionChange]:
        return [q for q in self.questions if q.changed]


def _pair(kind: str, before: list[ScopeRow], after: list[ScopeRow]) -> list[ScopeChange]:
    old = {row.key: row for row in before}
    new = {row.key: row for row in after}
    keys = [row.key for row in after] + [row.key for row in before if row.key not in new]
    return [ScopeChange(kind, (new.get(k) or old[k]).name, old.get(k), new.get(k)) for k in keys]


def compare_assessments(before: Assessment, after: Assessment) -> Comparison:
    old_report, new_report = build_report(before), build_report(after)
    scopes = [
        ScopeChange("overall", new_report.overall.name, old_report.overall, new_report.overall)
    ]
    scopes += _pair("layer", old_report.layers, new_report.layers)
    scopes += _pair("pillar", old_report.pillars, new_report.pillars)
    old_rows = {row["question_key"]: row for row in answer_rows(before)}
    new_rows = {row["question_key"]: row for row in answer_rows(after)}
    keys = list(new_rows) + [k for k in old_rows if k not in new_rows]
    questions = [
        QuestionChange(
            key=key,
            text=(new_rows.get(key) or old_rows[key])["question"],
            section=(new_rows.get(key) or old_rows[key])["section"],
            before=old_rows.get(key),
            after=new_rows.get(key),
        )
        for key in keys
    ]
    return Comparison(old_report, new_report, scopes, questions)
