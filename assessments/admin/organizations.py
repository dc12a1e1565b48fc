"""Organizations, members, assessments and answers."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    AccountSettings,
    Answer,
    AnswerChange,
    Assessment,
    Invitation,
    Membership,
    Organization,
    Respondent,
    ResumePoint,
    ShareLink,
    SignupAttempt,
)

# --- Organizations and assessments ---------------------------------------------------------------


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


class RespondentInline(admin.TabularInline):
    """Who answers on their own: seen here, changed on the team's own pages (docs/team.md)."""

    model = Respondent
    extra = 0
    can_delete = False
    fields = ["number", "user", "speaks_for", "sections", "added_at", "submitted_at"]
    readonly_fields = fields
    ordering = ["number"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "questionnaire", "status", "mode", "created_at"]
    list_filter = ["status", "mode", "questionnaire"]
    search_fields = ["title", "organization__name"]
    list_select_related = ["organization", "questionnaire"]
    inlines = [RespondentInline]


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):
    """Read only: a respondent is made by the team's pages and anonymized when they leave."""

    list_display = ["__str__", "assessment", "number", "speaks_for", "submitted_at"]
    list_select_related = ["assessment", "user"]
    search_fields = ["assessment__title", "user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class WhoseFilter(admin.SimpleListFilter):
    title = _("whose answer")
    parameter_name = "whose"

    def lookups(self, request, model_admin):
        return [("agreed", _("The agreed answer")), ("own", _("A respondent's own"))]

    def queryset(self, request, queryset):
        if self.value() == "agreed":
            return queryset.filter(respondent__isnull=True)
        if self.value() == "own":
            return queryset.filter(respondent__isnull=False)
        return queryset


def _whose(respondent) -> str:
    if respondent is None:
        return gettext("Agreed (scored)")
    return gettext("%(respondent)s's own (not scored)") % {"respondent": respondent.label()}


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = [
        "assessment",
        "question",
        "whose",
        "kind",
        "option",
        "answered_by",
        "answered_at",
    ]
    list_filter = [WhoseFilter, "kind"]
    search_fields = ["assessment__title", "question__key"]
    list_select_related = ["assessment", "question", "option", "answered_by", "respondent__user"]
    raw_id_fields = ["assessment", "question", "option"]
    # Whose answer it is never changes here: editing a respondent's own answer must not turn
    # it into the agreed, scored one (or the other way round). A new answer is an agreed one.
    readonly_fields = ["whose"]
    exclude = ["respondent"]

    @admin.display(description=_("whose answer"), ordering="respondent__number")
    def whose(self, obj) -> str:
        return _whose(obj.respondent if obj.pk else None)

    # Saving or deleting here moves the assessment's answers revision like any other write of
    # an answer (`Answer.save`, `AnswerQuerySet`): results and PDFs kept under it follow. The
    # answer's history records the change, made by the administrator.
    def save_model(self, request, obj, form, change):
        obj.answered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AnswerChange)
class AnswerChangeAdmin(admin.ModelAdmin):
    """The record of what happened: read here, never written by hand."""

    list_display = [
        "assessment",
        "question_key",
        "whose",
        "how",
        "choice",
        "changed_by",
        "changed_at",
    ]
    list_filter = ["how"]
    search_fields = ["assessment__title", "question_key"]
    list_select_related = ["assessment", "changed_by", "respondent__user"]

    @admin.display(description=_("whose answer"))
    def whose(self, obj) -> str:
        return _whose(obj.respondent)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(SignupAttempt)
class SignupAttemptAdmin(admin.ModelAdmin):
    """Sign-up attempts are a rate-limiting record: visible, never edited by hand."""

    list_display = ["ip_address", "created_at"]
    search_fields = ["ip_address"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    """Share links are made and revoked by an organization's owner; staff see them, and may
    revoke one by setting its revocation time. The token itself is never stored."""

    list_display = ["assessment", "created_by", "created_at", "expires_at", "revoked_at"]
    list_select_related = ["assessment", "created_by"]
    raw_id_fields = ["assessment", "created_by"]
    readonly_fields = ["token_hash", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(AccountSettings)
class AccountSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    list_filter = ["language"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
