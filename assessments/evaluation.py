"""From the database to the scoring engine: load what scoring needs in a fixed number of queries.

A published questionnaire never changes, so its `ModelSpec` is built once per process and kept
(`caches.published`); only a draft's is rebuilt on every call. Answers are always read fresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from assessments import caches
from assessments.models import Answer, Assessment, Questionnaire
from assessments.scopes import excluded_questions, read_exclusions
from assessments.scoring import (
    AnswerKind,
    AnswerSpec,
    AssessmentResult,
    ModelSpec,
    QuestionSpec,
    ScoringMethod,
    StageSpec,
    assess,
)


def model_spec(questionnaire: Questionnaire) -> ModelSpec:
    return caches.published(questionnaire, "model-spec", lambda: _build_model_spec(questionnaire))


def _band(low: int | None, high: int | None) -> tuple[int, int] | None:
    return None if low is None or high is None else (low, high)


def _build_model_spec(questionnaire: Questionnaire) -> ModelSpec:
    method = ScoringMethod(questionnaire.scoring_method)
    default_threshold = questionnaire.threshold / 100
    stages = tuple(
        StageSpec(
            level=s["level"],
            key=s["key"],
            name=s["name"],
            threshold=(s["threshold"] / 100) if s["threshold"] else default_threshold,
            core_minimum=s["core_minimum"],
            floor=s["is_floor"],
            band=_band(s["band_from"], s["band_to"]),
        )
        for s in questionnaire.stages.order_by("level").values(
            "level", "key", "name", "threshold", "core_minimum", "is_floor", "band_from", "band_to"
        )
    )
    layers = tuple(questionnaire.layers.order_by("order").values_list("key", flat=True))
    pillars = tuple(questionnaire.pillars.order_by("order").values_list("key", flat=True))
    rows = (
        questionnaire.questions.order_by("order")
        .annotate(max_score=Max("options__score"))
        .values(
            "key",
            "stage__level",
            "pillar__key",
            "layer__key",
            "weight",
            "is_core",
            "max_score",
            "text",
            "recommendation",
            "section__key",
        )
    )
    questions = tuple(
        QuestionSpec(
            key=row["key"],
            stage=row["stage__level"],
            pillar=row["pillar__key"],
            layer=row["layer__key"],
            weight=float(row["weight"]),
            core=row["is_core"],
            max_score=row["max_score"] or 0,
            text=row["text"],
            recommendation=row["recommendation"],
            section=row["section__key"],
        )
        for row in rows
    )
    return ModelSpec(
        stages=stages,
        layers=layers,
        pillars=pillars,
        core_minimum=questionnaire.core_minimum,
        questions=questions,
        method=method,
        # Only progress scores sections; the other methods are spared the query.
        sections=tuple(questionnaire.sections.order_by("order").values_list("key", flat=True))
        if method is ScoringMethod.PROGRESS
        else (),
    )


def answer_specs(assessment: Assessment) -> list[AnswerSpec]:
    rows = (
        Answer.objects.chosen()
        .filter(assessment=assessment, respondent__isnull=True)
        .values_list("question__key", "kind", "option__score")
    )
    return [
        AnswerSpec(question=key, kind=AnswerKind(kind), score=score or 0)
        for key, kind, score in rows
    ]


def _excluded(spec: ModelSpec, assessment: Assessment) -> frozenset[str]:
    """The questions the assessment's out-of-scope sections, layers and pillars take out."""
    return excluded_questions(spec, read_exclusions(assessment.scope_exclusions))


def evaluate(assessment: Assessment) -> AssessmentResult:
    spec = model_spec(assessment.questionnaire)
    return assess(spec, answer_specs(assessment), excluded=_excluded(spec, assessment))


def evaluate_many(assessments: list[Assessment]) -> dict[int, AssessmentResult]:
    """Results of many assessments from one query for all their answers."""
    by_assessment: dict[int, list[AnswerSpec]] = {a.pk: [] for a in assessments}
    rows = (
        Answer.objects.chosen()
        .filter(assessment__in=[a.pk for a in assessments], respondent__isnull=True)
        .values_list("assessment_id", "question__key", "kind", "option__score")
    )
    for assessment_id, key, kind, score in rows:
        by_assessment[assessment_id].append(
            AnswerSpec(question=key, kind=AnswerKind(kind), score=score or 0)
        )
    results = {}
    for a in assessments:
        spec = model_spec(a.questionnaire)
        results[a.pk] = assess(spec, by_assessment[a.pk], excluded=_excluded(spec, a))
    return results


@dataclass(frozen=True)
class Summary:
    """An assessment's overall result in a few numbers: what lists and charts of many show."""

    stage: int | None  # None: the version's method has no levels (progress), or no score (bands)
    score: float | None
    answered: int
    total: int


def summaries(assessments: list[Assessment]) -> dict[int, Summary]:
    """Overall results of many assessments: stored ones reused, stale ones scored and stored.

    Two queries at most whatever the number of assessments, none when every stored summary is
    current: one for the answers of stale assessments, one to store their new summaries. A
    summary is current while the assessment's answers fingerprint is the one it was made from.
    """
    out: dict[int, Summary] = {}
    stale: list[Assessment] = []
    for assessment in assessments:
        fingerprint = assessment.answers_fingerprint
        cached = assessment.result_cache or {}
        if cached.get("fingerprint") == fingerprint:
            out[assessment.pk] = Summary(
                cached["stage"], cached["score"], cached["answered"], cached["total"]
            )
        else:
            stale.append(assessment)
    if stale:
        for pk, result in evaluate_many(stale).items():
            overall = result.overall
            out[pk] = Summary(
                overall.stage, overall.score, overall.total - overall.unanswered, overall.total
            )
        for assessment in stale:
            summary = out[assessment.pk]
            assessment.result_cache = {
                "fingerprint": assessment.answers_fingerprint,
                "stage": summary.stage,
                "score": summary.score,
                "answered": summary.answered,
                "total": summary.total,
            }
        Assessment.objects.bulk_update(stale, ["result_cache"])
    return out
