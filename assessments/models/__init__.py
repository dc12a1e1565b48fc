from assessments.models.account import AccountSettings
from assessments.models.assessment import Answer, Assessment, ResumePoint
from assessments.models.history import AnswerChange
from assessments.models.organization import Invitation, Membership, Organization, SignupAttempt
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
from assessments.models.share import ShareLink
from assessments.models.team import Respondent

__all__ = [
    "AccountSettings",
    "Answer",
    "AnswerChange",
    "AnswerOption",
    "Assessment",
    "FrozenQuestionnaireError",
    "Invitation",
    "Layer",
    "Membership",
    "Organization",
    "Pillar",
    "Question",
    "Questionnaire",
    "Respondent",
    "ResumePoint",
    "ScaleLevel",
    "Section",
    "ShareLink",
    "SignupAttempt",
    "Stage",
]
