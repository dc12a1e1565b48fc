"""The organizations of docs/questionnaire.md ("Personas") as answer sets, scored without a
database by the product's own engine.

A persona file (tests/fixtures/personas/*.yaml) gives a default score per stage and the answers
that differ from it, which is how a person describing an organization thinks ("everything at
this stage is practised, except..."):

    name: A regional public body
    by_stage: {awareness: 3, ad-hoc: 2, strategy: 1, engagement: 0, leadership: 0}
    answers:                       # overrides: a score, dont_know or {not_applicable: reason}
      oss-contact-known: 3
    out_of_scope:                  # optional, as an owner would set them on the scope page
      - {kind: section, key: community-leadership, reason: ...}
    expect:                        # what the tests pin
      stage: 1
      blocking_stage: 2
      gating: [usage-policy]       # the core questions that hold the blocking stage, exactly

Every question of the version gets an answer: its stage's default unless overridden.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from assessments.questionnaire_file.document import QuestionnaireDoc, parse_document
from assessments.scopes import Exclusion, ScopeKind, excluded_questions
from assessments.scoring import (
    AnswerKind,
    AnswerSpec,
    AssessmentResult,
    ModelSpec,
    QuestionSpec,
    StageSpec,
    assess,
)

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = ROOT / "assessments" / "questionnaires"
PERSONAS = Path(__file__).resolve().parent / "fixtures" / "personas"


@cache
def document(name: str) -> QuestionnaireDoc:
    return parse_document((QUESTIONNAIRES / name).read_text(encoding="utf-8"))


def spec_of(doc: QuestionnaireDoc) -> ModelSpec:
    """The engine's model of a file, as evaluation builds it from the database."""
    levels = {stage.key: level for level, stage in enumerate(doc.stages)}
    stages = tuple(
        StageSpec(
            level=level,
            key=stage.key,
            name=stage.name,
            threshold=(stage.threshold or doc.threshold) / 100,
            core_minimum=stage.core_minimum,
        )
        for level, stage in enumerate(doc.stages)
    )
    questions = tuple(
        QuestionSpec(
            key=q.key,
            stage=levels[q.stage],
            pillar=q.pillar,
            layer=q.layer,
            weight=float(q.weight),
            core=q.core,
            max_score=max(option.score for option in (q.options or doc.scale)),
            text=q.text,
            recommendation=q.recommendation,
            section=section.key,
        )
        for section in doc.sections
        for q in section.questions
    )
    return ModelSpec(
        stages=stages,
        layers=tuple(layer.key for layer in doc.layers),
        pillars=tuple(pillar.key for pillar in doc.pillars),
        core_minimum=doc.core_minimum,
        questions=questions,
        sections=tuple(section.key for section in doc.sections),
    )


@dataclass(frozen=True)
class Persona:
    slug: str
    data: dict

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def expect(self) -> dict:
        return self.data["expect"]

    def answers(self, doc: QuestionnaireDoc) -> dict[str, object]:
        """Every question's answer: its stage's default unless the persona says otherwise."""
        overrides = self.data.get("answers") or {}
        unknown = set(overrides) - {q.key for q in doc.questions()}
        if unknown:
            raise ValueError(f"{self.slug}: answers to unknown questions {sorted(unknown)}")
        return {
            q.key: overrides.get(q.key, self.data["by_stage"][q.stage]) for q in doc.questions()
        }

    def exclusions(self) -> tuple[Exclusion, ...]:
        return tuple(
            Exclusion(kind=ScopeKind(item["kind"]), key=item["key"], reason=item["reason"])
            for item in self.data.get("out_of_scope") or ()
        )


def answer_specs(answers: dict[str, object]) -> list[AnswerSpec]:
    specs = []
    for key, value in answers.items():
        if value == "dont_know":
            specs.append(AnswerSpec(key, AnswerKind.DONT_KNOW))
        elif isinstance(value, dict):
            specs.append(AnswerSpec(key, AnswerKind.NOT_APPLICABLE))
        else:
            specs.append(AnswerSpec(key, AnswerKind.OPTION, score=value))
    return specs


def personas() -> list[Persona]:
    return [
        Persona(path.stem, yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted(PERSONAS.glob("*.yaml"))
    ]


def score(
    persona: Persona, doc: QuestionnaireDoc, *, with_exclusions: bool = True
) -> AssessmentResult:
    model = spec_of(doc)
    excluded = excluded_questions(model, persona.exclusions()) if with_exclusions else ()
    return assess(model, answer_specs(persona.answers(doc)), excluded=excluded)
