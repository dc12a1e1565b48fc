"""A questionnaire version's texts in the reader's language.

A version is written in one language (`Questionnaire.language`, its source) and may carry
translations of every text: each translatable row has a `translations` field, a mapping of
language to field to text (`{"fr": {"text": "…", "help_text": "…"}}`), which the questionnaire
file writes as each item's `translations` (docs/questionnaire-format.md, "Translations").

Reading a translatable field (`Question.text`, `Stage.name`…) gives the text in the active
language (`django.utils.translation.get_language()`: the reader's language in a request, the
strategy's document language while its PDF renders), or the source text where that language has
none. So every page, export and document shows the reader's language without asking for it, and
the caches of a published version keep model instances, which read their language on every
access. What writes or copies a version (saving a row, the admin's forms, the file export, a new
draft, the publication checks) reads the source text: saving always writes the source, and
`source_texts()` makes every read give it.

Rows read with `.values()` carry no descriptor: they read `translations` alongside and pass both
to `translated()`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Mapping
from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils import translation

_SOURCE_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar("source_only", default=False)


@contextlib.contextmanager
def source_texts() -> Iterator[None]:
    """Within this block every translatable field reads its source text."""
    token = _SOURCE_ONLY.set(True)
    try:
        yield
    finally:
        _SOURCE_ONLY.reset(token)


def reading_language() -> str | None:
    """The language texts are read in now; None while source texts are asked for."""
    if _SOURCE_ONLY.get():
        return None
    return translation.get_language()


def translated(source: Any, translations: Mapping | None, field: str) -> Any:
    """`field`'s text in the reading language, or `source` where it has no translation."""
    if not translations:
        return source
    language = reading_language()
    if not language:
        return source
    entry = translations.get(language)
    if entry is None and "-" in language:
        entry = translations.get(language.split("-", 1)[0])
    if not entry:
        return source
    value = entry.get(field)
    if not value:
        return source
    if isinstance(value, dict) and isinstance(source, dict):
        return {**source, **value}
    return value


class _TranslatedAttribute(DeferredAttribute):
    # A data descriptor (it has __set__), so that reading goes through __get__ even once the
    # value sits in the instance's __dict__, where Django's plain attribute is bypassed.
    def __set__(self, instance, value) -> None:
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        if instance is None:
            return value
        return translated(value, instance.__dict__.get("translations"), self.field.attname)


class _Translated:
    """Reads in the reading language; saves, forms and serializers see the source text."""

    descriptor_class: Any = _TranslatedAttribute

    def pre_save(self, model_instance, add):
        with source_texts():
            return super().pre_save(model_instance, add)  # type: ignore[misc]

    def value_from_object(self, obj):
        with source_texts():
            return super().value_from_object(obj)  # type: ignore[misc]

    def deconstruct(self):
        # Migrations see the plain field: reading in a language changes no column.
        name, path, args, kwargs = super().deconstruct()  # type: ignore[misc]
        path = path.replace("assessments.content_language.Translated", "django.db.models.")
        return name, path, args, kwargs


class TranslatedCharField(_Translated, models.CharField):
    pass


class TranslatedTextField(_Translated, models.TextField):
    pass


class TranslatedJSONField(_Translated, models.JSONField):
    """A mapping of texts (`mapping_labels`): a translation replaces the labels it gives."""


def translations_field() -> models.JSONField:
    from django.utils.translation import gettext_lazy as _

    return models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_("Per language, the texts of this item in that language."),
    )
