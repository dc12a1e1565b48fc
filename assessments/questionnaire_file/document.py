"""The questionnaire file as plain data: parsing, validation and canonical YAML.

Nothing here touches the database. `parse_document` turns YAML text into a `QuestionnaireDoc` or
raises `DocumentError` with every problem found, each naming the item (the YAML is read within
bounds by `bounded_yaml`, whose refusals are problems too); `dump_document` writes the
canonical YAML that `export_questionnaire` produces. The format is described in
docs/questionnaire-format.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from assessments.questionnaire_file import bounded_yaml

FORMAT = "ospo-assess/questionnaire@1"
ALL_LAYERS = "all"
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_WEIGHT = Decimal("999.99")
# How a version is scored (docs/scoring.md); files without `scoring.method` are gated.
METHODS = ("gated", "bands", "progress")
GATED = "gated"


class DocumentError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class OptionDoc:
    score: int
    label: str
    description: str = ""


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


@dataclass
class QuestionDoc:
    key: str
    text: str
    help: str
    stage: str
    pillar: str
    layer: str | None
    weight: Decimal
    core: bool
    not_applicable: bool
    recommendation: str
    options: list[OptionDoc]


@dataclass
class SectionDoc:
    key: str
    title: str
    description: str
    questions: list[QuestionDoc]


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

    def questions(self) -> list[QuestionDoc]:
        return [q for section in self.sections for q in section.questions]


class _Reader:
    """Collects problems instead of stopping at the first, so an author fixes a file in one pass."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)

    def mapping(self, value: Any, where: str, known: set[str]) -> dict:
        if not isinstance(value, dict):
            self.problem(where, "must be a mapping of fields")
            return {}
        for name in value:
            if name not in known:
                self.problem(where, f"unknown field {name!r}")
        return value

    def text(
        self, data: dict, name: str, where: str, *, required: bool, max_length: int | None = None
    ) -> str:
        value = data.get(name)
        if value is None:
            if required:
                self.problem(where, f"{name!r} is missing")
            return ""
        if not isinstance(value, str):
            self.problem(where, f"{name!r} must be text, not {type(value).__name__}")
            return ""
        if required and not value.strip():
            self.problem(where, f"{name!r} is empty")
        if max_length is not None and len(value) > max_length:
            self.problem(where, f"{name!r} is longer than {max_length} characters")
        return value

    def key(self, data: dict, where: str, name: str = "key") -> str:
        value = self.text(data, name, where, required=True, max_length=80)
        if value and not KEY_PATTERN.match(value):
            self.problem(
                where, f"{name} {value!r} must be lowercase letters and digits joined by '-'"
            )
        return value

    def integer(
        self, data: dict, name: str, where: str, *, default: int | None, low: int, high: int
    ) -> int | None:
        value = data.get(name, default)
        if value is None and default is None and name not in data:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(where, f"{name!r} must be a whole number")
            return default
        if not low <= value <= high:
            self.problem(where, f"{name!r} must be between {low} and {high}, not {value}")
        return value

    def boolean(self, data: dict, name: str, where: str) -> bool:
        value = data.get(name, False)
        if not isinstance(value, bool):
            self.problem(where, f"{name!r} must be true or false")
            return False
        return value

    def items(self, data: dict, name: str, where: str, *, minimum: int) -> list:
        value = data.get(name)
        if not isinstance(value, list):
            self.problem(where, f"{name!r} must be a list")
            return []
        if len(value) < minimum:
            self.problem(where, f"{name!r} needs at least {minimum} entries")
        return value


def _where(list_name: str, index: int, data: Any) -> str:
    key = data.get("key") if isinstance(data, dict) else None
    return f"{list_name}[{index}]" + (f" (key {key!r})" if isinstance(key, str) else "")


def _options(r: _Reader, raw: list, where: str) -> list[OptionDoc]:
    options = []
    for index, item in enumerate(raw):
        at = f"{where}[{index}]"
        data = r.mapping(item, at, {"score", "label", "description"})
        score = r.integer(data, "score", at, default=None, low=0, high=100)
        if "score" not in data:
            r.problem(at, "'score' is missing")
        label = r.text(data, "label", at, required=True, max_length=200)
        description = r.text(data, "description", at, required=False)
        options.append(OptionDoc(score=score or 0, label=label, description=description))
    scores = [o.score for o in options]
    if len(set(scores)) != len(scores):
        r.problem(where, "scores must be distinct")
    return options


def _taxa(r: _Reader, top: dict, name: str, *, is_stage: bool) -> list[TaxonDoc]:
    known = {"key", "name", "description"}
    if is_stage:
        known |= {"characteristics", "threshold", "mappings", "core_minimum", "floor", "band"}
    taxa: list[TaxonDoc] = []
    for index, item in enumerate(r.items(top, name, "", minimum=2 if is_stage else 1)):
        at = _where(name, index, item)
        data = r.mapping(item, at, known)
        taxon = TaxonDoc(
            key=r.key(data, at),
            name=r.text(data, "name", at, required=True, max_length=120),
            description=r.text(data, "description", at, required=False),
        )
        if is_stage:
            taxon.characteristics = r.text(data, "characteristics", at, required=False)
            if "threshold" in data:
                taxon.threshold = r.integer(data, "threshold", at, default=None, low=1, high=100)
            mappings = data.get("mappings", {})
            if not isinstance(mappings, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in mappings.items()
            ):
                r.problem(at, "'mappings' must map model names to stage names")
                mappings = {}
            taxon.mappings = dict(mappings)
            _stage_scoring(r, data, at, taxon)
        taxa.append(taxon)
    keys = [t.key for t in taxa]
    for duplicate in sorted({k for k in keys if keys.count(k) > 1}):
        r.problem(name, f"key {duplicate!r} is used more than once")
    return taxa


def _stage_scoring(r: _Reader, data: dict, at: str, taxon: TaxonDoc) -> None:
    """A stage's own scoring keys; whether they suit the method is checked by `_check_scoring`."""
    if "core_minimum" in data:
        taxon.core_minimum = r.integer(data, "core_minimum", at, default=None, low=0, high=100)
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


def _check_scoring(r: _Reader, doc: QuestionnaireDoc) -> None:
    """The keys each method needs, and only those: a file says what it is scored by."""
    if doc.method not in METHODS:
        r.problem("scoring", f"'method' must be one of {', '.join(METHODS)}, not {doc.method!r}")
        return
    for index, stage in enumerate(doc.stages):
        at = _where("stages", index, {"key": stage.key})
        if doc.method != GATED:
            for name, value in (
                ("threshold", stage.threshold),
                ("core_minimum", stage.core_minimum),
                ("floor", stage.floor or None),
            ):
                if value is not None:
                    r.problem(at, f"{name!r} is only used by the gated method")
        if stage.floor and index != 0:
            r.problem(at, "only the first stage may be the floor")
        if stage.band is not None and doc.method != "bands":
            r.problem(at, "'band' is only used by the bands method")
    if doc.method == "bands":
        _check_bands(r, doc.stages)
    floors = {s.key for s in doc.stages if s.floor}
    scale_top = max((o.score for o in doc.scale), default=0)
    for section in doc.sections:
        for question in section.questions:
            if question.stage in floors:
                r.problem(
                    f"questions (key {question.key!r})",
                    f"stage {question.stage!r} is the floor, where every organization starts: "
                    "it holds no question",
                )
    for index, stage in enumerate(doc.stages):
        if stage.core_minimum is not None and stage.core_minimum > scale_top:
            r.problem(
                _where("stages", index, {"key": stage.key}),
                f"'core_minimum' must be between 0 and {scale_top}",
            )


def _check_bands(r: _Reader, stages: list[TaxonDoc]) -> None:
    """Ascending, contiguous bands from 0 to 100, one per stage (like FINOS's levels)."""
    expected = 0
    for index, stage in enumerate(stages):
        at = _where("stages", index, {"key": stage.key})
        if stage.band is None:
            r.problem(at, "a bands questionnaire needs a 'band' on every stage")
            return
        low, high = stage.band
        if low != expected:
            r.problem(at, f"'band' must start at {expected}, where the band below ends, not {low}")
            return
        if not low < high <= 100:
            r.problem(at, f"'band' must end above {low} and at 100 at most, not at {high}")
            return
        expected = high
    if expected != 100:
        r.problem("stages", f"the bands must reach 100; the last ends at {expected}")


def _weight(r: _Reader, data: dict, where: str) -> Decimal:
    raw = data.get("weight", 1)
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        r.problem(where, "'weight' must be a number")
        return Decimal(1)
    try:
        weight = Decimal(str(raw)).quantize(Decimal("0.01"))
    except InvalidOperation:
        r.problem(where, "'weight' must be a number")
        return Decimal(1)
    if not Decimal(0) < weight <= MAX_WEIGHT:
        r.problem(where, f"'weight' must be above 0 and at most {MAX_WEIGHT}, not {raw}")
    return weight


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
}


def _question(r: _Reader, item: Any, where: str, doc: QuestionnaireDoc) -> QuestionDoc:
    data = r.mapping(item, where, _QUESTION_FIELDS)
    stage = r.text(data, "stage", where, required=True)
    pillar = r.text(data, "pillar", where, required=True)
    layer = r.text(data, "layer", where, required=True)
    for name, value, taxa in (
        ("stage", stage, doc.stages),
        ("pillar", pillar, doc.pillars),
        ("layer", layer, doc.layers),
    ):
        keys = [t.key for t in taxa] + ([ALL_LAYERS] if name == "layer" else [])
        if value and value not in keys:
            r.problem(where, f"{name} {value!r} is not one of: {', '.join(keys)}")
    scale_scores = [level.score for level in doc.scale]
    if "options" in data:
        options = _options(r, r.items(data, "options", where, minimum=2), f"{where}.options")
        scores = {o.score for o in options}
        if scale_scores and not scores <= set(scale_scores):
            r.problem(where, "option scores must be scores of the scale")
        if scale_scores and not {min(scale_scores), max(scale_scores)} <= scores:
            r.problem(where, "options must include the scale's lowest and highest score")
    else:
        options = [OptionDoc(o.score, o.label, o.description) for o in doc.scale]
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
    )


_TOP_FIELDS = {
    "format",
    "key",
    "version",
    "title",
    "description",
    "language",
    "scoring",
    "scale",
    "stages",
    "layers",
    "pillars",
    "sections",
}


def parse_document(text: str) -> QuestionnaireDoc:
    try:
        raw = bounded_yaml.load(text)
    except bounded_yaml.Refused as exc:
        raise DocumentError([str(exc)]) from None
    except yaml.YAMLError as exc:
        raise DocumentError([f"not valid YAML: {exc}"]) from None
    r = _Reader()
    top = r.mapping(raw, "", _TOP_FIELDS)
    if not top:
        raise DocumentError(r.problems or ["the file is empty"])
    if top.get("format") != FORMAT:
        r.problem("format", f"must be {FORMAT!r}, not {top.get('format')!r}")
    scoring = r.mapping(top.get("scoring", {}), "scoring", {"method", "threshold", "core_minimum"})
    doc = QuestionnaireDoc(
        key=r.key(top, ""),
        version=r.integer(top, "version", "", default=None, low=1, high=2**31 - 1) or 0,
        title=r.text(top, "title", "", required=True, max_length=200),
        description=r.text(top, "description", "", required=False),
        language=r.text(top, "language", "", required=False, max_length=16) or "en",
        threshold=r.integer(scoring, "threshold", "scoring", default=70, low=1, high=100) or 70,
        core_minimum=r.integer(scoring, "core_minimum", "scoring", default=2, low=0, high=100) or 0,
        scale=_options(r, r.items(top, "scale", "", minimum=2), "scale"),
        stages=_taxa(r, top, "stages", is_stage=True),
        layers=_taxa(r, top, "layers", is_stage=False),
        pillars=_taxa(r, top, "pillars", is_stage=False),
        sections=[],
        method=r.text(scoring, "method", "scoring", required=False) or GATED,
    )
    if "version" not in top:
        r.problem("", "'version' is missing")
    scale_scores = sorted(o.score for o in doc.scale)
    if scale_scores and scale_scores[0] != 0:
        r.problem("scale", "the lowest score must be 0")
    if scale_scores and not 0 <= doc.core_minimum <= scale_scores[-1]:
        r.problem("scoring", f"'core_minimum' must be between 0 and {scale_scores[-1]}")

    for index, item in enumerate(r.items(top, "sections", "", minimum=1)):
        at = _where("sections", index, item)
        data = r.mapping(item, at, {"key", "title", "description", "questions"})
        section = SectionDoc(
            key=r.key(data, at),
            title=r.text(data, "title", at, required=True, max_length=200),
            description=r.text(data, "description", at, required=False),
            questions=[],
        )
        for q_index, q_item in enumerate(r.items(data, "questions", at, minimum=1)):
            q_at = f"{at}.{_where('questions', q_index, q_item)}"
            section.questions.append(_question(r, q_item, q_at, doc))
        doc.sections.append(section)

    _check_unique(r, "sections", [s.key for s in doc.sections])
    _check_unique(r, "questions", [q.key for q in doc.questions()])
    _check_scoring(r, doc)
    if r.problems:
        raise DocumentError(r.problems)
    return doc


def _check_unique(r: _Reader, what: str, keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key and key in seen:
            r.problem(what, f"key {key!r} is used more than once")
        seen.add(key)


class _Dumper(yaml.SafeDumper):
    pass


class _Pair(tuple):
    """Written on one line, `[0, 20]`, as a band reads best."""


def _represent_pair(dumper: yaml.SafeDumper, value: _Pair) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Pair, _represent_pair)


def _weight_value(weight: Decimal) -> int | float:
    return int(weight) if weight == weight.to_integral_value() else float(weight)


def _option_data(options: list[OptionDoc]) -> list[dict]:
    out = []
    for option in options:
        item: dict[str, Any] = {"score": option.score, "label": option.label}
        if option.description:
            item["description"] = option.description
        out.append(item)
    return out


def _taxon_data(taxon: TaxonDoc) -> dict:
    item: dict[str, Any] = {"key": taxon.key, "name": taxon.name}
    if taxon.description:
        item["description"] = taxon.description
    if taxon.characteristics:
        item["characteristics"] = taxon.characteristics
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


def _question_data(question: QuestionDoc, scale: list[OptionDoc]) -> dict:
    item: dict[str, Any] = {"key": question.key, "text": question.text}
    if question.help:
        item["help"] = question.help
    item["stage"] = question.stage
    item["pillar"] = question.pillar
    item["layer"] = question.layer or ALL_LAYERS
    if question.weight != 1:
        item["weight"] = _weight_value(question.weight)
    if question.core:
        item["core"] = True
    if question.not_applicable:
        item["not_applicable"] = True
    if question.recommendation:
        item["recommendation"] = question.recommendation
    if question.options != scale:
        item["options"] = _option_data(question.options)
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
    # The method is left out when it is the default, so files from before it export unchanged.
    data["scoring"] = {"method": doc.method} if doc.method != GATED else {}
    data["scoring"] |= {"threshold": doc.threshold, "core_minimum": doc.core_minimum}
    data["scale"] = _option_data(doc.scale)
    data["stages"] = [_taxon_data(t) for t in doc.stages]
    data["layers"] = [_taxon_data(t) for t in doc.layers]
    data["pillars"] = [_taxon_data(t) for t in doc.pillars]
    sections = []
    for section in doc.sections:
        item: dict[str, Any] = {"key": section.key, "title": section.title}
        if section.description:
            item["description"] = section.description
        item["questions"] = [_question_data(q, doc.scale) for q in section.questions]
        sections.append(item)
    data["sections"] = sections
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)
