"""A questionnaire version and everything that belongs to it.

The taxonomy (stages, layers of work, pillars of support) and the answer scale are stored with
each version instead of globally, so that a later version can add a layer or reword a stage without
changing what an assessment answered on an earlier version means. Once a version is published it
is frozen: its parts refuse to be saved, updated or deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.axis_names import AxisNames, in_reading_language
from assessments.content_language import (
    TranslatedCharField,
    TranslatedJSONField,
    TranslatedTextField,
    translations_field,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class FrozenQuestionnaireError(ValidationError):
    """Raised on any attempt to change a questionnaire version that is no longer a draft."""

    def __init__(self, message: StrOrPromise | None = None) -> None:
        super().__init__(
            message
            or _(
                "This questionnaire version is published and cannot be changed. "
                "Make a new draft version instead."
            ),
            code="frozen",
        )


class QuestionnaireQuerySet(models.QuerySet):
    def published(self) -> QuestionnaireQuerySet:
        return self.filter(status=Questionnaire.Status.PUBLISHED)

    def latest_published(self, key: str | None = None) -> Questionnaire | None:
        qs = self.published()
        if key is not None:
            qs = qs.filter(key=key)
        return qs.order_by("-published_at", "-version").first()

    def delete(self):
        if self.exclude(status=Questionnaire.Status.DRAFT).exists():
            raise FrozenQuestionnaireError(_("Published or retired versions cannot be deleted."))
        return super().delete()

    def update(self, **kwargs):
        if set(kwargs) - {"status", "published_at"} and (
            self.exclude(status=Questionnaire.Status.DRAFT).exists()
        ):
            raise FrozenQuestionnaireError()
        return super().update(**kwargs)


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    class ScoringMethod(models.TextChoices):
        # The values are assessments.scoring_methods.types.ScoringMethod's; docs/scoring.md.
        GATED = "gated", _("Gated stages")
        BANDS = "bands", _("Score bands")
        PROGRESS = "progress", _("Progress percentage")

    key = models.SlugField(_("key"), max_length=80)
    version = models.PositiveIntegerField(_("version"), validators=[MinValueValidator(1)])
    title = TranslatedCharField(_("title"), max_length=200)
    description = TranslatedTextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=16, default="en")
    scoring_method = models.CharField(
        _("scoring method"),
        max_length=16,
        choices=ScoringMethod.choices,
        default=ScoringMethod.GATED,
        help_text=_(
            "Gated: cumulative stages at a threshold. Bands: the score places each scope in a "
            "stage's band. Progress: a percentage only, no stage."
        ),
    )
    threshold = models.PositiveSmallIntegerField(
        _("stage threshold (%)"),
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Coverage a stage needs to be attained."),
    )
    core_minimum = models.PositiveSmallIntegerField(
        _("core minimum score"),
        default=2,
        help_text=_("The lowest score every core question of a stage must reach."),
    )
    # What this version calls its levels and its two axes: pages, exports and the strategy take
    # their words from here, never from the shipped model. Defaults: the shipped model's words.
    stage_name = TranslatedCharField(_("level, singular"), max_length=60, default="Stage")
    stages_name = TranslatedCharField(_("levels, plural"), max_length=60, default="Stages")
    layer_name = TranslatedCharField(
        _("first axis, singular"), max_length=60, default="Layer of work"
    )
    layers_name = TranslatedCharField(
        _("first axis, plural"), max_length=60, default="Layers of work"
    )
    pillar_name = TranslatedCharField(
        _("second axis, singular"), max_length=60, default="Pillar of support"
    )
    pillars_name = TranslatedCharField(
        _("second axis, plural"), max_length=60, default="Pillars of support"
    )
    # A readable label per key of the stages' `mappings`: {"linux-foundation": "Linux ..."}.
    mapping_labels = TranslatedJSONField(_("mapping labels"), default=dict, blank=True)
    # The standards and frameworks the questions map to, each with its requirement areas:
    # [{"key": "iso-5230", "name": ..., "areas": [{"id": "3.1.1", "name": "Policy"}, ...]}].
    # The Standards view reads how the answers stand against each area (assessments/standards.py).
    standards = models.JSONField(_("standards"), default=list, blank=True)
    translations = translations_field()
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="questionnaire_key_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version}, {self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            stored = Questionnaire.objects.filter(pk=self.pk).first()
            if stored is not None and not stored.is_draft:
                self._check_frozen_change(stored)
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def axis_names(self) -> AxisNames:
        return AxisNames(
            stage=in_reading_language("stage", self.stage_name),
            stages=in_reading_language("stages", self.stages_name),
            layer=in_reading_language("layer", self.layer_name),
            layers=in_reading_language("layers", self.layers_name),
            pillar=in_reading_language("pillar", self.pillar_name),
            pillars=in_reading_language("pillars", self.pillars_name),
            mapping_labels=dict(self.mapping_labels or {}),
        )

    def _check_frozen_change(self, stored: Questionnaire) -> None:
        # Of a frozen version only the status may move forward: published -> retired.
        for field in self._meta.concrete_fields:
            if field.name in ("status", "published_at"):
                continue
            if getattr(stored, field.attname) != getattr(self, field.attname):
                raise FrozenQuestionnaireError()
        allowed = {(self.Status.PUBLISHED, self.Status.RETIRED)}
        if stored.status != self.status and (stored.status, self.status) not in allowed:
            raise FrozenQuestionnaireError(
                _("A %(old)s version cannot become %(new)s.")
                % {"old": stored.get_status_display(), "new": self.get_status_display()}
            )

    def delete(self, *args, **kwargs):
        if Questionnaire.objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).exists():
            raise FrozenQuestionnaireError(_("Published or retired versions cannot be deleted."))
        return super().delete(*args, **kwargs)

    @transaction.atomic
    def publish(self) -> None:
        """Publish this draft and retire the version of the same key published before it."""
        if not self.is_draft:
            raise FrozenQuestionnaireError(_("Only a draft can be published."))
        Questionnaire.objects.filter(key=self.key, status=self.Status.PUBLISHED).update(
            status=self.Status.RETIRED
        )
        self.status = self.Status.PUBLISHED
        self.published_at = timezone.now()
        super().save(update_fields=["status", "published_at"])


class PartQuerySet(models.QuerySet):
    """Bulk writes bypass `save()`, so the freeze is enforced here as well."""

    questionnaire_path = "questionnaire"

    def _frozen_rows(self) -> bool:
        lookup = f"{self.questionnaire_path}__status"
        return self.exclude(**{lookup: Questionnaire.Status.DRAFT}).exists()

    def update(self, **kwargs):
        if self._frozen_rows():
            raise FrozenQuestionnaireError()
        return super().update(**kwargs)

    def delete(self):
        if self._frozen_rows():
            raise FrozenQuestionnaireError()
        return super().delete()


class OptionQuerySet(PartQuerySet):
    questionnaire_path = "question__questionnaire"


class QuestionnairePart(models.Model):
    """A piece of a questionnaire version: editable while the version is a draft, frozen after."""

    objects = PartQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.ensure_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.ensure_editable()
        return super().delete(*args, **kwargs)

    def owning_questionnaire_id(self) -> int | None:
        # Each concrete part has this foreign key, except AnswerOption, which overrides this.
        return self.questionnaire_id  # type: ignore[attr-defined]

    def ensure_editable(self) -> None:
        questionnaire_id = self.owning_questionnaire_id()
        if questionnaire_id is None:
            return
        frozen = (
            Questionnaire.objects.filter(pk=questionnaire_id)
            .exclude(status=Questionnaire.Status.DRAFT)
            .exists()
        )
        if frozen:
            raise FrozenQuestionnaireError()


class TaxonomyItem(QuestionnairePart):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE)
    key = models.SlugField(_("key"), max_length=80)
    name = TranslatedCharField(_("name"), max_length=120)
    description = TranslatedTextField(_("description"), blank=True)
    translations = translations_field()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Stage(TaxonomyItem):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="stages"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    characteristics = TranslatedTextField(_("typical characteristics"), blank=True)
    threshold = models.PositiveSmallIntegerField(
        _("threshold (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Leave empty to use the questionnaire's threshold."),
    )
    core_minimum = models.PositiveSmallIntegerField(
        _("core minimum score"),
        null=True,
        blank=True,
        help_text=_("Gated: leave empty to use the questionnaire's core minimum."),
    )
    is_floor = models.BooleanField(
        _("floor"),
        default=False,
        help_text=_(
            "Gated, first stage only: where every organization starts, with no question of its own."
        ),
    )
    band_from = models.PositiveSmallIntegerField(
        _("band from (score)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    band_to = models.PositiveSmallIntegerField(
        _("band to (score)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    mappings = models.JSONField(_("names in other models"), default=dict, blank=True)

    class Meta:
        ordering = ["questionnaire", "level"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="stage_key"),
            models.UniqueConstraint(fields=["questionnaire", "level"], name="stage_level"),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.name}"


class Layer(TaxonomyItem):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="layers"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("layer of work")
        verbose_name_plural = _("layers of work")
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="layer_key"),
        ]


class Pillar(TaxonomyItem):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="pillars"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("pillar of support")
        verbose_name_plural = _("pillars of support")
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="pillar_key"),
        ]


class ScaleLevel(QuestionnairePart):
    """The default answer options; a question copies them unless it words its own."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="scale_levels"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    label = TranslatedCharField(_("label"), max_length=200)
    description = TranslatedTextField(_("description"), blank=True)
    translations = translations_field()

    class Meta:
        ordering = ["questionnaire", "score"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "score"], name="scale_score"),
        ]

    def __str__(self) -> str:
        return f"{self.score} {self.label}"


class Section(QuestionnairePart):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    key = models.SlugField(_("key"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = TranslatedCharField(_("title"), max_length=200)
    description = TranslatedTextField(_("description"), blank=True)
    # What the section is about, shared by its questions instead of copied onto each of them:
    # Markdown, sanitized when shown (strategy.markdown.render_markdown).
    help = TranslatedTextField(
        _("help"), blank=True, help_text=_("Markdown: why this area matters, how to read it.")
    )
    recommendations = TranslatedTextField(
        _("recommendations"),
        blank=True,
        help_text=_(
            "Markdown: what to do next in this area; shown wherever a question of the section "
            "holds the organization back."
        ),
    )
    # [{"title": ..., "url": ...}], http or https only (questionnaire_file.rules).
    resources = models.JSONField(_("resources"), default=list, blank=True)
    translations = translations_field()

    class Meta:
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="section_key"),
        ]

    def __str__(self) -> str:
        return self.title


class Question(QuestionnairePart):
    class Type(models.TextChoices):
        # docs/questionnaire-format.md ("Question types"); docs/scoring.md for their scores.
        SINGLE = "single", _("Single choice")
        CHECKLIST = "checklist", _("Checklist (several boxes)")
        TEXT = "text", _("Free text (not scored)")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(
        _("key"), max_length=80, help_text=_("Stable across versions; answers follow it.")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    text = TranslatedTextField(_("question"))
    type = models.CharField(
        _("type"),
        max_length=16,
        choices=Type.choices,
        default=Type.SINGLE,
        help_text=_(
            "Single choice: one option. Checklist: any of the boxes, each adding its weight. "
            "Free text: an answer in words, never scored."
        ),
    )
    help_text = TranslatedTextField(_("why it matters"), blank=True)
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="questions")
    pillar = models.ForeignKey(
        Pillar,
        on_delete=models.PROTECT,
        related_name="questions",
        null=True,
        blank=True,
        help_text=_("Empty only in a version without pillars."),
    )
    layer = models.ForeignKey(
        Layer,
        on_delete=models.PROTECT,
        related_name="questions",
        null=True,
        blank=True,
        help_text=_("Leave empty when the practice belongs to every layer."),
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0.01)],
    )
    is_core = models.BooleanField(_("core practice"), default=False)
    allows_not_applicable = models.BooleanField(_("'not applicable' allowed"), default=False)
    recommendation = TranslatedTextField(_("recommendation"), blank=True)
    translations = translations_field()
    # Where the practice comes from and what it evidences, per standard or model key:
    # {"iso-5230": ["3.1.1"], "ggi": ["GGI-A-21"], "linux-foundation": ["1"]}.
    mappings = models.JSONField(_("crosswalk"), default=dict, blank=True)
    # Options on the question's own range (0–2, 0–10…) instead of the version's scale; its
    # answers are scored as the fraction of its own highest score (docs/scoring.md).
    own_scale = models.BooleanField(
        _("own scale"),
        default=False,
        help_text=_(
            "Single choice only: the options score on their own range (from 0), not the "
            "version's scale; answers count as the same share of the version's highest score."
        ),
    )
    # Asked only when an earlier question was answered a certain way (docs/questionnaire-format.md,
    # "Show if"): that question's key, and the answers that show this one (scores of a single
    # choice, box labels of a checklist). Empty: always asked.
    show_if_question = models.CharField(
        _("show if question"),
        max_length=80,
        blank=True,
        help_text=_("Key of an earlier question; empty: always asked."),
    )
    show_if_answers = models.JSONField(
        _("show if answers"),
        default=list,
        blank=True,
        help_text=_(
            "The answers to that question that show this one: scores of a single-choice "
            'question ([3, 4]), box labels of a checklist (["GitHub"]), any of them.'
        ),
    )

    class Meta:
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="question_key"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def is_checklist(self) -> bool:
        return self.type == self.Type.CHECKLIST

    @property
    def is_text(self) -> bool:
        return self.type == self.Type.TEXT

    @property
    def is_scored(self) -> bool:
        return self.type != self.Type.TEXT


class AnswerOption(QuestionnairePart):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # A checklist's box has no score of its own: there it only tells the boxes apart (the file
    # numbers them 0, 1, 2… in order); what a box adds is its `weight`.
    score = models.PositiveSmallIntegerField(
        _("score"),
        help_text=_("A checklist's box: any number not used by another box (0, 1, 2…)."),
    )
    label = TranslatedCharField(_("label"), max_length=200)
    description = TranslatedTextField(_("description"), blank=True)
    translations = translations_field()
    weight = models.PositiveSmallIntegerField(
        _("box weight"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("Checklist boxes only: what checking the box adds to the question's score."),
    )
    exclusive = models.BooleanField(
        _("exclusive ('none of these')"),
        default=False,
        help_text=_("Checklist boxes only: checking it clears the other boxes, and the other way."),
    )

    objects: ClassVar[models.Manager[AnswerOption]] = OptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer option")
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "score"], name="option_score"),
        ]

    def __str__(self) -> str:
        return f"{self.score} {self.label}"

    def owning_questionnaire_id(self) -> int | None:
        if self.question_id is None:
            return None
        return (
            Question.objects.filter(pk=self.question_id)
            .values_list("questionnaire_id", flat=True)
            .first()
        )
