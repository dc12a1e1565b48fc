"""Generated questionnaires of any size, for query-count tests and benchmarks."""

from __future__ import annotations

from decimal import Decimal

from assessments.questionnaire_file.document import (
    OptionDoc,
    QuestionDoc,
    QuestionnaireDoc,
    SectionDoc,
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


def synthetic_document(
    questions: int, *, key: str = "synthetic", version: int = 1, per_section: int = 10
) -> QuestionnaireDoc:
    """A valid questionnaire of `questions` questions spread over every stage, layer, pillar."""
    scale = [OptionDoc(score, label) for score, label in enumerate(SCALE)]
    sections: list[SectionDoc] = []
    for index in range(questions):
        if index % per_section == 0:
            number = len(sections) + 1
            sections.append(SectionDoc(f"section-{number}", f"Section {number}", "", []))
        sections[-1].questions.append(
            QuestionDoc(
                key=f"q-{index + 1}",
                text=f"Generated practice number {index + 1}?",
                help="Generated for measurement.",
                stage=STAGES[index % len(STAGES)],
                pillar=PILLARS[(index // len(STAGES)) % len(PILLARS)],
                layer=None if index % 7 == 0 else LAYERS[index % len(LAYERS)],
                weight=Decimal(1 + index % 3),
                core=index % 9 == 0,
                not_applicable=index % 11 == 0,
                recommendation=f"Improve practice {index + 1}.",
                options=list(scale),
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
    )
