"""Translating a questionnaire version's texts in the admin: the form, the status lines, the save.

The view lives on `QuestionnaireAdmin` (questionnaires.py, `translations_view`); what is counted
and how a row's `translations` change is plain data in assessments/translation_status.py. The
texts are checked with the file's own rules (translations.problems), so what the editor saves
the file exports and imports again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models, transaction
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _

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
from assessments.models.questionnaire import FrozenQuestionnaireError
from assessments.questionnaire_file import translations as file_translations
from assessments.translation_status import (
    MAPPING_LABELS,
    Item,
    LanguageStatus,
    Stored,
    Text,
    languages_to_report,
    status,
    translation,
    with_translations,
)

MODELS: dict[str, type[models.Model]] = {
    "questionnaire": Questionnaire,
    "scalelevel": ScaleLevel,
    "stage": Stage,
    "layer": Layer,
    "pillar": Pillar,
    "section": Section,
    "question": Question,
    "answeroption": AnswerOption,
}
# Short texts get a one-line input; the rest (descriptions, help, Markdown) a text area.
ONE_LINE = {"title", "label", "name", MAPPING_LABELS} | {
    f"{key}_name" for key in file_translations.NAME_KEYS
}
# How far an item is indented under the one it belongs to.
DEPTH = {"question": 1, "answeroption": 2}


def configured_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    """'Deutsch (de)': the configured name, else Django's, else the code alone."""
    name = dict(settings.LANGUAGES).get(code)
    if name is None:
        try:
            name = get_language_info(code)["name_local"]
        except KeyError:
            return code
    return f"{name} ({code})"


def reported_languages(questionnaire: Questionnaire, items: Sequence[Item]) -> list[str]:
    return languages_to_report(questionnaire.language, configured_languages(), items)


@dataclass(frozen=True)
class StatusLine:
    language: str
    untranslated: int
    total: int
    text: str
    url: str


def status_lines(questionnaire: Questionnaire, items: Sequence[Item]) -> list[StatusLine]:
    """One line per language: how many texts it lacks, and where to translate them."""
    lines = []
    for found in status(items, reported_languages(questionnaire, items)):
        lines.append(
            StatusLine(
                found.language,
                found.untranslated,
                found.total,
                count_text(found),
                reverse(
                    "admin:assessments_questionnaire_translations",
                    args=[questionnaire.pk, found.language],
                ),
            )
        )
    return lines


def count_text(found: LanguageStatus) -> str:
    language = language_name(found.language)
    if not found.untranslated:
        return _("All texts translated in %(language)s") % {"language": language}
    return ngettext(
        "%(count)s text untranslated in %(language)s",
        "%(count)s texts untranslated in %(language)s",
        found.untranslated,
    ) % {"count": found.untranslated, "language": language}


# --- What the author sees -------------------------------------------------------------------------


def item_heading(item: Item) -> str:
    model = MODELS[item.model]
    what = capfirst(model._meta.verbose_name)
    if item.model == "questionnaire":
        return _("The version: title, description and names")
    if item.model == "question":
        return _("%(what)s “%(key)s” (section “%(parent)s”)") % {
            "what": what,
            "key": item.name,
            "parent": item.parent,
        }
    if item.model == "answeroption":
        return _("%(what)s %(score)s of question “%(parent)s”") % {
            "what": what,
            "score": item.name,
            "parent": item.parent,
        }
    if item.model == "scalelevel":
        return f"{what} {item.name}"
    return f"{what} “{item.name}”"


def field_label(item: Item, text: Text) -> str:
    if text.key is not None:
        return _("Mapping label “%(key)s”") % {"key": text.key}
    field = MODELS[item.model]._meta.get_field(text.field)
    return str(capfirst(getattr(field, "verbose_name", text.field)))


@dataclass(frozen=True)
class Row:
    text: Text
    label: str
    field: forms.BoundField
    untranslated: bool


@dataclass(frozen=True)
class Group:
    item: Item
    heading: str
    depth: int
    rows: list[Row]

    @property
    def untranslated(self) -> bool:
        return any(row.untranslated for row in self.rows)


# --- The form -------------------------------------------------------------------------------------


class TranslationForm(forms.Form):
    """Every text of a version, each with its translation into one language."""

    def __init__(
        self,
        items: Sequence[Item],
        language: str,
        source_language: str,
        *args,
        disabled: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = [item for item in items if item.texts]
        self.language = language
        self.source_language = source_language
        for item in self.items:
            for text in item.texts:
                attrs = {"lang": language, "aria-describedby": f"source-{text.slot}"}
                if text.field in ONE_LINE:
                    widget: forms.Widget = forms.TextInput(attrs={**attrs, "size": 60})
                else:
                    rows = min(12, max(2, text.source.count("\n") + len(text.source) // 80 + 1))
                    widget = forms.Textarea(attrs={**attrs, "rows": rows, "cols": 60})
                self.fields[text.slot] = forms.CharField(
                    label=field_label(item, text),
                    required=False,
                    initial=translation(item, text, language),
                    widget=widget,
                    disabled=disabled,
                )

    def clean(self):
        cleaned = super().clean() or {}
        for item in self.items:
            for text in item.texts:
                value = cleaned.get(text.slot) or ""
                if not value:
                    continue
                # The file's rules, on this one text as the file would write it.
                probe: dict = {text.field: value}
                if text.key is not None:
                    probe = {text.field: {text.key: value}}
                found = file_translations.from_stored(item.kind, {self.language: probe})
                for problem in file_translations.problems(item.kind, found, self.source_language):
                    self.add_error(text.slot, problem)
        return cleaned

    def groups(self) -> list[Group]:
        return [
            Group(
                item,
                item_heading(item),
                DEPTH.get(item.model, 0),
                [
                    Row(
                        text,
                        str(self.fields[text.slot].label),
                        self[text.slot],
                        not translation(item, text, self.language),
                    )
                    for text in item.texts
                ],
            )
            for item in self.items
        ]

    def changes(self) -> tuple[list[tuple[Item, Stored]], dict[str, int]]:
        """The rows whose translations change, with their new translations, and how many texts
        were added, replaced and removed."""
        counts = {"added": 0, "replaced": 0, "removed": 0}
        rows = []
        for item in self.items:
            for text in item.texts:
                old = translation(item, text, self.language)
                new = self.cleaned_data.get(text.slot) or ""
                if old == new:
                    continue
                counts["added" if not old else "removed" if not new else "replaced"] += 1
            stored = with_translations(item, self.language, self.cleaned_data)
            if stored != item.translations:
                rows.append((item, stored))
        return rows, counts


# --- Saving ---------------------------------------------------------------------------------------


@transaction.atomic
def save_translations(
    questionnaire: Questionnaire,
    language: str,
    rows: Sequence[tuple[Item, Stored]],
    counts: dict[str, int],
    user,
) -> None:
    """Write the rows' new translations, one update per kind of row, and log it on the version.

    Raises FrozenQuestionnaireError, writing nothing, when the version is no longer a draft.
    """
    state = (
        Questionnaire.objects.select_for_update()
        .filter(pk=questionnaire.pk)
        .values_list("status", flat=True)
        .first()
    )
    if state != Questionnaire.Status.DRAFT:
        raise FrozenQuestionnaireError()
    by_model: dict[str, list[tuple[int, Stored]]] = defaultdict(list)
    for item, stored in rows:
        by_model[item.model].append((item.pk, stored))
    for name, changed in by_model.items():
        model = MODELS[name]
        if model is Questionnaire:
            Questionnaire.objects.filter(pk=questionnaire.pk).update(translations=changed[0][1])
            continue
        model._default_manager.bulk_update(
            [model(pk=pk, translations=stored) for pk, stored in changed], ["translations"]
        )
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[questionnaire],
        action_flag=CHANGE,
        change_message=(
            f"Translations into {language!r}: {counts['added']} added, "
            f"{counts['replaced']} replaced, {counts['removed']} removed."
        ),
    )
