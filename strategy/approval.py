"""Review and approval of a strategy: reviewers' comments, the events, the approved versions.

The rules (who may do what in which state, the next version) are `strategy.lifecycle`'s pure
functions; this module stores their outcome.

An approval renders the approved document's PDF in the request, synchronously, and archives it
with the document's Markdown export and content hash as an `ApprovedVersion`, which nothing
changes afterwards: the demo strategy renders in about 3 seconds, which an owner who has just
pressed "Approve" can wait for, and it spares a second state ("approved, PDF pending") and a
version that could be approved without its document. The rendered PDF is also stored as the
strategy's `RenderedPdf` for that content, so "Download PDF" serves it without a worker.

Any edit of an approved strategy starts the draft of the next minor version first
(`reopen_if_approved`, called by every view that writes to the strategy).
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from strategy import lifecycle
from strategy.lifecycle import Action, State, Version


def display_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


class ApprovedVersion(models.Model):
    """An approved version of a strategy, frozen: what is needed to give exactly that document
    again (its PDF's bytes, its Markdown export, its content hash)."""

    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="approved_versions"
    )
    major = models.PositiveIntegerField()
    minor = models.PositiveIntegerField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_by_name = models.CharField(max_length=150, blank=True)
    approved_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    pdf = models.BinaryField()
    pages = models.PositiveIntegerField(default=0)
    render_seconds = models.FloatField(default=0)
    markdown = models.TextField(blank=True)
    # The titles of the sections left out because they were empty when approved.
    left_out = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["strategy", "-major", "-minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "major", "minor"], name="approved_version_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy} {self.version}"

    @property
    def version(self) -> Version:
        return Version(self.major, self.minor)


class ReviewComment(models.Model):
    """A reviewer's (or an editor's) comment on one section; editors resolve it."""

    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="review_comments"
    )
    section = models.ForeignKey(
        "strategy.Section", on_delete=models.CASCADE, related_name="review_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(gettext_lazy("comment"), max_length=5000)
    version = models.CharField(max_length=20, blank=True)  # the version commented on
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["strategy", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.section}: {self.body[:40]}"

    @property
    def author_name(self) -> str:
        return display_name(self.author) or _("someone")

    @property
    def resolver_name(self) -> str:
        return display_name(self.resolved_by) or _("someone")


class StrategyEvent(models.Model):
    """Who did what when in the strategy's review and approval."""

    class Kind(models.TextChoices):
        SENT_FOR_REVIEW = "sent_for_review", gettext_lazy("sent for review")
        RETURNED_TO_DRAFT = "returned_to_draft", gettext_lazy("returned to draft")
        COMMENTED = "commented", gettext_lazy("commented")
        RESOLVED = "resolved", gettext_lazy("resolved a comment")
        APPROVED = "approved", gettext_lazy("approved")
        REOPENED = "reopened", gettext_lazy("started the next draft")

    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    version = models.CharField(max_length=20, blank=True)
    detail = models.CharField(max_length=300, blank=True)  # a section's title, reviewers' names
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["strategy", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.strategy}: {self.kind}"

    @property
    def actor_name(self) -> str:
        return display_name(self.actor) or _("someone")


# --- What the views do -----------------------------------------------------------------------


class TransitionRefused(Exception):
    """The action is not possible in the strategy's state (409), or for the person's role (403
    when `forbidden`)."""

    def __init__(self, message: str, forbidden: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.forbidden = forbidden


class EmptySections(Exception):
    """An approval of a strategy with empty sections, not confirmed to leave them out."""

    def __init__(self, titles: list[str]) -> None:
        super().__init__(", ".join(titles))
        self.titles = titles


def current_version(strategy) -> Version:
    return Version(strategy.version_major, strategy.version_minor)


def last_approved(strategy) -> Version | None:
    row = strategy.approved_versions.order_by("-major", "-minor").values("major", "minor").first()
    return Version(row["major"], row["minor"]) if row else None


def label(strategy) -> str:
    return lifecycle.version_label(
        strategy.status,
        current_version(strategy),
        timezone.localtime(strategy.approved_at).date() if strategy.approved_at else None,
        strategy.approved_by_name,
    )


def is_reviewer(strategy, user) -> bool:
    return strategy.reviewers.filter(pk=user.pk).exists()


def check(action: Action, strategy, membership, reviewer: bool = False) -> None:
    """TransitionRefused unless `membership` may do `action` on `strategy` now."""
    refusal = lifecycle.allowed(action, State(strategy.status), membership.role, reviewer)
    if refusal is not None:
        raise TransitionRefused(refusal.reason, forbidden=refusal.forbidden)


def _locked(strategy):
    from strategy.models import Strategy

    return Strategy.objects.select_for_update().get(pk=strategy.pk)


def _event(strategy, kind, user, detail: str = "", version: str | None = None) -> None:
    StrategyEvent.objects.create(
        strategy=strategy,
        kind=kind,
        actor=user,
        detail=detail[:300],
        version=version if version is not None else str(current_version(strategy)),
    )


def reopen_if_approved(strategy, user) -> bool:
    """Before an edit: an approved strategy becomes the draft of its next minor version. The
    approved version stays as archived. True when it was reopened."""
    from strategy.models import Strategy

    if strategy.status != Strategy.Status.APPROVED:
        return False
    with transaction.atomic():
        reopened = Strategy.objects.filter(pk=strategy.pk, status=Strategy.Status.APPROVED).update(
            status=Strategy.Status.DRAFT, version_minor=F("version_minor") + 1
        )
        if reopened:
            strategy.refresh_from_db(fields=["status", "version_major", "version_minor"])
            _event(strategy, StrategyEvent.Kind.REOPENED, user)
    return bool(reopened)


def send_for_review(strategy, membership, user, reviewers, chosen: Version | None = None) -> None:
    """Draft → in review, with `reviewers` (members of the organization) named."""
    with transaction.atomic():
        locked = _locked(strategy)
        check(Action.SEND_FOR_REVIEW, locked, membership)
        version = lifecycle.version_after(
            Action.SEND_FOR_REVIEW,
            State(locked.status),
            current_version(locked),
            last_approved(locked),
            chosen,
        )
        locked.status = locked.Status.REVIEW
        locked.version_major, locked.version_minor = version.major, version.minor
        locked.save(update_fields=["status", "version_major", "version_minor"])
        locked.reviewers.set(reviewers)
        names = ", ".join(sorted(display_name(r) for r in reviewers))
        _event(locked, StrategyEvent.Kind.SENT_FOR_REVIEW, user, detail=names)
    strategy.refresh_from_db()


def return_to_draft(strategy, membership, user) -> None:
    with transaction.atomic():
        locked = _locked(strategy)
        check(Action.RETURN_TO_DRAFT, locked, membership)
        locked.status = locked.Status.DRAFT
        locked.save(update_fields=["status"])
        _event(locked, StrategyEvent.Kind.RETURNED_TO_DRAFT, user)
    strategy.refresh_from_db()


def add_comment(strategy, section, membership, user, body: str) -> ReviewComment:
    check(Action.COMMENT, strategy, membership, is_reviewer(strategy, user))
    with transaction.atomic():
        comment = ReviewComment.objects.create(
            strategy=strategy,
            section=section,
            author=user,
            body=body,
            version=str(current_version(strategy)),
        )
        _event(strategy, StrategyEvent.Kind.COMMENTED, user, detail=section.title)
    return comment


def resolve_comment(comment: ReviewComment, membership, user) -> None:
    check(Action.RESOLVE, comment.strategy, membership)
    if comment.resolved_at is None:
        ReviewComment.objects.filter(pk=comment.pk, resolved_at__isnull=True).update(
            resolved_by=user, resolved_at=timezone.now()
        )
        _event(comment.strategy, StrategyEvent.Kind.RESOLVED, user, detail=comment.section.title)


def approve(
    strategy, membership, user, *, leave_out_empty: bool = False, chosen: Version | None = None
) -> ApprovedVersion:
    """In review → approved: the version's PDF is rendered now and archived with its Markdown.

    EmptySections, and nothing changes, when sections are empty and `leave_out_empty` is not
    set; `strategy.pdf.DocumentTooLarge` when the document cannot be rendered.
    """
    from strategy.document import (
        content_hash,
        document_context,
        document_source,
        left_out_when_approved,
    )
    from strategy.markdown_export import strategy_markdown
    from strategy.models import RenderedPdf, Section
    from strategy.pdf import check_sections, write_pdf

    with transaction.atomic():
        locked = _locked(strategy)
        check(Action.APPROVE, locked, membership)
        sections = Section.objects.filter(strategy=locked)
        kinds = set(locked.rows.values_list("kind", flat=True))
        empty = [s.title for s in sections if left_out_when_approved(s, kinds)]
        if empty and not leave_out_empty:
            raise EmptySections(empty)
        version = lifecycle.version_after(
            Action.APPROVE,
            State(locked.status),
            current_version(locked),
            last_approved(locked),
            chosen,
        )
        now = timezone.now()
        locked.status = locked.Status.APPROVED
        locked.version_major, locked.version_minor = version.major, version.minor
        locked.approved_at = now
        locked.approved_by_name = display_name(user)
        fields = ["status", "version_major", "version_minor", "approved_at", "approved_by_name"]
        locked.save(update_fields=fields)
        source = document_source(locked)
        check_sections(source)
        context = document_context(source)
        digest = content_hash(context)
        output = write_pdf(context)
        approved = ApprovedVersion.objects.create(
            strategy=locked,
            major=version.major,
            minor=version.minor,
            approved_by=user,
            approved_by_name=locked.approved_by_name,
            approved_at=now,
            content_hash=digest,
            pdf=output.pdf,
            pages=output.pages,
            render_seconds=round(output.seconds, 3),
            markdown=strategy_markdown(locked),
            left_out=empty,
        )
        try:
            with transaction.atomic():
                RenderedPdf.objects.create(
                    strategy=locked,
                    content_hash=digest,
                    pdf=output.pdf,
                    pages=output.pages,
                    render_seconds=round(output.seconds, 3),
                )
        except IntegrityError:
            pass  # the same content was rendered already: that copy serves as well
        _event(locked, StrategyEvent.Kind.APPROVED, user, version=str(version))
    strategy.refresh_from_db()
    return approved
