"""The rules a questionnaire version must follow to be published: one set, over plain data.

Every way into a published version goes through `problems`: `load_questionnaire` and the admin
import (through `parse_document`), and the admin's and `publish_questionnaire`'s publication
(through `assessments.publication_checks`, which reads a stored draft into the same
`QuestionnaireDoc`). So a file that loads as published also passes the admin's check, and the
other way round. The rules are listed in docs/questionnaire-format.md ("Validation rules").

Each problem names its item twice, once as a file author finds it (`sections[1] (key 'program')
.questions[0] (key 'policy')`) and once as an admin author does (`Question 'policy' (section
'program')`), and every message names the offending values and what is allowed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from assessments.questionnaire_file import translations

if TYPE_CHECKING:
    from assessments.questionnaire_file.document import (
        OptionDoc,
        QuestionDoc,
        QuestionnaireDoc,
        SectionDoc,
        ShowIfDoc,
        StandardDoc,
        TaxonDoc,
    )

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ALL_LAYERS = "all"

# Question.weight is a DecimalField(max_digits=5, decimal_places=2): what it holds exactly.
WEIGHT_DECIMALS = 2
MIN_WEIGHT = Decimal("0.01")
MAX_WEIGHT = Decimal("999.99")
DEFAULT_WEIGHT = Decimal(1)

# How a version is scored (docs/scoring.md); files without `scoring.method` are gated.
GATED = "gated"
METHODS = (GATED, "bands", "progress")

# What a version calls its levels and its two axes, singular and plural (`names` in the file).
# The defaults are the shipped model's words, so files written before `names` mean what they did.
DEFAULT_NAMES = {
    "stage": "Stage",
    "stages": "Stages",
    "layer": "Layer of work",
    "layers": "Layers of work",
    "pillar": "Pillar of support",
    "pillars": "Pillars of support",
}
NAME_WORD_LENGTH = 60
# The types of question (docs/questionnaire-format.md, "Question types"); files without `type`
# ask single-choice questions.
SINGLE, CHECKLIST, TEXT = "single", "checklist", "text"
TYPES = (SINGLE, CHECKLIST, TEXT)
MAX_BOX_WEIGHT = 100
# `scale: own`: a single-choice question whose options score on their own range, from 0.
OWN_SCALE = "own"

DEFAULT_THRESHOLD = 70
DEFAULT_CORE_MINIMUM = 2
MAX_SCORE = 100
MAX_VERSION = 2**31 - 1

# The lengths of the database columns (assessments/models/questionnaire.py).
KEY_LENGTH = 80
NAME_LENGTH = 120
TITLE_LENGTH = 200
LABEL_LENGTH = 200
LANGUAGE_LENGTH = 16
# A section's own content: Markdown texts and links (Section.help, .recommendations, .resources).
MARKDOWN_LENGTH = 20_000
MAX_RESOURCES = 20
RESOURCE_TITLE_LENGTH = 200
URL_LENGTH = 1000
URL_SCHEMES = ("http", "https")
# Standards the questions map to (`standards`), and each question's crosswalk (`mappings`).
MAX_STANDARDS = 20
STANDARD_NAME_LENGTH = 200
STANDARD_DESCRIPTION_LENGTH = 2000
MAX_AREAS = 200
AREA_ID_LENGTH = 40
AREA_NAME_LENGTH = 200
AREA_DESCRIPTION_LENGTH = 1000
# What a standard calls its areas (`names` on a standard), singular and plural.
DEFAULT_AREA_NAMES = {"area": "Area", "areas": "Areas"}
MAX_MAPPING_KEYS = 20
MAX_REFERENCES = 50
REFERENCE_LENGTH = 40
# A problem lists a standard's area ids when it has no more than this many.
LISTED_AREAS = 12


@dataclass(frozen=True)
class Problem:
    """One broken rule: where it is, for each audience, and what is wrong."""

    path: str  # in the file: "sections[1] (key 'program').questions[0] (key 'policy')"; "" = top
    item: str  # in the admin: "Question 'policy' (section 'program')"
    message: str

    def in_file(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def in_admin(self) -> str:
        return f"{self.item}: {self.message}"


def _numbers(values: Iterable[int]) -> str:
    return ", ".join(str(v) for v in values)


def _keys(keys: Iterable[str]) -> str:
    return ", ".join(repr(k) for k in keys)


def scale_text(scale: list[int]) -> str:
    """'0–4' for a scale without gaps, '0, 2, 4' otherwise."""
    if scale and scale == list(range(scale[0], scale[-1] + 1)) and len(scale) > 2:
        return f"{scale[0]}–{scale[-1]}"
    return _numbers(scale)


def located(list_name: str, index: int, key: str | None) -> str:
    """The file path of an entry of a list: `stages[2] (key 'strategy')`."""
    return f"{list_name}[{index}]" + (f" (key {key!r})" if key else "")


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, item: str, message: str) -> None:
        self.problems.append(Problem(path, item, message))


def problems(doc: QuestionnaireDoc) -> list[Problem]:
    """Every rule `doc` breaks, in the file's order; an empty list means it can be published."""
    c = _Collector()
    scale = sorted(level.score for level in doc.scale)
    _questionnaire_rules(c, doc, scale)
    _scale_rules(c, doc, scale)
    for list_name, label, taxa, minimum in (
        ("stages", "Stage", doc.stages, 2),
        # A model may have no layers or no pillars: that axis is then absent everywhere.
        ("layers", "Layer", doc.layers, 0),
        ("pillars", "Pillar", doc.pillars, 0),
    ):
        _taxon_rules(c, doc, list_name, label, taxa, minimum)
    _name_rules(c, doc)
    _standard_rules(c, doc, scale)
    _section_rules(c, doc)
    standards: dict[str, tuple[int, StandardDoc]] = {}
    for index, standard in enumerate(doc.standards):
        standards.setdefault(standard.key, (index, standard))
    for s_index, section in enumerate(doc.sections):
        s_path = located("sections", s_index, section.key)
        for q_index, question in enumerate(section.questions):
            q_path = f"{s_path}.{located('questions', q_index, question.key)}"
            item = f"Question '{question.key}' (section '{section.key}')"
            _question_rules(c, doc, scale, question, q_path, item)
            _mapping_rules(c, standards, question.mappings, q_path, item)
    _unique(c, "questions", "Question", [q.key for q in doc.questions()])
    _show_if_rules(c, doc)
    _empty_part_rules(c, doc)
    _scoring_rules(c, doc, scale)
    _translation_rules(c, doc)
    return c.problems


def _translation_rules(c: _Collector, doc: QuestionnaireDoc) -> None:
    """Each item's translations: language tags, known fields, texts (translations.py)."""

    def check(kind: str, found: dict, path: str, item: str) -> None:
        for message in translations.problems(kind, found, doc.language):
            c.add(path, item, message)

    check("questionnaire", doc.translations, "", "Questionnaire")
    for index, level in enumerate(doc.scale):
        check("scale", level.translations, f"scale[{index}]", f"Scale level {index + 1}")
    for list_name, label, kind, taxa in (
        ("stages", "Stage", "stage", doc.stages),
        ("layers", "Layer", "taxon", doc.layers),
        ("pillars", "Pillar", "taxon", doc.pillars),
    ):
        for index, taxon in enumerate(taxa):
            check(
                kind,
                taxon.translations,
                located(list_name, index, taxon.key),
                f"{label} '{taxon.key}'",
            )
    for s_index, section in enumerate(doc.sections):
        s_path = located("sections", s_index, section.key)
        check("section", section.translations, s_path, f"Section '{section.key}'")
        for q_index, question in enumerate(section.questions):
            q_path = f"{s_path}.{located('questions', q_index, question.key)}"
            item = f"Question '{question.key}' (section '{section.key}')"
            check("question", question.translations, q_path, item)
            for o_index, option in enumerate(question.options):
                check(
                    "option",
                    option.translations,
                    f"{q_path}.options[{o_index}]",
                    f"{item} option {o_index + 1}",
                )


def _text_rules(
    c: _Collector,
    path: str,
    item: str,
    name: str,
    value: str,
    *,
    required: bool,
    length: int | None = None,
) -> None:
    if required and not value.strip():
        c.add(path, item, f"{name!r} is empty")
    if length is not None and len(value) > length:
        c.add(path, item, f"{name!r} has {len(value)} characters; at most {length} are kept")


def _key_rules(c: _Collector, path: str, item: str, key: str) -> None:
    if not key:
        c.add(path, item, "'key' is empty")
    elif not KEY_PATTERN.match(key):
        c.add(
            path,
            item,
            f"key {key!r} must be lowercase letters and digits joined by '-', "
            "e.g. 'open-source-policy'",
        )
    if len(key) > KEY_LENGTH:
        c.add(path, item, f"key {key!r} has {len(key)} characters; at most {KEY_LENGTH}")


def _unique(c: _Collector, list_name: str, label: str, keys: list[str]) -> None:
    for key, count in Counter(keys).items():
        if key and count > 1:
            c.add(
                list_name,
                f"{label} '{key}'",
                f"key {key!r} is used {count} times; each {label.lower()} needs its own key",
            )


def _questionnaire_rules(c: _Collector, doc: QuestionnaireDoc, scale: list[int]) -> None:
    item = f"Questionnaire '{doc.key}'"
    _key_rules(c, "", item, doc.key)
    if not 1 <= doc.version <= MAX_VERSION:
        c.add("", item, f"version {doc.version} must be between 1 and {MAX_VERSION}")
    _text_rules(c, "", item, "title", doc.title, required=True, length=TITLE_LENGTH)
    _text_rules(c, "", item, "language", doc.language, required=True, length=LANGUAGE_LENGTH)
    if not 1 <= doc.threshold <= 100:
        c.add(
            "scoring",
            item,
            f"threshold {doc.threshold} is outside 1–100 (a percentage; "
            f"default {DEFAULT_THRESHOLD})",
        )
    if scale and not scale[0] <= doc.core_minimum <= scale[-1]:
        c.add(
            "scoring",
            item,
            f"core_minimum {doc.core_minimum} is not within the scale ({scale_text(scale)}); "
            f"default {DEFAULT_CORE_MINIMUM}",
        )


def _name_rules(c: _Collector, doc: QuestionnaireDoc) -> None:
    for name, value in doc.names.items():
        _text_rules(c, "names", "Names", name, value, required=True, length=NAME_WORD_LENGTH)
    used = {key for stage in doc.stages for key in stage.mappings}
    used |= {key for question in doc.questions() for key in question.mappings}
    for key, label in doc.mapping_labels.items():
        if key not in used:
            c.add(
                "mapping_labels",
                "Mapping labels",
                f"{key!r} labels no stage's or question's mappings "
                f"(used: {_keys(sorted(used)) or 'none'})",
            )
        _text_rules(
            c, "mapping_labels", "Mapping labels", key, label, required=True, length=LABEL_LENGTH
        )


def _scale_rules(c: _Collector, doc: QuestionnaireDoc, scale: list[int]) -> None:
    if len(doc.scale) < 2:
        c.add(
            "scale",
            "Scale",
            f"{len(doc.scale)} level{'s' if len(doc.scale) != 1 else ''} "
            f"(scores {_numbers(scale) or 'none'}); a scale needs at least 2",
        )
    _option_list_rules(c, "scale", "Scale", doc.scale, what="level")
    if scale and scale[0] != 0:
        c.add("scale", "Scale", f"the lowest score is {scale[0]}; it must be 0")


def _option_list_rules(
    c: _Collector, path: str, item: str, options: list[OptionDoc], *, what: str
) -> None:
    """Rules shared by the scale's levels and a question's options: scores and labels."""
    for index, option in enumerate(options):
        at = f"{path}[{index}]"
        if not 0 <= option.score <= MAX_SCORE:
            c.add(at, item, f"{what} {index + 1}: score {option.score} is outside 0–{MAX_SCORE}")
        label_item = f"{item} {what} {index + 1}"
        _text_rules(c, at, label_item, "label", option.label, required=True, length=LABEL_LENGTH)
    scores = [option.score for option in options]
    if len(set(scores)) != len(scores):
        c.add(
            path,
            item,
            f"scores {_numbers(scores)}: each {what} needs its own score; "
            "'don't know' is added for you",
        )


def _taxon_rules(
    c: _Collector,
    doc: QuestionnaireDoc,
    list_name: str,
    label: str,
    taxa: list[TaxonDoc],
    minimum: int,
) -> None:
    if len(taxa) < minimum:
        found = f" ({_keys(t.key for t in taxa)})" if taxa else ""
        c.add(
            list_name,
            f"{label}s",
            f"{len(taxa)} {label.lower()}{'s' if len(taxa) != 1 else ''}{found}; "
            f"a questionnaire needs at least {minimum}",
        )
    for index, taxon in enumerate(taxa):
        path, item = located(list_name, index, taxon.key), f"{label} '{taxon.key}'"
        _key_rules(c, path, item, taxon.key)
        _text_rules(c, path, item, "name", taxon.name, required=True, length=NAME_LENGTH)
        if taxon.threshold is not None and not 1 <= taxon.threshold <= 100:
            c.add(
                path,
                item,
                f"threshold {taxon.threshold} is outside 1–100 (a percentage; leave it out to "
                f"use the questionnaire's {doc.threshold})",
            )
    _unique(c, list_name, label, [t.key for t in taxa])


def url_problem(url: str) -> str | None:
    """What is wrong with a resource's link, or None: an absolute http or https URL, whole.

    Anything else (javascript:, data:, a relative path, a URL with spaces) is refused rather
    than repaired: the page shows it as a link, so it must lead where it says.
    """
    if not url.strip():
        return "the URL is empty"
    if len(url) > URL_LENGTH:
        return f"the URL has {len(url)} characters; at most {URL_LENGTH}"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return f"URL {url!r} contains spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"URL {url!r} cannot be read"
    if parts.scheme.lower() not in URL_SCHEMES:
        scheme = parts.scheme or "none"
        return f"URL {url!r} must start with http:// or https:// (scheme {scheme!r})"
    if not parts.hostname:
        return f"URL {url!r} names no host"
    return None


def _standard_rules(c: _Collector, doc: QuestionnaireDoc, scale: list[int]) -> None:
    """Each standard: its key, texts and link, its own minimum score, and 1 to 200 areas with
    distinct ids."""
    if len(doc.standards) > MAX_STANDARDS:
        c.add(
            "standards",
            "Standards",
            f"{len(doc.standards)} standards; a questionnaire lists at most {MAX_STANDARDS}",
        )
    for index, standard in enumerate(doc.standards):
        path, item = located("standards", index, standard.key), f"Standard '{standard.key}'"
        _key_rules(c, path, item, standard.key)
        _text_rules(
            c, path, item, "name", standard.name, required=True, length=STANDARD_NAME_LENGTH
        )
        _text_rules(
            c,
            path,
            item,
            "description",
            standard.description,
            required=False,
            length=STANDARD_DESCRIPTION_LENGTH,
        )
        if standard.url:
            problem = url_problem(standard.url)
            if problem is not None:
                c.add(path, item, problem)
        for name, value in (("area", standard.area_name), ("areas", standard.areas_name)):
            _text_rules(
                c, f"{path}.names", item, name, value, required=True, length=NAME_WORD_LENGTH
            )
        _minimum_rules(c, doc, scale, standard, path, item)
        _area_rules(c, standard, path, item)
    _unique(c, "standards", "Standard", [s.key for s in doc.standards])


def _minimum_rules(
    c: _Collector,
    doc: QuestionnaireDoc,
    scale: list[int],
    standard: StandardDoc,
    path: str,
    item: str,
) -> None:
    if standard.minimum is None:
        return
    if not standard.assess:
        c.add(
            path,
            item,
            f"minimum {standard.minimum} is used only when the standard is assessed; "
            "leave it out, or leave 'assess' out",
        )
    elif scale and not scale[0] <= standard.minimum <= scale[-1]:
        c.add(
            path,
            item,
            f"minimum {standard.minimum} is not within the scale ({scale_text(scale)}); "
            f"leave it out to use scoring.core_minimum ({doc.core_minimum})",
        )


def _area_rules(c: _Collector, standard: StandardDoc, path: str, item: str) -> None:
    areas = standard.areas
    if not areas:
        c.add(path, item, f"has no areas; a standard lists 1 to {MAX_AREAS}")
    elif len(areas) > MAX_AREAS:
        c.add(path, item, f"{len(areas)} areas; a standard lists at most {MAX_AREAS}")
    for index, area in enumerate(areas):
        at, what = f"{path}.areas[{index}]", f"{item} area {index + 1}"
        if not area.id.strip():
            c.add(at, what, "'id' is empty")
        elif len(area.id) > AREA_ID_LENGTH:
            c.add(
                at,
                what,
                f"id {area.id!r} has {len(area.id)} characters; at most {AREA_ID_LENGTH}",
            )
        _text_rules(c, at, what, "name", area.name, required=True, length=AREA_NAME_LENGTH)
        _text_rules(
            c,
            at,
            what,
            "description",
            area.description,
            required=False,
            length=AREA_DESCRIPTION_LENGTH,
        )
    for area_id, count in Counter(a.id for a in areas).items():
        if area_id.strip() and count > 1:
            c.add(
                f"{path}.areas",
                item,
                f"area id {area_id!r} is used {count} times; each area needs its own id",
            )


def _allowed_areas(index: int, standard: StandardDoc) -> str:
    ids = [area.id for area in standard.areas]
    if not ids:
        return "it has no areas"
    if len(ids) <= LISTED_AREAS:
        return f"its areas: {_keys(ids)}"
    return f"{len(ids)} areas, {ids[0]!r} to {ids[-1]!r}; see standards[{index}]"


def _mapping_rules(
    c: _Collector,
    standards: dict[str, tuple[int, StandardDoc]],
    mappings: dict[str, list[str]],
    path: str,
    item: str,
) -> None:
    """A question's crosswalk: keys like any key, 1 to 50 distinct references each; under the
    key of one of the version's standards, only ids of its areas. Another key is a free
    reference (a model without a standard listed, such as a label only)."""
    if not mappings:
        return
    at, what = f"{path}.mappings", f"{item} mappings"
    if len(mappings) > MAX_MAPPING_KEYS:
        c.add(
            at,
            what,
            f"{len(mappings)} keys; a question maps to at most {MAX_MAPPING_KEYS} standards "
            "or models",
        )
    for key, refs in mappings.items():
        if not KEY_PATTERN.match(key):
            c.add(
                at,
                what,
                f"key {key!r} must be lowercase letters and digits joined by '-', e.g. 'iso-5230'",
            )
        elif len(key) > KEY_LENGTH:
            c.add(at, what, f"key {key!r} has {len(key)} characters; at most {KEY_LENGTH}")
        if not refs:
            c.add(
                at,
                what,
                f"{key!r} lists no references; list 1 to {MAX_REFERENCES}, or leave {key!r} out",
            )
            continue
        if len(refs) > MAX_REFERENCES:
            c.add(at, what, f"{key!r} lists {len(refs)} references; at most {MAX_REFERENCES}")
        empty = [str(number) for number, ref in enumerate(refs, start=1) if not ref.strip()]
        if empty:
            c.add(
                at,
                what,
                f"{key!r}: reference{'s' if len(empty) > 1 else ''} {', '.join(empty)} "
                f"{'are' if len(empty) > 1 else 'is'} empty",
            )
        for ref in dict.fromkeys(refs):
            if len(ref) > REFERENCE_LENGTH:
                c.add(
                    at,
                    what,
                    f"{key!r}: reference {ref!r} has {len(ref)} characters; "
                    f"at most {REFERENCE_LENGTH}",
                )
        for ref, count in Counter(refs).items():
            if ref.strip() and count > 1:
                c.add(at, what, f"{key!r} lists {ref!r} {count} times; list each reference once")
        if key in standards:
            index, standard = standards[key]
            ids = {area.id for area in standard.areas}
            unknown = [ref for ref in dict.fromkeys(refs) if ref.strip() and ref not in ids]
            if unknown:
                several = len(unknown) > 1
                c.add(
                    at,
                    what,
                    f"{key!r} lists {_keys(unknown)}, "
                    f"{'not areas' if several else 'not an area'} of that standard "
                    f"({_allowed_areas(index, standard)})",
                )


def _section_content_rules(c: _Collector, path: str, item: str, section: SectionDoc) -> None:
    for name, value in (("help", section.help), ("recommendations", section.recommendations)):
        _text_rules(c, path, item, name, value, required=False, length=MARKDOWN_LENGTH)
    if len(section.resources) > MAX_RESOURCES:
        c.add(
            path,
            item,
            f"{len(section.resources)} resources; a section may list at most {MAX_RESOURCES}",
        )
    for index, resource in enumerate(section.resources):
        at, what = f"{path}.resources[{index}]", f"{item} resource {index + 1}"
        _text_rules(
            c, at, what, "title", resource.title, required=True, length=RESOURCE_TITLE_LENGTH
        )
        problem = url_problem(resource.url)
        if problem is not None:
            c.add(at, what, problem)


def _section_rules(c: _Collector, doc: QuestionnaireDoc) -> None:
    if not doc.sections:
        c.add("sections", "Sections", "0 sections; a questionnaire needs at least 1")
    for index, section in enumerate(doc.sections):
        path, item = located("sections", index, section.key), f"Section '{section.key}'"
        _key_rules(c, path, item, section.key)
        _text_rules(c, path, item, "title", section.title, required=True, length=TITLE_LENGTH)
        if not section.questions:
            c.add(path, item, "has no questions; a section needs at least 1")
        _section_content_rules(c, path, item, section)
    _unique(c, "sections", "Section", [s.key for s in doc.sections])


def _question_rules(
    c: _Collector,
    doc: QuestionnaireDoc,
    scale: list[int],
    question: QuestionDoc,
    path: str,
    item: str,
) -> None:
    _key_rules(c, path, item, question.key)
    _text_rules(c, path, item, "text", question.text, required=True)
    if question.pillar is None and doc.pillars:
        c.add(
            path,
            item,
            f"'pillar' is missing; it is one of: {', '.join(t.key for t in doc.pillars)}",
        )
    for name, value, taxa in (
        ("stage", question.stage, doc.stages),
        ("pillar", question.pillar, doc.pillars),
        ("layer", question.layer, doc.layers),
    ):
        keys = [t.key for t in taxa]
        if value is not None and value not in keys:
            allowed = ", ".join(dict.fromkeys(keys + ([ALL_LAYERS] if name == "layer" else [])))
            if not keys:
                allowed = f"none: the questionnaire has no {name}s, leave {name!r} out"
            c.add(path, item, f"{name} {value!r} is not one of: {allowed}")
    _weight_rules(c, path, item, question.weight)
    if question.type == CHECKLIST:
        _box_rules(c, question.options, path, item)
    elif question.type == TEXT:
        _text_question_rules(c, question, path, item)
    elif question.type == SINGLE and question.own_scale:
        _own_scale_rules(c, question.options, path, item)
    elif question.type == SINGLE:
        _question_option_rules(c, scale, question.options, path, item)
    else:
        c.add(path, item, f"type {question.type!r} is not one of: {', '.join(TYPES)}")
    if question.own_scale and question.type != SINGLE:
        c.add(
            path,
            item,
            f"scale {OWN_SCALE!r} is for single-choice questions only, not type {question.type!r}",
        )


def _own_scale_rules(c: _Collector, options: list[OptionDoc], path: str, item: str) -> None:
    """Options on the question's own range: at least 2, from 0, the highest at most MAX_SCORE."""
    if not options:
        c.add(
            path,
            item,
            f"scale {OWN_SCALE!r} but no options; list at least 2, scored from 0 (0–2, 0–10…)",
        )
        return
    o_path = f"{path}.options"
    _option_list_rules(c, o_path, item, options, what="option")
    scores = sorted(option.score for option in options)
    if len(options) < 2:
        c.add(o_path, item, f"1 answer option (score {scores[0]}); a question needs at least 2")
    elif scores[0] != 0:
        c.add(
            o_path,
            item,
            f"scores {_numbers(scores)}: on its own scale a question's lowest score is 0",
        )


def _show_if_rules(c: _Collector, doc: QuestionnaireDoc) -> None:
    """A condition names an earlier question that has answers (not free text), and answers it
    has: scores of its options for a single choice, labels of its boxes for a checklist. As the
    question it hangs on always comes earlier, conditions never go round in a cycle."""
    earlier: dict[str, QuestionDoc] = {}
    every = {q.key: q for q in doc.questions()}
    for s_index, section in enumerate(doc.sections):
        s_path = located("sections", s_index, section.key)
        for q_index, question in enumerate(section.questions):
            show_if = question.show_if
            if show_if is not None:
                path = f"{s_path}.{located('questions', q_index, question.key)}.show_if"
                item = f"Question '{question.key}' (section '{section.key}')"
                _show_if_rule(c, show_if, question.key, earlier, every, path, item)
            earlier.setdefault(question.key, question)


def _show_if_rule(
    c: _Collector,
    show_if: ShowIfDoc,
    key: str,
    earlier: dict[str, QuestionDoc],
    every: dict[str, QuestionDoc],
    path: str,
    item: str,
) -> None:
    on = show_if.question
    if not on:
        c.add(path, item, "show if: 'question' is missing; name the key of an earlier question")
        return
    governing = earlier.get(on)
    if governing is None:
        if on == key:
            message = f"show if: question {on!r} is this question; name an earlier question"
        elif on in every:
            message = (
                f"show if: question {on!r} comes after this one; a question can only depend "
                "on an earlier question"
            )
        else:
            message = f"show if: question {on!r} is not a question of this questionnaire"
        c.add(path, item, message)
        return
    if governing.type == TEXT:
        c.add(
            path,
            item,
            f"show if: question {on!r} is a text question, never scored; depend on a single "
            "choice or a checklist",
        )
        return
    if not show_if.answers:
        c.add(path, item, f"show if: no answers given; name at least 1 answer of {on!r}")
        return
    if governing.type == CHECKLIST:
        labels = [box.label for box in governing.options]
        unknown = [a for a in show_if.answers if not isinstance(a, str) or a not in labels]
        if unknown:
            c.add(
                path,
                item,
                f"show if: {', '.join(repr(a) for a in unknown)} "
                f"{'is' if len(unknown) == 1 else 'are'} not a box of "
                f"checklist {on!r} (its boxes: {_keys(labels)})",
            )
        return
    scores = sorted(option.score for option in governing.options)
    unknown = [
        a
        for a in show_if.answers
        if isinstance(a, bool) or not isinstance(a, int) or a not in scores
    ]
    if unknown:
        shown = ", ".join(repr(a) if not isinstance(a, int) else str(a) for a in unknown)
        c.add(
            path,
            item,
            f"show if: {shown} {'is' if len(unknown) == 1 else 'are'} not a score of question "
            f"{on!r} (its scores: {_numbers(scores)})",
        )


def _box_rules(c: _Collector, boxes: list[OptionDoc], path: str, item: str) -> None:
    """A checklist: at least one box that weighs something, at most one "none of these"."""
    o_path = f"{path}.options"
    if not boxes:
        c.add(path, item, "a checklist has no boxes; it needs at least 1 with a weight above 0")
        return
    for index, box in enumerate(boxes):
        at = f"{o_path}[{index}]"
        label_item = f"{item} box {index + 1}"
        _text_rules(c, at, label_item, "label", box.label, required=True, length=LABEL_LENGTH)
        if box.exclusive and box.weight:
            c.add(
                at,
                item,
                f"box {index + 1} ({box.label!r}) is exclusive ('none of these') and weighs "
                f"{box.weight}; an exclusive box weighs nothing, leave its weight out",
            )
        elif not 0 <= box.weight <= MAX_BOX_WEIGHT:
            c.add(
                at,
                item,
                f"box {index + 1} ({box.label!r}): weight {box.weight} is outside "
                f"0–{MAX_BOX_WEIGHT}",
            )
    exclusive = [box.label for box in boxes if box.exclusive]
    if len(exclusive) > 1:
        c.add(
            o_path,
            item,
            f"{len(exclusive)} exclusive boxes ({_keys(exclusive)}); a checklist has at most 1",
        )
    if not any(box.weight > 0 and not box.exclusive for box in boxes):
        weights = _numbers(box.weight for box in boxes)
        c.add(o_path, item, f"box weights {weights}: at least 1 box needs a weight above 0")
    labels = [box.label for box in boxes]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        c.add(o_path, item, f"labels {_keys(repeated)} are used twice; each box needs its own")


def _text_question_rules(c: _Collector, question: QuestionDoc, path: str, item: str) -> None:
    """Free text is never scored: no options, and nothing that only a score means."""
    if question.options:
        c.add(
            path,
            item,
            f"a text question has no answer options, but {len(question.options)} are given",
        )
    if question.core:
        c.add(path, item, "a text question is never scored, so it cannot be core")


def _weight_rules(c: _Collector, path: str, item: str, weight: Decimal) -> None:
    shown = format(weight, "f") if weight.is_finite() else str(weight)
    if not weight.is_finite() or not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        c.add(
            path,
            item,
            f"weight {shown} is outside {MIN_WEIGHT}–{MAX_WEIGHT} (default {DEFAULT_WEIGHT})",
        )
    elif weight != weight.quantize(Decimal(1).scaleb(-WEIGHT_DECIMALS)):
        # Refused rather than rounded: 0.125 stored as 0.12 would change the ratios silently.
        c.add(
            path,
            item,
            f"weight {shown} has more than {WEIGHT_DECIMALS} decimals, which are not kept; "
            "multiply every weight of the questionnaire by the same number to keep the ratios",
        )


def _question_option_rules(
    c: _Collector, scale: list[int], options: list[OptionDoc], path: str, item: str
) -> None:
    ends = f"the scale's lowest score {scale[0]} and highest {scale[-1]}" if scale else ""
    if not options:
        c.add(path, item, f"has no answer options; it needs at least 2, including {ends}")
        return
    o_path = f"{path}.options"
    _option_list_rules(c, o_path, item, options, what="option")
    scores = [option.score for option in options]
    if len(options) < 2:
        c.add(
            o_path,
            item,
            f"1 answer option (score {scores[0]}); a question needs at least 2, including {ends}",
        )
    if not scale:
        return
    outside = sorted(set(scores) - set(scale))
    if outside:
        verb = "is" if len(outside) == 1 else "are"
        c.add(
            o_path,
            item,
            f"score{'s' if len(outside) > 1 else ''} {_numbers(outside)} {verb} not on the "
            f"scale ({scale_text(scale)})",
        )
    lacks_lowest, lacks_highest = scale[0] not in scores, scale[-1] not in scores
    if lacks_lowest or lacks_highest:
        if lacks_lowest and lacks_highest:
            ends = f"lowest score {scale[0]} and highest {scale[-1]}"
        elif lacks_lowest:
            ends = f"lowest score {scale[0]}"
        else:
            ends = f"highest score {scale[-1]}"
        c.add(o_path, item, f"scores {_numbers(sorted(scores))} do not include the scale's {ends}")


def _empty_part_rules(c: _Collector, doc: QuestionnaireDoc) -> None:
    """Stages, layers and pillars no question is placed in.

    The lowest stage may stay empty: the scoring engine puts an organization at level 0 when
    nothing is attained, so an empty level 0 is the "nothing reached yet" floor. A higher stage
    without questions could never be measured, so it is almost certainly a mistake.
    """
    questions = doc.questions()
    used: dict[str, set[str | None]] = {
        "stage": {q.stage for q in questions},
        "pillar": {q.pillar for q in questions},
        "layer": {q.layer for q in questions},
    }
    # Only gated stages are reached through their questions; a band is a range of scores.
    for level, stage in enumerate(doc.stages if doc.method == GATED else []):
        if level > 0 and stage.key not in used["stage"]:
            c.add(
                located("stages", level, stage.key),
                f"Stage '{stage.key}'",
                f"level {level} has no questions; only the lowest stage (level 0) may have none",
            )
    # A question for every layer (layer `all`) is in each layer.
    if None not in used["layer"]:
        for index, layer in enumerate(doc.layers):
            if layer.key not in used["layer"]:
                c.add(
                    located("layers", index, layer.key),
                    f"Layer '{layer.key}'",
                    f"has no questions; place a question in it, or use layer '{ALL_LAYERS}' "
                    "for a practice of every layer",
                )
    for index, pillar in enumerate(doc.pillars):
        if pillar.key not in used["pillar"]:
            c.add(
                located("pillars", index, pillar.key),
                f"Pillar '{pillar.key}'",
                "has no questions",
            )


def _scoring_rules(c: _Collector, doc: QuestionnaireDoc, scale: list[int]) -> None:
    """The keys each scoring method needs, and only those: a file says what it is scored by."""
    if doc.method not in METHODS:
        c.add(
            "scoring",
            "Questionnaire",
            f"method {doc.method!r} is not one of {', '.join(METHODS)}",
        )
        return
    for index, stage in enumerate(doc.stages):
        path, item = located("stages", index, stage.key), f"Stage '{stage.key}'"
        if doc.method != GATED:
            for name, value in (
                ("threshold", stage.threshold),
                ("core_minimum", stage.core_minimum),
                ("floor", stage.floor or None),
            ):
                if value is not None:
                    c.add(path, item, f"{name} {value!r} is used by the gated method only")
        if stage.floor and index != 0:
            c.add(path, item, f"only the first stage may be the floor, not level {index}")
        if stage.band is not None and doc.method != "bands":
            c.add(path, item, f"band {list(stage.band)} is used by the bands method only")
        top = scale[-1] if scale else 0
        if stage.core_minimum is not None and not 0 <= stage.core_minimum <= top:
            c.add(
                path,
                item,
                f"core minimum {stage.core_minimum} is not a score of the scale "
                f"({scale_text(scale)})",
            )
    if doc.method == "bands":
        _band_rules(c, doc.stages)
    floors = {s.key for s in doc.stages if s.floor}
    for s_index, section in enumerate(doc.sections):
        for q_index, question in enumerate(section.questions):
            if question.stage in floors:
                c.add(
                    f"{located('sections', s_index, section.key)}."
                    f"{located('questions', q_index, question.key)}",
                    f"Question '{question.key}' (section '{section.key}')",
                    f"stage {question.stage!r} is the floor, where every organization starts: "
                    "it holds no question",
                )


def _band_rules(c: _Collector, stages: list[TaxonDoc]) -> None:
    """Ascending, contiguous bands from 0 to 100, one per stage (like FINOS's levels)."""
    expected = 0
    for index, stage in enumerate(stages):
        path, item = located("stages", index, stage.key), f"Stage '{stage.key}'"
        if stage.band is None:
            c.add(path, item, "has no band; a bands questionnaire needs one on every stage")
            return
        low, high = stage.band
        if low != expected:
            c.add(
                path,
                item,
                f"band [{low}, {high}] must start at {expected}, where the one below ends",
            )
            return
        if not low < high <= 100:
            c.add(path, item, f"band [{low}, {high}] must end above {low} and at 100 at most")
            return
        expected = high
    if expected != 100:
        c.add("stages", "Stages", f"the bands must reach 100; the last ends at {expected}")
