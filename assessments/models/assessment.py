from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, models, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models.history import AnswerChange
from assessments.models.organization import Organization
from assessments.models.questionnaire import AnswerOption, Question, Questionnaire


class AssessmentQuerySet(models.QuerySet):
    def answers_changed(self) -> int:
        """Move the answers revision of these assessments; `Answer` writes call it, nothing else."""
        return self.update(updated_at=timezone.now(), answers_revision=F("answers_revision") + 1)


class Assessment(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    class Mode(models.TextChoices):
        SHARED = "shared", _("One shared answer set")
        INDIVIDUAL = "individual", _("Individual answers, then consensus")

    class OthersAnswers(models.TextChoices):
        """What a respondent sees of the others' answers (their spread, never their names)."""

        AFTER_OWN = "after_own", _("After submitting their own")
        ALWAYS = "always", _("Always, while answering")
        NEVER = "never", _("Never")

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
    # Moves on every write of an answer, in the same UPDATE that stamps `updated_at`: `Answer`
    # and its QuerySet move it themselves, whatever writes (see `AnswerQuerySet`). With the
    # questionnaire it names one state of the answers exactly, so whatever is computed from them
    # (summary, rendered results, PDF) can be kept under it without reading them.
    answers_revision = models.PositiveIntegerField(default=0, editable=False)
    # The sections, layers and pillars the organization chose not to pursue, each with its
    # reason: [{"kind", "key", "reason", "by", "at"}] (assessments.scopes). Kept on the row, not
    # in a table of its own, so every page that reads the assessment has them without a query.
    # A change moves `answers_revision`, as the results computed from the answers change too.
    scope_exclusions = models.JSONField(default=list, blank=True, editable=False)
    # How the team answers: together in one set, or each on their own and then agreeing
    # (docs/team.md). Changeable until the first answer.
    mode = models.CharField(
        _("how the team answers"), max_length=16, choices=Mode.choices, default=Mode.SHARED
    )
    # By default a respondent sees nothing of the others' answers before submitting their own,
    # so that the first answers seen do not anchor theirs.
    others_answers = models.CharField(
        _("respondents see the others' answers"),
        max_length=16,
        choices=OthersAnswers.choices,
        default=OthersAnswers.AFTER_OWN,
    )

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

    @property
    def is_individual(self) -> bool:
        return self.mode == self.Mode.INDIVIDUAL

    def can_change_mode(self) -> bool:
        """The way of answering is chosen once: until the first answer, agreed or individual."""
        return not Answer.objects.filter(assessment=self).exists()

    def record_answer(
        self,
        question: Question,
        user,
        *,
        reread: bool = True,
        version: int | None = None,
        respondent=None,
        **values,
    ) -> Answer | None:
        """Store the agreed answer to `question` (or `respondent`'s own), and move its version on.

        `version`: the version of the answer the writer started from (0: there was none). The
        write happens only if the stored answer is still at that version, checked in the same
        UPDATE (or INSERT, for 0); else nothing is written and None is returned, for the caller
        to read what is stored and decide (`AssessmentAnswers.record`).

        Without `version`, the last writer wins: answers to different questions are separate
        rows, so concurrent saves of different questions never collide; two saves of the same
        question race on the unique constraint, and the loser of that race updates the winner's
        row instead of failing.

        With `reread=False` the answer returned is the one this call wrote, built in memory
        without reading it back (it has no pk, and no version unless `version` was given); a
        later writer may already have replaced it.
        """
        # Whoever saves an answer has looked at it: a carried-over answer is reviewed now.
        values = {**values, "answered_by": user, "answered_at": timezone.now()}
        values["needs_review"] = False
        # Through `of(self)` the write moves this instance's revision along with the stored one.
        answers = Answer.objects.of(self)
        if respondent is None:
            mine = answers.filter(question=question, respondent__isnull=True)
        else:
            mine = answers.filter(question=question, respondent=respondent)
        moved = {**values, "version": F("version") + 1}
        new = Answer(assessment=self, question=question, respondent=respondent, **values)
        if version == 0:
            try:
                with transaction.atomic():
                    answers.bulk_create([new])
            except IntegrityError:
                return None  # someone answered first
        elif version is not None:
            if not mine.filter(version=version).update(**moved):
                return None  # changed (or removed) since the writer read it
        elif not mine.update(**moved):
            try:
                with transaction.atomic():
                    answers.bulk_create([new])
            except IntegrityError:
                mine.update(**moved)
        AnswerChange.objects.record([new], AnswerChange.How.ANSWERED, user)
        if not reread:
            answer = Answer(assessment=self, question=question, respondent=respondent, **values)
            # Unknown after a last-writer-wins update: None, so the next save does not claim one.
            answer.version = None if version is None else version + 1  # type: ignore[assignment]
            return answer
        return mine.select_related("answered_by", "option").get()

    def confirm_answer(self, question: Question, user) -> bool:
        """Mark a carried-over answer as reviewed, unchanged; False if it needed no review."""
        confirmed = (
            Answer.objects.of(self)
            .filter(question=question, respondent__isnull=True, needs_review=True)
            .select_related("option", "question")
            .first()
        )
        if confirmed is None:
            return False
        with transaction.atomic():
            Answer.objects.of(self).filter(pk=confirmed.pk).update(
                needs_review=False, version=F("version") + 1
            )
            AnswerChange.objects.record([confirmed], AnswerChange.How.CONFIRMED, user)
        return True

    @property
    def exclusions(self):
        from assessments.scopes import read_exclusions

        return read_exclusions(self.scope_exclusions)

    def change_scope(self, kind: str, key: str, reason: str | None, user, *, known) -> None:
        """Put (`kind`, `key`) out of scope for `reason`, or back in scope (`reason` None).

        Read and written under a row lock, so two owners' changes never lose one another; the
        answers revision moves in the same UPDATE, so every result kept under it is redone.
        Raises `scopes.ScopeError` naming what is wrong.
        """
        from assessments import scopes

        with transaction.atomic():
            stored = (
                Assessment.objects.select_for_update()
                .values_list("scope_exclusions", flat=True)
                .get(pk=self.pk)
            )
            current = scopes.read_exclusions(stored)
            if reason is None:
                changed = scopes.without_exclusion(current, kind, key)
            else:
                changed = scopes.with_exclusion(
                    current,
                    kind,
                    key,
                    reason,
                    known=known,
                    by=getattr(user, "username", ""),
                    at=timezone.now().isoformat(timespec="seconds"),
                )
            if changed == current:
                return
            data = [e.as_data() for e in changed]
            now = timezone.now()
            Assessment.objects.filter(pk=self.pk).update(
                scope_exclusions=data,
                answers_revision=F("answers_revision") + 1,
                updated_at=now,
            )
        self.scope_exclusions = data
        self.answers_revision = Assessment.objects.values_list("answers_revision", flat=True).get(
            pk=self.pk
        )
        self.updated_at = now

    def submit(self) -> None:
        self.status = self.Status.SUBMITTED
        self.submitted_at = timezone.now()
        self.save(update_fields=["status", "submitted_at", "updated_at"])

    def reopen(self) -> None:
        self.status = self.Status.IN_PROGRESS
        self.save(update_fields=["status", "updated_at"])


def _answers_changed(using: str, assessment_ids, held=()) -> None:
    """Move the stored revision of `assessment_ids`, and of the instances in `held` in memory.

    An instance is moved by one, like the stored revision, so it is never ahead of it: a result
    labelled with it is never older than the answers it claims.
    """
    if not assessment_ids:
        return
    now = timezone.now()
    Assessment.objects.using(using).filter(pk__in=assessment_ids).answers_changed()
    for assessment in {id(a): a for a in held}.values():
        assessment.answers_revision += 1
        assessment.updated_at = now


def _held_assessments(answers) -> list[Assessment]:
    """The assessment instances these answers hold, so their revision can follow in memory."""
    return [a.assessment for a in answers if Answer.assessment.is_cached(a)]


class AnswerQuerySet(models.QuerySet["Answer"]):
    """Every write of answers moves the answers revision of each assessment it touches.

    Bulk writes bypass `Answer.save()` and `Answer.delete()`, so the rule is kept here too, like
    the freeze of published questionnaires. `bulk_update` runs through `update`. Cascade deletes
    (of an assessment, or a question) go through the base manager's raw delete, not through here:
    the assessment they belong to is going anyway.
    """

    _of: Assessment | None = None

    def _clone(self):
        clone = super()._clone()  # type: ignore[misc]  # private to Django, not in its stubs
        clone._of = self._of
        return clone

    def of(self, assessment: Assessment) -> AnswerQuerySet:
        """The answers of `assessment`; writes through them also move the instance in memory.

        Knowing the one assessment spares a write the subquery that finds the ones it touched,
        and a write that touched no row moves nothing.
        """
        answers = self.filter(assessment=assessment)
        answers._of = assessment
        return answers

    def chosen(self) -> AnswerQuerySet:
        """The answers proper: without the notes kept on questions nobody has answered yet."""
        return self.exclude(kind=Answer.Kind.NOTE)

    def _moves(self, kwargs) -> bool:
        return "assessment" in kwargs or "assessment_id" in kwargs

    def update(self, **kwargs) -> int:
        with transaction.atomic(using=self.db, savepoint=False):
            if self._of is not None and not self._moves(kwargs):
                rows = super().update(**kwargs)
                if rows:
                    _answers_changed(self.db, [self._of.pk], [self._of])
                return rows
            # Before the write: after it, its filter may no longer find the rows it changed.
            touched = Q(pk__in=self.values("assessment_id"))
            target = kwargs.get("assessment", kwargs.get("assessment_id"))
            if target is not None:
                touched |= Q(pk=getattr(target, "pk", target))
            Assessment.objects.using(self.db).filter(touched).answers_changed()
            return super().update(**kwargs)

    # Django's marks of methods that write, which templates must not call; an override loses them.
    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self):
        with transaction.atomic(using=self.db, savepoint=False):
            if self._of is not None:
                deleted = super().delete()
                if deleted[0]:
                    _answers_changed(self.db, [self._of.pk], [self._of])
                return deleted
            Assessment.objects.using(self.db).filter(
                pk__in=self.values("assessment_id")
            ).answers_changed()
            return super().delete()

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            made = super().bulk_create(objs, *args, **kwargs)
            _answers_changed(
                self.db, {a.assessment_id for a in objs} - {None}, _held_assessments(objs)
            )
        return made

    bulk_create.alters_data = True  # type: ignore[attr-defined]


class Answer(models.Model):
    """One answer to one question of one assessment.

    `respondent` is empty for the assessment's agreed answer, the one that is scored. A row with
    a respondent is that person's own answer, in an assessment answered individually first: the
    consensus step reads them to set the agreed one (docs/team.md).
    """

    class Kind(models.TextChoices):
        OPTION = "option", _("Answered")
        DONT_KNOW = "dont_know", _("Don't know")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")
        # A comment or evidence kept on a question nobody has answered yet: not an answer, so
        # never scored nor counted as answered (`Answer.objects.chosen()` leaves it out). A free
        # text question's answer is kept so too: its words are the comment, never scored.
        NOTE = "note", _("No answer yet")
        # A checklist's boxes (`boxes`): scored by the weights of the boxes checked.
        CHECKED = "checked", _("Checked")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    respondent = models.ForeignKey(
        "assessments.Respondent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
    )
    kind = models.CharField(_("answer"), max_length=16, choices=Kind.choices)
    option = models.ForeignKey(
        AnswerOption, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    # A checklist's answer: the pks of the boxes checked (options of the question), in order.
    boxes = models.JSONField(_("boxes checked"), default=list, blank=True)
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
    # Moved on by every save of the row, so a save can say which state it started from and be
    # refused when someone else's choice came in between (`Assessment.record_answer`).
    version = models.PositiveIntegerField(default=1, editable=False)
    # Carried over from an earlier assessment and not yet looked at: until someone confirms or
    # changes it, the pages count it and the review lists it.
    needs_review = models.BooleanField(_("carried over, not yet reviewed"), default=False)

    objects = AnswerQuerySet.as_manager()
    # The assessment the row belongs to in the database, when read from it (see `from_db`).
    _stored_assessment_id: int | None = None

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

    def save(self, *args, **kwargs) -> None:
        using = kwargs.get("using") or router.db_for_write(Answer, instance=self)
        if not self._state.adding:
            self.version += 1  # an edit in the admin, say: whoever started from before is told
        with transaction.atomic(using=using, savepoint=False):
            super().save(*args, **kwargs)
            _answers_changed(using, self._touched_assessments(), _held_assessments([self]))
            AnswerChange.objects.using(using).record([self], AnswerChange.How.ADMIN)
        self._stored_assessment_id = self.assessment_id

    def delete(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(Answer, instance=self)
        touched, held = self._touched_assessments(), _held_assessments([self])
        with transaction.atomic(using=using, savepoint=False):
            AnswerChange.objects.using(using).record([self], AnswerChange.How.REMOVED)
            deleted = super().delete(*args, **kwargs)
            _answers_changed(using, touched, held)
        return deleted

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        answer = super().from_db(db, field_names, values, **kwargs)
        # Moving a stored answer to another assessment changes the answers of both.
        answer._stored_assessment_id = answer.__dict__.get("assessment_id")
        return answer

    def _touched_assessments(self) -> set[int]:
        ids = {self.assessment_id, self._stored_assessment_id}
        return {pk for pk in ids if pk is not None}


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
