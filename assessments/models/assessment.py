from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models.organization import Organization
from assessments.models.questionnaire import AnswerOption, Question, Questionnaire


class AssessmentQuerySet(models.QuerySet):
    def answers_changed(self) -> int:
        """Mark that agreed answers of these assessments were written outside `record_answer`."""
        return self.update(updated_at=timezone.now(), answers_revision=F("answers_revision") + 1)


class Assessment(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="assessments"
    )
    # PROTECT: the version an assessment was answered on must outlive it, or its answers lose
    # their meaning.
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="assessments"
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # The overall result as last computed, with the fingerprint of the answers it was computed
    # from: lists of many assessments reuse it instead of scoring every assessment again.
    result_cache = models.JSONField(null=True, blank=True, editable=False)
    # Moves on every write of an agreed answer, in the same UPDATE that stamps `updated_at`
    # (`record_answer`; any other writer calls `Assessment.objects.filter(...).answers_changed()`):
    # with the questionnaire it names one state of the answers exactly, so whatever is computed
    # from them (summary, rendered results, PDF) can be kept under it without reading them.
    answers_revision = models.PositiveIntegerField(default=0, editable=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def answers_fingerprint(self) -> str:
        return f"{self.questionnaire_id}:{self.answers_revision}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def record_answer(self, question: Question, user, *, reread: bool = True, **values) -> Answer:
        """Store the agreed answer to `question`; the last writer wins, nothing else is touched.

        Answers to different questions are separate rows, so concurrent saves of different
        questions never collide. Two saves of the same question race on the unique constraint;
        the loser of that race updates the winner's row instead of failing.

        With `reread=False` the answer returned is the one this call wrote, built in memory
        without reading it back (it has no pk); a later writer may already have replaced it.
        """
        now = timezone.now()
        values = {**values, "answered_by": user, "answered_at": now}
        mine = Answer.objects.filter(assessment=self, question=question, respondent__isnull=True)
        if not mine.update(**values):
            try:
                with transaction.atomic():
                    Answer.objects.create(assessment=self, question=question, **values)
            except IntegrityError:
                mine.update(**values)
        Assessment.objects.filter(pk=self.pk).update(
            updated_at=now, answers_revision=F("answers_revision") + 1
        )
        # Never ahead of the stored revision, so a result labelled with it is never older.
        self.answers_revision += 1
        if not reread:
            return Answer(assessment=self, question=question, **values)
        return mine.select_related("answered_by", "option").get()

    def submit(self) -> None:
        self.status = self.Status.SUBMITTED
        self.submitted_at = timezone.now()
        self.save(update_fields=["status", "submitted_at", "updated_at"])

    def reopen(self) -> None:
        self.status = self.Status.IN_PROGRESS
        self.save(update_fields=["status", "updated_at"])


class Answer(models.Model):
    """One answer to one question of one assessment.

    `respondent` is empty for the assessment's agreed answer, the one that is scored. Individual
    answers per respondent (and a consensus step over them) can be added later as rows with a
    respondent, without changing this table's meaning.
    """

    class Kind(models.TextChoices):
        OPTION = "option", _("Answered")
        DONT_KNOW = "dont_know", _("Don't know")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("answer"), max_length=16, choices=Kind.choices)
    option = models.ForeignKey(
        AnswerOption, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    reason = models.TextField(_("why it does not apply"), blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    evidence_url = models.URLField(_("evidence link"), blank=True, max_length=1000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"],
                condition=Q(respondent__isnull=True),
                name="one_agreed_answer",
            ),
            models.UniqueConstraint(
                fields=["assessment", "question", "respondent"],
                condition=Q(respondent__isnull=False),
                name="one_answer_per_respondent",
            ),
            models.CheckConstraint(
                condition=(Q(kind="option") & Q(option__isnull=False))
                | (~Q(kind="option") & Q(option__isnull=True)),
                name="option_iff_answered",
            ),
            models.CheckConstraint(
                condition=~Q(kind="not_applicable") | ~Q(reason=""),
                name="not_applicable_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} / {self.question}"


class ResumePoint(models.Model):
    """Where each person last was in an assessment, so 'continue' takes them back there."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="resume_points"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    section_key = models.SlugField(max_length=80)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="one_resume_point"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.section_key}"
