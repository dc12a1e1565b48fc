"""The questionnaire file as plain data: parsing, validation and canonical YAML.

Nothing here touches the database. `parse_document` turns YAML text into a `QuestionnaireDoc` or
raises `DocumentError` with every problem found, each naming the item (the YAML is read within
bounds by `bounded_yaml`, whose refusals are problems too); `dump_document` writes the
canonical YAML that `export_questionnaire` produces. The format is described in
docs/questionnaire-format.md.

Reading checks only the shape of the file (fields, types, what is missing); what the values must
be is checked by `rules.problems`, the one set of rules the admin's publication applies too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

from assessments.questionnaire_file import bounded_yaml, rules
from assessments.questionnaire_file import translations as translation_format
from assessments.questionnaire_file.rules import ALL_LAYERS

FORMAT = "ospo-assess/questionnaire@1"
# How a version is scored (docs/scoring.md); files without `scoring.method` are gated.
METHODS = rules.METHODS
GATED = rules.GATED


class DocumentError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class OptionDoc:
    score: int  # a checklist's box: its position (0, 1, 2…), which the file does not write
    label: str
    description: str = ""
    # A checklist's box only: what checking it adds, and whether it is "none of these".
    weight: int = 0
    exclusive: bool = False
    # Per language, this item's texts in it, with the file's field names (translations.py).
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class TaxonDoc:
    key: str
    name: str
    description: str = ""
    characteristics: str = ""
    threshold: int | None = None
    mappings: dict[str, str] = field(default_factory=dict)
    core_minimum: int | None = None  # gated stages only: overrides scoring.core_minimum
    floor: bool = False  # gated, first stage only: "no stage reached yet", holds no question
    band: tuple[int, int] | None = None  # bands only: the scores that place a scope here
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class ShowIfDoc:
    """Asked only when an earlier question was answered one of `answers` ways: scores of a
    single-choice question, box labels of a checklist (docs/questionnaire-format.md, "Show if")."""

    question: str
    answers: list[int | str]


@dataclass
class QuestionDoc:
    key: str
    text: str
    help: str
    stage: str
    pillar: str | None  # None only in a version without pillars
    layer: str | None  # None: every layer (`all` in the file), or a version without layers
    weight: Decimal
    core: bool
    not_applicable: bool
    recommendation: str
    options: list[OptionDoc]
    type: str = rules.SINGLE  # single, checklist or text (docs/questionnaire-format.md)
    show_if: ShowIfDoc | None = None
    # `scale: own` in the file: a single choice whose options score on their own range.
    own_scale: bool = False
    # Its crosswalk, in file order: references per standard or model key, e.g.
    # {"iso-5230": ["3.1.1"], "ggi": ["GGI-A-21"]}. A key naming one of the version's standards
    # lists ids of its areas; any other key is a free reference (`rules.problems`).
    mappings: dict[str, list[str]] = field(default_factory=dict)
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class ResourceDoc:
    """A link a section points its readers to; http or https only (`rules.problems`)."""

    title: str
    url: str


@dataclass
class AreaDoc:
    """A requirement area of a standard, which questions map to by its `id` ("3.1.1")."""

    id: str
    name: str
    description: str = ""


@dataclass
class StandardDoc:
    """A standard or framework the questions map to (`standards` in the file), with its areas.

    `assess`: whether the Standards view judges each area met; `minimum`: the score every
    applicable question mapped to an area must reach for it to be met (None: the version's
    `core_minimum`). `area_name`/`areas_name`: what the standard calls its areas.
    """

    key: str
    name: str
    areas: list[AreaDoc] = field(default_factory=list)
    description: str = ""
    url: str = ""
    assess: bool = True
    minimum: int | None = None
    area_name: str = rules.DEFAULT_AREA_NAMES["area"]
    areas_name: str = rules.DEFAULT_AREA_NAMES["areas"]


@dataclass
class SectionDoc:
    key: str
    title: str
    description: str
    questions: list[QuestionDoc]
    # Markdown, shared by the section's questions instead of copied onto each of them.
    help: str = ""
    recommendations: str = ""
    resources: list[ResourceDoc] = field(default_factory=list)
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class QuestionnaireDoc:
    key: str
    version: int
    title: str
    description: str
    language: str
    threshold: int
    core_minimum: int
    scale: list[OptionDoc]
    stages: list[TaxonDoc]
    layers: list[TaxonDoc]
    pillars: list[TaxonDoc]
    sections: list[SectionDoc]
    method: str = GATED
    # What the version calls its levels and its two axes (`names` in the file), and a readable
    # label per mapping key of its stages. Defaults are the shipped model's words.
    names: dict[str, str] = field(default_factory=lambda: dict(rules.DEFAULT_NAMES))
    mapping_labels: dict[str, str] = field(default_factory=dict)
    # The standards the questions' `mappings` refer to, in file order.
    standards: list[StandardDoc] = field(default_factory=list)
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)

    def questions(self) -> list[QuestionDoc]:
        return [q for section in self.sections for q in section.questions]


class _Reader:
    """Collects problems instead of stopping at the first, so an author fixes a file in one pass."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        # Whether a value was missing or mistyped and read as a default instead.
        self.guessed = False

    def problem(self, where: str, message: str, *, guessed: bool = True) -> None:
        self.problems.append(f"{where}: {message}" if where else message)
        self.guessed = self.guessed or guessed

    def mapping(self, value: Any, where: str, known: set[str]) -> dict:
        if not isinstance(value, dict):
            self.problem(where, "must be a mapping of fields")
            return {}
        for name in value:
            if name not in known:
                self.problem(where, f"unknown field {name!r}", guessed=False)
        return value

    def text(self, data: dict, name: str, where: str, *, required: bool) -> str:
        # Empty text and lengths are rules (`rules.problems`), checked on the stored version too.
        value = data.get(name)
        if value is None:
            if required:
                self.problem(where, f"{name!r} is missing")
            return ""
        if not isinstance(value, str):
            self.problem(where, f"{name!r} must be text, not {type(value).__name__} {value!r}")
            return ""
        return value

    def key(self, data: dict, where: str) -> str:
        return self.text(data, "key", where, required=True)

    def integer(self, data: dict, name: str, where: str, *, default: int) -> int:
        # The range is a rule; here only the type. A fraction is refused, never rounded.
        value = data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(where, f"{name!r} must be a whole number, not {value!r}")
            return default
        return value

    def boolean(self, data: dict, name: str, where: str, *, default: bool = False) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.problem(where, f"{name!r} must be true or false")
            return default
        return value

    def reference(self, value: Any, where: str, what: str) -> str | None:
        """An id or a reference: text only. A number is refused rather than turned into text,
        as YAML reads `3.10` as 3.1 and `007` as 7: only quotes keep it as written."""
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.problem(
                where,
                f"{what} must be text, not the number {value!r}; quote it as written, "
                f"e.g. '{value}'",
            )
        else:
            self.problem(where, f"{what} must be text, not {type(value).__name__} {value!r}")
        return None

    def translations(self, data: dict, where: str) -> dict[str, dict[str, Any]]:
        """An item's `translations`: only its shape here; languages and fields are rules."""
        value = data.get("translations")
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            self.problem(where, "'translations' must map languages to fields and their texts")
            return {}
        return {str(language): dict(texts) for language, texts in value.items()}

    def items(self, data: dict, name: str, where: str) -> list:
        # How many entries a list needs is a rule.
        value = data.get(name)
        if value is None:
            self.problem(where, f"{name!r} is missing")
            return []
        if not isinstance(value, list):
            self.problem(where, f"{name!r} must be a list, not {type(value).__name__}")
            return []
        return value


def _where(list_name: str, index: int, data: Any) -> str:
    key = data.get("key") if isinstance(data, dict) else None
    return f"{list_name}[{index}]" + (f" (key {key!r})" if isinstance(key, str) else "")


def _options(r: _Reader, raw: list, where: str) -> list[OptionDoc]:
    options = []
    for index, item in enumerate(raw):
        at = f"{where}[{index}]"
        data = r.mapping(item, at, {"score", "label", "description", "translations"})
        if "score" not in data:
            r.problem(at, "'score' is missing")
        score = r.integer(data, "score", at, default=0)
        label = r.text(data, "label", at, required=True)
        description = r.text(data, "description", at, required=False)
        options.append(
            OptionDoc(
                score=score,
                label=label,
                description=description,
                translations=r.translations(data, at),
            )
        )
    return options


def _boxes(r: _Reader, raw: list, where: str) -> list[OptionDoc]:
    """A checklist's boxes: a label and a weight each (default 1), or `exclusive: true` for a
    "none of these" box, which weighs nothing. A box has no score: it is numbered in order."""
    boxes = []
    for index, item in enumerate(raw):
        at = f"{where}[{index}]"
        data = r.mapping(item, at, {"label", "description", "weight", "exclusive", "translations"})
        exclusive = r.boolean(data, "exclusive", at)
        boxes.append(
            OptionDoc(
                score=index,
                label=r.text(data, "label", at, required=True),
                description=r.text(data, "description", at, required=False),
                weight=r.integer(data, "weight", at, default=0 if exclusive else 1),
                exclusive=exclusive,
                translations=r.translations(data, at),
            )
        )
    return boxes


def _names(r: _Reader, top: dict) -> dict[str, str]:
    """The `names` mapping: each of its keys optional, the shipped model's word by default."""
    raw = r.mapping(top.get("names", {}), "names", set(rules.DEFAULT_NAMES))
    return {
        name: r.text(raw, name, "names", required=False) if name in raw else default
        for name, default in rules.DEFAULT_NAMES.items()
    }


def _mapping_labels(r: _Reader, top: dict) -> dict[str, str]:
    raw = top.get("mapping_labels", {})
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        r.problem("mapping_labels", "must map mapping keys to readable labels")
        return {}
    return dict(raw)


def _taxa(
    r: _Reader, top: dict, name: str, *, is_stage: bool, optional: bool = False
) -> list[TaxonDoc]:
    known = {"key", "name", "description", "translations"}
    if is_stage:
        known |= {"characteristics", "threshold", "mappings", "core_minimum", "floor", "band"}
    taxa: list[TaxonDoc] = []
    # Layers and pillars may be left out: a model without that axis.
    raw = [] if optional and top.get(name) is None else r.items(top, name, "")
    for index, item in enumerate(raw):
        at = _where(name, index, item)
        data = r.mapping(item, at, known)
        taxon = TaxonDoc(
            key=r.key(data, at),
            name=r.text(data, "name", at, required=True),
            description=r.text(data, "description", at, required=False),
            translations=r.translations(data, at),
        )
        if is_stage:
            taxon.characteristics = r.text(data, "characteristics", at, required=False)
            if "threshold" in data:
                taxon.threshold = r.integer(data, "threshold", at, default=0)
            mappings = data.get("mappings", {})
            if not isinstance(mappings, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in mappings.items()
            ):
                r.problem(at, "'mappings' must map model names to stage names")
                mappings = {}
            taxon.mappings = dict(mappings)
            _stage_scoring(r, data, at, taxon)
        taxa.append(taxon)
    return taxa


def _stage_scoring(r: _Reader, data: dict, at: str, taxon: TaxonDoc) -> None:
    """A stage's own scoring keys; whether they suit the method is a rule (`rules.problems`)."""
    if "core_minimum" in data:
        taxon.core_minimum = r.integer(data, "core_minimum", at, default=0)
    taxon.floor = r.boolean(data, "floor", at)
    if "band" in data:
        band = data["band"]
        if (
            not isinstance(band, list)
            or len(band) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in band)
        ):
            r.problem(at, "'band' must be two whole numbers, [from, to]")
        else:
            taxon.band = (band[0], band[1])


def _weight(r: _Reader, data: dict, where: str) -> Decimal:
    raw = data.get("weight", 1)
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        r.problem(where, f"'weight' must be a number, not {raw!r}")
        return Decimal(1)
    # As written (str() of a float is its shortest exact spelling, and Decimal reads every one,
    # .inf and .nan too), never rounded: the rules refuse a weight the database cannot hold.
    return Decimal(str(raw))


_QUESTION_FIELDS = {
    "key",
    "text",
    "help",
    "stage",
    "pillar",
    "layer",
    "weight",
    "core",
    "not_applicable",
    "recommendation",
    "options",
    "type",
    "show_if",
    "scale",
    "mappings",
    "translations",
}


def _show_if(r: _Reader, data: dict, where: str) -> ShowIfDoc | None:
    """`show_if: {question: KEY, answers: [...]}`; what the answers must be is a rule."""
    if "show_if" not in data:
        return None
    at = f"{where}.show_if"
    raw = r.mapping(data["show_if"], at, {"question", "answers"})
    question = r.text(raw, "question", at, required=True)
    answers = []
    for index, value in enumerate(r.items(raw, "answers", at) if raw else []):
        if isinstance(value, bool) or not isinstance(value, int | str):
            r.problem(
                f"{at}.answers[{index}]",
                f"must be a score (a whole number) or a box label (text), not {value!r}",
            )
            continue
        answers.append(value)
    return ShowIfDoc(question, answers)


def _mappings(r: _Reader, data: dict, where: str) -> dict[str, list[str]]:
    """`mappings: {KEY: [REFERENCE, ...]}`; keys, counts and references are rules."""
    if "mappings" not in data:
        return {}
    at = f"{where}.mappings"
    raw = data["mappings"]
    if not isinstance(raw, dict):
        r.problem(
            at,
            "must map standard or model keys to lists of references, e.g. iso-5230: ['3.1.1']",
        )
        return {}
    mappings: dict[str, list[str]] = {}
    for key, refs in raw.items():
        if not isinstance(key, str):
            r.problem(at, f"key {key!r} must be text, a standard or model key like 'iso-5230'")
            continue
        if not isinstance(refs, list):
            r.problem(
                at, f"{key!r} must be a list of references, not {type(refs).__name__} {refs!r}"
            )
            continue
        values = [
            r.reference(ref, at, f"reference {i + 1} of {key!r}") for i, ref in enumerate(refs)
        ]
        mappings[key] = [value for value in values if value is not None]
    return mappings


def _question(r: _Reader, item: Any, where: str, doc: QuestionnaireDoc) -> QuestionDoc:
    data = r.mapping(item, where, _QUESTION_FIELDS)
    stage = r.text(data, "stage", where, required=True)
    # Both may be left out: a version may have no layers or no pillars. Whether one is needed
    # is a rule (a version with pillars places each question in one).
    pillar = r.text(data, "pillar", where, required=False) or None
    layer = r.text(data, "layer", where, required=False) or ALL_LAYERS
    kind = r.text(data, "type", where, required=False) or rules.SINGLE
    own_scale = False
    if "scale" in data:
        own_scale = data["scale"] == rules.OWN_SCALE
        if not own_scale:
            r.problem(
                where,
                f"'scale' must be {rules.OWN_SCALE!r} (options on the question's own range) or "
                f"left out, not {data['scale']!r}",
                guessed=False,
            )
    if kind == rules.CHECKLIST:
        options = _boxes(r, r.items(data, "options", where), f"{where}.options")
    elif kind not in rules.TYPES:
        options = []  # an unknown type is a rule's problem, named there
    elif "options" in data:
        options = _options(r, r.items(data, "options", where), f"{where}.options")
    elif kind == rules.TEXT or own_scale:  # an own scale has no default options
        options = []  # free text has none
    else:
        options = [
            OptionDoc(o.score, o.label, o.description, translations=dict(o.translations))
            for o in doc.scale
        ]
    return QuestionDoc(
        key=r.key(data, where),
        text=r.text(data, "text", where, required=True),
        help=r.text(data, "help", where, required=False),
        stage=stage,
        pillar=pillar,
        layer=None if layer == ALL_LAYERS else layer,
        weight=_weight(r, data, where),
        core=r.boolean(data, "core", where),
        not_applicable=r.boolean(data, "not_applicable", where),
        recommendation=r.text(data, "recommendation", where, required=False),
        options=options,
        type=kind,
        show_if=_show_if(r, data, where),
        own_scale=own_scale,
        mappings=_mappings(r, data, where),
        translations=r.translations(data, where),
    )


_SECTION_FIELDS = {
    "key",
    "title",
    "description",
    "help",
    "recommendations",
    "resources",
    "questions",
    "translations",
}


def _resources(r: _Reader, data: dict, where: str) -> list[ResourceDoc]:
    """A section's links; their URLs and lengths are rules (`rules.problems`)."""
    if "resources" not in data:
        return []
    resources = []
    for index, item in enumerate(r.items(data, "resources", where)):
        at = f"{where}.resources[{index}]"
        fields = r.mapping(item, at, {"title", "url"})
        resources.append(
            ResourceDoc(
                title=r.text(fields, "title", at, required=True),
                url=r.text(fields, "url", at, required=True),
            )
        )
    return resources


_STANDARD_FIELDS = {"key", "name", "description", "url", "assess", "minimum", "names", "areas"}


def _standards(r: _Reader, top: dict) -> list[StandardDoc]:
    """The `standards` list, left out by most files; lengths, counts and ids are rules."""
    if top.get("standards") is None:
        return []
    standards = []
    for index, item in enumerate(r.items(top, "standards", "")):
        at = _where("standards", index, item)
        data = r.mapping(item, at, _STANDARD_FIELDS)
        names = r.mapping(data.get("names", {}), f"{at}.names", set(rules.DEFAULT_AREA_NAMES))
        standard = StandardDoc(
            key=r.key(data, at),
            name=r.text(data, "name", at, required=True),
            description=r.text(data, "description", at, required=False),
            url=r.text(data, "url", at, required=False),
            assess=r.boolean(data, "assess", at, default=True),
            minimum=r.integer(data, "minimum", at, default=0) if "minimum" in data else None,
        )
        standard.area_name, standard.areas_name = (
            r.text(names, name, f"{at}.names", required=False) if name in names else default
            for name, default in rules.DEFAULT_AREA_NAMES.items()
        )
        for a_index, a_item in enumerate(r.items(data, "areas", at) if data else []):
            a_at = f"{at}.areas[{a_index}]"
            area = r.mapping(a_item, a_at, {"id", "name", "description"})
            if area and "id" not in area:
                r.problem(a_at, "'id' is missing")
            area_id = r.reference(area["id"], a_at, "'id'") if "id" in area else None
            standard.areas.append(
                AreaDoc(
                    id=area_id or "",
                    name=r.text(area, "name", a_at, required=True),
                    description=r.text(area, "description", a_at, required=False),
                )
            )
        standards.append(standard)
    return standards


_TOP_FIELDS = {
    "format",
    "key",
    "version",
    "title",
    "description",
    "language",
    "names",
    "mapping_labels",
    "translations",
    "scoring",
    "scale",
    "stages",
    "layers",
    "pillars",
    "standards",
    "sections",
}


def parse_document(text: str) -> QuestionnaireDoc:
    try:
        raw = bounded_yaml.load(text)
    except bounded_yaml.Refused as exc:
        raise DocumentError([str(exc)]) from None
    except yaml.YAMLError as exc:
        raise DocumentError([f"not valid YAML: {exc}"]) from None
    if raw is None or raw == {}:  # nothing, only comments, `null` or `{}`
        raise DocumentError(["the file is empty"])
    if not isinstance(raw, dict):
        raise DocumentError(
            [f"the file must be a mapping of fields (name: value), not {type(raw).__name__}"]
        )
    r = _Reader()
    top = r.mapping(raw, "", _TOP_FIELDS)
    if top.get("format") != FORMAT:
        r.problem("format", f"must be {FORMAT!r}, not {top.get('format')!r}", guessed=False)
    scoring = r.mapping(top.get("scoring", {}), "scoring", {"method", "threshold", "core_minimum"})
    doc = QuestionnaireDoc(
        key=r.key(top, ""),
        version=r.integer(top, "version", "", default=0),
        title=r.text(top, "title", "", required=True),
        description=r.text(top, "description", "", required=False),
        language=r.text(top, "language", "", required=False) if top.get("language") else "en",
        threshold=r.integer(scoring, "threshold", "scoring", default=rules.DEFAULT_THRESHOLD),
        core_minimum=r.integer(
            scoring, "core_minimum", "scoring", default=rules.DEFAULT_CORE_MINIMUM
        ),
        scale=_options(r, r.items(top, "scale", ""), "scale"),
        stages=_taxa(r, top, "stages", is_stage=True),
        layers=_taxa(r, top, "layers", is_stage=False, optional=True),
        pillars=_taxa(r, top, "pillars", is_stage=False, optional=True),
        sections=[],
        method=r.text(scoring, "method", "scoring", required=False) or GATED,
        names=_names(r, top),
        mapping_labels=_mapping_labels(r, top),
        standards=_standards(r, top),
        translations=r.translations(top, ""),
    )
    if "version" not in top:
        r.problem("", "'version' is missing")

    for index, item in enumerate(r.items(top, "sections", "")):
        at = _where("sections", index, item)
        data = r.mapping(item, at, _SECTION_FIELDS)
        section = SectionDoc(
            key=r.key(data, at),
            title=r.text(data, "title", at, required=True),
            description=r.text(data, "description", at, required=False),
            questions=[],
            help=r.text(data, "help", at, required=False),
            recommendations=r.text(data, "recommendations", at, required=False),
            resources=_resources(r, data, at),
            translations=r.translations(data, at),
        )
        for q_index, q_item in enumerate(r.items(data, "questions", at)):
            q_at = f"{at}.{_where('questions', q_index, q_item)}"
            section.questions.append(_question(r, q_item, q_at, doc))
        doc.sections.append(section)

    # When a value was missing or mistyped, the reading problems are reported alone: the rules
    # would report the defaults read in its place as problems of their own.
    if not r.guessed:
        r.problems += [problem.in_file() for problem in rules.problems(doc)]
    if r.problems:
        raise DocumentError(r.problems)
    return doc


class _Dumper(yaml.SafeDumper):
    pass


class _Pair(tuple):
    """Written on one line, `[0, 20]`, as a band reads best."""


class _Flow(list):
    """A short list written on one line, `[3, 4]`: a condition's answers."""


def _represent_pair(dumper: yaml.SafeDumper, value: _Pair | _Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Pair, _represent_pair)
_Dumper.add_representer(_Flow, _represent_pair)


def _weight_value(weight: Decimal) -> int | float:
    return int(weight) if weight == weight.to_integral_value() else float(weight)


def _with_translations(item: dict[str, Any], kind: str, translations: dict) -> dict[str, Any]:
    """`translations` written after the item's own texts, only when there are some, so files
    from before them export unchanged; languages and fields in a fixed order."""
    if translations:
        item["translations"] = translation_format.in_file_order(kind, translations)
    return item


def _option_data(options: list[OptionDoc], kind: str = "option") -> list[dict]:
    out = []
    for option in options:
        item: dict[str, Any] = {"score": option.score, "label": option.label}
        if option.description:
            item["description"] = option.description
        out.append(_with_translations(item, kind, option.translations))
    return out


def _box_data(boxes: list[OptionDoc]) -> list[dict]:
    out = []
    for box in boxes:
        item: dict[str, Any] = {"label": box.label}
        if box.description:
            item["description"] = box.description
        if box.exclusive:
            item["exclusive"] = True
            if box.weight:
                item["weight"] = box.weight
        elif box.weight != 1:
            item["weight"] = box.weight
        out.append(_with_translations(item, "option", box.translations))
    return out


def _taxon_data(taxon: TaxonDoc, kind: str = "taxon") -> dict:
    item: dict[str, Any] = {"key": taxon.key, "name": taxon.name}
    if taxon.description:
        item["description"] = taxon.description
    if taxon.characteristics:
        item["characteristics"] = taxon.characteristics
    _with_translations(item, kind, taxon.translations)
    if taxon.threshold is not None:
        item["threshold"] = taxon.threshold
    if taxon.mappings:
        item["mappings"] = dict(sorted(taxon.mappings.items()))
    if taxon.core_minimum is not None:
        item["core_minimum"] = taxon.core_minimum
    if taxon.floor:
        item["floor"] = True
    if taxon.band is not None:
        item["band"] = _Pair(taxon.band)
    return item


def _question_data(question: QuestionDoc, scale: list[OptionDoc], has_layers: bool) -> dict:
    item: dict[str, Any] = {"key": question.key, "text": question.text}
    # Written only when not the default, so files from before question types export unchanged.
    if question.type != rules.SINGLE:
        item["type"] = question.type
    if question.own_scale:
        item["scale"] = rules.OWN_SCALE
    if question.help:
        item["help"] = question.help
    item["stage"] = question.stage
    if question.pillar is not None:
        item["pillar"] = question.pillar
    # `all` is written only where there are layers to be all of.
    if question.layer is not None or has_layers:
        item["layer"] = question.layer or ALL_LAYERS
    if question.weight != 1:
        item["weight"] = _weight_value(question.weight)
    if question.core:
        item["core"] = True
    if question.not_applicable:
        item["not_applicable"] = True
    if question.recommendation:
        item["recommendation"] = question.recommendation
    # Written only when set, so files from before conditions export unchanged.
    if question.show_if is not None:
        item["show_if"] = {
            "question": question.show_if.question,
            "answers": _Flow(question.show_if.answers),
        }
    # Written only when set, so files from before crosswalks export unchanged; in stored order.
    if question.mappings:
        # Sorted by key, as a stage's: PostgreSQL's JSON keeps no key order, so an export from
        # either database reads the same.
        item["mappings"] = {key: list(refs) for key, refs in sorted(question.mappings.items())}
    _with_translations(item, "question", question.translations)
    if question.type == rules.CHECKLIST:
        item["options"] = _box_data(question.options)
    elif question.type == rules.TEXT:
        if question.options:  # refused by the rules; written so that the problem shows
            item["options"] = _option_data(question.options)
    elif question.options != scale or question.own_scale:  # an own scale's are always written
        item["options"] = _option_data(question.options)
    return item


def _standard_data(standard: StandardDoc) -> dict:
    """A standard as the file writes it: defaults left out."""
    item: dict[str, Any] = {"key": standard.key, "name": standard.name}
    if standard.description:
        item["description"] = standard.description
    if standard.url:
        item["url"] = standard.url
    if not standard.assess:
        item["assess"] = False
    if standard.minimum is not None:
        item["minimum"] = standard.minimum
    names = {
        name: value
        for (name, default), value in zip(
            rules.DEFAULT_AREA_NAMES.items(),
            (standard.area_name, standard.areas_name),
            strict=True,
        )
        if value != default
    }
    if names:
        item["names"] = names
    areas = []
    for area in standard.areas:
        entry: dict[str, Any] = {"id": area.id, "name": area.name}
        if area.description:
            entry["description"] = area.description
        areas.append(entry)
    item["areas"] = areas
    return item


def dump_document(doc: QuestionnaireDoc) -> str:
    data: dict[str, Any] = {
        "format": FORMAT,
        "key": doc.key,
        "version": doc.version,
        "title": doc.title,
    }
    if doc.description:
        data["description"] = doc.description
    data["language"] = doc.language
    # Only the names that differ from the defaults, so files from before them export unchanged.
    names = {k: v for k, v in doc.names.items() if v != rules.DEFAULT_NAMES.get(k)}
    if names:
        data["names"] = names
    if doc.mapping_labels:
        data["mapping_labels"] = dict(sorted(doc.mapping_labels.items()))
    _with_translations(data, "questionnaire", doc.translations)
    # The method is left out when it is the default, so files from before it export unchanged.
    data["scoring"] = {"method": doc.method} if doc.method != GATED else {}
    data["scoring"] |= {"threshold": doc.threshold, "core_minimum": doc.core_minimum}
    data["scale"] = _option_data(doc.scale, "scale")
    data["stages"] = [_taxon_data(t, "stage") for t in doc.stages]
    # An absent axis is left out of the file, as its author wrote it.
    if doc.layers:
        data["layers"] = [_taxon_data(t) for t in doc.layers]
    if doc.pillars:
        data["pillars"] = [_taxon_data(t) for t in doc.pillars]
    # Left out when there are none, so files from before standards export unchanged.
    if doc.standards:
        data["standards"] = [_standard_data(s) for s in doc.standards]
    sections = []
    for section in doc.sections:
        item: dict[str, Any] = {"key": section.key, "title": section.title}
        if section.description:
            item["description"] = section.description
        # Left out when empty, so files from before they existed export unchanged.
        if section.help:
            item["help"] = section.help
        if section.recommendations:
            item["recommendations"] = section.recommendations
        if section.resources:
            item["resources"] = [{"title": x.title, "url": x.url} for x in section.resources]
        _with_translations(item, "section", section.translations)
        item["questions"] = [
            _question_data(q, doc.scale, bool(doc.layers)) for q in section.questions
        ]
        sections.append(item)
    data["sections"] = sections
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)
