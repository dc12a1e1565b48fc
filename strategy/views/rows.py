"""The structured rows of a section (KPIs, risks, budget lines, policies, staffing), edited in
a table beside the section's text: added, edited, moved and removed, like the roadmap.

Every change answers htmx with the whole block (`strategy/_rows.html`), and a browser without
JavaScript with a redirect to the section page; bad input answers 400 with the form and its
messages per field, and writes nothing. Changes of the list lock the strategy's row first (by
updating it), so two people reordering take turns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from strategy import rows as schema
from strategy.access import begin_edit, strategy_or_404
from strategy.models import Section, Strategy, StructuredRow

DIRECTIONS = ("up", "down")
CURRENCY_LENGTH = Strategy._meta.get_field("currency").max_length


@dataclass
class Input:
    field: schema.Field
    id: str
    value: str
    errors: list[str]
    choices: list[tuple[str, str]]


@dataclass
class RowForm:
    prefix: str
    inputs: list[Input]
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Row:
    row: StructuredRow
    number: int
    cells: list[str]
    form: RowForm | None = None


def stages_of(strategy: Strategy) -> list[tuple[int, str]]:
    """The assessment's levels as (level, name), in its version's words; [] without one."""
    if strategy.assessment is None:
        return []
    return list(
        (stage.level, stage.name)
        for stage in strategy.assessment.questionnaire.stages.order_by("level")
    )


def _form(kind, prefix: str, stages, values=None, errors=None) -> RowForm:
    values = values or {}
    inputs = []
    for f in kind.fields:
        if f.type == schema.CHOICE:
            choices = [(key, str(label)) for key, label in f.choices]
        elif f.type == schema.STAGE:
            choices = [(str(level), f"{level} · {name}") for level, name in stages]
        else:
            choices = []
        value = values.get(f.name)
        inputs.append(
            Input(f, f"{prefix}-{f.name}", "" if value is None else str(value), [], choices)
        )
    for item in inputs:
        item.errors = (errors or {}).get(item.field.name, [])
    return RowForm(prefix, inputs, errors or {})


def block_context(membership, strategy: Strategy, section: Section, **extra) -> dict:
    """What `strategy/_rows.html` shows for `section`; {} for a section without rows."""
    kind = schema.BY_SECTION.get(section.key)
    if kind is None:
        return {}
    stages = stages_of(strategy)
    names = dict(stages)
    stored = list(StructuredRow.objects.filter(strategy=strategy, kind=kind.key).in_order())
    editable = membership.can_edit
    shown = []
    for number, row in enumerate(stored, start=1):
        cells = schema.display(kind, row.data, names, strategy.currency)
        form = _form(kind, f"row-{row.pk}", stages, row.data) if editable else None
        if row.pk == extra.get("failed_row"):
            form = extra["failed"]
        shown.append(Row(row, number, cells, form))
    context = {
        "organization": membership.organization,
        "strategy": strategy,
        "section": section,
        "kind": kind,
        "columns": [str(f.label) for f in kind.fields],
        "rows": shown,
        "can_edit": editable,
        "add_form": _form(kind, f"new-{kind.key}", stages) if editable else None,
        "full": len(stored) >= schema.MAX_ROWS,
    }
    totals = []
    if kind.key == "budget" and stored:
        amount = schema.total(kind, [r.data for r in stored], "cost")
        totals.append(
            _("Total per year: %(amount)s") % {"amount": schema.number(amount, strategy.currency)}
        )
    if kind.key == "staff" and stored:
        fte = schema.total(kind, [r.data for r in stored], "fte")
        totals.append(_("Total: %(fte)s FTE") % {"fte": schema.number(fte)})
    context["totals"] = totals
    context.update(extra)
    return context


def _section_url(strategy: Strategy, key: str) -> str:
    url = reverse("strategy:section", args=[strategy.organization.slug, strategy.pk, key])
    return url + "#rows"


def _touch_and_lock(strategy: Strategy) -> None:
    Strategy.objects.filter(pk=strategy.pk).update(updated_at=timezone.now())


def _changed(request, membership, strategy, section, message: str):
    if not request.htmx:
        messages.success(request, message)
        return redirect(_section_url(strategy, section.key))
    context = block_context(membership, strategy, section, status_message=message)
    return render(request, "strategy/_rows.html", context)


def _rejected(request, membership, strategy, section, **extra):
    """400 with the form as typed and its messages: the block for htmx, else the whole page."""
    from strategy.views.builder import section_page_context

    block = block_context(membership, strategy, section, **extra)
    if request.htmx:
        return render(request, "strategy/_rows.html", block, status=400)
    context = section_page_context(membership, strategy, section)
    context.update(block)
    return render(request, "strategy/section.html", context, status=400)


def _row_or_404(strategy: Strategy, row_pk: int) -> tuple[StructuredRow, Section]:
    row = get_object_or_404(StructuredRow, strategy=strategy, pk=row_pk)
    kind = schema.KINDS.get(row.kind)
    if kind is None:
        raise Http404
    section = get_object_or_404(Section, strategy=strategy, key=kind.section)
    return row, section


@login_required
@require_POST
def row_add(request, org_slug, strategy_pk, section_key):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    section = get_object_or_404(Section, strategy=strategy, key=section_key)
    kind = schema.BY_SECTION.get(section.key)
    if kind is None:
        raise Http404
    stages = stages_of(strategy)
    values, errors = schema.clean(kind, request.POST, stages)
    if errors:
        form = _form(kind, f"new-{kind.key}", stages, request.POST, errors)
        return _rejected(request, membership, strategy, section, add_form=form)
    with transaction.atomic():
        _touch_and_lock(strategy)
        rows = StructuredRow.objects.filter(strategy=strategy, kind=kind.key).renumber()
        if len(rows) >= schema.MAX_ROWS:
            return HttpResponseBadRequest(
                _("A section holds at most %(n)s rows.") % {"n": schema.MAX_ROWS}
            )
        row = StructuredRow.objects.create(
            strategy=strategy, kind=kind.key, order=len(rows), data=values
        )
    message = _("Added the %(noun)s “%(title)s”.") % {"noun": kind.noun, "title": row.title}
    return _changed(request, membership, strategy, section, message)


@login_required
@require_POST
def row_edit(request, org_slug, strategy_pk, row_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    row, section = _row_or_404(strategy, row_pk)
    kind = schema.KINDS[row.kind]
    stages = stages_of(strategy)
    values, errors = schema.clean(kind, request.POST, stages)
    if errors:
        form = _form(kind, f"row-{row.pk}", stages, request.POST, errors)
        return _rejected(request, membership, strategy, section, failed_row=row.pk, failed=form)
    with transaction.atomic():
        if not StructuredRow.objects.filter(strategy=strategy, pk=row.pk).update(data=values):
            raise Http404  # removed meanwhile
        _touch_and_lock(strategy)
    row.data = values
    message = _("Saved the %(noun)s “%(title)s”.") % {"noun": kind.noun, "title": row.title}
    return _changed(request, membership, strategy, section, message)


@login_required
@require_POST
def row_move(request, org_slug, strategy_pk, row_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    row, section = _row_or_404(strategy, row_pk)
    direction = request.POST.get("direction")
    if direction not in DIRECTIONS:
        return HttpResponseBadRequest(_("Say whether to move the row up or down."))
    with transaction.atomic():
        _touch_and_lock(strategy)
        siblings = StructuredRow.objects.filter(strategy=strategy, kind=row.kind)
        try:
            rows, target = siblings.move(row, direction)
        except StructuredRow.DoesNotExist:
            raise Http404 from None
    message = _("“%(title)s” is now row %(number)s of %(total)s.") % {
        "title": row.title,
        "number": target + 1,
        "total": len(rows),
    }
    return _changed(request, membership, strategy, section, message)


@login_required
@require_POST
def row_delete(request, org_slug, strategy_pk, row_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    row, section = _row_or_404(strategy, row_pk)
    with transaction.atomic():
        _touch_and_lock(strategy)
        StructuredRow.objects.filter(strategy=strategy, pk=row.pk).delete()
        StructuredRow.objects.filter(strategy=strategy, kind=row.kind).renumber()
    message = _("Removed “%(title)s”.") % {"title": row.title}
    return _changed(request, membership, strategy, section, message)


@login_required
@require_POST
def currency(request, org_slug, strategy_pk):
    """The currency the budget's amounts are in: a short code of the organization's choosing."""
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    section = get_object_or_404(Section, strategy=strategy, key=schema.KINDS["budget"].section)
    code = " ".join(request.POST.get("currency", "").split())
    if not code or len(code) > CURRENCY_LENGTH:
        error = _("Enter a currency code of 1 to %(n)s characters, for example EUR.") % {
            "n": CURRENCY_LENGTH
        }
        return _rejected(request, membership, strategy, section, currency_error=error)
    with transaction.atomic():
        Strategy.objects.filter(pk=strategy.pk).update(currency=code, updated_at=timezone.now())
    strategy.currency = code
    message = _("Amounts are now in %(code)s.") % {"code": code}
    return _changed(request, membership, strategy, section, message)
