"""The strategy builder: a document per organization, edited a section at a time."""

from __future__ import annotations

import difflib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.access import membership_or_404, require_owner
from assessments.axis_names import AxisNames
from strategy import services
from strategy.access import begin_edit, require_strategy_editor, strategy_or_404
from strategy.diff import change_summary, merged_text, word_diff
from strategy.document import ROADMAP_KEY
from strategy.forms import MergeForm, SectionForm, StrategyCreateForm, TargetsForm
from strategy.guidance import GuidanceSection, strategy_guidance
from strategy.markdown import image_problems, render_markdown
from strategy.models import (
    GENERATED_KEY,
    RefreshConflict,
    Revision,
    Section,
    Strategy,
    body_size_error,
)
from strategy.rows import BY_SECTION
from strategy.views import rows as rows_views


def _guidance(strategy) -> dict[str, GuidanceSection]:
    """The template's sections in the words of the strategy's questionnaire version, in the
    document's language: they guide what is written in it."""
    assessment = strategy.assessment
    with translation.override(strategy.language):
        return strategy_guidance(
            strategy.guidance_key, assessment.questionnaire if assessment else None
        )


def _section_or_404(strategy, section_key: str) -> Section:
    return get_object_or_404(
        Section.objects.select_related("updated_by"), strategy=strategy, key=section_key
    )


@login_required
@require_safe
def strategy_list(request, org_slug):
    membership = membership_or_404(request, org_slug)
    organization = membership.organization
    form = StrategyCreateForm(organization=organization)
    return render(
        request,
        "strategy/list.html",
        {
            "membership": membership,
            "organization": organization,
            "strategies": organization.strategies.select_related("assessment"),
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategy_create(request, org_slug):
    membership = membership_or_404(request, org_slug)
    require_strategy_editor(membership)
    organization = membership.organization
    initial = {}
    if request.GET.get("assessment", "").isdigit():
        initial["assessment"] = int(request.GET["assessment"])
    form = StrategyCreateForm(request.POST or None, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        strategy = Strategy.objects.create_from_assessment(
            form.cleaned_data["assessment"],
            request.user,
            form.cleaned_data["title"],
            language=form.cleaned_data["language"] or None,
        )
        messages.success(
            request, _("Strategy created, with a roadmap drafted from the assessment.")
        )
        return redirect("strategy:overview", org_slug=org_slug, strategy_pk=strategy.pk)
    return render(
        request,
        "strategy/create.html",
        {"membership": membership, "organization": organization, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def overview(request, org_slug, strategy_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    return overview_response(request, membership, strategy)


def overview_response(request, membership, strategy, status: int = 200) -> HttpResponse:
    """The overview page; with another status after a refused review step (its message)."""
    from strategy.views.review import review_context

    guidance = _guidance(strategy)
    sections = list(strategy.sections.select_related("updated_by"))
    counts = strategy.rows.row_counts()
    for section in sections:
        section.guide = guidance.get(section.key)
        kind = BY_SECTION.get(section.key)
        section.completeness = services.completeness(
            section,
            rows=counts.get(kind.key, 0) if kind else 0,
            is_generated=bool(section.guide and section.guide.generated),
        )
    done = sum(1 for s in sections if s.completeness.complete)
    present = {s.key for s in sections}
    missing_sections = [g for key, g in guidance.items() if key not in present]
    return render(
        request,
        "strategy/overview.html",
        {
            "membership": membership,
            "organization": membership.organization,
            "strategy": strategy,
            "sections": sections,
            "done": done,
            "roadmap": list(strategy.roadmap.all()),
            "targets_form": TargetsForm(strategy=strategy),
            "names": strategy.assessment.questionnaire.axis_names
            if strategy.assessment
            else AxisNames(),
            "can_edit": membership.can_edit,
            "generated_changes": strategy.generated_changes(),
            "missing_sections": missing_sections,
            **review_context(strategy, membership, request.user),
        },
        status=status,
    )


@login_required
@require_POST
def sections_upgrade(request, org_slug, strategy_pk):
    """Add the sections of the current template that the strategy lacks; nothing else changes
    (no text, version or history), the sections only renumbered to make room."""
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    added = strategy.add_missing_sections(_guidance(strategy).values())
    if added:
        titles = ", ".join(f"“{s.title}”" for s in added)
        messages.success(request, _("Added the sections %(titles)s.") % {"titles": titles})
    else:
        messages.info(request, _("This strategy has every section of the current template."))
    return redirect("strategy:overview", org_slug=org_slug, strategy_pk=strategy.pk)


@login_required
@require_POST
def language(request, org_slug, strategy_pk):
    """Write the document in another language from now on: its template's headings that were
    not renamed follow; what people wrote stays as written."""
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    require_strategy_editor(membership)
    chosen = request.POST.get("language", "")
    if chosen not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(
            _("“%(language)s” is not a language a document can be written in.")
            % {"language": chosen},
            content_type="text/plain; charset=utf-8",
        )
    begin_edit(request, membership, strategy)
    if chosen != strategy.language:
        renamed = strategy.change_language(chosen)
        name = dict(settings.LANGUAGES)[chosen]
        message = _("The document is now written in %(language)s.") % {"language": name}
        if renamed:
            message += " " + ngettext(
                "%(n)s heading of the template follows it; your text stays as written.",
                "%(n)s headings of the template follow it; your text stays as written.",
                renamed,
            ) % {"n": renamed}
        messages.success(request, message)
    return redirect("strategy:overview", org_slug=org_slug, strategy_pk=strategy.pk)


@login_required
@require_POST
def targets(request, org_slug, strategy_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    form = TargetsForm(request.POST, strategy=strategy)
    if form.is_valid():
        form.save()
        messages.success(request, _("Targets saved."))
    else:
        messages.error(
            request,
            _("The targets were not saved: %(errors)s")
            % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
    return redirect("strategy:overview", org_slug=org_slug, strategy_pk=strategy.pk)


def _refresh_page(request, membership, strategy, *, conflict: bool = False) -> HttpResponse:
    """The change a refresh would make, old against new, with the button that makes it."""
    preview = strategy.refresh_preview()
    if preview is None:
        messages.error(request, _("This strategy has no assessment to refresh from."))
        return redirect(
            "strategy:overview", org_slug=membership.organization.slug, strategy_pk=strategy.pk
        )
    diff = [
        line
        for line in difflib.unified_diff(
            preview.old_block.splitlines(), preview.new_block.splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    return render(
        request,
        "strategy/refresh.html",
        {
            "membership": membership,
            "organization": membership.organization,
            "strategy": strategy,
            "preview": preview,
            "old_html": render_markdown(preview.old_block),
            "new_html": render_markdown(preview.new_block),
            "changed": preview.body != preview.section.body,
            "diff": diff,
            "generated_changes": strategy.generated_changes(),
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def refresh(request, org_slug, strategy_pk):
    """GET: what a refresh of "Where we stand" would change. POST: make it, when the section is
    still at the version shown (`base_version`; without it, whatever it is now)."""
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    require_strategy_editor(membership)
    if request.method != "POST":
        return _refresh_page(request, membership, strategy)
    begin_edit(request, membership, strategy)
    base = request.POST.get("base_version", "")
    try:
        section = strategy.refresh_generated(
            request.user, base_version=int(base) if base.isdigit() else None
        )
    except RefreshConflict:
        return _refresh_page(request, membership, strategy, conflict=True)
    except ValidationError as error:  # the text around the block is near the size limit
        messages.error(request, " ".join(error.messages))
        return redirect("strategy:refresh", org_slug=org_slug, strategy_pk=strategy.pk)
    if section is None:
        messages.error(request, _("This strategy has no assessment to refresh from."))
        return redirect("strategy:overview", org_slug=org_slug, strategy_pk=strategy.pk)
    messages.success(
        request,
        _("“Where we stand” was refreshed from the assessment; the old text is in its history."),
    )
    return redirect("strategy:section", org_slug, strategy.pk, section.key)


@login_required
@require_POST
def strategy_delete(request, org_slug, strategy_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    require_owner(membership)
    strategy.delete()
    messages.success(request, _("Strategy deleted."))
    return redirect("strategy:list", org_slug=org_slug)


def _section_context(membership, strategy, section, **extra) -> dict:
    guide = _guidance(strategy).get(section.key)
    sections = list(strategy.sections.only("key", "title", "order"))
    index = next(i for i, s in enumerate(sections) if s.key == section.key)
    return {
        "membership": membership,
        "organization": membership.organization,
        "strategy": strategy,
        "section": section,
        "guide": guide,
        "preview": render_markdown(extra.get("body", section.body)),
        "image_problems": image_problems(extra.get("body", section.body)),
        "previous_section": sections[index - 1] if index > 0 else None,
        "next_section": sections[index + 1] if index + 1 < len(sections) else None,
        "can_edit": membership.can_edit,
        **extra,
    }


def section_page_context(membership, strategy, section) -> dict:
    """The section page as first shown: its text in the editor and its rows, if it has any."""
    form = SectionForm(initial={"body": section.body, "base_version": section.version})
    changes = strategy.generated_changes() if section.key == GENERATED_KEY else None
    # The roadmap's actions are rows of their own editor, not this text: the page leads there.
    actions = strategy.roadmap.count() if section.key == ROADMAP_KEY else None
    context = _section_context(
        membership, strategy, section, form=form, generated_changes=changes, roadmap_actions=actions
    )
    context.update(rows_views.block_context(membership, strategy, section))
    return context


@login_required
@require_safe
def section_edit(request, org_slug, strategy_pk, section_key):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    section = _section_or_404(strategy, section_key)
    return section_response(request, membership, strategy, section)


def section_response(
    request, membership, strategy, section, status: int = 200, comment_form=None
) -> HttpResponse:
    """The section page; with another status after a refused or invalid comment."""
    from strategy.views.review import section_review_context

    context = section_page_context(membership, strategy, section)
    context.update(
        section_review_context(strategy, section, membership, request.user, comment_form)
    )
    return render(request, "strategy/section.html", context, status=status)


@login_required
@require_POST
def section_save(request, org_slug, strategy_pk, section_key):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    section = _section_or_404(strategy, section_key)
    form = SectionForm(request.POST)
    if not form.is_valid():
        context = _section_context(membership, strategy, section, form=form)
        template = "strategy/section.html#status" if request.htmx else "strategy/section.html"
        return render(request, template, context, status=400)
    outcome = section.save_body(
        form.cleaned_data["body"], form.cleaned_data["base_version"], request.user
    )
    context = _section_context(
        membership,
        strategy,
        outcome.section,
        form=form,
        body=form.cleaned_data["body"],
        outcome=outcome,
    )
    return _saved_or_conflict(request, context, outcome)


def _conflict_context(outcome) -> dict:
    """What the conflict panel shows: both texts, the words that differ, a merge to edit."""
    theirs, mine = outcome.section.body, outcome.conflict_body
    return {
        "theirs": theirs,
        "diff": word_diff(theirs, mine),
        "merge_form": MergeForm(
            initial={"merged": merged_text(theirs, mine), "their_version": outcome.section.version}
        ),
    }


def _saved_or_conflict(request, context: dict, outcome) -> HttpResponse:
    section = outcome.section
    if not outcome.saved:
        context.update(_conflict_context(outcome))
        template = "strategy/section.html#status" if request.htmx else "strategy/section.html"
        return render(request, template, context, status=409)
    if request.htmx:
        return render(request, "strategy/section.html#saved", context)
    messages.success(request, _("Section saved."))
    for problem in context["image_problems"]:
        messages.warning(request, problem)
    return redirect(
        "strategy:section", context["organization"].slug, section.strategy_id, section.key
    )


@login_required
@require_POST
def section_merge(request, org_slug, strategy_pk, section_key):
    """Save the merged text of a conflict, against the version whose text the person merged."""
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    section = _section_or_404(strategy, section_key)
    merge_form = MergeForm(request.POST)
    if not merge_form.is_valid():
        form = SectionForm(initial={"body": section.body, "base_version": section.version})
        context = _section_context(membership, strategy, section, form=form, body=section.body)
        context["form"] = merge_form  # its errors are the ones to show
        template = "strategy/section.html#status" if request.htmx else "strategy/section.html"
        return render(request, template, context, status=400)
    body = merge_form.cleaned_data["merged"]
    outcome = section.save_body(body, merge_form.cleaned_data["their_version"], request.user)
    form = SectionForm(initial={"body": body, "base_version": outcome.section.version})
    context = _section_context(
        membership, strategy, outcome.section, form=form, body=body, outcome=outcome
    )
    if outcome.saved:
        context["kept_typed"] = _keep_typed_text(request, outcome.section, body)
    return _saved_or_conflict(request, context, outcome)


def _keep_typed_text(request, section: Section, merged: str) -> bool:
    """Keep the editor's text in the history when the merge replaces what it has since gained.

    The merge was drawn up from the text of the conflict; the person may have typed on in the
    editor while the panel was open. That text, when it is neither the merge nor the text the
    conflict already kept, becomes one conflict revision, so the merge drops nothing unseen.
    """
    typed = request.POST.get("body")
    if typed is None or not typed.strip() or typed == merged or body_size_error(typed):
        return False
    kept = (
        section.revisions.filter(kind=Revision.Kind.CONFLICT, created_by=request.user)
        .order_by("-pk")
        .values_list("body", flat=True)
        .first()
    )
    if typed == kept:
        return False
    Revision.objects.create(
        section=section,
        version=section.version,
        kind=Revision.Kind.CONFLICT,
        body=typed,
        created_by=request.user,
    )
    return True


@login_required
@require_POST
def section_preview(request, org_slug, strategy_pk, section_key):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    require_strategy_editor(membership)
    _section_or_404(strategy, section_key)
    body = request.POST.get("body", "")
    if (error := body_size_error(body)) is not None:
        return HttpResponse(error, status=400)
    context = {"preview": render_markdown(body), "image_problems": image_problems(body)}
    return render(request, "strategy/section.html#preview", context)


@login_required
@require_safe
def section_history(request, org_slug, strategy_pk, section_key):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    section = _section_or_404(strategy, section_key)
    revisions = list(section.revisions.select_related("created_by"))
    # Newest first: each entry is compared with the one listed after it, the one before it.
    for index, revision in enumerate(revisions):
        older = revisions[index + 1] if index + 1 < len(revisions) else None
        revision.summary = change_summary(older.body if older else None, revision.body)
        # Restoring or comparing the text the section has now would change or show nothing.
        revision.is_current = revision.body == section.body
    return render(
        request,
        "strategy/history.html",
        {
            "membership": membership,
            "organization": membership.organization,
            "strategy": strategy,
            "section": section,
            "revisions": revisions,
            "can_edit": membership.can_edit,
        },
    )


@login_required
@require_POST
def revision_restore(request, org_slug, strategy_pk, section_key, revision_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    section = _section_or_404(strategy, section_key)
    revision = get_object_or_404(Revision, section=section, pk=revision_pk)
    try:
        revision.restore(request.user)
    except ValidationError as error:  # text saved before the size limit
        messages.error(request, " ".join(error.messages))
        return redirect("strategy:section_history", org_slug, strategy.pk, section.key)
    messages.success(
        request,
        _("Restored the text of version %(version)s; the replaced text stays in the history.")
        % {"version": revision.version},
    )
    return redirect(reverse("strategy:section", args=[org_slug, strategy.pk, section.key]))


@login_required
@require_safe
def revision_diff(request, org_slug, strategy_pk, section_key, revision_pk):
    """A revision's text word by word against the section's current text."""
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    section = _section_or_404(strategy, section_key)
    revision = get_object_or_404(
        Revision.objects.select_related("created_by"), section=section, pk=revision_pk
    )
    return render(
        request,
        "strategy/revision_diff.html",
        {
            "membership": membership,
            "organization": membership.organization,
            "strategy": strategy,
            "section": section,
            "revision": revision,
            "diff": word_diff(revision.body, section.body),
            "summary": change_summary(revision.body, section.body),
            "can_edit": membership.can_edit,
        },
    )


@login_required
@require_POST
def summary_draft(request, org_slug, strategy_pk):
    """Draft the executive summary again; the person's own text around the draft stays."""
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    if not strategy.sections.filter(key=services.SUMMARY_KEY).exists():
        raise Http404
    strategy.redraft_summary(request.user)
    messages.success(request, _("The executive summary was drafted again."))
    return redirect("strategy:section", org_slug, strategy.pk, services.SUMMARY_KEY)
