"""Review and approval of a strategy: send for review, comment, resolve, approve, and the
archived approved versions (strategy.approval, strategy.lifecycle).

Every transition is a POST. One the person's role may never make answers 403; one the
strategy's state does not allow answers 409 with the reason, on the overview.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from assessments.names import attachment, download_name
from strategy import approval, lifecycle
from strategy.access import strategy_or_404
from strategy.approval import ApprovedVersion, ReviewComment, TransitionRefused
from strategy.document import left_out_when_approved
from strategy.lifecycle import Version
from strategy.models import Section
from strategy.pdf import DocumentTooLarge


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _members(organization):
    return (
        get_user_model()
        .objects.filter(memberships__organization=organization)
        .order_by("username")
        .distinct()
    )


def _chosen_version(request, strategy) -> Version | None:
    """The version the owner chose ("2.0" for a major revision); None: as drafted."""
    text = request.POST.get("version", "").strip()
    if not text:
        return None
    try:
        chosen = Version.parse(text)
    except ValueError:
        raise TransitionRefused(_("“%(v)s” is not a version.") % {"v": text}) from None
    choices = lifecycle.version_choices(
        approval.current_version(strategy), approval.last_approved(strategy)
    )
    if chosen not in choices:
        raise TransitionRefused(
            _("The version can be %(choices)s.") % {"choices": " / ".join(map(str, choices))}
        )
    return chosen


def review_context(strategy, membership, user) -> dict:
    """What the overview shows of the review: state, actions, comments, events, versions."""
    role, state = membership.role, lifecycle.State(strategy.status)
    reviewers = list(strategy.reviewers.all())
    reviewer = any(r.pk == user.pk for r in reviewers)

    def may(action) -> bool:
        return lifecycle.allowed(action, state, role, reviewer) is None

    approved = approval.last_approved(strategy)
    return {
        "lifecycle_label": approval.label(strategy),
        "reviewers": reviewers,
        "is_reviewer": reviewer,
        "may_send": may(lifecycle.Action.SEND_FOR_REVIEW),
        "may_return": may(lifecycle.Action.RETURN_TO_DRAFT),
        "may_approve": may(lifecycle.Action.APPROVE),
        "may_resolve": may(lifecycle.Action.RESOLVE),
        "members": list(_members(strategy.organization)),
        "version_choices": lifecycle.version_choices(approval.current_version(strategy), approved)
        if membership.can_manage
        else [],
        "open_comments": list(
            strategy.review_comments.filter(resolved_at__isnull=True).select_related(
                "author", "section"
            )
        ),
        "events": list(strategy.events.select_related("actor")[:12]),
        "approved_versions": list(
            strategy.approved_versions.select_related("approved_by").defer("pdf", "markdown")
        ),
        "empty_sections": _empty_sections(strategy),
    }


def _refused(request, membership, strategy, error: TransitionRefused) -> HttpResponse:
    """403 for the role, else 409 on the overview with the reason."""
    if error.forbidden:
        raise PermissionDenied(error.message)
    from strategy.views.builder import overview_response

    messages.error(request, error.message)
    return overview_response(request, membership, strategy, status=409)


def _to_overview(strategy) -> HttpResponse:
    return redirect(
        "strategy:overview", org_slug=strategy.organization.slug, strategy_pk=strategy.pk
    )


@login_required
@require_POST
def send_for_review(request, org_slug, strategy_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    ids = [int(v) for v in request.POST.getlist("reviewers") if v.isdigit()]
    reviewers = list(_members(membership.organization).filter(pk__in=ids))
    try:
        approval.check(lifecycle.Action.SEND_FOR_REVIEW, strategy, membership)
        if not reviewers or len(reviewers) != len(set(ids)):
            raise TransitionRefused(
                _("Name at least one reviewer among the organization’s members.")
            )
        chosen = _chosen_version(request, strategy) if membership.can_manage else None
        approval.send_for_review(strategy, membership, request.user, reviewers, chosen)
    except TransitionRefused as error:
        return _refused(request, membership, strategy, error)
    messages.success(request, _("Sent for review."))
    return _to_overview(strategy)


@login_required
@require_POST
def return_to_draft(request, org_slug, strategy_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    try:
        approval.return_to_draft(strategy, membership, request.user)
    except TransitionRefused as error:
        return _refused(request, membership, strategy, error)
    messages.success(request, _("Back to draft."))
    return _to_overview(strategy)


@login_required
@require_POST
def approve(request, org_slug, strategy_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    try:
        approval.check(lifecycle.Action.APPROVE, strategy, membership)
        chosen = _chosen_version(request, strategy)
        approved = approval.approve(
            strategy,
            membership,
            request.user,
            leave_out_empty=request.POST.get("leave_out_empty") == "on",
            chosen=chosen,
        )
    except TransitionRefused as error:
        return _refused(request, membership, strategy, error)
    except approval.EmptySections as error:
        message = _(
            "These sections are empty: %(titles)s. Write them, or confirm that the approved "
            "version leaves them out."
        ) % {"titles": ", ".join(error.titles)}
        return _refused(request, membership, strategy, TransitionRefused(message))
    except DocumentTooLarge as error:
        return _refused(request, membership, strategy, TransitionRefused(str(error)))
    messages.success(
        request,
        _("Version %(version)s approved; its PDF is archived under “Approved versions”.")
        % {"version": approved.version},
    )
    return _to_overview(strategy)


def section_review_context(strategy, section, membership, user, comment_form=None) -> dict:
    """What the section page shows of the review: its comments and, for those who may, a form."""
    reviewer = approval.is_reviewer(strategy, user)
    state = lifecycle.State(strategy.status)
    return {
        "lifecycle_label": approval.label(strategy),
        "comments": list(section.review_comments.select_related("author", "resolved_by")),
        "may_comment": lifecycle.allowed(lifecycle.Action.COMMENT, state, membership.role, reviewer)
        is None,
        "may_resolve": membership.can_edit,
        "comment_form": comment_form or CommentForm(),
    }


@login_required
@require_POST
def comment_add(request, org_slug, strategy_pk, section_key):
    from strategy.views.builder import section_response

    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    section = get_object_or_404(Section, strategy=strategy, key=section_key)
    form = CommentForm(request.POST)
    try:
        approval.check(
            lifecycle.Action.COMMENT,
            strategy,
            membership,
            approval.is_reviewer(strategy, request.user),
        )
    except TransitionRefused as error:
        if error.forbidden:
            raise PermissionDenied(error.message) from None
        messages.error(request, error.message)
        return section_response(request, membership, strategy, section, status=409)
    if not form.is_valid():
        return section_response(
            request, membership, strategy, section, status=400, comment_form=form
        )
    approval.add_comment(strategy, section, membership, request.user, form.cleaned_data["body"])
    messages.success(request, _("Comment added."))
    return _section_redirect(strategy, section)


def _section_redirect(strategy, section) -> HttpResponse:
    url = reverse("strategy:section", args=[strategy.organization.slug, strategy.pk, section.key])
    return redirect(url + "#comments")


@login_required
@require_POST
def comment_resolve(request, org_slug, strategy_pk, comment_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    comment = get_object_or_404(
        ReviewComment.objects.select_related("section", "strategy"),
        strategy=strategy,
        pk=comment_pk,
    )
    try:
        approval.resolve_comment(comment, membership, request.user)
    except TransitionRefused as error:
        return _refused(request, membership, strategy, error)
    messages.success(request, _("Comment resolved."))
    if request.POST.get("next") == "section":
        return _section_redirect(strategy, comment.section)
    return _to_overview(strategy)


def _version_or_404(strategy, version_pk: int) -> ApprovedVersion:
    return get_object_or_404(ApprovedVersion, strategy=strategy, pk=version_pk)


def _version_filename(strategy, version: ApprovedVersion, extension: str) -> str:
    return download_name(
        strategy.organization.name,
        # "v1-0": a dot would be dropped from the name, and "v10" reads as version ten.
        f"{strategy.title} v{version.major}-{version.minor}",
        extension=extension,
    )


@login_required
@require_safe
def version_pdf(request, org_slug, strategy_pk, version_pk):
    _membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    version = _version_or_404(strategy, version_pk)
    response = HttpResponse(bytes(version.pdf), content_type="application/pdf")
    response["Content-Disposition"] = attachment(_version_filename(strategy, version, "pdf"))
    return response


@login_required
@require_safe
def version_markdown(request, org_slug, strategy_pk, version_pk):
    _membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    version = _version_or_404(strategy, version_pk)
    response = HttpResponse(version.markdown, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = attachment(_version_filename(strategy, version, "md"))
    return response


def _empty_sections(strategy) -> list[str]:
    """The titles of the sections an approval would leave out, as things stand."""
    kinds = set(strategy.rows.values_list("kind", flat=True))
    return [s.title for s in strategy.sections.all() if left_out_when_approved(s, kinds)]
