"""Every change to an answer, kept: who changed it, when, how, and what it said afterwards.

A row holds the answer as it stood after the change; what it was before is the row before it
(`assessments.answer_history` reads them so). Rows follow the question's stable key, not the
question row, so an answer's history stays whole when the assessment moves to a newer version
of the questionnaire.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _


class AnswerChangeQuerySet(models.QuerySet["AnswerChange"]):
    def record(self, answers: Iterable, how: str, user=None, detail: str = "") -> list:
        """One row per answer in `answers`, as each stands now: a single INSERT.

        `user`: who made the change; None takes each answer's `answered_by` (an import, say,
        brings answers made by others).
        """
        rows = [
            AnswerChange.of(answer, how, user if user is not None else answer.answered_by, detail)
            for answer in answers
        ]
        # The stubs cannot tie this QuerySet's model to the class defined below it.
        return self.bulk_create(rows) if rows else []  # type: ignore[arg-type]

    def in_order(self) -> AnswerChangeQuerySet:
        return self.order_by("changed_at", "pk")


class AnswerChange(models.Model):
    class How(models.TextChoices):
        ANSWERED = "answered", _("Changed")
        CARRIED_OVER = "carried_over", _("Carried over")
        CONFIRMED = "confirmed", _("Confirmed as carried over")
        UPGRADED = "upgraded", _("Moved to a newer version")
        REMOVED = "removed", _("Removed")
        IMPORTED = "imported", _("Imported")
        ADMIN = "admin", _("Changed by an administrator")
        # The answers that existed when history began to be kept: their state then.
        RECORDED = "recorded", _("Recorded")

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="answer_changes"
    )
    question_key = models.SlugField(max_length=80)
    how = models.CharField(max_length=16, choices=How.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(default=timezone.now)
    # A respondent's own answer's change; empty for the agreed answer's.
    respondent = models.ForeignKey(
        "assessments.Respondent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # The answer after the change. The choice is kept as words too: what the person saw then,
    # whatever becomes of the option.
    kind = models.CharField(max_length=16)
    choice = models.CharField(max_length=200, blank=True)
    score = models.FloatField(null=True, blank=True)
    reason = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    evidence_url = models.URLField(blank=True, max_length=1000)
    # Where the change came from, as data the page puts into words: the title of the earlier
    # assessment carried from, the version number moved to.
    detail = models.CharField(max_length=300, blank=True)

    objects = AnswerChangeQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["assessment", "question_key", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.question_key}: {self.how} at {self.changed_at:%Y-%m-%d %H:%M}"

    @classmethod
    def of(cls, answer, how: str, user, detail: str = "") -> AnswerChange:
        """A row for `answer` as it stands; for a removal, an empty one."""
        change = cls(
            assessment_id=answer.assessment_id,
            question_key=answer.question.key,
            how=how,
            changed_by=user,
            detail=detail[:300],
            respondent_id=getattr(answer, "respondent_id", None),
        )
        if how != cls.How.REMOVED:
            option = answer.option if answer.option_id is not None else None
            change.kind = answer.kind
            change.choice = option.label if option is not None else ""
            change.score = option.score if option is not None else None
            if answer.kind == "checked":
                # The boxes checked, in words, as the person saw them: "Scanner, License checker".
                checked = set(answer.boxes)
                labels = [o.label for o in answer.question.options.all() if o.pk in checked]
                change.choice = Truncator(", ".join(labels)).chars(200)
            change.reason = answer.reason
            change.comment = answer.comment
            change.evidence_url = answer.evidence_url
        return change

    @property
    def choice_label(self) -> str:
        """The choice in words: the option's label as it was, or what the kind means."""
        from assessments.models.assessment import Answer

        if self.choice or not self.kind or self.kind == Answer.Kind.NOTE:
            return self.choice
        return str(Answer.Kind(self.kind).label)
