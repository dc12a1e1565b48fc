"""List filters that follow the questionnaire version an author is working on."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    Layer,
    Pillar,
    Questionnaire,
    Section,
    Stage,
)

# --- Which version the lists show ---------------------------------------------------------------

ALL_VERSIONS = "all"
_SELECTED = "_authoring_questionnaire"


def default_questionnaire() -> Questionnaire | None:
    """The version an author most likely works on: the newest draft, else the newest version."""
    newest = Questionnaire.objects.order_by("-created_at", "-pk")
    return newest.filter(status=Questionnaire.Status.DRAFT).first() or newest.first()


def selected_questionnaire(request) -> Questionnaire | None:
    """The version picked by the list's `questionnaire` filter (None for all versions)."""
    if not hasattr(request, _SELECTED):
        raw = request.GET.get("questionnaire", "")
        selected = None
        if raw != ALL_VERSIONS:
            if raw.isdigit():
                selected = Questionnaire.objects.filter(pk=raw).first()
            if selected is None:
                selected = default_questionnaire()
        setattr(request, _SELECTED, selected)
    return getattr(request, _SELECTED)


def version_label(questionnaire: Questionnaire) -> str:
    return f"{questionnaire.key} v{questionnaire.version} · {questionnaire.get_status_display()}"


class QuestionnaireVersionFilter(admin.SimpleListFilter):
    """One version at a time, the newest draft unless another is chosen; "all" on demand."""

    title = _("questionnaire version")
    parameter_name = "questionnaire"
    field_path = "questionnaire"
    dependent = ("section", "stage", "pillar", "layer")

    def lookups(self, request, model_admin):
        return [
            (str(q.pk), version_label(q)) for q in Questionnaire.objects.order_by("key", "-version")
        ]

    def value(self):
        selected = selected_questionnaire(self.request)
        return ALL_VERSIONS if selected is None else str(selected.pk)

    def queryset(self, request, queryset):
        selected = selected_questionnaire(request)
        if selected is None:
            return queryset
        return queryset.filter(**{self.field_path: selected})

    def choices(self, changelist):
        current = self.value()
        for pk, label in self.lookup_choices:
            yield {
                "selected": current == pk,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: pk}, list(self.dependent)
                ),
                "display": label,
            }
        yield {
            "selected": current == ALL_VERSIONS,
            "query_string": changelist.get_query_string(
                {self.parameter_name: ALL_VERSIONS}, list(self.dependent)
            ),
            "display": _("All versions"),
        }


class OptionVersionFilter(QuestionnaireVersionFilter):
    field_path = "question__questionnaire"


class _PartOfVersionFilter(admin.SimpleListFilter):
    """Choices limited to the selected version's items, each with its number of questions."""

    model: type[models.Model]
    order_by: str = "order"
    #: A choice for questions without a value (only the layer: "every layer").
    empty_choice: str | None = None

    def label(self, item) -> str:
        return str(item)

    def lookups(self, request, model_admin):
        selected = selected_questionnaire(request)
        if selected is None:
            return []
        items = (
            self.model.objects.filter(questionnaire=selected)
            .annotate(question_count=Count("questions"))
            .order_by(self.order_by)
        )
        choices = [(str(i.pk), f"{self.label(i)} ({i.question_count})") for i in items]
        if self.empty_choice:
            empty = selected.questions.filter(**{f"{self.parameter_name}__isnull": True}).count()
            if empty:
                choices.append(("none", f"{self.empty_choice} ({empty})"))
        return choices

    def value(self):
        value = super().value()
        if value is not None and value not in {pk for pk, _label in self.lookup_choices}:
            return None  # left over from another version: ignore
        return value

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == "none":
            return queryset.filter(**{f"{self.parameter_name}__isnull": True})
        return queryset.filter(**{f"{self.parameter_name}_id": value})


class SectionFilter(_PartOfVersionFilter):
    title = _("section")
    parameter_name = "section"
    model = Section

    def label(self, item):
        return item.title


class StageFilter(_PartOfVersionFilter):
    title = _("stage")
    parameter_name = "stage"
    model = Stage
    order_by = "level"


class PillarFilter(_PartOfVersionFilter):
    title = _("pillar")
    parameter_name = "pillar"
    model = Pillar


class LayerFilter(_PartOfVersionFilter):
    title = _("layer")
    parameter_name = "layer"
    model = Layer
    empty_choice = _("Every layer")
