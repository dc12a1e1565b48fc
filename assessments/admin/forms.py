"""Admin forms that name every problem of a draft on save."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

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
from assessments.questionnaire_file import rules
from assessments.questionnaire_file.rules import KEY_PATTERN
from assessments.questionnaire_file.store import read_mappings, read_standards, standard_data

# --- Forms ----------------------------------------------------------------------------------------


def _key_problem(key: str) -> str | None:
    if key and not KEY_PATTERN.match(key):
        return _("Use lowercase letters and digits joined by '-', e.g. 'open-source-policy'.")
    return None


class KeyPatternForm(forms.ModelForm):
    """Keys must also be valid in the questionnaire file, which is stricter than a slug.

    In a `SwapSafeInlineFormSet`, the values that rows may swap are checked for uniqueness by the
    formset across its rows, not by each row against the database (which still holds the old
    values and would refuse a swap).
    """

    _swap_exclude: tuple[str, ...] = ()

    def validate_constraints(self):
        exclude = self._get_validation_exclusions() | set(self._swap_exclude)
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as exc:
            self._update_errors(exc)

    def clean_key(self):
        key = self.cleaned_data.get("key")
        problem = _key_problem(key)
        if problem:
            raise ValidationError(problem, code="key")
        return key


class ReadableJSONField(forms.JSONField):
    """JSON shown indented, one item a line, so that a list of standards can be edited."""

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)


class QuestionnaireForm(KeyPatternForm):
    """A version's own fields; its standards as the JSON the Standards view reads, each with
    every field (left out: the default), checked again by the rules on publication."""

    standards = ReadableJSONField(
        label=_("Standards"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text=_(
            'A list of standards the questions map to, e.g. [{"key": "iso-5230", "name": '
            '"ISO/IEC 5230", "areas": [{"id": "3.1.1", "name": "Policy"}]}]. Optional fields: '
            "description, url, assess (true), minimum (null: the core minimum), area_name, "
            "areas_name. The file's `standards` (docs/questionnaire-format.md)."
        ),
    )

    def clean_standards(self):
        standards, problems = read_standards(self.cleaned_data.get("standards"))
        if problems:
            raise ValidationError(problems, code="standards")
        return [standard_data(standard) for standard in standards]


class PartForm(KeyPatternForm):
    """A part edited on its own page: the version's unique fields are checked against the other
    parts of the same version (the version is read-only on change, so Django would skip them)."""

    unique_fields = ("key", "level", "score")

    def _questionnaire(self) -> Questionnaire | None:
        questionnaire = self.cleaned_data.get("questionnaire")
        if questionnaire is None and self.instance.questionnaire_id:
            questionnaire = self.instance.questionnaire
        return questionnaire

    def clean_type(self):
        # Left out (an older form, a script): a single-choice question, as before types existed.
        return self.cleaned_data.get("type") or Question.Type.SINGLE

    def clean(self):
        cleaned = super().clean()
        questionnaire = self._questionnaire()
        if questionnaire is None:
            return cleaned
        if not questionnaire.is_draft:
            raise ValidationError(
                _("Version %(v)s is %(status)s and cannot be changed; make a new draft instead.")
                % {"v": questionnaire.version, "status": questionnaire.get_status_display().lower()}
            )
        name = self._meta.model._meta.verbose_name
        for field in self.unique_fields:
            value = cleaned.get(field)
            if field not in self.fields or value is None:
                continue
            others = self._meta.model.objects.filter(questionnaire=questionnaire, **{field: value})
            if others.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    field,
                    _("Another %(name)s of this version already has the %(field)s %(value)s.")
                    % {"name": name, "field": field, "value": repr(value)},
                )
        return cleaned


class QuestionForm(PartForm):
    """Section, stage, pillar and layer can only be chosen from the question's own version."""

    related = (("section", Section), ("stage", Stage), ("pillar", Pillar), ("layer", Layer))

    class Meta:
        model = Question
        fields = [
            "questionnaire",
            "section",
            "order",
            "key",
            "text",
            "help_text",
            "recommendation",
            "stage",
            "pillar",
            "layer",
            "type",
            "weight",
            "is_core",
            "allows_not_applicable",
            "own_scale",
            "show_if_question",
            "show_if_answers",
            "mappings",
        ]
        field_classes = {"mappings": ReadableJSONField}
        help_texts = {
            "mappings": _(
                'References per standard or model key, e.g. {"iso-5230": ["3.1.1"], "ggi": '
                '["GGI-A-21"]}. Under the key of one of the version\'s standards, ids of its '
                "areas. The file's `mappings` (docs/questionnaire-format.md)."
            )
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "help_text": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "recommendation": forms.Textarea(attrs={"rows": 3, "cols": 80}),
        }

    def _version_id(self) -> int | None:
        if self.instance.questionnaire_id:
            return self.instance.questionnaire_id
        raw = (
            self.data.get(self.add_prefix("questionnaire"))
            if self.is_bound
            else self.initial.get("questionnaire")
        )
        raw = getattr(raw, "pk", raw)
        return int(raw) if str(raw or "").isdigit() else None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "type" in self.fields:
            self.fields["type"].required = False
        if "show_if_answers" in self.fields:
            # Its default is a callable (list), which would add a hidden "initial" input; an
            # empty list is the default either way.
            self.fields["show_if_answers"].show_hidden_initial = False
        if "mappings" in self.fields:
            self.fields["mappings"].show_hidden_initial = False
            self.fields["mappings"].widget = forms.Textarea(attrs={"rows": 4, "cols": 60})
        version_id = self._version_id()
        if "questionnaire" in self.fields:
            self.fields["questionnaire"].queryset = Questionnaire.objects.filter(
                status=Questionnaire.Status.DRAFT
            )
        for name, model in self.related:
            field = self.fields.get(name)
            if field is None:
                continue
            queryset = model.objects.select_related("questionnaire")
            if version_id is not None:
                field.queryset = queryset.filter(questionnaire_id=version_id)
            else:  # a new question whose version is not chosen yet: name each item's version
                field.queryset = queryset.filter(questionnaire__status=Questionnaire.Status.DRAFT)
                field.label_from_instance = lambda item: f"v{item.questionnaire.version} · {item}"
            field.error_messages["invalid_choice"] = _(
                "Choose a %(name)s of this questionnaire version; "
                "the one sent belongs to another version or does not exist."
            ) % {"name": model._meta.verbose_name}

    def clean_show_if_answers(self):
        # Left empty: no answers (the column holds a list, never null).
        value = self.cleaned_data.get("show_if_answers")
        return [] if value is None or value == "" else value

    def clean_mappings(self):
        # Left empty: no crosswalk. Its shape here; what it refers to on publication (the rules).
        mappings, problems = read_mappings(self.cleaned_data.get("mappings"))
        if problems:
            raise ValidationError(problems, code="mappings")
        return mappings

    def clean_type(self):
        # Left out (an older form, a script): a single-choice question, as before types existed.
        return self.cleaned_data.get("type") or Question.Type.SINGLE

    def clean(self):
        cleaned = super().clean()
        questionnaire = self._questionnaire()
        if questionnaire is None:
            return cleaned
        for name, model in self.related:
            item = cleaned.get(name)
            if item is not None and item.questionnaire_id != questionnaire.pk:
                self.add_error(
                    name,
                    _("%(name)s '%(key)s' belongs to version %(other)s, not to version %(v)s.")
                    % {
                        "name": str(model._meta.verbose_name).capitalize(),
                        "key": item.key,
                        "other": item.questionnaire.version,
                        "v": questionnaire.version,
                    },
                )
        return cleaned


class AnswerOptionForm(forms.ModelForm):
    """An option edited on its own page: its score is distinct within the question and on the
    scale of the question's version."""

    def clean(self):
        cleaned = super().clean()
        question = cleaned.get("question")
        if question is None and self.instance.question_id:
            question = self.instance.question
        if question is None:
            return cleaned
        questionnaire = question.questionnaire
        if not questionnaire.is_draft:
            raise ValidationError(
                _("Version %(v)s is %(status)s and cannot be changed; make a new draft instead.")
                % {"v": questionnaire.version, "status": questionnaire.get_status_display().lower()}
            )
        score = cleaned.get("score")
        if score is None:
            return cleaned
        others = AnswerOption.objects.filter(question=question, score=score)
        if others.exclude(pk=self.instance.pk).exists():
            self.add_error(
                "score",
                _("Another option of question '%(key)s' already has the score %(score)s.")
                % {"key": question.key, "score": score},
            )
        scale = sorted(questionnaire.scale_levels.values_list("score", flat=True))
        # A checklist's box is not on the scale: its score only tells it apart.
        if (
            scale
            and score not in scale
            and question.type == Question.Type.SINGLE
            and not question.own_scale
        ):
            self.add_error(
                "score",
                _("Score %(score)s is not a score of the scale (%(scale)s).")
                % {"score": score, "scale": ", ".join(map(str, scale))},
            )
        return cleaned


class SwapSafeInlineFormSet(forms.BaseInlineFormSet):
    """Rows are saved one by one, so two rows swapping a unique value (levels 1 and 2, two option
    scores) would trip the database constraint halfway. Changed and deleted rows first move their
    unique values out of the way; the formset has already checked the new values are distinct."""

    swap_fields: tuple[str, ...] = ()

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form._swap_exclude = self.swap_fields
        return form

    def save(self, commit=True):
        if commit and self.swap_fields:
            self._park_values()
        return super().save(commit)

    def _park_values(self):
        deleted = set(self.deleted_forms) if self.can_delete else set()
        for index, form in enumerate(self.initial_forms):
            pk = form.instance.pk
            if pk is None:
                continue
            fields = [f for f in self.swap_fields if form in deleted or f in form.changed_data]
            if not fields:
                continue
            parked = {}
            for name in fields:
                field = self.model._meta.get_field(name)
                if isinstance(field, models.IntegerField):
                    parked[name] = 30000 + index
                else:
                    parked[name] = f"parked-{pk}"
            self.model.objects.filter(pk=pk).update(**parked)


class StageFormSet(SwapSafeInlineFormSet):
    swap_fields = ("level", "key")


class KeyedFormSet(SwapSafeInlineFormSet):
    swap_fields = ("key",)


class ScaleFormSet(SwapSafeInlineFormSet):
    swap_fields = ("score",)


class AnswerOptionFormSet(SwapSafeInlineFormSet):
    """Option scores are distinct and come from the version's scale; each problem is named."""

    swap_fields = ("score",)

    def clean(self):
        if any(self.errors):
            return
        question = self.instance
        scale = []
        # A checklist's boxes are not on the scale; their scores only tell them apart.
        # Nor are the options of a question on its own scale (`own_scale`).
        if (
            question.questionnaire_id
            and question.type == Question.Type.SINGLE
            and not question.own_scale
        ):
            scale = sorted(
                ScaleLevel.objects.filter(questionnaire_id=question.questionnaire_id).values_list(
                    "score", flat=True
                )
            )
        problems = []
        seen: dict[int, str] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            score, label = form.cleaned_data.get("score"), form.cleaned_data.get("label")
            if score is None:
                continue
            if score in seen:
                problems.append(
                    _(
                        "Options '%(a)s' and '%(b)s' both have the score %(score)s; "
                        "each option needs its own score."
                    )
                    % {"a": seen[score], "b": label, "score": score}
                )
            else:
                seen[score] = label
            if scale and score not in scale:
                problems.append(
                    _(
                        "Option '%(label)s': score %(score)s is not a score of the scale "
                        "(%(scale)s)."
                    )
                    % {"label": label, "score": score, "scale": ", ".join(map(str, scale))}
                )
        if problems:
            raise ValidationError(problems)
        super().clean()


class ResourcesField(forms.CharField):
    """A section's links as an author types them: one per line, "Title | https://...".

    Stored as the JSON list the questionnaire file holds; every line is checked by the same
    rules as the file (`rules.url_problem`), each problem naming its line and value.
    """

    widget = forms.Textarea(attrs={"rows": 4, "cols": 80})
    SEPARATOR = " | "

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("One link per line: a title, ' | ', then an http:// or https:// address."),
        )
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                f"{item.get('title', '')}{self.SEPARATOR}{item.get('url', '')}"
                if isinstance(item, dict)
                else str(item)
                for item in value
            )
        return value

    def to_python(self, value) -> list[dict[str, str]]:  # type: ignore[override]
        text = super().to_python(value) or ""
        resources, problems = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            title, separator, url = line.rpartition("|")
            title, url = title.strip(), url.strip()
            if not separator or not title:
                problems.append(
                    _("Line %(n)s (%(line)r): write a title, ' | ', then the address.")
                    % {"n": number, "line": line.strip()}
                )
                continue
            problem = rules.url_problem(url)
            if problem is None and len(title) > rules.RESOURCE_TITLE_LENGTH:
                problem = f"the title has {len(title)} characters; at most "
                problem += str(rules.RESOURCE_TITLE_LENGTH)
            if problem is not None:
                problems.append(_("Line %(n)s: %(problem)s") % {"n": number, "problem": problem})
                continue
            resources.append({"title": title, "url": url})
        if len(resources) > rules.MAX_RESOURCES:
            problems.append(
                _("%(n)s links; a section may list at most %(max)s.")
                % {"n": len(resources), "max": rules.MAX_RESOURCES}
            )
        if problems:
            raise ValidationError(problems, code="resources")
        return resources

    def validate(self, value) -> None:
        # Emptiness is fine, and to_python has checked every line.
        pass

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(data) != (initial or [])
        except ValidationError:
            return True


class SectionForm(PartForm):
    resources = ResourcesField(label=_("Resources"))

    class Meta:
        model = Section
        fields = [
            "questionnaire",
            "order",
            "key",
            "title",
            "description",
            "help",
            "recommendations",
            "resources",
        ]
