"""An organization's open source strategy document: sections, their history, a roadmap, and the
structured rows of some sections (KPIs, risks, budget lines, policies, staffing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Organization
from assessments.reporting import build_report
from strategy import generated
from strategy.guidance import strategy_guidance

# The section written from the assessment rather than by people; `refresh_generated` rewrites it.
GENERATED_KEY = "where-we-stand"
# A person's saves of a section within this time of their first one are kept as one revision.
AUTOSAVE_WINDOW = timedelta(minutes=5)
# The most Markdown a section may hold, in bytes of UTF-8. The PDF's layout time grows fast with
# long tables: two strategies with sections of ~50 KB of tables each ran into the time limit.
# Checked where a body is saved (`Section.save_body`, the section form) and again before a PDF
# is rendered, for text saved before the limit.
MAX_BODY_BYTES = 50_000


def body_size_error(body: str, title: str = "") -> str | None:
    """Why `body` is too long for a section, in words for its author; None when it fits."""
    size = len(body.encode())
    if size <= MAX_BODY_BYTES:
        return None
    values = {
        "size": f"{size / 1000:.1f}",
        "limit": MAX_BODY_BYTES // 1000,
        "title": title,
    }
    if title:
        message = gettext(
            "The section “%(title)s” holds %(size)s KB of text; a section may hold %(limit)s KB."
        )
    else:
        message = gettext("This text is %(size)s KB long; a section may hold %(limit)s KB.")
    return (
        (message % values)
        + " "
        + gettext(
            "Shorten it (long tables make the PDF slow to produce), or link to a longer document."
        )
    )


def check_body_size(body: str) -> None:
    """Raise ValidationError when `body` is longer than a section may be."""
    if (error := body_size_error(body)) is not None:
        raise ValidationError(error, code="too_long")


def document_language(language: str | None = None) -> str:
    """`language` if the site offers it, else the active language, else the default."""
    offered = dict(settings.LANGUAGES)
    for candidate in (language, translation.get_language()):
        if candidate and candidate in offered:
            return candidate
        if candidate and candidate.split("-")[0] in offered:
            return candidate.split("-")[0]
    return settings.LANGUAGE_CODE


class StrategyQuerySet(models.QuerySet["Strategy"]):
    def create_from_assessment(
        self, assessment: Assessment, user, title: str, language: str | None = None
    ) -> Strategy:
        """A new strategy for `assessment`'s organization: the guidance's sections, "where we
        stand" written from the assessment, and a roadmap drafted from its blockers, all in
        `language` (by default the one the creator reads in)."""
        language = document_language(language)
        with translation.override(language):
            return self._create_from_assessment(assessment, user, title, language)

    @transaction.atomic
    def _create_from_assessment(
        self, assessment: Assessment, user, title: str, language: str
    ) -> Strategy:
        # The text builders read models of this module.
        from strategy.services import (
            SUMMARY_KEY,
            draft_executive_summary,
            roadmap_draft,
            where_we_stand_markdown,
        )

        report = build_report(assessment)
        strategy = self.create(
            organization=assessment.organization,
            assessment=assessment,
            language=language,
            title=title,
            # A progress version has no stage to aim for.
            target_stage=min(report.overall.stage.level + 1, len(report.stages) - 1)
            if report.overall.stage is not None
            else None,
            created_by=user,
            **Strategy.generated_from_fields(assessment),
        )
        sections = []
        # In the words of the assessment's version; a section about an axis it lacks is left out.
        guidance = strategy_guidance(strategy.guidance_key, assessment.questionnaire).values()
        for order, guide in enumerate(guidance):
            body = ""
            if guide.key == GENERATED_KEY:
                body = generated.wrap(where_we_stand_markdown(report))
            sections.append(
                Section(
                    strategy=strategy,
                    key=guide.key,
                    order=order,
                    title=guide.title,
                    body=body,
                    version=1 if body else 0,
                    updated_by=user if body else None,
                )
            )
        Section.objects.bulk_create(sections)
        stand = next(s for s in strategy.sections.all() if s.key == GENERATED_KEY)
        Revision.objects.create(
            section=stand,
            version=1,
            kind=Revision.Kind.GENERATED,
            body=stand.body,
            created_by=user,
        )
        RoadmapItem.objects.bulk_create(roadmap_draft(report, strategy))
        summary = next((s for s in strategy.sections.all() if s.key == SUMMARY_KEY), None)
        if summary is not None:
            summary.body = generated.wrap(draft_executive_summary(strategy, report))
            summary.version = 1
            summary.updated_by = user
            summary.save(update_fields=["body", "version", "updated_by"])
            Revision.objects.create(
                section=summary,
                version=1,
                kind=Revision.Kind.GENERATED,
                body=summary.body,
                created_by=user,
            )
        return strategy


class Strategy(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("in review")
        APPROVED = "approved", _("approved")

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
    # The language the document is written in: its template, generated text, headings, PDF and
    # Word file are in it, whatever the language of the person reading the builder.
    language = models.CharField(
        _("document language"),
        max_length=16,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The PDF and the Word file are written in it, with its hyphenation; the pages "
            "around the document stay in your own language."
        ),
    )
    target_stage = models.PositiveSmallIntegerField(_("target stage"), null=True, blank=True)
    # {"layers": {"worker": 3, ...}, "pillars": {"enabler": 3, ...}}: keys of the assessment's
    # questionnaire version, so a later model with other layers needs no schema change.
    scope_targets = models.JSONField(_("targets per layer and pillar"), default=dict, blank=True)
    horizon = models.CharField(
        _("horizon"), max_length=100, blank=True, help_text=_("For example: end of 2027.")
    )
    # The currency of the budget's amounts: a code the organization chooses, not checked against
    # a list (an internal unit such as "kEUR" is fine).
    currency = models.CharField(_("currency"), max_length=10, blank=True, default="EUR")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The state of the assessment the generated block of "Where we stand" was written from, set
    # when the strategy is made and on every refresh: when it was read, its answers fingerprint
    # (questionnaire version and answers revision) and status. An empty fingerprint: unknown (a
    # strategy made before this was recorded).
    generated_at = models.DateTimeField(null=True, blank=True, editable=False)
    generated_fingerprint = models.CharField(max_length=40, blank=True, editable=False)
    generated_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)
    generated_status = models.CharField(max_length=16, blank=True, editable=False)
    # Review and approval (strategy.lifecycle): the state, and the version the text is or is
    # becoming; the approver's name and the day are those of the approved version, kept as
    # they were so that the cover of that version never changes.
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    version_major = models.PositiveIntegerField(default=1, editable=False)
    version_minor = models.PositiveIntegerField(default=0, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by_name = models.CharField(max_length=150, blank=True, editable=False)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="strategies_to_review"
    )

    objects = StrategyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("strategies")
        ordering = ["organization", "-updated_at"]

    def __str__(self) -> str:
        return self.title

    def change_language(self, language: str) -> int:
        """Write the document in `language` from now on; the sections still titled as the
        template titled them in the old language take the new language's title. Returns how
        many did: the rest was named or written by people, and stays as they wrote it."""
        questionnaire = self.assessment.questionnaire if self.assessment else None

        def titles(in_language: str) -> dict[str, str]:
            with translation.override(in_language):
                guides = strategy_guidance(self.guidance_key, questionnaire)
            return {key: guide.title for key, guide in guides.items()}

        old, new = titles(self.language), titles(language)
        renamed = []
        for section in self.sections.all():
            if section.key in new and old.get(section.key) == section.title:
                section.title = new[section.key]
                renamed.append(section)
        Section.objects.bulk_update(renamed, ["title"])
        self.language = language
        self.save(update_fields=["language", "updated_at"])
        return len(renamed)

    @property
    def lifecycle_label(self) -> str:
        """ "1.1 draft", "1.0 in review", "1.0 approved on … by …" (strategy.lifecycle)."""
        from strategy.approval import label

        return label(self)

    @staticmethod
    def generated_from_fields(assessment: Assessment) -> dict:
        """The `generated_*` fields for text written from `assessment` as it is in memory."""
        return {
            "generated_at": timezone.now(),
            "generated_fingerprint": assessment.answers_fingerprint,
            "generated_revision": assessment.answers_revision,
            "generated_status": assessment.status,
        }

    def generated_changes(self) -> GeneratedChanges | None:
        """How the assessment changed since the generated block was written; None when it did
        not (or there is no assessment). One query, counting the answers saved since, when the
        answers moved; none otherwise. Reads `self.assessment` as loaded."""
        assessment = self.assessment
        if assessment is None:
            return None
        unknown = not self.generated_fingerprint
        moved = self.generated_fingerprint != assessment.answers_fingerprint
        status_changed = bool(self.generated_status) and self.generated_status != assessment.status
        if not (unknown or moved or status_changed):
            return None
        upgraded = not unknown and (
            self.generated_fingerprint.split(":")[0] != str(assessment.questionnaire_id)
        )
        answers = 0
        if moved and self.generated_at is not None:
            answers = assessment.answers.filter(
                respondent__isnull=True, answered_at__gt=self.generated_at
            ).count()
        return GeneratedChanges(
            written_at=self.generated_at,
            revision=self.generated_revision,
            current_revision=assessment.answers_revision,
            unknown=unknown,
            answers_moved=moved and not unknown,
            answers_changed=answers,
            submitted=status_changed and assessment.is_locked,
            reopened=status_changed and not assessment.is_locked,
            upgraded=upgraded,
            questionnaire_version=assessment.questionnaire.version if upgraded else None,
        )

    def add_missing_sections(self, guides) -> list[Section]:
        """Add, empty, the sections of `guides` (a template in order) this strategy lacks, each
        right after the last section that comes before it in the template; the others keep their
        text, version and relative order (only `order` is renumbered). The new sections."""
        with transaction.atomic():
            Strategy.objects.filter(pk=self.pk).update(updated_at=timezone.now())  # locks the row
            sections = list(self.sections.order_by("order", "pk"))
            keys = {s.key for s in sections}
            added = []
            for guide in guides:
                if guide.key in keys:
                    continue
                section = Section(strategy=self, key=guide.key, title=guide.title, body="")
                before = [g.key for g in guides]
                before = before[: before.index(guide.key)]
                at = 0
                for index, existing in enumerate(sections):
                    if existing.key in before:
                        at = index + 1
                sections.insert(at, section)
                keys.add(guide.key)
                added.append(section)
            if not added:
                return []
            for order, section in enumerate(sections):
                section.order = order
            Section.objects.bulk_create(added)
            Section.objects.bulk_update([s for s in sections if s not in added], ["order"])
        return added

    def redraft_summary(self, user) -> Section:
        """Write the executive summary's drafted part afresh from the assessment, targets,
        roadmap, budget and staffing, keeping the text before and after it (or, without a
        drafted part, putting it first); the old text stays in its history."""
        from strategy.services import SUMMARY_KEY, draft_executive_summary

        section = self.sections.get(key=SUMMARY_KEY)
        block = draft_executive_summary(self)
        if generated.split(section.body) is not None:
            body = generated.replace_block(section.body, block)
        else:
            body = generated.wrap(block) + ("\n" + section.body if section.body.strip() else "")
        section._replace_body(body, user, Revision.Kind.GENERATED)
        return section

    def refresh_preview(self) -> RefreshPreview | None:
        """What a refresh would write, from the assessment as it is now; nothing is saved. None
        when the strategy has no assessment (any more)."""
        from strategy.services import where_we_stand_markdown

        if self.assessment_id is None:
            return None
        assessment = Assessment.objects.select_related("questionnaire").get(pk=self.assessment_id)
        section = self.sections.get(key=GENERATED_KEY)
        parts = generated.split(section.body)
        block = where_we_stand_markdown(build_report(assessment))
        return RefreshPreview(
            section=section,
            assessment=assessment,
            old_block=parts.block if parts else section.body,
            new_block=block,
            body=generated.replace_block(section.body, block),
            keeps_own_text=parts is not None,
        )

    def refresh_generated(self, user, base_version: int | None = None) -> Section | None:
        """Rewrite the generated block of "Where we stand" from the assessment as it is now,
        keeping the text before and after it; the old text stays in the section's history.

        With `base_version` (the version a preview was shown of), raises `RefreshConflict` and
        writes nothing when the section was saved since. None when the strategy has no
        assessment (any more).
        """
        with transaction.atomic():
            # Held until the end: a save of the section at the same moment waits for the refresh,
            # and its compare-and-set then sees the new version.
            locked = Section.objects.select_for_update().get(strategy=self, key=GENERATED_KEY)
            if base_version is not None and locked.version != base_version:
                raise RefreshConflict(locked)
            preview = self.refresh_preview()
            if preview is None:
                return None
            section = preview.section
            section._replace_body(preview.body, user, Revision.Kind.GENERATED)
            fields = self.generated_from_fields(preview.assessment)
            Strategy.objects.filter(pk=self.pk).update(**fields, updated_at=timezone.now())
            for name, value in fields.items():
                setattr(self, name, value)
        return section


class RefreshConflict(Exception):
    """The section was saved after the refresh's preview was shown."""

    def __init__(self, section: Section) -> None:
        super().__init__(section)
        self.section = section


@dataclass(frozen=True)
class GeneratedChanges:
    """How an assessment changed since "Where we stand" was written from it."""

    written_at: datetime | None
    revision: int | None
    current_revision: int
    unknown: bool  # written before the revision was recorded
    answers_moved: bool
    answers_changed: int  # answers saved since; 0 when only removed or moved by an upgrade
    submitted: bool
    reopened: bool
    upgraded: bool
    questionnaire_version: int | None


@dataclass(frozen=True)
class RefreshPreview:
    section: Section
    assessment: Assessment
    old_block: str
    new_block: str
    body: str  # the section's body after the refresh
    keeps_own_text: bool  # False: no generated block found, the whole text is replaced


@dataclass(frozen=True)
class SaveOutcome:
    saved: bool
    section: Section
    conflict_body: str = ""


class Section(models.Model):
    """One section of the document, edited in Markdown.

    `version` goes up on every save; a save names the version it started from, and a save from
    an older version is a conflict, never a silent overwrite.

    The page saves as people type, every few seconds. A save that follows the same person's own
    save revision, started less than `AUTOSAVE_WINDOW` ago and still the section's latest
    revision, updates that revision (its text, version, `saves` and `last_saved_at`) instead of
    adding a row of up to 50 KB. Every conflict, restore and generated refresh, and every save
    after someone else's, adds a revision of its own.
    """

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True, max_length=MAX_BODY_BYTES)
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

    def save_body(self, body: str, base_version: int, user) -> SaveOutcome:
        """Save `body` if nobody saved since `base_version`; otherwise keep it aside and say so.

        The compare-and-set is one UPDATE with the version in its WHERE clause, so two people
        saving at the same moment cannot both win. The losing text is stored as a conflict
        revision: even if its author closes the page, nothing is lost.

        Raises ValidationError, and stores nothing, when `body` is longer than MAX_BODY_BYTES.
        """
        check_body_size(body)
        now = timezone.now()
        with transaction.atomic():
            updated = Section.objects.filter(pk=self.pk, version=base_version).update(
                body=body, version=F("version") + 1, updated_by=user, updated_at=now
            )
            current = Section.objects.select_related("updated_by").get(pk=self.pk)
            kind = Revision.Kind.SAVED if updated else Revision.Kind.CONFLICT
            if not (updated and self._coalesce(body, base_version, current.version, user, now)):
                Revision.objects.create(
                    section=current, version=current.version, kind=kind, body=body, created_by=user
                )
            Strategy.objects.filter(pk=self.strategy_id).update(updated_at=now)
        if updated:
            return SaveOutcome(saved=True, section=current)
        return SaveOutcome(saved=False, section=current, conflict_body=body)

    def _coalesce(self, body: str, base_version: int, version: int, user, now) -> bool:
        """Fold this save into the person's save revision of `base_version`, if it qualifies.

        Costs no query when this section, as loaded before the save, shows that someone else
        (or nobody) wrote `base_version`, or wrote it longer ago than the window: then a new
        revision is due anyway. Otherwise one UPDATE, which matches only a save revision of
        `base_version` by `user`, started within the window, with no newer revision (a conflict
        kept since, say) after it.
        """
        since = now - AUTOSAVE_WINDOW
        if not (
            self.version == base_version
            and self.updated_by_id == getattr(user, "pk", None)
            and self.updated_at is not None
            and self.updated_at >= since
        ):
            return False
        newer = Revision.objects.filter(section_id=self.pk, pk__gt=OuterRef("pk"))
        return bool(
            Revision.objects.filter(
                section_id=self.pk,
                kind=Revision.Kind.SAVED,
                version=base_version,
                created_by=user,
                created_at__gte=since,
            )
            .filter(~Exists(newer))
            .update(body=body, version=version, saves=F("saves") + 1, last_saved_at=now)
        )

    def _replace_body(self, body: str, user, kind: str) -> None:
        """Write `body` whatever the version, recording it as a revision of `kind`.

        Raises ValidationError when `body` is too long (an old revision, restored).
        """
        check_body_size(body)
        with transaction.atomic():
            Section.objects.filter(pk=self.pk).update(
                body=body, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
            )
            self.refresh_from_db()
            Revision.objects.create(
                section=self, version=self.version, kind=kind, body=body, created_by=user
            )


class Revision(models.Model):
    """A section's text as it was saved, or as someone tried to save it in a conflict.

    A save revision may stand for several saves by one person in a few minutes (see `Section`):
    `created_at` is the first of them, `last_saved_at` the last, `saves` how many, and `body`
    and `version` are the last one's.
    """

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
    saves = models.PositiveIntegerField(default=1)
    last_saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["section", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.section} v{self.version}"

    @property
    def first_version(self) -> int:
        """The version of the first save this revision stands for (each save added one)."""
        return self.version - self.saves + 1

    def restore(self, user) -> Section:
        """Make this revision's text the section's current one, as a new version."""
        section = self.section
        section._replace_body(self.body, user, Revision.Kind.RESTORED)
        return section


class RoadmapItemQuerySet(models.QuerySet["RoadmapItem"]):
    """Reordering a roadmap. Orders stay dense (0..n-1), in the order the items are listed.

    Call these inside a transaction that holds the strategy's row locked, so two people changing
    the list at the same moment take turns instead of interleaving.
    """

    def in_order(self) -> list[RoadmapItem]:
        return list(self.order_by("order", "pk"))

    def renumber(self) -> list[RoadmapItem]:
        """These items, in order, numbered 0..n-1 again (after an add or a delete)."""
        items = self.in_order()
        self._store_order(items)
        return items

    def move(self, item: RoadmapItem, direction: str) -> tuple[list[RoadmapItem], int]:
        """Swap `item` with its neighbour "up" or "down"; the list and the item's new index.

        At either end nothing moves. Raises `RoadmapItem.DoesNotExist` when `item` is not among
        these items (any more).
        """
        items = self.in_order()
        index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
        if index is None:
            raise self.model.DoesNotExist
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
        else:
            target = index
        self._store_order(items)
        return items, target

    def _store_order(self, items: list[RoadmapItem]) -> None:
        # Only the items whose order changed are written: one UPDATE, or none.
        changed = []
        for index, item in enumerate(items):
            if item.order != index:
                item.order = index
                changed.append(item)
        if changed:
            self.model.objects.bulk_update(changed, ["order"])


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

    objects = RoadmapItemQuerySet.as_manager()

    class Meta:
        ordering = ["strategy", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class StructuredRowQuerySet(RoadmapItemQuerySet):
    def row_counts(self) -> dict[str, int]:
        """How many rows of each kind, in one query."""
        # order_by(): the default ordering would split the groups.
        # The stubs take this QuerySet for the roadmap's, whose rules of order it shares.
        grouped = self.order_by().values("kind").annotate(n=models.Count("pk"))  # type: ignore[misc]
        return dict(grouped.values_list("kind", "n"))


class StructuredRow(models.Model):
    """One row of a structured part of a strategy: a KPI, a risk, a budget line, a policy or a
    role. `kind` names its schema in `strategy.rows`, which checks `data` before it is stored;
    `order` is dense per strategy and kind, kept by `RoadmapItemQuerySet`'s rules."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="rows")
    kind = models.CharField(max_length=16)
    order = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StructuredRowQuerySet.as_manager()

    class Meta:
        ordering = ["strategy", "kind", "order", "pk"]
        indexes = [models.Index(fields=["strategy", "kind", "order"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"

    @property
    def title(self) -> str:
        from strategy.rows import KINDS

        kind = KINDS.get(self.kind)
        return str(self.data.get(kind.title_field, "")) if kind else ""


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
    """A request to render a strategy's PDF in the background, and how it went.

    An organization has at most one job queued and one running (see `strategy.tasks`).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Rendering")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        SUPERSEDED = "superseded", _("Replaced by a newer request")

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
    # The job that took this one's place in the queue (strategy.tasks.request_pdf).
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["strategy", "content_hash"]),
            models.Index(fields=["status"], name="pdf_job_status"),
        ]

    def __str__(self) -> str:
        return f"{self.strategy} ({self.get_status_display()})"


# The review and approval models live in their own module; importing them here registers them.
from strategy.approval import ApprovedVersion, ReviewComment, StrategyEvent  # noqa: E402, F401
