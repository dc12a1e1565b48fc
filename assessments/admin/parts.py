"""The parts of a questionnaire version: stages, layers, pillars, sections, questions, options."""

from __future__ import annotations

from urllib.parse import parse_qsl

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from assessments import authoring
from assessments.admin.filters import (
    LayerFilter,
    OptionVersionFilter,
    PillarFilter,
    QuestionnaireVersionFilter,
    SectionFilter,
    StageFilter,
    selected_questionnaire,
    version_label,
)
from assessments.admin.forms import (
    AnswerOptionForm,
    AnswerOptionFormSet,
    KeyPatternForm,
    PartForm,
    QuestionForm,
    SectionForm,
)
from assessments.admin.freeze import FrozenInline, FrozenWhenPublished
from assessments.models import (
    AnswerOption,
    Layer,
    Pillar,
    Question,
    Questionnaire,
    ScaleLevel,
    Section,
    Stage,
)

# --- Parts of a version ---------------------------------------------------------------------------


class PartAdmin(FrozenWhenPublished, admin.ModelAdmin):
    """A part edited on its own page: listed one version at a time; its version is fixed once it
    exists and can only be a draft when it is added."""

    form = PartForm
    list_filter = [QuestionnaireVersionFilter]
    list_select_related = ["questionnaire"]
    show_facets = admin.ShowFacets.NEVER
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + (["questionnaire"] if obj is not None else [])

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "questionnaire":
            kwargs["queryset"] = Questionnaire.objects.filter(status=Questionnaire.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        filters = dict(parse_qsl(request.GET.get("_changelist_filters", "")))
        for name in ("questionnaire", "section", "stage", "pillar", "layer"):
            value = filters.get(name)
            if value and value.isdigit() and name not in initial:
                initial[name] = value
        if "questionnaire" not in initial:
            selected = selected_questionnaire(request)
            if selected is not None and selected.is_draft:
                initial["questionnaire"] = str(selected.pk)
        return initial


@admin.register(Stage)
class StageAdmin(PartAdmin):
    list_display = ["name", "level", "key", "questionnaire"]


@admin.register(Layer, Pillar)
class TaxonomyAdmin(PartAdmin):
    list_display = ["name", "key", "order", "questionnaire"]


@admin.register(ScaleLevel)
class ScaleLevelAdmin(PartAdmin):
    list_display = ["label", "score", "questionnaire"]


@admin.register(Section)
class SectionAdmin(PartAdmin):
    form = SectionForm
    list_display = ["title", "key", "order", "questionnaire"]
    fieldsets = [
        (None, {"fields": ["questionnaire", ("order", "key"), "title", "description"]}),
        (
            _("About this section"),
            {
                "fields": ["help", "recommendations", "resources"],
                "description": _(
                    "Shared by every question of the section, instead of copied onto each: "
                    "the help and the links show on the section's page, the recommendations "
                    "wherever one of its questions holds the organization back. Markdown."
                ),
            },
        ),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 5})}}


class AnswerOptionInline(FrozenInline, admin.TabularInline):
    model = AnswerOption
    formset = AnswerOptionFormSet
    form = KeyPatternForm
    extra = 0
    fields = ["order", "score", "label", "description", "weight", "exclusive"]
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 50})},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 26})},
    }


@admin.register(Question)
class QuestionAdmin(PartAdmin):
    form = QuestionForm
    list_display = ["summary", "placement", "scoring"]
    list_display_links = ["summary"]
    list_filter = [
        QuestionnaireVersionFilter,
        SectionFilter,
        StageFilter,
        PillarFilter,
        LayerFilter,
        "is_core",
    ]
    search_fields = ["key", "text"]
    search_help_text = _("Search the key and the text of the questions of the chosen version.")
    list_select_related = ["questionnaire", "section", "stage", "pillar", "layer"]
    list_per_page = 100
    show_full_result_count = False
    inlines = [AnswerOptionInline]
    fieldsets = [
        (None, {"fields": ["questionnaire", ("section", "order", "key")]}),
        (None, {"fields": ["type", "text", "help_text", "recommendation"]}),
        (
            _("Classification and scoring"),
            {
                "fields": [
                    ("stage", "pillar", "layer"),
                    ("weight", "is_core", "allows_not_applicable", "own_scale"),
                ]
            },
        ),
        # Checked on publication by the same rules as a file (docs/questionnaire-format.md).
        (_("Show if"), {"fields": [("show_if_question", "show_if_answers")]}),
        # The standards and models the practice maps to; checked on publication like a file.
        (_("Crosswalk"), {"fields": ["mappings"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_option_count=Count("options"))

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if selected_questionnaire(request) is None:
            shown.insert(1, "version_column")
        return shown

    @admin.display(description=_("question"), ordering="order")
    def summary(self, obj):
        return format_html(
            '<span class="qv-key">{}</span><span class="qv-text">{}</span>',
            obj.key,
            Truncator(obj.text).chars(110),
        )

    @admin.display(description=_("version"), ordering="questionnaire__version")
    def version_column(self, obj):
        return version_label(obj.questionnaire)

    @admin.display(description=_("section · stage · pillar · layer"), ordering="stage__level")
    def placement(self, obj):
        layer = obj.layer.name if obj.layer else _("every layer")
        return format_html(
            '<span class="qv-line qv-section">{}</span>'
            '<span class="qv-line">{} · {}</span>'
            '<span class="qv-line qv-quiet">{} · {}</span>',
            obj.section.title,
            obj.stage.level,
            obj.stage.name,
            obj.pillar.name,
            layer,
        )

    @admin.display(description=_("scoring"), ordering="_option_count")
    def scoring(self, obj):
        options = (
            format_html(
                '<span class="qv-line">{}</span>', _("%(n)s options") % {"n": obj._option_count}
            )
            if obj._option_count
            else format_html('<strong class="qv-line qv-none">{}</strong>', _("no options"))
        )
        weight = f"{obj.weight.normalize():f}"
        return format_html(
            '{}<span class="qv-line qv-quiet">{}</span>{}',
            format_html('<span class="qv-core">{}</span>', _("core")) if obj.is_core else "",
            _("weight %(w)s") % {"w": weight},
            options,
        )

    def changelist_view(self, request, extra_context=None):
        selected = selected_questionnaire(request)
        title = (
            _("Questions of %(label)s") % {"label": version_label(selected)}
            if selected is not None
            else _("Questions of all versions")
        )
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        question = form.instance
        # Only a single-choice question answers on the scale; a checklist's boxes are its own.
        if not change and question.type == Question.Type.SINGLE and not question.options.exists():
            scale = list(question.questionnaire.scale_levels.order_by("score"))
            AnswerOption.objects.bulk_create(
                AnswerOption(
                    question=question,
                    order=index,
                    score=level.score,
                    label=level.label,
                    description=level.description,
                )
                for index, level in enumerate(scale)
            )
            if scale:
                messages.info(
                    request,
                    _(
                        "No answer options were given, so the %(n)s levels of the scale were "
                        "copied; reword them below if the question needs its own."
                    )
                    % {"n": len(scale)},
                )
        for problem in authoring.question_problems(question):
            messages.warning(request, _("Before publishing: %(p)s") % {"p": problem})


@admin.register(AnswerOption)
class AnswerOptionAdmin(PartAdmin):
    form = AnswerOptionForm
    list_display = ["question", "score", "label"]
    list_filter = [OptionVersionFilter]
    search_fields = ["label", "question__key"]
    list_select_related = ["question", "question__questionnaire"]

    def get_readonly_fields(self, request, obj=None):
        return ["question"] if obj is not None else []

    def get_changeform_initial_data(self, request):
        return admin.ModelAdmin.get_changeform_initial_data(self, request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "question":
            kwargs["queryset"] = Question.objects.filter(
                questionnaire__status=Questionnaire.Status.DRAFT
            ).select_related("questionnaire")
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda q: f"{version_label(q.questionnaire)} · {q.key}"
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
