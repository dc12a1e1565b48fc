"""The Django admin, including the authoring of questionnaire versions.

Authors work on drafts: they copy a published version into a new draft, edit its taxonomy,
sections, questions and options here, check it and publish it. A published or retired version and
all its parts are read-only (`FrozenWhenPublished`), as they are in the models. The state changes
themselves live in `assessments.authoring`; this module only adds the screens, the permission
checks and the messages.

Custom admin URLs of `QuestionnaireAdmin` (names in the `admin` namespace):

- ``assessments_questionnaire_import``     GET form / POST upload: a questionnaire file → new draft
- ``assessments_questionnaire_new_draft``  POST: copy the version as the next draft version
- ``assessments_questionnaire_publish``    GET: checks and confirmation / POST: publish
- ``assessments_questionnaire_export``     GET: the version as a YAML file download
- ``assessments_questionnaire_translations`` GET / POST: a version's texts and their translations
  into one language (admin/translations.py)
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from assessments import authoring
from assessments.admin import translations as editor
from assessments.admin.filters import (
    version_label,
)
from assessments.admin.forms import (
    KeyedFormSet,
    KeyPatternForm,
    QuestionnaireForm,
    ScaleFormSet,
    StageFormSet,
)
from assessments.admin.freeze import FrozenInline, FrozenWhenPublished
from assessments.models import (
    Answer,
    Assessment,
    Layer,
    Pillar,
    Question,
    Questionnaire,
    ScaleLevel,
    Section,
    Stage,
)
from assessments.models.questionnaire import FrozenQuestionnaireError
from assessments.questionnaire_file.bounded_yaml import Refused, check_size
from assessments.questionnaire_file.document import DocumentError
from assessments.questionnaire_file.store import export_text
from assessments.translation_status import load_items

# What a multipart request adds to the file it carries (boundaries, headers, the CSRF token).
MULTIPART_ALLOWANCE = 64 * 1024
AUDIT_LIMIT = 100


# --- Questionnaire versions -----------------------------------------------------------------------


class ScaleLevelInline(FrozenInline, admin.TabularInline):
    model = ScaleLevel
    formset = ScaleFormSet
    form = KeyPatternForm
    extra = 0
    classes = ["collapse"]
    fields = ["score", "label", "description"]
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 40})},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    }


class StageInline(FrozenInline, admin.TabularInline):
    model = Stage
    formset = StageFormSet
    form = KeyPatternForm
    extra = 0
    classes = ["collapse"]
    fields = ["level", "key", "name", "threshold"]
    show_change_link = True


class LayerInline(FrozenInline, admin.TabularInline):
    model = Layer
    verbose_name_plural = _("layers of work")
    formset = KeyedFormSet
    form = KeyPatternForm
    extra = 0
    classes = ["collapse"]
    fields = ["order", "key", "name"]
    show_change_link = True


class PillarInline(FrozenInline, admin.TabularInline):
    model = Pillar
    verbose_name_plural = _("pillars of support")
    formset = KeyedFormSet
    form = KeyPatternForm
    extra = 0
    classes = ["collapse"]
    fields = ["order", "key", "name"]
    show_change_link = True


class SectionInline(FrozenInline, admin.TabularInline):
    model = Section
    formset = KeyedFormSet
    form = KeyPatternForm
    extra = 0
    fields = ["order", "key", "title", "question_list"]
    readonly_fields = ["question_list"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description=_("questions"))
    def question_list(self, obj):
        if obj.pk is None:
            return "–"
        url = reverse("admin:assessments_question_changelist")
        return format_html(
            '<a href="{}?questionnaire={}&amp;section={}">{} questions</a>',
            url,
            obj.questionnaire_id,
            obj.pk,
            getattr(obj, "question_count", "…"),
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Questionnaire file"),
        help_text=_(
            "A YAML file in the questionnaire format (docs/questionnaire-format.md). It becomes a "
            "new draft; if its key and version exist already, it gets the next version number."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,text/yaml"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except Refused as exc:
            raise ValidationError(str(exc)) from None
        try:
            self.cleaned_data["text"] = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None
        return upload


@admin.register(Questionnaire)
class QuestionnaireAdmin(FrozenWhenPublished, admin.ModelAdmin):
    form = QuestionnaireForm
    list_display = [
        "title",
        "version_number",
        "key",
        "status_badge",
        "question_count",
        "published_on",
        "created_on",
    ]
    list_filter = ["status", "key"]
    search_fields = ["title", "key"]
    ordering = ["key", "-version"]
    show_facets = admin.ShowFacets.NEVER
    actions = ["new_draft_action", "publish_action", "export_action"]
    inlines = [ScaleLevelInline, StageInline, LayerInline, PillarInline, SectionInline]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}
    }

    def _several_keys(self) -> bool:
        return Questionnaire.objects.values("key").distinct().count() > 1

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        return shown if self._several_keys() else [f for f in shown if f != "key"]

    def get_list_filter(self, request):
        shown = list(super().get_list_filter(request))
        return shown if self._several_keys() else [f for f in shown if f != "key"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_question_count=Count("questions"))

    def get_readonly_fields(self, request, obj=None):
        fields = ["status_badge", "published_at", "created_at", "question_count", "changes"]
        fields.append("translation_status")
        return fields + (["key", "version"] if obj is not None else [])

    def get_fieldsets(self, request, obj=None):
        version = [("key", "version")]
        if obj is not None:
            version = [
                ("key", "version", "status_badge", "question_count"),
                ("created_at", "published_at", "changes"),
            ]
        return [
            (None, {"fields": [("title", "language"), "description"]}),
            (_("Version"), {"fields": version}),
            (_("Scoring"), {"fields": [("threshold", "core_minimum")]}),
            (_("Standards"), {"fields": ["standards"]}),
            *([(_("Translations"), {"fields": ["translation_status"]})] if obj is not None else []),
        ]

    @admin.display(description=_("untranslated texts"))
    def translation_status(self, obj):
        lines = editor.status_lines(obj, load_items(obj.pk))
        return render_to_string(
            "admin/assessments/questionnaire/_translation_status.html", {"lines": lines}
        )

    @admin.display(description=_("changes"))
    def changes(self, obj):
        return format_html(
            '<a href="#changes">{}</a>',
            _("%(n)s recorded, listed below") % {"n": authoring.audit_entries(obj).count()},
        )

    @admin.display(description=_("version"), ordering="version")
    def version_number(self, obj):
        return f"v{obj.version}"

    @admin.display(description=_("published"), ordering="published_at")
    def published_on(self, obj):
        return date_format(obj.published_at, "Y-m-d") if obj.published_at else "–"

    @admin.display(description=_("created"), ordering="created_at")
    def created_on(self, obj):
        return date_format(obj.created_at, "Y-m-d")

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="qv-status qv-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description=_("questions"), ordering="_question_count")
    def question_count(self, obj):
        url = reverse("admin:assessments_question_changelist")
        return format_html(
            '<a href="{}?questionnaire={}">{}</a>', url, obj.pk, getattr(obj, "_question_count", 0)
        )

    # Deleting a draft. A question protects its stage, pillar and layer, so Django would refuse to
    # delete a whole draft; its questions go first, unless something outside the draft (an
    # assessment, an answer) still needs them.

    def _only_own_questions_protect(self, pks: list[int]) -> bool:
        own = Q(questionnaire__in=pks)
        outside = (
            Q(stage__questionnaire__in=pks)
            | Q(pillar__questionnaire__in=pks)
            | Q(layer__questionnaire__in=pks)
        ) & ~own
        return not (
            Questionnaire.objects.filter(pk__in=pks).exclude(status=Questionnaire.Status.DRAFT)
            or Assessment.objects.filter(questionnaire__in=pks).exists()
            or Answer.objects.filter(question__questionnaire__in=pks).exists()
            or Question.objects.filter(outside).exists()
        )

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected and self._only_own_questions_protect([obj.pk for obj in objs]):
            protected = []
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        self.delete_queryset(request, Questionnaire.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        pks = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            if self._only_own_questions_protect(pks):
                Question.objects.filter(questionnaire__in=pks).delete()
            Questionnaire.objects.filter(pk__in=pks).delete()

    # Permissions and helpers.

    def _require(self, request, action: str) -> None:
        codename = get_permission_codename(action, self.opts)
        if not request.user.has_perm(f"{self.opts.app_label}.{codename}"):
            raise PermissionDenied

    def _url(self, name: str, *args) -> str:
        return reverse(f"admin:assessments_questionnaire_{name}", args=args)

    def _get_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such questionnaire version."))
        return obj

    def _download(self, questionnaire: Questionnaire) -> HttpResponse:
        response = HttpResponse(
            export_text(questionnaire), content_type="application/yaml; charset=utf-8"
        )
        filename = f"{questionnaire.key}-v{questionnaire.version}.yaml"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def _published_message(self, request, questionnaire: Questionnaire) -> None:
        messages.success(
            request,
            _(
                "Published version %(v)s of '%(key)s'. New assessments use it from now on; "
                "assessments on earlier versions keep their questions and results."
            )
            % {"v": questionnaire.version, "key": questionnaire.key},
        )

    def _draft_message(self, request, source: Questionnaire, draft: Questionnaire) -> None:
        messages.success(
            request,
            _(
                "Version %(new)s is a new draft, copied from version %(old)s. Edit it here, then "
                "publish it."
            )
            % {"new": draft.version, "old": source.version},
        )
        others = Questionnaire.objects.filter(
            key=draft.key, status=Questionnaire.Status.DRAFT
        ).exclude(pk=draft.pk)
        if others:
            messages.warning(
                request,
                _("Other drafts of '%(key)s' exist as well: version %(versions)s.")
                % {"key": draft.key, "versions": ", ".join(str(o.version) for o in others)},
            )

    # Changelist actions.

    @admin.action(description=_("New draft from this version"), permissions=["add"])
    def new_draft_action(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, _("Select exactly one version to copy into a new draft."))
            return None
        source = queryset.get()
        draft = authoring.new_draft_from(source, request.user)
        self._draft_message(request, source, draft)
        return HttpResponseRedirect(self._url("change", draft.pk))

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish_action(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, _("Select exactly one draft to publish."))
            return None
        questionnaire = queryset.get()
        try:
            authoring.publish(questionnaire, request.user)
        except ValidationError as exc:
            messages.error(
                request,
                _("Version %(v)s was not published. Fix these problems first:")
                % {"v": questionnaire.version},
            )
            for problem in exc.messages:
                messages.error(request, problem)
            return None
        self._published_message(request, questionnaire)
        return None

    @admin.action(description=_("Export as YAML"), permissions=["view"])
    def export_action(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, _("Select exactly one version to export."))
            return None
        return self._download(queryset.get())

    # Custom views.

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"

        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("import/", wrap(self.import_view), name=f"{prefix}_import"),
            path(
                "<path:object_id>/new-draft/", wrap(self.new_draft_view), name=f"{prefix}_new_draft"
            ),
            path("<path:object_id>/publish/", wrap(self.publish_view), name=f"{prefix}_publish"),
            path("<path:object_id>/export/", wrap(self.export_view), name=f"{prefix}_export"),
            path(
                "<path:object_id>/translations/<str:language>/",
                wrap(self.translations_view),
                name=f"{prefix}_translations",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "has_view_permission": self.has_view_permission(request),
            **extra,
        }

    def new_draft_view(self, request, object_id):
        self._require(request, "add")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        source = self._get_or_404(request, object_id)
        draft = authoring.new_draft_from(source, request.user)
        self._draft_message(request, source, draft)
        return HttpResponseRedirect(self._url("change", draft.pk))

    def publish_view(self, request, object_id):
        self._require(request, "change")
        questionnaire = self._get_or_404(request, object_id)
        if not questionnaire.is_draft:
            messages.error(
                request,
                _("Version %(v)s is %(status)s; only a draft can be published.")
                % {
                    "v": questionnaire.version,
                    "status": questionnaire.get_status_display().lower(),
                },
            )
            return HttpResponseRedirect(self._url("change", questionnaire.pk))
        if request.method == "POST":
            try:
                authoring.publish(questionnaire, request.user)
            except ValidationError as exc:
                problems = exc.messages
            else:
                self._published_message(request, questionnaire)
                return HttpResponseRedirect(self._url("change", questionnaire.pk))
        else:
            problems = authoring.publish_problems(questionnaire)
        retiring = list(
            Questionnaire.objects.published()
            .filter(key=questionnaire.key)
            .annotate(assessment_count=Count("assessments"))
        )
        context = self._context(
            request,
            _("Publish %(label)s") % {"label": version_label(questionnaire)},
            original=questionnaire,
            problems=problems,
            retiring=retiring,
            question_count=questionnaire._question_count,
        )
        return TemplateResponse(request, "admin/assessments/questionnaire/publish.html", context)

    def export_view(self, request, object_id):
        questionnaire = self._get_or_404(request, object_id)
        if not self.has_view_permission(request, questionnaire):
            raise PermissionDenied
        return self._download(questionnaire)

    def translations_view(self, request, object_id, language):
        """A version's texts with their translations into `language`; a draft's can be saved."""
        questionnaire = self._get_or_404(request, object_id)
        if not self.has_view_permission(request, questionnaire):
            raise PermissionDenied
        items = load_items(questionnaire.pk)
        if language not in editor.reported_languages(questionnaire, items):
            raise Http404(_("This version is not translated into that language."))
        may_change = request.user.has_perm("assessments.change_questionnaire")
        editable = questionnaire.is_draft and may_change
        status = 200
        refused = ""
        form = editor.TranslationForm(
            items, language, questionnaire.language, disabled=not editable
        )
        if request.method == "POST":
            self._require(request, "change")
            if not questionnaire.is_draft:
                refused = self._frozen_translations_message(questionnaire)
                status = 403
            else:
                form = editor.TranslationForm(
                    items, language, questionnaire.language, data=request.POST
                )
                if form.is_valid():
                    saved = self._save_translations(request, questionnaire, language, form)
                    if saved is not None:
                        return saved
                    refused = self._frozen_translations_message(questionnaire)
                    status = 403
                else:
                    status = 400
        found = editor.status(items, [language])[0]
        context = self._context(
            request,
            _("Translations into %(language)s: %(label)s")
            % {"language": editor.language_name(language), "label": version_label(questionnaire)},
            original=questionnaire,
            language=language,
            language_name=editor.language_name(language),
            form=form,
            groups=form.groups(),
            count_text=editor.count_text(found),
            total=found.total,
            editable=editable,
            may_change=may_change,
            refused=refused,
            other_languages=[
                line
                for line in editor.status_lines(questionnaire, items)
                if line.language != language
            ],
            media=self.media + form.media,
        )
        return TemplateResponse(
            request,
            "admin/assessments/questionnaire/translations.html",
            context,
            status=status,
        )

    def _save_translations(self, request, questionnaire, language, form):
        rows, counts = form.changes()
        url = self._url("translations", questionnaire.pk, language)
        if not rows:
            messages.info(request, _("No translation changed."))
            return HttpResponseRedirect(url)
        try:
            editor.save_translations(questionnaire, language, rows, counts, request.user)
        except FrozenQuestionnaireError:
            return None
        messages.success(
            request,
            _(
                "Saved the translations into %(language)s: %(added)s added, %(replaced)s "
                "replaced, %(removed)s removed."
            )
            % {"language": editor.language_name(language), **counts},
        )
        return HttpResponseRedirect(url)

    @staticmethod
    def _frozen_translations_message(questionnaire) -> str:
        return _(
            "Version %(v)s is %(status)s, so its translations cannot be changed and nothing was "
            "saved. To change them, make a new draft from this version."
        ) % {"v": questionnaire.version, "status": questionnaire.get_status_display().lower()}

    def import_view(self, request):
        self._require(request, "add")
        problems: list[str] = []
        form = ImportForm()
        if request.method == "POST":
            # Refused on its declared length first, before the body is read.
            problems = self._oversized(request)
        if request.method == "POST" and not problems:
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    draft = authoring.import_draft(
                        form.cleaned_data["text"], request.user, source=upload.name
                    )
                except DocumentError as exc:
                    problems = exc.problems
                else:
                    messages.success(
                        request,
                        _("Imported '%(name)s' as draft version %(v)s of '%(key)s'.")
                        % {"name": upload.name, "v": draft.version, "key": draft.key},
                    )
                    return HttpResponseRedirect(self._url("change", draft.pk))
        context = self._context(
            request,
            _("Import a questionnaire file"),
            form=form,
            problems=problems,
            media=self.media + form.media,
        )
        return TemplateResponse(
            request,
            "admin/assessments/questionnaire/import.html",
            context,
            status=400 if problems else 200,
        )

    @staticmethod
    def _oversized(request) -> list[str]:
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            return []
        try:
            check_size(max(0, length - MULTIPART_ALLOWANCE))
        except Refused as exc:
            return [str(exc)]
        return []

    # The change page: object tools and the audit list.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not add:
            entries = authoring.audit_entries(obj)
            rows = list(entries[:AUDIT_LIMIT])
            context["audit_rows"] = [(entry, self._history_url(entry)) for entry in rows]
            context["audit_total"] = len(rows) if len(rows) < AUDIT_LIMIT else entries.count()
            context["can_add_version"] = self.has_add_permission(request)
            context["can_publish"] = obj.is_draft and request.user.has_perm(
                "assessments.change_questionnaire"
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _history_url(self, entry: LogEntry) -> str | None:
        content_type = entry.content_type
        try:
            return reverse(
                f"admin:{content_type.app_label}_{content_type.model}_history",
                args=[entry.object_id],
            )
        except NoReverseMatch:
            return None
