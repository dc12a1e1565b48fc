"""Published versions are read-only in the admin, as they are in the models."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.admin.models import CHANGE, LogEntry

from assessments.models import (
    AnswerOption,
    Questionnaire,
)

# --- Freezing published versions ----------------------------------------------------------------


class FrozenWhenPublished:
    """A published version is read-only here as in the model: no change, no delete.

    Admin deletions of a part are also logged on the version it belonged to, so that the
    version's audit list keeps them after the row is gone.
    """

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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        questionnaire = self._questionnaire_of(obj)
        if questionnaire is not None and not questionnaire.is_draft:
            context["frozen_questionnaire"] = questionnaire
        return super().render_change_form(request, context, add, change, form_url, obj)

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        if self.model is Questionnaire:
            return entries
        deleted = defaultdict(list)
        for obj in queryset:
            questionnaire = self._questionnaire_of(obj)
            if questionnaire is not None:
                deleted[questionnaire].append(obj)
        for questionnaire, objs in deleted.items():
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=[questionnaire],
                action_flag=CHANGE,
                change_message=[
                    {"deleted": {"name": str(obj._meta.verbose_name), "object": str(obj)}}
                    for obj in objs
                ],
            )
        return entries


class FrozenInline(FrozenWhenPublished):
    def has_add_permission(self, request, obj=None):
        questionnaire = self._questionnaire_of(obj)
        if questionnaire is not None and not questionnaire.is_draft:
            return False
        return super().has_add_permission(request, obj)
