from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    Answer,
    AnswerOption,
    Assessment,
    Invitation,
    Layer,
    Membership,
    Organization,
    Pillar,
    Question,
    Questionnaire,
    ResumePoint,
    ScaleLevel,
    Section,
    Stage,
)


class FrozenWhenPublished:
    """A published version is read-only here as in the model: no change, no delete."""

    def _questionnaire_of(self, obj) -> Questionnaire | None:
        if obj is None:
            return None
        if isinstance(obj, Questionnaire):
            return obj
        if isinstance(obj, AnswerOption):
            return obj.question.questionnaire
        return obj.questionnaire

    def has_change_permission(self, request, obj=None):
        questionnaire = self._questionnaire_of(obj)
        if questionnaire is not None and not questionnaire.is_draft:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        questionnaire = self._questionnaire_of(obj)
        if questionnaire is not None and not questionnaire.is_draft:
            return False
        return super().has_delete_permission(request, obj)


class StageInline(FrozenWhenPublished, admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["level", "key", "name", "threshold"]


class LayerInline(FrozenWhenPublished, admin.TabularInline):
    model = Layer
    extra = 0
    fields = ["order", "key", "name"]


class PillarInline(FrozenWhenPublished, admin.TabularInline):
    model = Pillar
    extra = 0
    fields = ["order", "key", "name"]


class ScaleLevelInline(FrozenWhenPublished, admin.TabularInline):
    model = ScaleLevel
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["title", "key", "version", "status", "published_at", "created_at"]
    list_filter = ["status", "key"]
    search_fields = ["title", "key"]
    readonly_fields = ["status", "published_at", "created_at"]
    inlines = [ScaleLevelInline, StageInline, LayerInline, PillarInline]


@admin.register(Stage)
class StageAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["name", "level", "key", "questionnaire"]
    list_filter = ["questionnaire"]


@admin.register(Layer, Pillar)
class TaxonomyAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["name", "key", "order", "questionnaire"]
    list_filter = ["questionnaire"]


@admin.register(ScaleLevel)
class ScaleLevelAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["label", "score", "questionnaire"]
    list_filter = ["questionnaire"]


@admin.register(Section)
class SectionAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["title", "key", "order", "questionnaire"]
    list_filter = ["questionnaire"]


class AnswerOptionInline(FrozenWhenPublished, admin.TabularInline):
    model = AnswerOption
    extra = 0
    fields = ["order", "score", "label", "description"]


@admin.register(Question)
class QuestionAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["key", "short_text", "section", "stage", "pillar", "layer", "weight", "is_core"]
    list_filter = ["questionnaire", "stage__level", "pillar__key", "layer__key", "is_core"]
    search_fields = ["key", "text"]
    list_select_related = ["section", "stage", "pillar", "layer"]
    inlines = [AnswerOptionInline]

    @admin.display(description=_("question"))
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"


@admin.register(AnswerOption)
class AnswerOptionAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["question", "score", "label"]
    list_filter = ["question__questionnaire"]
    search_fields = ["label", "question__key"]
    list_select_related = ["question"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "organization__name"]
    list_select_related = ["user", "organization"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "questionnaire", "status", "created_at"]
    list_filter = ["status", "questionnaire"]
    search_fields = ["title", "organization__name"]
    list_select_related = ["organization", "questionnaire"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["assessment", "question", "kind", "option", "answered_by", "answered_at"]
    list_filter = ["kind"]
    search_fields = ["assessment__title", "question__key"]
    list_select_related = ["assessment", "question", "option", "answered_by"]
    raw_id_fields = ["assessment", "question", "option"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "organization",
        "role",
        "email",
        "created_at",
        "expires_at",
        "revoked_at",
        "uses",
    ]
    list_filter = ["role"]
    search_fields = ["organization__name", "email"]
    list_select_related = ["organization"]
    readonly_fields = ["token", "uses"]


@admin.register(ResumePoint)
class ResumePointAdmin(admin.ModelAdmin):
    list_display = ["assessment", "user", "section_key", "updated_at"]
    list_select_related = ["assessment", "user"]
    raw_id_fields = ["assessment", "user"]
