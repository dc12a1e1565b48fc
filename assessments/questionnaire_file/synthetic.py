"""Generated questionnaires of any size, for query-count tests and benchmarks."""

from __future__ import annotations

import copy
from decimal import Decimal

from assessments.questionnaire_file.document import (
    AreaDoc,
    OptionDoc,
    QuestionDoc,
    QuestionnaireDoc,
    SectionDoc,
    ShowIfDoc,
    StandardDoc,
    TaxonDoc,
)

STAGES = ["awareness", "ad-hoc", "strategy", "engagement", "leadership"]
LAYERS = ["worker", "management", "units", "ospo"]
PILLARS = ["enabler", "counselor", "advocate", "environmentalist"]
SCALE = [
    "Not in place",
    "Ad hoc",
    "Defined",
    "Practised organization-wide",
    "Measured and improved",
]


BOXES = [
    OptionDoc(0, "First tool", weight=2),
    OptionDoc(1, "Second tool"),
    OptionDoc(2, "Third tool"),
    OptionDoc(3, "None of these", exclusive=True),
]


def _question_type(index: int, mixed: bool) -> str:
    if not mixed:
        return "single"
    return {1: "checklist", 4: "text"}.get(index % 6, "single")


def _show_if(index: int, mixed: bool) -> ShowIfDoc | None:
    """Every fifth question depends on the one before: its higher scores, or its first box."""
    if index % 5 != 2:
        return None
    governing = _question_type(index - 1, mixed)
    if governing == "text":
        return None
    answers: list[int | str] = [BOXES[0].label] if governing == "checklist" else [2, 3, 4]
    return ShowIfDoc(f"q-{index}", answers)


# With `crosswalk`: a standard of five areas, each question mapped to one of them and, every
# third, to a model without a standard listed (a free reference).
STANDARD = StandardDoc(
    "synthetic-standard",
    "Generated standard",
    [AreaDoc(f"{number}.1", f"Area {number}") for number in range(1, 6)],
)


def _mappings(index: int, crosswalk: bool) -> dict[str, list[str]]:
    if not crosswalk:
        return {}
    mappings = {STANDARD.key: [STANDARD.areas[index % len(STANDARD.areas)].id]}
    if index % 3 == 0:
        mappings["other-model"] = [f"M-{index + 1}"]
    return mappings


def synthetic_document(
    questions: int,
    *,
    key: str = "synthetic",
    version: int = 1,
    per_section: int = 10,
    mixed: bool = False,
    conditional: bool = False,
    crosswalk: bool = False,
) -> QuestionnaireDoc:
    """A valid questionnaire of `questions` questions spread over every stage, layer, pillar;
    with `mixed`, a sixth of them checklists and a sixth free text; with `conditional`, every
    fifth question asked only after some answers to the one before it; with `crosswalk`, a
    standard its questions map to."""
    scale = [OptionDoc(score, label) for score, label in enumerate(SCALE)]
    sections: list[SectionDoc] = []
    for index in range(questions):
        if index % per_section == 0:
            number = len(sections) + 1
            sections.append(SectionDoc(f"section-{number}", f"Section {number}", "", []))
        kind = _question_type(index, mixed)
        options = {"single": list(scale), "checklist": list(BOXES), "text": []}[kind]
        sections[-1].questions.append(
            QuestionDoc(
                key=f"q-{index + 1}",
                text=f"Generated practice number {index + 1}?",
                help="Generated for measurement.",
                stage=STAGES[index % len(STAGES)],
                pillar=PILLARS[(index // len(STAGES)) % len(PILLARS)],
                layer=None if index % 7 == 0 else LAYERS[index % len(LAYERS)],
                weight=Decimal(1 + index % 3),
                core=index % 9 == 0 and kind != "text",
                not_applicable=index % 11 == 0 and kind != "text",
                recommendation=f"Improve practice {index + 1}.",
                options=options,
                type=kind,
                show_if=_show_if(index, mixed) if conditional else None,
                mappings=_mappings(index, crosswalk),
            )
        )
    return QuestionnaireDoc(
        key=key,
        version=version,
        title=f"Synthetic questionnaire, {questions} questions",
        description="",
        language="en",
        threshold=70,
        core_minimum=2,
        scale=scale,
        stages=[TaxonDoc(k, k.replace("-", " ").title()) for k in STAGES],
        layers=[TaxonDoc(k, k.title()) for k in LAYERS],
        pillars=[TaxonDoc(k, k.title()) for k in PILLARS],
        sections=sections,
        standards=[copy.deepcopy(STANDARD)] if crosswalk else [],
    )
