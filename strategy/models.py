"""An organization's open source strategy document: sections, their history, and a roadmap."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Organization


class Strategy(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="strategies"
    )
    # The assessment the document starts from; a strategy outlives a deleted assessment.
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="strategies",
    )
    title = models.CharField(_("title"), max_length=200)
    guidance_key = models.SlugField(max_length=80, default="default")
    target_stage = models.PositiveSmallIntegerField(_("target stage"), null=True, blank=True)
    # {"layers": {"worker": 3, ...}, "pillars": {"enabler": 3, ...}}: keys of the assessment's
    # questionnaire version, so a later model with other layers needs no schema change.
    scope_targets = models.JSONField(_("targets per layer and pillar"), default=dict, blank=True)
    horizon = models.CharField(
        _("horizon"), max_length=100, blank=True, help_text=_("For example: end of 2027.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name_plural = _("strategies")
        ordering = ["organization", "-updated_at"]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    """One section of the document, edited in Markdown.

    `version` goes up on every save; a save names the version it started from, and a save from
    an older version is a conflict, never a silent overwrite.
    """

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True, max_length=50_000)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["strategy", "order"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "key"], name="strategy_section_key"),
        ]

    def __str__(self) -> str:
        return self.title


class Revision(models.Model):
    """A section's text as it was saved, or as someone tried to save it in a conflict."""

    class Kind(models.TextChoices):
        SAVED = "saved", _("Saved")
        CONFLICT = "conflict", _("Kept from a conflict")
        RESTORED = "restored", _("Restored")
        GENERATED = "generated", _("Generated from the assessment")

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SAVED)
    body = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["section", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.section} v{self.version}"


class RoadmapItem(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="roadmap")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(_("action"), max_length=300)
    why = models.TextField(_("why"), blank=True, max_length=5000)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    target_quarter = models.CharField(
        _("target quarter"), max_length=7, blank=True, help_text=_("For example: 2027-Q2.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    question_keys = models.JSONField(_("linked questions"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["strategy", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class RenderedPdf(models.Model):
    """A rendered PDF, kept by the hash of everything that went into it."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="pdfs")
    content_hash = models.CharField(max_length=64)
    pdf = models.BinaryField()
    pages = models.PositiveIntegerField(default=0)
    render_seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["strategy", "content_hash"], name="pdf_per_content"),
        ]

    def __str__(self) -> str:
        return f"{self.strategy} ({self.content_hash[:8]})"


class PdfJob(models.Model):
    """A request to render a strategy's PDF in the background, and how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Rendering")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="pdf_jobs")
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    rendered = models.ForeignKey(
        RenderedPdf, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["strategy", "content_hash"])]

    def __str__(self) -> str:
        return f"{self.strategy} ({self.get_status_display()})"
