"""Moving an assessment that is in progress to a newer version of its questionnaire.

Answers follow a question's stable key. An answer is carried over to the new version when the new
version still asks the question (same key) and the answer still means the same thing there:

- "don't know" always does;
- "not applicable" does when the new question still allows it (its reason comes along);
- a chosen option does when the new question has an option with the same score *and the same
  label*. A reworded label is treated as a different answer, because the respondent chose the
  words, not the number; a changed option description or a changed scale length (other options
  added or removed) is not, because the chosen answer itself still reads the same;
- a checklist's boxes do when the new question is a checklist with a box of the same label for
  every box checked (other boxes may be added, removed or reweighted); the dropped answer names
  the boxes that are gone;
- an answer never moves to a question of another type (a choice to a checklist, say), except a
  note, which is only a comment;
- a chosen option of a question on its own scale (`scale: own`) in either version does only when
  the question's highest score is unchanged (0–2 to 0–10 counts 2 differently);
- a condition ("show if") never decides: it changes whether a question is asked, not what its
  answer means. An answer carried to a question the new version does not ask (by the carried
  answers) is kept, neither scored nor counted, as any answer to a question not asked.

Everything else is dropped, with the reason, and has to be answered again. Carried answers keep
their comment, evidence link, reason, who answered them and when: they are re-pointed, not copied.

In an assessment answered individually first (docs/team.md), each respondent's own answers
follow the same rules as the agreed ones, and the plan counts them apart: the agreed answers are
what is scored, the individual ones what the team agrees from.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    Answer,
    AnswerChange,
    AnswerOption,
    Assessment,
    Question,
    Questionnaire,
)

logger = logging.getLogger(__name__)


class DropReason(StrEnum):
    QUESTION_REMOVED = "question_removed"
    OPTION_CHANGED = "option_changed"
    NOT_APPLICABLE_NOT_ALLOWED = "not_applicable_not_allowed"
    BOXES_CHANGED = "boxes_changed"
    TYPE_CHANGED = "type_changed"
    SCALE_CHANGED = "scale_changed"

    @property
    def label(self) -> str:
        return str(_DROP_LABELS[self])


_DROP_LABELS = {
    DropReason.QUESTION_REMOVED: _("The new version no longer asks this question."),
    DropReason.OPTION_CHANGED: _(
        "The chosen answer is worded differently or gone in the new version."
    ),
    DropReason.NOT_APPLICABLE_NOT_ALLOWED: _(
        "The new version no longer accepts “not applicable” for this question."
    ),
    DropReason.BOXES_CHANGED: _(
        "Some boxes checked are worded differently or gone in the new version."
    ),
    DropReason.TYPE_CHANGED: _("The new version asks this question in another way."),
    DropReason.SCALE_CHANGED: _(
        "The new version scores this question on another range, so the same option counts "
        "differently."
    ),
}


@dataclass(frozen=True)
class CarriedAnswer:
    answer: Answer
    question: Question  # the same question (by key) in the target version
    option: AnswerOption | None  # the matching option in the target version, for option answers
    # The question's text changed: the answer carries over but deserves a second look.
    reworded: bool = False
    boxes: list[int] = field(default_factory=list)  # a checklist's boxes in the target version


@dataclass(frozen=True)
class DroppedAnswer:
    answer: Answer
    reason: DropReason
    # What exactly is lost, in words: the boxes checked that the new version no longer has.
    detail: str = ""


@dataclass(frozen=True)
class Match:
    """How an answer reads on another version's question: its option or boxes there, or why it
    cannot move (`reason`, with the labels lost in `detail`)."""

    option: AnswerOption | None = None
    boxes: list[int] = field(default_factory=list)
    reason: DropReason | None = None
    detail: str = ""


def match_answer(answer: Answer, question: Question) -> Match:
    """`answer` (to a question of some version) on `question`, the same key in another version.

    Both the move to a newer version and "start from a previous assessment" carry answers by
    this rule. `question`'s options should be prefetched.
    """
    kind = answer.kind
    if kind == Answer.Kind.NOTE:
        return Match()
    if answer.question.type != question.type:
        return Match(reason=DropReason.TYPE_CHANGED)
    if kind == Answer.Kind.OPTION and _range_changed(answer.question, question):
        return Match(reason=DropReason.SCALE_CHANGED)
    if kind == Answer.Kind.OPTION:
        option = matching_option(answer.option, question.options.all())
        return Match(option=option) if option else Match(reason=DropReason.OPTION_CHANGED)
    if kind == Answer.Kind.CHECKED:
        old = {o.pk: o.label for o in answer.question.options.all()}
        new = {o.label: o.pk for o in question.options.all()}
        labels = [old[pk] for pk in answer.boxes if pk in old]
        gone = [label for label in labels if label not in new]
        if gone:
            return Match(reason=DropReason.BOXES_CHANGED, detail=", ".join(gone))
        return Match(boxes=[new[label] for label in labels])
    if kind == Answer.Kind.NOT_APPLICABLE and not question.allows_not_applicable:
        return Match(reason=DropReason.NOT_APPLICABLE_NOT_ALLOWED)
    return Match()


@dataclass
class UpgradePlan:
    assessment: Assessment
    source: Questionnaire
    target: Questionnaire
    carried: list[CarriedAnswer] = field(default_factory=list)
    dropped: list[DroppedAnswer] = field(default_factory=list)
    new_questions: list[Question] = field(default_factory=list)

    @property
    def reworded(self) -> list[CarriedAnswer]:
        return [c for c in self.agreed_carried if c.reworded]

    @property
    def agreed_carried(self) -> list[CarriedAnswer]:
        return [c for c in self.carried if c.answer.respondent_id is None]

    @property
    def agreed_dropped(self) -> list[DroppedAnswer]:
        return [d for d in self.dropped if d.answer.respondent_id is None]

    @property
    def individual_carried(self) -> list[CarriedAnswer]:
        """The respondents' own answers that move, by the same rules as the agreed ones."""
        return [c for c in self.carried if c.answer.respondent_id is not None]

    @property
    def individual_dropped(self) -> list[DroppedAnswer]:
        return [d for d in self.dropped if d.answer.respondent_id is not None]


class UpgradeError(ValueError):
    """The assessment cannot move to that version; the message says why, for people."""


def newer_version(assessment: Assessment) -> Questionnaire | None:
    """The latest published version of the assessment's questionnaire, if newer than its own.

    "Newer" means a higher version number of the same key; one query.
    """
    current = assessment.questionnaire
    latest = Questionnaire.objects.latest_published(current.key)
    if latest is None or latest.version <= current.version:
        return None
    return latest


def newer_version_hint(assessment: Assessment) -> Questionnaire | None:
    """`newer_version`, free in the common case, for pages that ask on every view.

    Publishing a version retires the one published before it, so an assessment on a version that
    is still published is on the latest one: no query. Only a retired version needs a look.
    """
    if assessment.questionnaire.status == Questionnaire.Status.PUBLISHED:
        return None
    return newer_version(assessment)


def check_upgrade(assessment: Assessment, target: Questionnaire) -> None:
    """Raise `UpgradeError` unless `assessment` may move to `target`."""
    source = assessment.questionnaire
    if assessment.is_locked:
        raise UpgradeError(
            _("This assessment is submitted. Reopen it before moving it to another version.")
        )
    if target.key != source.key:
        raise UpgradeError(_("That is a version of another questionnaire."))
    if target.status != Questionnaire.Status.PUBLISHED:
        raise UpgradeError(_("Only a published version can be used."))
    if target.version <= source.version:
        raise UpgradeError(_("That version is not newer than the one this assessment uses."))


def plan_upgrade(assessment: Assessment, target: Questionnaire) -> UpgradePlan:
    """What moving `assessment` to `target` would carry over, drop and add. Changes nothing.

    Five queries: the assessment's answers, their questions' options (a checklist's boxes are
    matched by label), the target's questions, their options, and the current version's question
    keys.
    """
    source = assessment.questionnaire
    answers = list(
        Answer.objects.filter(assessment=assessment)
        .select_related("question__section", "option", "answered_by", "respondent__user")
        .prefetch_related("question__options")
        .order_by("question__order", "respondent__number")
    )
    targets = {
        q.key: q
        for q in target.questions.select_related("section")
        .prefetch_related("options")
        .order_by("order")
    }
    plan = UpgradePlan(assessment=assessment, source=source, target=target)
    for answer in answers:
        question = targets.get(answer.question.key)
        if question is None:
            plan.dropped.append(DroppedAnswer(answer, DropReason.QUESTION_REMOVED))
            continue
        match = match_answer(answer, question)
        if match.reason is not None:
            plan.dropped.append(DroppedAnswer(answer, match.reason, match.detail))
            continue
        reworded = answer.question.text.strip() != question.text.strip()
        plan.carried.append(CarriedAnswer(answer, question, match.option, reworded, match.boxes))
    known = set(source.questions.values_list("key", flat=True))
    plan.new_questions = [q for key, q in targets.items() if key not in known]
    return plan


def _range_changed(old: Question, new: Question) -> bool:
    """A question on its own scale in either version whose highest score differs: the same
    option would count as another share of the scale, so its answer no longer means the same."""
    if not (old.own_scale or new.own_scale):
        return False
    top = max((o.score for o in old.options.all()), default=0)
    return top != max((o.score for o in new.options.all()), default=0)


def matching_option(
    chosen: AnswerOption, candidates: Iterable[AnswerOption]
) -> AnswerOption | None:
    """The option among `candidates` (another version's question) that means what `chosen` did.

    It must have the same score and the same label: the respondent chose the words, not the
    number, so a reworded option is a different answer even at the same score. Its description
    and the other options may differ. Both the move to a newer version and "start from a previous
    assessment" carry an answer over by this rule, so an answer means the same after either.
    """
    return next(
        (o for o in candidates if o.score == chosen.score and o.label == chosen.label), None
    )


def apply_upgrade(assessment: Assessment, target: Questionnaire, user) -> UpgradePlan:
    """Move `assessment` to `target`, all or nothing, and return the plan that was carried out.

    Raises `UpgradeError` (a `ValueError`) when the assessment is submitted or `target` is not a
    newer published version of the same questionnaire. The assessment row is locked first, so a
    submit or another upgrade running at the same time waits and is checked against the result.
    """
    with transaction.atomic():
        # Locks in the order a save takes them (its answer's row, then the assessment's, which
        # the answers revision moves on), so a save at the same moment waits instead of
        # deadlocking.
        list(Answer.objects.filter(assessment=assessment).select_for_update().values("pk"))
        locked = (
            Assessment.objects.select_for_update()
            .select_related("questionnaire")
            .get(pk=assessment.pk)
        )
        check_upgrade(locked, target)
        plan = plan_upgrade(locked, target)
        moved = []
        for carried in plan.carried:
            answer = carried.answer
            answer.question = carried.question
            answer.option = carried.option
            answer.boxes = carried.boxes
            moved.append(answer)
        # Both writes move the answers revision, of `locked` in memory too (`of`).
        # bulk_update leaves `answered_at` (auto_now) alone: who answered and when stay true.
        answers = Answer.objects.of(locked)
        answers.bulk_update(moved, ["question", "option", "boxes"])
        if plan.dropped:
            answers.filter(pk__in=[d.answer.pk for d in plan.dropped]).delete()
        # Each answer's history says where it went, a respondent's own in theirs.
        version = str(target.version)
        AnswerChange.objects.record(moved, AnswerChange.How.UPGRADED, user, version)
        dropped = [d.answer for d in plan.dropped]
        AnswerChange.objects.record(dropped, AnswerChange.How.REMOVED, user, version)
        locked.questionnaire = target
        locked.save(update_fields=["questionnaire", "updated_at"])
    assessment.questionnaire = target
    assessment.updated_at = locked.updated_at
    assessment.answers_revision = locked.answers_revision
    plan.assessment = assessment
    logger.info(
        "assessment %s moved from %s v%s to v%s by user %s: %d carried, %d dropped",
        assessment.pk,
        target.key,
        plan.source.version,
        target.version,
        getattr(user, "pk", None),
        len(plan.carried),
        len(plan.dropped),
    )
    return plan
