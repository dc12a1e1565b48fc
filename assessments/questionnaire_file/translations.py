"""Translations of a questionnaire's texts, as the file writes them and as rows store them.

In the file, an item's `translations` maps a language to the item's texts in that language, with
the file's field names (a question's `help`, the top level's `names`). A row stores the same under
its own attribute names (`help_text`, `stage_name`) in its `translations` column
(assessments/content_language.py reads them). Both orders are fixed on the way out, languages
alphabetically and fields in the order below, because PostgreSQL's JSON keeps no key order and an
export must read the same from either database.
"""

from __future__ import annotations

import re
from typing import Any

# The translatable fields of each kind of item: the file's name, then the row's attribute.
FIELDS: dict[str, dict[str, str]] = {
    "questionnaire": {
        "title": "title",
        "description": "description",
        "names": "",  # a mapping of the six names, stored as `stage_name`…`pillars_name`
        "mapping_labels": "mapping_labels",
    },
    "scale": {"label": "label", "description": "description"},
    "option": {"label": "label", "description": "description"},
    "stage": {"name": "name", "description": "description", "characteristics": "characteristics"},
    "taxon": {"name": "name", "description": "description"},
    "section": {
        "title": "title",
        "description": "description",
        "help": "help",
        "recommendations": "recommendations",
    },
    "question": {"text": "text", "help": "help_text", "recommendation": "recommendation"},
}
NAME_KEYS = ("stage", "stages", "layer", "layers", "pillar", "pillars")

# BCP 47 as people write it for a content language: fr, de, es, pt-BR, zh-Hant.
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
MAX_LANGUAGES = 30
# As long as the source texts may be (rules.py): a translation lays out in the same places.
LENGTHS = {"title": 200, "label": 200, "name": 120}

type Translations = dict[str, dict[str, Any]]


def to_stored(kind: str, translations: Translations) -> Translations:
    """The file's translations of one item as its row stores them."""
    fields = FIELDS[kind]
    stored: Translations = {}
    for language, texts in translations.items():
        entry: dict[str, Any] = {}
        for name, value in texts.items():
            if name == "names" and kind == "questionnaire":
                entry |= {f"{key}_name": text for key, text in value.items()}
            else:
                entry[fields.get(name) or name] = value
        stored[language] = entry
    return stored


def from_stored(kind: str, stored: object) -> Translations:
    """A row's translations with the file's field names, in the file's order."""
    if not isinstance(stored, dict):
        return {}
    attributes = {attribute: name for name, attribute in FIELDS[kind].items() if attribute}
    out: Translations = {}
    for language, texts in stored.items():
        if not isinstance(texts, dict):
            out[str(language)] = {}
            continue
        entry: dict[str, Any] = {}
        for attribute, value in texts.items():
            if kind == "questionnaire" and attribute.endswith("_name"):
                entry.setdefault("names", {})[attribute.removesuffix("_name")] = value
            else:
                # What no field takes keeps its stored name, for the rules to name.
                entry[attributes.get(attribute) or attribute] = value
        out[str(language)] = entry
    return in_file_order(kind, out)


def problems(kind: str, translations: object, source_language: str) -> list[str]:
    """What is wrong with one item's translations (each without the item's name)."""
    if translations in (None, {}):
        return []
    if not isinstance(translations, dict):
        return ["'translations' must map languages to texts"]
    out = []
    if len(translations) > MAX_LANGUAGES:
        out.append(f"{len(translations)} languages; at most {MAX_LANGUAGES}")
    for language, texts in translations.items():
        if not isinstance(language, str) or not LANGUAGE_TAG.match(language):
            out.append(f"translation language {language!r} is not a language tag like fr or pt-BR")
            continue
        if language == source_language:
            out.append(
                f"a translation into {language!r}, the questionnaire's own language; "
                "write those texts in the fields themselves"
            )
        if not isinstance(texts, dict):
            out.append(f"translation {language!r} must map fields to texts")
            continue
        for name, value in texts.items():
            if name not in FIELDS[kind]:
                known = ", ".join(FIELDS[kind])
                out.append(f"translation {language!r}: unknown field {name!r} (known: {known})")
            elif name in ("names", "mapping_labels"):
                if not isinstance(value, dict) or not all(
                    isinstance(v, str) and v.strip() for v in value.values()
                ):
                    out.append(f"translation {language!r}: {name!r} must map keys to texts")
                elif name == "names" and set(value) - set(NAME_KEYS):
                    unknown = ", ".join(sorted(set(value) - set(NAME_KEYS)))
                    out.append(f"translation {language!r}: unknown names {unknown}")
            elif not isinstance(value, str) or not value.strip():
                out.append(f"translation {language!r}: {name!r} must be text, not empty")
            elif len(value) > LENGTHS.get(name, len(value)):
                out.append(
                    f"translation {language!r}: {name!r} is {len(value)} characters long; "
                    f"at most {LENGTHS[name]}"
                )
    return out


def languages(stored: object) -> set[str]:
    return set(stored) if isinstance(stored, dict) else set()


def in_file_order(kind: str, translations: Translations) -> Translations:
    """Languages alphabetically, each one's fields in the order of FIELDS (the six names in
    their own order, mapping labels by key); what no field takes last, as given."""
    out: Translations = {}
    for language in sorted(translations):
        texts = translations[language]
        entry: dict[str, Any] = {}
        for name in FIELDS[kind]:
            if name not in texts:
                continue
            value = texts[name]
            if name == "names" and isinstance(value, dict):
                value = {k: value[k] for k in NAME_KEYS if k in value} | {
                    k: v for k, v in value.items() if k not in NAME_KEYS
                }
            elif isinstance(value, dict):
                value = dict(sorted(value.items()))
            entry[name] = value
        entry |= {k: v for k, v in texts.items() if k not in FIELDS[kind]}
        out[language] = entry
    return out
