"""Which texts of a questionnaire version are not yet translated, per language.

The counting works on plain data (`Item`, `Text`): no query, no model, so it can be tested and
reused on its own. `load_items()` reads a version's rows into that data in a fixed number of
queries (one per kind of row), whatever the number of questions.

A text is every non-empty source text of a translatable field (translations.py `FIELDS`). The
six names count only where the version changed them: the default words are translated by the
interface catalogues (assessments/axis_names.py). Each mapping label is a text of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assessments.questionnaire_file.rules import DEFAULT_NAMES
from assessments.questionnaire_file.translations import FIELDS, NAME_KEYS

type Stored = dict[str, dict[str, Any]]

# The file's kind of item for each translatable model (translations.FIELDS).
KINDS = {
    "questionnaire": "questionnaire",
    "scalelevel": "scale",
    "stage": "stage",
    "layer": "taxon",
    "pillar": "taxon",
    "section": "section",
    "question": "question",
    "answeroption": "option",
}
MAPPING_LABELS = "mapping_labels"


@dataclass(frozen=True)
class Text:
    """One source text of an item, and where its translation is stored."""

    # Unique within the version: "question-12-help_text", "questionnaire-3-mapping_labels-0".
    slot: str
    field: str  # the row's attribute: "help_text", "stage_name", "mapping_labels"
    source: str
    key: str | None = None  # the key of a mapping label


@dataclass(frozen=True)
class Item:
    """One translatable row of a version, with its stored translations."""

    model: str  # the model's name: "question", "answeroption"…
    pk: int
    texts: tuple[Text, ...]
    translations: Mapping[str, Any] = field(default_factory=dict)
    # What shows it to an author: its key or position, and the item it belongs to.
    name: str = ""
    parent: str = ""

    @property
    def kind(self) -> str:
        return KINDS[self.model]


@dataclass(frozen=True)
class LanguageStatus:
    language: str
    total: int
    missing: tuple[tuple[Item, Text], ...]

    @property
    def untranslated(self) -> int:
        return len(self.missing)


def texts_of(model: str, pk: int, row: Mapping[str, Any]) -> tuple[Text, ...]:
    """The texts to translate in a row (a mapping of attribute to source value)."""
    kind = KINDS[model]
    out: list[Text] = []
    for name, attribute in FIELDS[kind].items():
        if kind == "questionnaire" and name == "names":
            for key in NAME_KEYS:
                value = row.get(f"{key}_name") or ""
                if value.strip() and value != DEFAULT_NAMES[key]:
                    out.append(Text(f"{model}-{pk}-{key}_name", f"{key}_name", value))
        elif kind == "questionnaire" and name == MAPPING_LABELS:
            labels = row.get(MAPPING_LABELS)
            if isinstance(labels, dict):
                for index, key in enumerate(sorted(labels)):
                    value = labels[key]
                    if isinstance(value, str) and value.strip():
                        slot = f"{model}-{pk}-{MAPPING_LABELS}-{index}"
                        out.append(Text(slot, MAPPING_LABELS, value, key=str(key)))
        else:
            value = row.get(attribute) or ""
            if isinstance(value, str) and value.strip():
                out.append(Text(f"{model}-{pk}-{attribute}", attribute, value))
    return tuple(out)


def translation(item: Item, text: Text, language: str) -> str:
    """The stored translation of `text` into `language`, or "" where there is none."""
    entry = item.translations.get(language) if isinstance(item.translations, Mapping) else None
    if not isinstance(entry, Mapping):
        return ""
    value = entry.get(text.field)
    if text.key is not None:
        value = value.get(text.key) if isinstance(value, Mapping) else None
    return value if isinstance(value, str) and value.strip() else ""


def languages_to_report(
    source_language: str, configured: Iterable[str], items: Iterable[Item]
) -> list[str]:
    """The configured languages other than the source, then any other language the version has
    translations in, alphabetically."""
    configured = [code for code in configured if code != source_language]
    present = {
        str(language)
        for item in items
        if isinstance(item.translations, Mapping)
        for language in item.translations
    }
    extra = sorted(present - set(configured) - {source_language})
    return configured + extra


def status(items: Sequence[Item], languages: Iterable[str]) -> list[LanguageStatus]:
    """Per language, how many texts there are and which ones have no translation."""
    texts = [(item, text) for item in items for text in item.texts]
    return [
        LanguageStatus(
            language,
            len(texts),
            tuple((item, text) for item, text in texts if not translation(item, text, language)),
        )
        for language in languages
    ]


def with_translations(item: Item, language: str, values: Mapping[str, str]) -> Stored:
    """The item's stored translations with `language`'s texts set from `values` (by slot).

    A non-empty value adds or replaces a translation, an empty one removes it; a language left
    with no text is removed. Texts of other languages, and fields not listed, stay as they are.
    """
    stored: Stored = {
        str(language_): dict(entry) if isinstance(entry, Mapping) else entry
        for language_, entry in (item.translations or {}).items()
    }
    current = stored.get(language)
    entry: dict[str, Any] = dict(current) if isinstance(current, Mapping) else {}
    for text in item.texts:
        value = (values.get(text.slot) or "").strip()
        if text.key is None:
            if value:
                entry[text.field] = value
            else:
                entry.pop(text.field, None)
            continue
        found = entry.get(text.field)
        labels = dict(found) if isinstance(found, Mapping) else {}
        if value:
            labels[text.key] = value
        else:
            labels.pop(text.key, None)
        if labels:
            entry[text.field] = labels
        else:
            entry.pop(text.field, None)
    if entry:
        stored[language] = entry
    else:
        stored.pop(language, None)
    return stored


# --- Reading a version's rows --------------------------------------------------------------------


def load_items(questionnaire_id: int) -> list[Item]:
    """A version's translatable rows as items, in the order an author reads them: the version,
    its scale, stages, layers, pillars, then each section followed by its questions, each
    question followed by its options. One query per kind of row."""
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

    def columns(kind: str) -> list[str]:
        if kind == "questionnaire":
            names = [f"{key}_name" for key in NAME_KEYS]
            return ["title", "description", *names, MAPPING_LABELS]
        return [attribute for attribute in FIELDS[kind].values() if attribute]

    def item(model: str, row: Mapping[str, Any], name: str, parent: str = "") -> Item:
        return Item(
            model,
            row["pk"],
            texts_of(model, row["pk"], row),
            row["translations"] if isinstance(row["translations"], dict) else {},
            name=name,
            parent=parent,
        )

    def rows(queryset, kind: str, *extra: str) -> list[dict[str, Any]]:
        return list(queryset.values("pk", "translations", *extra, *columns(kind)))

    version = rows(Questionnaire.objects.filter(pk=questionnaire_id), "questionnaire")
    items = [item("questionnaire", row, "") for row in version]
    for row in rows(
        ScaleLevel.objects.filter(questionnaire=questionnaire_id).order_by("score"),
        "scale",
        "score",
    ):
        items.append(item("scalelevel", row, str(row["score"])))
    for model, queryset, order in (
        ("stage", Stage.objects, "level"),
        ("layer", Layer.objects, "order"),
        ("pillar", Pillar.objects, "order"),
    ):
        for row in rows(
            queryset.filter(questionnaire=questionnaire_id).order_by(order, "pk"),
            KINDS[model],
            "key",
        ):
            items.append(item(model, row, row["key"]))
    options: dict[int, list[Item]] = {}
    for row in rows(
        AnswerOption.objects.filter(question__questionnaire=questionnaire_id).order_by(
            "question_id", "order", "score"
        ),
        "option",
        "score",
        "question_id",
    ):
        options.setdefault(row["question_id"], []).append(
            item("answeroption", row, str(row["score"]))
        )
    questions: dict[int, list[Item]] = {}
    for row in rows(
        Question.objects.filter(questionnaire=questionnaire_id).order_by("order", "pk"),
        "question",
        "key",
        "section_id",
    ):
        questions.setdefault(row["section_id"], []).append(item("question", row, row["key"]))
    for row in rows(
        Section.objects.filter(questionnaire=questionnaire_id).order_by("order", "pk"),
        "section",
        "key",
    ):
        items.append(item("section", row, row["key"]))
        for question in questions.get(row["pk"], []):
            items.append(replace(question, parent=row["key"]))
            for option in options.get(question.pk, []):
                items.append(replace(option, parent=question.name))
    return items
