"""Organizations, members, assessments and answers."""

from __future__ import annotations

from django.contrib import admin

from assessments.models import (
    Answer,
    AnswerChange,
    Assessment,
    Invitation,
    Membership,
    Organization,
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

    # Saving or deleting here moves the assessment's answers revision like any other write of
    # an answer (`Answer.save`, `AnswerQuerySet`): results and PDFs kept under it follow. The
    # answer's history records the change, made by the administrator.
    def save_model(self, request, obj, form, change):
        obj.answered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AnswerChange)
class AnswerChangeAdmin(admin.ModelAdmin):
    """The record of what happened: read here, never written by hand."""

    list_display = ["assessment", "question_key", "how", "choice", "changed_by", "changed_at"]
    list_filter = ["how"]
    search_fields = ["assessment__title", "question_key"]
    list_select_related = ["assessment", "changed_by"]

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
