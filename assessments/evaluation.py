"""From the database to the scoring engine: load what scoring needs in a fixed number of queries.

A published questionnaire never changes, so its `ModelSpec` is built once per process and kept
(`caches.published`); only a draft's is rebuilt on every call. Answers are always read fresh.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max

from assessments import caches
from assessments.content_language import translated
from assessments.headline import reached_level
from assessments.models import Answer, AnswerOption, Assessment, Question, Questionnaire
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
from assessments.scoring_methods.conditions import Chosen, Condition, chosen_of, hidden_questions
from assessments.scoring_methods.question_types import checklist_fraction, on_scale, own_fraction


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
            name=translated(s["name"], s["translations"], "name"),
            threshold=(s["threshold"] / 100) if s["threshold"] else default_threshold,
            core_minimum=s["core_minimum"],
            floor=s["is_floor"],
            band=_band(s["band_from"], s["band_to"]),
        )
        for s in questionnaire.stages.order_by("level").values(
            "level",
            "key",
            "name",
            "threshold",
            "core_minimum",
            "is_floor",
            "band_from",
            "band_to",
            "translations",
        )
    )
    layers = tuple(questionnaire.layers.order_by("order").values_list("key", flat=True))
    pillars = tuple(questionnaire.pillars.order_by("order").values_list("key", flat=True))
    # Free text is never scored: the engine never sees it, so it is in no denominator. It is read
    # all the same, as it may be asked only on a condition.
    every = list(
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
            "type",
            "pk",
            "show_if_question",
            "show_if_answers",
            "own_scale",
            "translations",
        )
    )
    rows = [row for row in every if row["type"] != Question.Type.TEXT]
    # A checklist scores on the version's scale: up to its highest score (`question_types`).
    boxes: dict[int, list[tuple[int, int]]] = defaultdict(list)
    labels: dict[int, dict[str, int]] = defaultdict(dict)  # a checklist's box ids by label
    top = 0
    if any(row["type"] == Question.Type.CHECKLIST or row["own_scale"] for row in rows):
        top = questionnaire.scale_levels.aggregate(top=Max("score"))["top"] or 0
    if any(row["type"] == Question.Type.CHECKLIST for row in rows):
        for box in (
            AnswerOption.objects.filter(
                question__questionnaire=questionnaire, question__type=Question.Type.CHECKLIST
            )
            .order_by("question_id", "order", "pk")
            .values("question_id", "pk", "weight", "label")
        ):
            boxes[box["question_id"]].append((box["pk"], box["weight"]))
            labels[box["question_id"]][box["label"]] = box["pk"]
    questions = tuple(
        QuestionSpec(
            key=row["key"],
            stage=row["stage__level"],
            pillar=row["pillar__key"],
            layer=row["layer__key"],
            weight=float(row["weight"]),
            core=row["is_core"],
            # A checklist and a question on its own scale score on the version's scale.
            max_score=(
                top
                if row["type"] == Question.Type.CHECKLIST or row["own_scale"]
                else row["max_score"]
            )
            or 0,
            own_max=(row["max_score"] or 0) if row["own_scale"] else 0,
            text=translated(row["text"], row["translations"], "text"),
            recommendation=translated(row["recommendation"], row["translations"], "recommendation"),
            section=row["section__key"],
            boxes=tuple(boxes.get(row["pk"], ())),
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
        conditions=conditions(
            [(r["key"], r["show_if_question"], r["show_if_answers"]) for r in every],
            {r["key"]: (r["type"], labels.get(r["pk"], {})) for r in every},
        ),
    )


def conditions(
    shows: list[tuple[str, str, list]], governing: dict[str, tuple[str, dict[str, int]]]
) -> tuple[Condition, ...]:
    """The version's conditions, in order, from each question's (key, `show_if_question`,
    `show_if_answers`) and each question's (type, box ids by label). What names nothing (a
    draft's slip, which the rules refuse on publication) shows the question never."""
    out = []
    for key, on, answers in shows:
        if not on:
            continue
        kind, boxes = governing.get(on, ("", {}))
        values = answers if isinstance(answers, list) else []
        if kind == Question.Type.CHECKLIST:
            ids = frozenset(boxes[v] for v in values if isinstance(v, str) and v in boxes)
            out.append(Condition(key, on, boxes=ids))
        else:
            scores = frozenset(v for v in values if isinstance(v, int) and not isinstance(v, bool))
            out.append(Condition(key, on, scores=scores))
    return tuple(out)


def chosen_answer(kind: str, score: int | None, boxes) -> Chosen | None:
    """What an answer chose, as a condition reads it: an option's score or the boxes checked."""
    if kind == Answer.Kind.OPTION and score is not None:
        return Chosen(score=score)
    if kind == Answer.Kind.CHECKED:
        return Chosen(boxes=frozenset(boxes or ()))
    return None


def hidden_keys(model: ModelSpec, rows) -> frozenset[str]:
    """The questions not asked, from (question key, kind, option score, boxes) answer rows."""
    if not model.conditions:
        return frozenset()
    return hidden_questions(model.conditions, chosen_of(rows))


def _hidden_scored(model: ModelSpec, rows) -> frozenset[str]:
    scored = {question.key for question in model.questions}
    return frozenset(key for key in hidden_keys(model, rows) if key in scored)


def answer_spec(
    question: QuestionSpec, kind: str, score: float | None, boxes: list[int] | None
) -> AnswerSpec:
    """One stored answer as the engine takes it: a checklist's boxes become a score."""
    if kind == Answer.Kind.CHECKED:
        fraction = checklist_fraction(boxes or [], dict(question.boxes))
        return AnswerSpec(question.key, AnswerKind.OPTION, on_scale(fraction, question.max_score))
    if kind == Answer.Kind.OPTION and question.own_max:
        # Its own scale: the share of its own highest score, on the version's scale.
        fraction = own_fraction(score or 0, question.own_max)
        return AnswerSpec(question.key, AnswerKind.OPTION, on_scale(fraction, question.max_score))
    return AnswerSpec(question.key, AnswerKind(kind), score or 0)


def _scored(model: ModelSpec, rows) -> list[AnswerSpec]:
    """(question key, kind, option score, boxes) rows as the engine's answers; answers to
    questions it does not score (free text) are left out."""
    questions = {question.key: question for question in model.questions}
    return [
        answer_spec(questions[key], kind, score, boxes)
        for key, kind, score, boxes in rows
        if key in questions
    ]


def _excluded(spec: ModelSpec, assessment: Assessment) -> frozenset[str]:
    """The questions the assessment's out-of-scope sections, layers and pillars take out."""
    return excluded_questions(spec, read_exclusions(assessment.scope_exclusions))


def _rows(assessment: Assessment) -> list[tuple]:
    return list(
        Answer.objects.chosen()
        .filter(assessment=assessment, respondent__isnull=True)
        .values_list("question__key", "kind", "option__score", "boxes")
    )


def answer_specs(assessment: Assessment, model: ModelSpec | None = None) -> list[AnswerSpec]:
    model = model or model_spec(assessment.questionnaire)
    return _scored(model, _rows(assessment))


@dataclass(frozen=True)
class Standing:
    """What scoring reads of one assessment, question by question: the scored answers by
    question key, the questions out of scope and the questions not asked."""

    answers: dict[str, AnswerSpec]
    excluded: frozenset[str]
    hidden: frozenset[str]


def standing(assessment: Assessment, model: ModelSpec, rows: list[tuple]) -> Standing:
    """From (question key, kind, option score, boxes) answer rows, read as `evaluate` reads
    them: what else shows per question (the standards' readiness) agrees with the scores."""
    return Standing(
        {answer.question: answer for answer in _scored(model, rows)},
        _excluded(model, assessment),
        _hidden_scored(model, rows),
    )


def hidden_of(model: ModelSpec, answers: dict[str, Answer]) -> frozenset[str]:
    """The keys of the questions not asked, from answers already read (by question key)."""
    if not model.conditions:
        return frozenset()
    chosen = {}
    for key, answer in answers.items():
        value = chosen_answer(answer.kind, getattr(answer.option, "score", None), answer.boxes)
        if value is not None:
            chosen[key] = value
    return hidden_questions(model.conditions, chosen)


def hidden(assessment: Assessment, model: ModelSpec | None = None) -> frozenset[str]:
    """The keys of the assessment's questions not asked, by its answers (free text too)."""
    model = model or model_spec(assessment.questionnaire)
    return hidden_keys(model, _rows(assessment)) if model.conditions else frozenset()


def _assess(model: ModelSpec, rows: list[tuple], assessment: Assessment) -> AssessmentResult:
    return assess(
        model,
        _scored(model, rows),
        excluded=_excluded(model, assessment),
        hidden=_hidden_scored(model, rows),
    )


def evaluate(assessment: Assessment) -> AssessmentResult:
    model = model_spec(assessment.questionnaire)
    return _assess(model, _rows(assessment), assessment)


def evaluate_many(assessments: list[Assessment]) -> dict[int, AssessmentResult]:
    """Results of many assessments from one query for all their answers."""
    by_assessment: dict[int, list[tuple]] = {a.pk: [] for a in assessments}
    rows = (
        Answer.objects.chosen()
        .filter(assessment__in=[a.pk for a in assessments], respondent__isnull=True)
        .values_list("assessment_id", "question__key", "kind", "option__score", "boxes")
    )
    for assessment_id, *row in rows:
        by_assessment[assessment_id].append(tuple(row))
    return {a.pk: _assess(model_spec(a.questionnaire), by_assessment[a.pk], a) for a in assessments}


def evaluate_respondents(
    assessment: Assessment, respondents: list | None = None
) -> dict[int, AssessmentResult]:
    """Each respondent's own answers scored as the agreed ones are, by respondent pk, from one
    query for all their answers (and one for the respondents, unless given).

    The assessment's scope exclusions hold for everyone; a respondent asked to answer some
    sections only is scored on those, so the others count nowhere rather than as not in place.
    A respondent without a chosen answer has no result and is left out. The agreed result
    (`evaluate`) reads none of these rows.
    """
    if respondents is None:
        respondents = list(assessment.respondents.all())
    by_respondent: dict[int, list[tuple]] = {r.pk: [] for r in respondents}
    rows = (
        Answer.objects.chosen()
        .filter(assessment=assessment, respondent__in=list(by_respondent))
        .values_list("respondent_id", "question__key", "kind", "option__score", "boxes")
    )
    for respondent_id, *row in rows:
        by_respondent[respondent_id].append(tuple(row))
    model = model_spec(assessment.questionnaire)
    excluded = _excluded(model, assessment)
    out = {}
    for respondent in respondents:
        rows_of = by_respondent[respondent.pk]
        if not rows_of:
            continue
        theirs = excluded
        if respondent.sections:
            asked = set(respondent.sections)
            theirs = excluded | {q.key for q in model.questions if q.section not in asked}
        out[respondent.pk] = assess(
            model, _scored(model, rows_of), excluded=theirs, hidden=_hidden_scored(model, rows_of)
        )
    return out


@dataclass(frozen=True)
class Summary:
    """An assessment's overall result in a few numbers: what lists and charts of many show."""

    stage: int | None  # None: the version's method has no levels (progress), or no score (bands)
    score: float | None
    answered: int
    total: int
    # False when `stage` is only where a gated scope starts: its lowest level is not attained.
    reached: bool = True


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
        # A summary stored before `reached` was kept is made again, once.
        if cached.get("fingerprint") == fingerprint and "reached" in cached:
            out[assessment.pk] = Summary(
                cached["stage"],
                cached["score"],
                cached["answered"],
                cached["total"],
                cached["reached"],
            )
        else:
            stale.append(assessment)
    if stale:
        for pk, result in evaluate_many(stale).items():
            overall = result.overall
            gated = result.method == ScoringMethod.GATED
            out[pk] = Summary(
                overall.stage,
                overall.score,
                overall.total - overall.unanswered,
                overall.total,
                overall.stage is None or reached_level(overall, gated=gated) is not None,
            )
        for assessment in stale:
            summary = out[assessment.pk]
            assessment.result_cache = {
                "fingerprint": assessment.answers_fingerprint,
                "stage": summary.stage,
                "score": summary.score,
                "answered": summary.answered,
                "total": summary.total,
                "reached": summary.reached,
            }
        Assessment.objects.bulk_update(stale, ["result_cache"])
    return out
