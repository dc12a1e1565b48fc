"""The roadmap of a strategy: action items edited in place, reordered, added and deleted.

One template serves the page and its fragments: an item saves on change (htmx swaps the item
back with "Saved" or with its errors), while reordering, adding and deleting swap the whole list.
Without JavaScript every form posts and comes back to the page.

Orders stay dense (0..n-1): every change of the list renumbers it (`RoadmapItemQuerySet`) inside
one transaction that starts by updating the strategy's row, which both records the change and
locks the row, so two people reordering at the same moment take turns instead of interleaving.
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
from django.views.decorators.http import require_POST, require_safe

from strategy.access import begin_edit, strategy_or_404
from strategy.forms import RoadmapItemForm
from strategy.models import RoadmapItem, Strategy

ADD_PREFIX = "new"
DIRECTIONS = ("up", "down")


@dataclass
class ItemRow:
    item: RoadmapItem
    number: int
    # As stored: a rejected edit shows the typed values in the form, the saved ones elsewhere.
    title: str
    linked: list[str] = field(default_factory=list)
    form: RoadmapItemForm | None = None
    saved: bool = False


def _keys(item: RoadmapItem) -> list[str]:
    keys = item.question_keys
    return [key for key in keys if isinstance(key, str)] if isinstance(keys, list) else []


def _questions(strategy: Strategy, items: list[RoadmapItem], editable: bool):
    """The questions to show and offer, in one query; None when there is no questionnaire.

    Editors choose among all of the questionnaire's questions; a reader needs only the linked ones.
    """
    if strategy.assessment is None:
        return None
    questions = strategy.assessment.questionnaire.questions.only("key", "text").order_by("order")
    if not editable:
        keys = {key for item in items for key in _keys(item)}
        if not keys:
            return []
        questions = questions.filter(key__in=keys)
    return list(questions)


def _form(item: RoadmapItem, questions, data=None) -> RoadmapItemForm:
    return RoadmapItemForm(data, instance=item, questions=questions, prefix=f"item-{item.pk}")


def _add_form(data=None) -> RoadmapItemForm:
    return RoadmapItemForm(data, questions=None, adding=True, prefix=ADD_PREFIX)


def _row(item: RoadmapItem, texts: dict[str, str], editable: bool, questions, data=None):
    # Built before the form is validated: validation writes the typed values into the instance.
    return ItemRow(
        item=item,
        number=item.order + 1,
        title=item.title,
        linked=[texts.get(key, key) for key in _keys(item)],
        form=_form(item, questions, data) if editable else None,
    )


def _rows(items: list[RoadmapItem], questions, editable: bool) -> list[ItemRow]:
    texts = {q.key: q.text for q in questions or []}
    rows = [_row(item, texts, editable, questions) for item in items]
    for number, row in enumerate(rows, start=1):
        row.number = number
    return rows


def _context(membership, strategy: Strategy, items: list[RoadmapItem], **extra) -> dict:
    editable = membership.can_edit
    questions = _questions(strategy, items, editable)
    context = {
        "membership": membership,
        "organization": membership.organization,
        "strategy": strategy,
        "rows": _rows(items, questions, editable),
        "can_edit": editable,
        "has_questionnaire": questions is not None,
        "add_form": _add_form() if editable else None,
    }
    context.update(extra)
    return context


def _items(strategy: Strategy) -> list[RoadmapItem]:
    return RoadmapItem.objects.filter(strategy=strategy).in_order()


def _touch_and_lock(strategy: Strategy) -> None:
    """Record the change on the strategy; inside a transaction this also locks its row."""
    Strategy.objects.filter(pk=strategy.pk).update(updated_at=timezone.now())


def _page_url(strategy: Strategy, anchor: str = "") -> str:
    url = reverse("strategy:roadmap", args=[strategy.organization.slug, strategy.pk])
    return f"{url}#{anchor}" if anchor else url


def _list_changed(request, membership, strategy, items, message: str, anchor: str = ""):
    """After a move, add or delete: the list (and a spoken status) for htmx, else the page."""
    if not request.htmx:
        messages.success(request, message)
        return redirect(_page_url(strategy, anchor))
    context = _context(membership, strategy, items, status_message=message, oob=True)
    return render(request, "strategy/roadmap.html#list_changed", context)


def _item_fragment(request, membership, strategy, row: ItemRow, questions, status: int = 200):
    context = {
        "organization": membership.organization,
        "strategy": strategy,
        "row": row,
        "can_edit": True,
        "has_questionnaire": questions is not None,
    }
    return render(request, "strategy/roadmap.html#item", context, status=status)


@login_required
@require_safe
def roadmap(request, org_slug, strategy_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    context = _context(membership, strategy, _items(strategy))
    return render(request, "strategy/roadmap.html", context)


@login_required
@require_POST
def item_edit(request, org_slug, strategy_pk, item_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    item = get_object_or_404(RoadmapItem, strategy=strategy, pk=item_pk)
    questions = _questions(strategy, [item], editable=True)
    texts = {q.key: q.text for q in questions or []}
    row = _row(item, texts, True, questions, request.POST)
    if not row.form.is_valid():
        if request.htmx:
            return _item_fragment(request, membership, strategy, row, questions, status=400)
        # Without JavaScript: the whole page, with this item's form showing what was typed.
        context = _context(membership, strategy, _items(strategy))
        context["rows"] = [row if r.item.pk == item.pk else r for r in context["rows"]]
        return render(request, "strategy/roadmap.html", context, status=400)
    # Only the form's fields are written: the order may have changed since the item was read.
    values = {name: getattr(item, name) for name in row.form.fields}
    with transaction.atomic():
        if not RoadmapItem.objects.filter(strategy=strategy, pk=item.pk).update(**values):
            raise Http404  # deleted meanwhile
        _touch_and_lock(strategy)
    if not request.htmx:
        messages.success(request, _("Saved “%(title)s”.") % {"title": item.title})
        return redirect(_page_url(strategy, f"item-{item.pk}"))
    row = _row(item, texts, True, questions)
    row.saved = True
    return _item_fragment(request, membership, strategy, row, questions)


@login_required
@require_POST
def item_move(request, org_slug, strategy_pk, item_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    item = get_object_or_404(RoadmapItem, strategy=strategy, pk=item_pk)
    direction = request.POST.get("direction")
    if direction not in DIRECTIONS:
        return HttpResponseBadRequest(_("Say whether to move the action up or down."))
    with transaction.atomic():
        _touch_and_lock(strategy)
        try:
            items, target = RoadmapItem.objects.filter(strategy=strategy).move(item, direction)
        except RoadmapItem.DoesNotExist:
            raise Http404 from None  # deleted meanwhile
    message = _("“%(title)s” is now action %(number)s of %(total)s.") % {
        "title": item.title,
        "number": target + 1,
        "total": len(items),
    }
    return _list_changed(request, membership, strategy, items, message, f"item-{item.pk}")


@login_required
@require_POST
def item_add(request, org_slug, strategy_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    form = _add_form(request.POST)
    if not form.is_valid():
        context = _context(membership, strategy, _items(strategy), add_form=form)
        template = "strategy/roadmap.html#list" if request.htmx else "strategy/roadmap.html"
        return render(request, template, context, status=400)
    with transaction.atomic():
        _touch_and_lock(strategy)
        items = RoadmapItem.objects.filter(strategy=strategy).renumber()
        item = form.save(commit=False)
        item.strategy = strategy
        item.order = len(items)
        item.save()
        items.append(item)
    message = _("Added “%(title)s” as action %(number)s.") % {
        "title": item.title,
        "number": len(items),
    }
    return _list_changed(request, membership, strategy, items, message, f"item-{item.pk}")


@login_required
@require_POST
def item_delete(request, org_slug, strategy_pk, item_pk):
    membership, strategy = strategy_or_404(request, org_slug, strategy_pk)
    begin_edit(request, membership, strategy)
    item = get_object_or_404(RoadmapItem, strategy=strategy, pk=item_pk)
    with transaction.atomic():
        _touch_and_lock(strategy)
        RoadmapItem.objects.filter(strategy=strategy, pk=item.pk).delete()
        items = RoadmapItem.objects.filter(strategy=strategy).renumber()
    message = _("Deleted “%(title)s”.") % {"title": item.title}
    return _list_changed(request, membership, strategy, items, message)
