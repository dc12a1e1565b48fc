from assessments.models.assessment import Answer, Assessment
from assessments.models.organization import Membership, Organization
from assessments.models.questionnaire import (
    AnswerOption,
    FrozenQuestionnaireError,
    Layer,
    Pillar,
    Question,
    Questionnaire,
    ScaleLevel,
    Section,
    Stage,
)

__all__ = [
    "Answer",
    "AnswerOption",
    "Assessment",
    "FrozenQuestionnaireError",
    "Layer",
    "Membership",
    "Organization",
    "Pillar",
    "Question",
    "Questionnaire",
    "ScaleLevel",
    "Section",
    "Stage",
]
