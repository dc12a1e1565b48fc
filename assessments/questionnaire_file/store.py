"""Moving a `QuestionnaireDoc` into the database and back, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from assessments.content_language import source_texts
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
from assessments.questionnaire_file.document import (
    AreaDoc,
    DocumentError,
    OptionDoc,
    QuestionDoc,
    QuestionnaireDoc,
    ResourceDoc,
    SectionDoc,
    ShowIfDoc,
    StandardDoc,
    TaxonDoc,
    dump_document,
)
from assessments.questionnaire_file.translations import from_stored, to_stored


@transaction.atomic
def save_document(doc: QuestionnaireDoc, *, publish: bool) -> Questionnaire:
    """Create the version described by `doc`; with `publish`, publish it too. All or nothing."""
    if Questionnaire.objects.filter(key=doc.key, version=doc.version).exists():
        raise DocumentError(
            [
                f"questionnaire {doc.key!r} version {doc.version} already exists; "
                "raise the version number to load a new one"
            ]
        )
    questionnaire = Questionnaire.objects.create(
        key=doc.key,
        version=doc.version,
        title=doc.title,
        description=doc.description,
        language=doc.language,
        threshold=doc.threshold,
        core_minimum=doc.core_minimum,
        scoring_method=doc.method,
        stage_name=doc.names["stage"],
        stages_name=doc.names["stages"],
        layer_name=doc.names["layer"],
        layers_name=doc.names["layers"],
        pillar_name=doc.names["pillar"],
        pillars_name=doc.names["pillars"],
        mapping_labels=doc.mapping_labels,
        standards=[standard_data(s) for s in doc.standards],
        translations=to_stored("questionnaire", doc.translations),
    )
    ScaleLevel.objects.bulk_create(
        ScaleLevel(
            questionnaire=questionnaire,
            score=o.score,
            label=o.label,
            description=o.description,
            translations=to_stored("scale", o.translations),
        )
        for o in doc.scale
    )
    stages = {
        s.key: s
        for s in Stage.objects.bulk_create(
            Stage(
                questionnaire=questionnaire,
                level=level,
                key=t.key,
                name=t.name,
                description=t.description,
                characteristics=t.characteristics,
                threshold=t.threshold,
                mappings=t.mappings,
                core_minimum=t.core_minimum,
                is_floor=t.floor,
                band_from=t.band[0] if t.band else None,
                band_to=t.band[1] if t.band else None,
                translations=to_stored("stage", t.translations),
            )
            for level, t in enumerate(doc.stages)
        )
    }
    layers = {
        x.key: x
        for x in Layer.objects.bulk_create(
            Layer(
                questionnaire=questionnaire,
                order=i,
                key=t.key,
                name=t.name,
                description=t.description,
                translations=to_stored("taxon", t.translations),
            )
            for i, t in enumerate(doc.layers)
        )
    }
    pillars = {
        x.key: x
        for x in Pillar.objects.bulk_create(
            Pillar(
                questionnaire=questionnaire,
                order=i,
                key=t.key,
                name=t.name,
                description=t.description,
                translations=to_stored("taxon", t.translations),
            )
            for i, t in enumerate(doc.pillars)
        )
    }
    sections = Section.objects.bulk_create(
        Section(
            questionnaire=questionnaire,
            order=i,
            key=s.key,
            title=s.title,
            description=s.description,
            help=s.help,
            recommendations=s.recommendations,
            resources=[{"title": x.title, "url": x.url} for x in s.resources],
            translations=to_stored("section", s.translations),
        )
        for i, s in enumerate(doc.sections)
    )
    question_docs = [
        (section, q) for section, s in zip(sections, doc.sections, strict=True) for q in s.questions
    ]
    questions = Question.objects.bulk_create(
        Question(
            questionnaire=questionnaire,
            section=section,
            key=q.key,
            order=order,
            text=q.text,
            help_text=q.help,
            stage=stages[q.stage],
            pillar=pillars[q.pillar] if q.pillar else None,
            layer=layers[q.layer] if q.layer else None,
            weight=q.weight,
            is_core=q.core,
            allows_not_applicable=q.not_applicable,
            recommendation=q.recommendation,
            type=q.type,
            own_scale=q.own_scale,
            show_if_question=q.show_if.question if q.show_if else "",
            show_if_answers=list(q.show_if.answers) if q.show_if else [],
            mappings={key: list(refs) for key, refs in q.mappings.items()},
            translations=to_stored("question", q.translations),
        )
        for order, (section, q) in enumerate(question_docs)
    )
    AnswerOption.objects.bulk_create(
        AnswerOption(
            question=question,
            order=i,
            score=o.score,
            label=o.label,
            description=o.description,
            weight=o.weight,
            exclusive=o.exclusive,
            translations=to_stored("option", o.translations),
        )
        for question, (_, q) in zip(questions, question_docs, strict=True)
        for i, o in enumerate(q.options)
    )
    if publish:
        questionnaire.publish()
    return questionnaire


def _show_if(question: Question) -> ShowIfDoc | None:
    """A question's condition as the file writes it; answers without a question are kept, for
    the rules to name."""
    answers = question.show_if_answers
    if not question.show_if_question and not answers:
        return None
    return ShowIfDoc(question.show_if_question, list(answers) if isinstance(answers, list) else [])


def read_document(questionnaire: Questionnaire) -> QuestionnaireDoc:
    """The stored version as a document, in its source language with its translations."""
    with source_texts():
        return _read_document(questionnaire)


def _read_document(questionnaire: Questionnaire) -> QuestionnaireDoc:
    def taxon(item, kind: str = "taxon", **extra) -> TaxonDoc:
        return TaxonDoc(
            key=item.key,
            name=item.name,
            description=item.description,
            translations=from_stored(kind, item.translations),
            **extra,
        )

    stages = list(questionnaire.stages.order_by("level"))
    options_by_question: dict[int, list[OptionDoc]] = defaultdict(list)
    for option in AnswerOption.objects.filter(question__questionnaire=questionnaire).order_by(
        "question_id", "order", "score"
    ):
        options_by_question[option.question_id].append(
            OptionDoc(
                option.score,
                option.label,
                option.description,
                option.weight,
                option.exclusive,
                translations=from_stored("option", option.translations),
            )
        )
    questions_by_section: dict[int, list[QuestionDoc]] = defaultdict(list)
    for q in questionnaire.questions.select_related("stage", "pillar", "layer").order_by("order"):
        questions_by_section[q.section_id].append(
            QuestionDoc(
                key=q.key,
                text=q.text,
                help=q.help_text,
                stage=q.stage.key,
                pillar=q.pillar.key if q.pillar else None,
                layer=q.layer.key if q.layer else None,
                weight=q.weight,
                core=q.is_core,
                not_applicable=q.allows_not_applicable,
                recommendation=q.recommendation,
                options=options_by_question[q.pk],
                type=q.type,
                show_if=_show_if(q),
                own_scale=q.own_scale,
                mappings=read_mappings(q.mappings)[0],
                translations=from_stored("question", q.translations),
            )
        )
    return QuestionnaireDoc(
        key=questionnaire.key,
        version=questionnaire.version,
        title=questionnaire.title,
        description=questionnaire.description,
        language=questionnaire.language,
        threshold=questionnaire.threshold,
        core_minimum=questionnaire.core_minimum,
        method=questionnaire.scoring_method,
        names={
            "stage": questionnaire.stage_name,
            "stages": questionnaire.stages_name,
            "layer": questionnaire.layer_name,
            "layers": questionnaire.layers_name,
            "pillar": questionnaire.pillar_name,
            "pillars": questionnaire.pillars_name,
        },
        mapping_labels=dict(questionnaire.mapping_labels or {}),
        standards=read_standards(questionnaire.standards)[0],
        translations=from_stored("questionnaire", questionnaire.translations),
        scale=[
            OptionDoc(
                s.score,
                s.label,
                s.description,
                translations=from_stored("scale", s.translations),
            )
            for s in questionnaire.scale_levels.all()
        ],
        stages=[
            taxon(
                s,
                "stage",
                characteristics=s.characteristics,
                threshold=s.threshold,
                mappings=dict(s.mappings),
                core_minimum=s.core_minimum,
                floor=s.is_floor,
                band=_band(s),
            )
            for s in stages
        ],
        layers=[taxon(x) for x in questionnaire.layers.order_by("order")],
        pillars=[taxon(x) for x in questionnaire.pillars.order_by("order")],
        sections=[
            SectionDoc(
                s.key,
                s.title,
                s.description,
                questions_by_section[s.pk],
                help=s.help,
                recommendations=s.recommendations,
                resources=_resources(s.resources),
                translations=from_stored("section", s.translations),
            )
            for s in questionnaire.sections.order_by("order")
        ],
    )


def _resources(stored: object) -> list[ResourceDoc]:
    """A section's stored links as the file holds them; what is not a link is kept as an empty
    one, for the rules to name (the admin's form only stores links, but the column is JSON)."""
    if not isinstance(stored, list):
        return [ResourceDoc("", "")] if stored else []
    out = []
    for item in stored:
        if isinstance(item, dict):
            out.append(ResourceDoc(str(item.get("title", "")), str(item.get("url", ""))))
        else:
            out.append(ResourceDoc("", ""))
    return out


# --- Standards and crosswalks, as stored ---------------------------------------------------------
#
# `Questionnaire.standards` holds every field of each standard, defaults filled in (the Standards
# view reads it as is); `Question.mappings` holds {key: [reference, ...]}. Both columns are JSON,
# edited as JSON in the admin, so reading them back is forgiving: what is not of the right shape
# is read as the nearest value and named as a problem (the admin's form and publication show it).

STANDARD_FIELDS = (
    "key",
    "name",
    "description",
    "url",
    "assess",
    "minimum",
    "area_name",
    "areas_name",
    "areas",
)
AREA_FIELDS = ("id", "name", "description")


def standard_data(standard: StandardDoc) -> dict:
    """A standard as `Questionnaire.standards` stores it: every field, defaults filled in."""
    return {
        "key": standard.key,
        "name": standard.name,
        "description": standard.description,
        "url": standard.url,
        "assess": standard.assess,
        "minimum": standard.minimum,
        "area_name": standard.area_name,
        "areas_name": standard.areas_name,
        "areas": [
            {"id": area.id, "name": area.name, "description": area.description}
            for area in standard.areas
        ],
    }


class _Shape:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def text(self, data: dict, name: str, where: str, default: str = "") -> str:
        value = data.get(name, default)
        if value is None:
            return default
        if not isinstance(value, str):
            self.problems.append(f"{where}: {name!r} must be text, not {value!r}")
            return str(value)
        return value

    def fields(self, data: object, where: str, known: tuple[str, ...]) -> dict:
        if not isinstance(data, dict):
            self.problems.append(f"{where}: must be an object with the fields {', '.join(known)}")
            return {}
        unknown = [name for name in data if name not in known]
        if unknown:
            self.problems.append(
                f"{where}: unknown field{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(repr(name) for name in unknown)} (known: {', '.join(known)})"
            )
        return data


def read_standards(stored: object) -> tuple[list[StandardDoc], list[str]]:
    """`Questionnaire.standards` as `StandardDoc`s, and what in it is not of the stored shape."""
    shape = _Shape()
    if stored in (None, "", []):
        return [], []
    if not isinstance(stored, list):
        return [], [f"Standards: must be a list of standards, not {type(stored).__name__}"]
    standards = []
    for index, raw in enumerate(stored):
        data = shape.fields(raw, f"Standards: standard {index + 1}", STANDARD_FIELDS)
        where = f"Standard '{data.get('key', '')}'" if data else f"Standards: standard {index + 1}"
        assess, minimum = data.get("assess", True), data.get("minimum")
        if not isinstance(assess, bool):
            shape.problems.append(f"{where}: 'assess' must be true or false, not {assess!r}")
            assess = True
        if minimum is not None and (isinstance(minimum, bool) or not isinstance(minimum, int)):
            shape.problems.append(
                f"{where}: 'minimum' must be a whole number or null, not {minimum!r}"
            )
            minimum = None
        standard = StandardDoc(
            key=shape.text(data, "key", where),
            name=shape.text(data, "name", where),
            description=shape.text(data, "description", where),
            url=shape.text(data, "url", where),
            assess=assess,
            minimum=minimum,
            area_name=shape.text(data, "area_name", where, rules.DEFAULT_AREA_NAMES["area"]),
            areas_name=shape.text(data, "areas_name", where, rules.DEFAULT_AREA_NAMES["areas"]),
        )
        areas = data.get("areas", [])
        if not isinstance(areas, list):
            shape.problems.append(f"{where}: 'areas' must be a list of areas")
            areas = []
        for a_index, a_raw in enumerate(areas):
            a_where = f"{where} area {a_index + 1}"
            area = shape.fields(a_raw, a_where, AREA_FIELDS)
            standard.areas.append(
                AreaDoc(
                    id=shape.text(area, "id", a_where),
                    name=shape.text(area, "name", a_where),
                    description=shape.text(area, "description", a_where),
                )
            )
        standards.append(standard)
    return standards, shape.problems


def read_mappings(stored: object) -> tuple[dict[str, list[str]], list[str]]:
    """`Question.mappings` as the file holds it, and what in it is not of that shape (each
    problem without the question's name, which the caller adds)."""
    if stored in (None, "", {}):
        return {}, []
    if not isinstance(stored, dict):
        return {}, [
            f"must map standard or model keys to lists of references, not {type(stored).__name__}"
        ]
    mappings, problems = {}, []
    for key, refs in stored.items():
        if not isinstance(refs, list):
            problems.append(f"{key!r} must be a list of references, not {refs!r}")
            refs = [refs]
        texts = [ref if isinstance(ref, str) else str(ref) for ref in refs]
        if texts != refs:
            problems.append(f"{key!r}: every reference must be text (in quotes)")
        mappings[key] = texts
    return mappings, problems


def _band(stage: Stage) -> tuple[int, int] | None:
    if stage.band_from is None or stage.band_to is None:
        return None
    return (stage.band_from, stage.band_to)


def export_text(questionnaire: Questionnaire) -> str:
    return dump_document(read_document(questionnaire))
