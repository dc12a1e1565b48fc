from __future__ import annotations

import re
from datetime import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from assessments.forms.rendering import BootstrapFieldsMixin, label_with_note
from assessments.models import Assessment, Organization
from strategy.models import (
    MAX_BODY_BYTES,
    RoadmapItem,
    Strategy,
    body_size_error,
    document_language,
)


class StrategyCreateForm(forms.Form):
    assessment = forms.ModelChoiceField(
        label=_("Start from the assessment"),
        queryset=None,
        help_text=_("Its result fills “Where we stand” and its blockers draft the roadmap."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, initial=_("Open source strategy"))
    language = forms.ChoiceField(
        label=_("Document language"),
        choices=settings.LANGUAGES,
        required=False,  # left out: the language the creator reads in
        help_text=_(
            "Its template, its generated text, the PDF and the Word file are in this language; "
            "you can change it later."
        ),
    )

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = document_language()
        # Only this organization's assessments: another's id is simply not a valid choice.
        assessments = organization.assessments.select_related("questionnaire").order_by(
            "-created_at"
        )
        self.fields["assessment"].queryset = assessments
        if not self.is_bound and "assessment" not in self.initial:
            submitted = Assessment.Status.SUBMITTED
            self.initial["assessment"] = preselected_assessment(
                [
                    (pk, when if status == submitted else None)
                    for pk, status, when in assessments.values_list("pk", "status", "submitted_at")
                ]
            )


def preselected_assessment(assessments: list[tuple[int, datetime | None]]) -> int | None:
    """The assessment to start a strategy from, of (id, submitted at or None while it is not
    submitted) pairs: the only one, or the latest submitted; None when there are several and
    none is submitted, a choice the person makes."""
    if len(assessments) == 1:
        return assessments[0][0]
    submitted = [(when, pk) for pk, when in assessments if when is not None]
    return max(submitted)[1] if submitted else None


class SectionForm(forms.Form):
    MAX_LENGTH = MAX_BODY_BYTES

    # The size is checked in bytes, with one message, by clean_body; the textarea's maxlength
    # (in characters) only stops a browser early.
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "maxlength": MAX_BODY_BYTES}),
        strip=False,
    )
    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def clean_body(self) -> str:
        body = self.cleaned_data.get("body") or ""
        if (error := body_size_error(body)) is not None:
            raise forms.ValidationError(error, code="too_long")
        return body


class MergeForm(forms.Form):
    """The text that resolves an edit conflict, saved against the version the person has seen."""

    merged = forms.CharField(
        label=_("Merged text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=False,
    )
    their_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def clean_merged(self) -> str:
        merged = self.cleaned_data.get("merged") or ""
        if (error := body_size_error(merged)) is not None:
            raise forms.ValidationError(error, code="too_long")
        return merged


class TargetsForm(forms.Form):
    """The target stage overall and per layer and pillar, with the horizon to reach it."""

    horizon = forms.CharField(label=_("By when"), max_length=100, required=False)

    def __init__(self, *args, strategy: Strategy, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        self.layer_keys: list[tuple[str, str]] = []
        self.pillar_keys: list[tuple[str, str]] = []
        assessment = strategy.assessment
        stages = []
        if assessment is not None:
            questionnaire = assessment.questionnaire
            stages = [(s.level, f"{s.level} · {s.name}") for s in questionnaire.stages.all()]
            self.layer_keys = [(x.key, x.name) for x in questionnaire.layers.all()]
            self.pillar_keys = [(x.key, x.name) for x in questionnaire.pillars.all()]
        choices = [("", _("No target"))] + stages
        targets = strategy.scope_targets or {}
        select = {"class": "form-select form-select-sm"}
        self.fields["target_stage"] = forms.TypedChoiceField(
            label=_("Overall"),
            choices=choices,
            coerce=int,
            empty_value=None,
            required=False,
            initial=strategy.target_stage,
            widget=forms.Select(attrs=select),
        )
        for group, keys in (("layers", self.layer_keys), ("pillars", self.pillar_keys)):
            for key, name in keys:
                self.fields[f"{group}:{key}"] = forms.TypedChoiceField(
                    label=name,
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=targets.get(group, {}).get(key),
                    widget=forms.Select(attrs=select),
                )
        self.fields["horizon"].initial = strategy.horizon
        self.order_fields(["target_stage"])

    def grouped(self):
        return {
            "layers": [self[f"layers:{key}"] for key, _name in self.layer_keys],
            "pillars": [self[f"pillars:{key}"] for key, _name in self.pillar_keys],
        }

    def save(self) -> Strategy:
        data = self.cleaned_data
        self.strategy.target_stage = data["target_stage"]
        self.strategy.horizon = data["horizon"]
        self.strategy.scope_targets = {
            group: {
                key: data[f"{group}:{key}"]
                for key, _name in keys
                if data[f"{group}:{key}"] is not None
            }
            for group, keys in (("layers", self.layer_keys), ("pillars", self.pillar_keys))
        }
        self.strategy.save(update_fields=["target_stage", "horizon", "scope_targets", "updated_at"])
        return self.strategy


# The roadmap ---------------------------------------------------------------------------------

QUARTER_PATTERN = re.compile(r"^(\d{4})-Q(\d)$")
QUARTER_YEARS = (2000, 2100)


def clean_quarter(value: str) -> str:
    """'' or 'YYYY-Qn' with n 1–4 and a plausible year; '2027-q2' and ' 2027-Q2 ' are accepted."""
    value = value.strip().upper()
    if not value:
        return ""
    match = QUARTER_PATTERN.match(value)
    if match is None or not 1 <= int(match[2]) <= 4:
        raise forms.ValidationError(
            _("Write the quarter as YYYY-Qn with n from 1 to 4, for example 2027-Q2."),
            code="quarter_format",
        )
    if not QUARTER_YEARS[0] <= int(match[1]) <= QUARTER_YEARS[1]:
        raise forms.ValidationError(
            _("Choose a year between %(first)s and %(last)s.")
            % {"first": QUARTER_YEARS[0], "last": QUARTER_YEARS[1]},
            code="quarter_year",
        )
    return value


class RoadmapItemForm(BootstrapFieldsMixin, forms.ModelForm):
    """One action item. Linked questions are offered only when the strategy has a questionnaire.

    `questions` is the questionnaire's questions, fetched once per request by the view and shared
    by every item's form; keys linked earlier that the questionnaire no longer has stay choosable,
    so saving an item never drops them silently.
    """

    # Declared without a length limit so that every wrong value gets the one clear message.
    target_quarter = forms.CharField(
        label=_("Target quarter"),
        required=False,
        help_text=_("For example: 2027-Q2."),
        widget=forms.TextInput(attrs={"placeholder": "2027-Q2", "size": 8}),
    )
    question_keys = forms.MultipleChoiceField(label=_("Linked questions"), required=False)

    class Meta:
        model = RoadmapItem
        fields = ["title", "why", "owner", "target_quarter", "status", "question_keys"]
        labels = {"title": _("Action"), "why": _("Why"), "owner": _("Owner")}
        widgets = {"why": forms.Textarea(attrs={"rows": 2})}

    label_class = "form-label small mb-1"

    def __init__(self, *args, questions=None, adding: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Say what the action is.")
        if adding:
            self.fields["title"].label = label_with_note(
                self.fields["title"].label, _("(required)")
            )
        # A new action needs only its title; it starts as planned.
        self.fields["status"].required = not adding
        for form_field in self.fields.values():
            select = isinstance(form_field.widget, forms.Select)
            form_field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else "form-control form-control-sm"
            )
        if questions is None:
            del self.fields["question_keys"]
            return
        choices = [(q.key, q.text) for q in questions]
        known = {key for key, _text in choices}
        linked = self.instance.question_keys
        if isinstance(linked, list):
            choices += [(key, key) for key in linked if isinstance(key, str) and key not in known]
        self.fields["question_keys"].choices = choices
        self.fields["question_keys"].label = label_with_note(
            self.fields["question_keys"].label, _("(hold Ctrl or ⌘ to choose several)")
        )
        self.fields["question_keys"].widget.attrs["size"] = min(max(len(choices), 2), 8)
        self.fields["question_keys"].error_messages["invalid_choice"] = _(
            "Choose questions of this strategy's questionnaire."
        )

    def clean_target_quarter(self) -> str:
        return clean_quarter(self.cleaned_data.get("target_quarter") or "")

    def clean_status(self) -> str:
        return self.cleaned_data.get("status") or RoadmapItem.Status.PLANNED
