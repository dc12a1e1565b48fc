"""Properties of assessments.scoring.assess over random models and random answers."""

from collections.abc import Iterator
from dataclasses import asdict, replace
from random import Random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from assessments.scoring import (
    TOLERANCE,
    AnswerKind,
    AnswerSpec,
    AssessmentResult,
    ModelSpec,
    QuestionSpec,
    ScopeResult,
    ScoringMethod,
    StageSpec,
    assess,
)
from tests import scoring_legacy as legacy


@st.composite
def models(draw: st.DrawFn, every_stage: bool = False, per_stage: bool = False) -> ModelSpec:
    """2-6 stages, 1-4 layers, 1-4 pillars, 1-40 questions.

    With every_stage, the first questions sit one per stage so that every stage has one. With
    per_stage, stages may set their own core minimum and the first may be a floor (then the
    questions sit above it).
    """
    n_stages = draw(st.integers(2, 6))
    floor = per_stage and draw(st.booleans())
    stage_minimums = [
        draw(st.none() | st.integers(0, 5)) if per_stage else None for _ in range(n_stages)
    ]
    thresholds = draw(
        st.lists(
            st.sampled_from([0.5, 0.7, 1.0]) | st.floats(0.01, 1.0),
            min_size=n_stages,
            max_size=n_stages,
        )
    )
    layers = tuple(f"layer{index}" for index in range(draw(st.integers(1, 4))))
    pillars = tuple(f"pillar{index}" for index in range(draw(st.integers(1, 4))))
    core_minimum = draw(st.integers(0, 5))
    minimums = [core_minimum if m is None else m for m in stage_minimums]
    lowest = 1 if floor else 0
    count = draw(st.integers(n_stages if every_stage else 1, 40))
    questions = []
    for index in range(count):
        max_score = draw(st.integers(1, 5))
        stage = (
            index
            if every_stage and lowest <= index < n_stages
            else draw(st.integers(lowest, n_stages - 1))
        )
        questions.append(
            QuestionSpec(
                key=f"q{index}",
                stage=stage,
                pillar=draw(st.sampled_from(pillars)),
                layer=draw(st.none() | st.sampled_from(layers)),
                weight=draw(st.sampled_from([1.0, 2.0, 3.0]) | st.floats(0.01, 100.0)),
                # Validation rejects core questions that could never reach core_minimum.
                core=max_score >= minimums[stage] and draw(st.booleans()),
                max_score=max_score,
            )
        )
    return ModelSpec(
        stages=tuple(
            StageSpec(
                level=level,
                key=f"s{level}",
                name=f"Stage {level}",
                threshold=threshold,
                core_minimum=stage_minimums[level],
                floor=floor and level == 0,
            )
            for level, threshold in enumerate(thresholds)
        ),
        layers=layers,
        pillars=pillars,
        core_minimum=core_minimum,
        questions=tuple(questions),
    )


def answer_to(question: QuestionSpec) -> st.SearchStrategy[AnswerSpec | None]:
    key = question.key
    return st.one_of(
        st.none(),  # unanswered
        st.just(AnswerSpec(key, AnswerKind.DONT_KNOW)),
        st.just(AnswerSpec(key, AnswerKind.NOT_APPLICABLE)),
        st.integers(0, question.max_score).map(
            lambda score: AnswerSpec(key, AnswerKind.OPTION, score)
        ),
    )


@st.composite
def answered_models(draw: st.DrawFn, per_stage: bool = False) -> tuple[ModelSpec, list[AnswerSpec]]:
    spec = draw(models(per_stage=per_stage))
    drawn = [draw(answer_to(question)) for question in spec.questions]
    return spec, [answer for answer in drawn if answer is not None]


def scopes(result: AssessmentResult) -> Iterator[ScopeResult]:
    yield result.overall
    yield from result.layers.values()
    yield from result.pillars.values()
    yield from result.cells.values()


def members(spec: ModelSpec, scope: ScopeResult) -> list[QuestionSpec]:
    """The scope membership rule, written independently of the implementation."""

    def in_layer(question: QuestionSpec, layer: str) -> bool:
        return question.layer is None or question.layer == layer

    if scope.kind == "overall":
        return list(spec.questions)
    if scope.kind == "layer":
        return [question for question in spec.questions if in_layer(question, scope.key)]
    if scope.kind == "pillar":
        return [question for question in spec.questions if question.pillar == scope.key]
    layer, pillar = scope.key.split(":")
    return [q for q in spec.questions if in_layer(q, layer) and q.pillar == pillar]


def reference_scope(
    spec: ModelSpec, answers: list[AnswerSpec], scope: ScopeResult
) -> tuple[int, int | None, float | None, list[str]]:
    """A literal, slow reading of docs/scoring.md: (stage, blocking stage, score, blockers)."""
    by_key = {answer.question: answer for answer in answers}
    applicable: list[tuple[QuestionSpec, int]] = []
    for question in members(spec, scope):
        answer = by_key.get(question.key)
        if answer is not None and answer.kind is AnswerKind.NOT_APPLICABLE:
            continue
        score = answer.score if answer is not None and answer.kind is AnswerKind.OPTION else 0
        applicable.append((question, score))

    stage, blocking_stage = 0, None
    for spec_stage in spec.stages:
        here = [(q, s) for q, s in applicable if q.stage == spec_stage.level]
        if not here:
            continue
        coverage = sum(q.weight * (s / q.max_score) for q, s in here) / sum(
            q.weight for q, _ in here
        )
        minimum = spec_stage.core_minimum
        if minimum is None:
            minimum = spec.core_minimum
        core_met = all(s >= minimum for q, s in here if q.core)
        if core_met and coverage >= spec_stage.threshold - TOLERANCE:
            stage = spec_stage.level
        else:
            blocking_stage = spec_stage.level
            break

    total = sum(q.weight for q, _ in applicable)
    points = sum(q.weight * s / q.max_score for q, s in applicable)
    expected_score = 100 * points / total if total else None
    order = {question.key: index for index, question in enumerate(spec.questions)}
    short = [(q, s) for q, s in applicable if q.stage == blocking_stage and s < q.max_score]

    def priority(item: tuple[QuestionSpec, int]) -> tuple[float, bool, int]:
        question, score = item
        impact = question.weight * ((question.max_score - score) / question.max_score)
        return (-impact, not question.core, order[question.key])

    return stage, blocking_stage, expected_score, [q.key for q, _ in sorted(short, key=priority)]


@given(answered_models(per_stage=True))
def test_every_scope_matches_a_literal_reading_of_the_rules(
    case: tuple[ModelSpec, list[AnswerSpec]],
) -> None:
    spec, answers = case
    result = assess(spec, answers)
    for scope in scopes(result):
        stage, blocking, score, blockers = reference_scope(spec, answers, scope)
        assert (scope.stage, scope.blocking_stage) == (stage, blocking), scope.key
        assert scope.score == (None if score is None else pytest.approx(score)), scope.key
        assert [blocker.question for blocker in scope.blockers] == blockers, scope.key
        assert scope.total == len(members(spec, scope))


@given(answered_models())
def test_results_stay_within_their_ranges(case: tuple[ModelSpec, list[AnswerSpec]]) -> None:
    spec, answers = case
    for scope in scopes(assess(spec, answers)):
        assert scope.score is None or 0 <= scope.score <= 100
        assert len(scope.stages) == len(spec.stages)
        for coverage in scope.stages:
            assert coverage.coverage is None or 0 <= coverage.coverage <= 1
            assert (coverage.coverage is None) == (coverage.applicable == 0)
        if scope.blocking_stage is not None:
            assert scope.stage <= scope.blocking_stage
            assert not scope.stages[scope.blocking_stage].attained
        impacts = [blocker.impact for blocker in scope.blockers]
        assert impacts == sorted(impacts, reverse=True)


@given(answered_models(), st.data())
def test_raising_one_answer_never_lowers_any_scope_score_or_stage(
    case: tuple[ModelSpec, list[AnswerSpec]], data: st.DataObject
) -> None:
    spec, answers = case
    by_key = {answer.question: answer for answer in answers}

    def current(question: QuestionSpec) -> int:
        answer = by_key.get(question.key)
        return answer.score if answer is not None and answer.kind is AnswerKind.OPTION else 0

    # Unanswered and "don't know" may be raised to any option; not applicable is not a score.
    raisable = [
        question
        for question in spec.questions
        if (answer := by_key.get(question.key)) is None
        or answer.kind is not AnswerKind.NOT_APPLICABLE
    ]
    assume(raisable)
    target = data.draw(st.sampled_from(raisable))
    new_score = data.draw(st.integers(current(target), target.max_score))
    raised = {**by_key, target.key: AnswerSpec(target.key, AnswerKind.OPTION, new_score)}

    before = assess(spec, answers)
    after = assess(spec, raised.values())
    for old, new in zip(scopes(before), scopes(after), strict=True):
        assert new.stage >= old.stage, old.key
        if old.score is not None:
            assert new.score is not None
            assert new.score >= old.score, old.key


def best_answer(question: QuestionSpec) -> AnswerSpec:
    return AnswerSpec(question.key, AnswerKind.OPTION, question.max_score)


@given(models(), st.data())
def test_best_answers_reach_in_every_scope_its_highest_level_with_a_question(
    spec: ModelSpec, data: st.DataObject
) -> None:
    """With every applicable question at its maximum, every stage that has an applicable
    question in a scope is attained there (coverage 1 meets any threshold, and the maximum
    meets core_minimum), so the walk never stops: each scope's stage is the highest level
    that has at least one applicable question in that scope, or 0 when it has none.
    """
    not_applicable = data.draw(st.sets(st.sampled_from([q.key for q in spec.questions])))
    answers = [
        AnswerSpec(q.key, AnswerKind.NOT_APPLICABLE) if q.key in not_applicable else best_answer(q)
        for q in spec.questions
    ]
    result = assess(spec, answers)
    for scope in scopes(result):
        levels = [q.stage for q in members(spec, scope) if q.key not in not_applicable]
        assert scope.stage == max(levels, default=0), scope.key
        assert scope.blocking_stage is None
        assert scope.blockers == ()
        assert scope.score == (100.0 if levels else None)


@given(models(every_stage=True))
def test_best_answers_with_a_question_at_every_stage_reach_the_top_stage(
    spec: ModelSpec,
) -> None:
    result = assess(spec, [best_answer(question) for question in spec.questions])
    assert result.overall.stage == len(spec.stages) - 1
    assert result.overall.score == 100.0


@given(models(), st.sampled_from(["zero", "dont_know", "unanswered"]))
def test_worst_answers_give_stage_zero_everywhere(spec: ModelSpec, worst: str) -> None:
    if worst == "zero":
        answers = [AnswerSpec(q.key, AnswerKind.OPTION, 0) for q in spec.questions]
    elif worst == "dont_know":
        answers = [AnswerSpec(q.key, AnswerKind.DONT_KNOW) for q in spec.questions]
    else:
        answers = []
    for scope in scopes(assess(spec, answers)):
        assert scope.stage == 0, scope.key
        assert scope.score in (0.0, None)
        if scope.total:
            # The lowest stage with a question blocks, and all its questions are blockers.
            assert scope.blocking_stage == min(q.stage for q in members(spec, scope))


@given(models())
def test_everything_not_applicable_gives_stage_zero_and_no_score_everywhere(
    spec: ModelSpec,
) -> None:
    answers = [AnswerSpec(q.key, AnswerKind.NOT_APPLICABLE) for q in spec.questions]
    for scope in scopes(assess(spec, answers)):
        assert scope.stage == 0
        assert scope.score is None
        assert scope.blocking_stage is None
        assert scope.blockers == ()
        assert scope.not_applicable == scope.total


@given(answered_models(), st.randoms(use_true_random=False))
def test_the_order_of_answers_does_not_matter(
    case: tuple[ModelSpec, list[AnswerSpec]], random: Random
) -> None:
    spec, answers = case
    shuffled = list(answers)
    random.shuffle(shuffled)
    assert assess(spec, shuffled) == assess(spec, answers)


def legacy_case(
    spec: ModelSpec, answers: list[AnswerSpec]
) -> tuple[legacy.ModelSpec, list[legacy.AnswerSpec]]:
    """The same model and answers in the types of the engine before scoring methods."""
    model = legacy.ModelSpec(
        stages=tuple(legacy.StageSpec(s.level, s.key, s.name, s.threshold) for s in spec.stages),
        layers=spec.layers,
        pillars=spec.pillars,
        core_minimum=spec.core_minimum,
        questions=tuple(
            legacy.QuestionSpec(
                q.key,
                q.stage,
                q.pillar,
                q.layer,
                q.weight,
                q.core,
                q.max_score,
                q.text,
                q.recommendation,
            )
            for q in spec.questions
        ),
    )
    old_answers = [
        legacy.AnswerSpec(a.question, legacy.AnswerKind(a.kind), a.score) for a in answers
    ]
    return model, old_answers


@given(answered_models())
def test_gated_gives_exactly_the_results_of_the_engine_before_scoring_methods(
    case: tuple[ModelSpec, list[AnswerSpec]],
) -> None:
    spec, answers = case
    new = asdict(assess(spec, answers))
    old = asdict(legacy.assess(*legacy_case(spec, answers)))
    assert new.pop("method") == ScoringMethod.GATED
    assert new.pop("sections") == {}
    assert new == old


@given(answered_models(per_stage=True))
def test_a_floor_is_attained_everywhere_and_never_blocks(
    case: tuple[ModelSpec, list[AnswerSpec]],
) -> None:
    spec, answers = case
    assume(spec.stages[0].floor)
    for scope in scopes(assess(spec, answers)):
        floor = scope.stages[0]
        assert (floor.attained, floor.coverage, floor.applicable) == (True, None, 0)
        assert scope.blocking_stage != 0


@st.composite
def bands(draw: st.DrawFn, n_stages: int) -> list[tuple[int, int]]:
    """n_stages contiguous bands from 0 to 100."""
    cuts = sorted(draw(st.sets(st.integers(1, 99), min_size=n_stages - 1, max_size=n_stages - 1)))
    bounds = [0, *cuts, 100]
    return list(zip(bounds, bounds[1:], strict=False))


@st.composite
def banded_models(draw: st.DrawFn) -> tuple[ModelSpec, list[AnswerSpec]]:
    spec, answers = draw(answered_models())
    drawn = draw(bands(len(spec.stages)))
    stages = tuple(replace(s, band=band) for s, band in zip(spec.stages, drawn, strict=True))
    return replace(spec, method=ScoringMethod.BANDS, stages=stages), answers


@given(banded_models())
def test_bands_place_each_scope_by_its_score_alone(
    case: tuple[ModelSpec, list[AnswerSpec]],
) -> None:
    spec, answers = case
    result = assess(spec, answers)
    gated = assess(
        replace(
            spec,
            method=ScoringMethod.GATED,
            stages=tuple(replace(s, band=None) for s in spec.stages),
        ),
        answers,
    )
    for scope, same in zip(scopes(result), scopes(gated), strict=True):
        # The score and the counts do not depend on the method (the sums run in another order).
        assert scope.score == (None if same.score is None else pytest.approx(same.score))
        assert (scope.total, scope.unanswered) == (same.total, same.unanswered)
        assert scope.stages == ()
        if scope.score is None:
            assert scope.stage is None
            continue
        assert scope.stage is not None
        low, high = spec.stages[scope.stage].band or (0, 0)
        assert low - 1e-6 <= scope.score
        assert scope.score < high + 1e-6 or high == 100
        impacts = [blocker.impact for blocker in scope.blockers]
        assert impacts == sorted(impacts, reverse=True)
        assert not any(blocker.gating for blocker in scope.blockers)


@st.composite
def progress_models(draw: st.DrawFn) -> tuple[ModelSpec, list[AnswerSpec]]:
    spec, answers = draw(answered_models())
    sections = tuple(f"section{index}" for index in range(draw(st.integers(1, 4))))
    questions = tuple(replace(q, section=draw(st.sampled_from(sections))) for q in spec.questions)
    return replace(
        spec, method=ScoringMethod.PROGRESS, sections=sections, questions=questions
    ), answers


@given(progress_models())
def test_progress_gives_a_percentage_per_section_and_no_level(
    case: tuple[ModelSpec, list[AnswerSpec]],
) -> None:
    spec, answers = case
    result = assess(spec, answers)
    assert list(result.sections) == list(spec.sections)
    by_key = {answer.question: answer for answer in answers}
    for scope in [*scopes(result), *result.sections.values()]:
        assert (scope.stage, scope.blocking_stage, scope.stages) == (None, None, ())
    for key, scope in result.sections.items():
        applicable = []
        for question in spec.questions:
            if question.section != key:
                continue
            answer = by_key.get(question.key)
            if answer is not None and answer.kind is AnswerKind.NOT_APPLICABLE:
                continue
            score = answer.score if answer is not None and answer.kind is AnswerKind.OPTION else 0
            applicable.append((question, score))
        weight = sum(q.weight for q, _ in applicable)
        expected = (
            100 * sum(q.weight * s / q.max_score for q, s in applicable) / weight
            if weight
            else None
        )
        assert scope.score == (None if expected is None else pytest.approx(expected)), key
        assert scope.total == sum(1 for q in spec.questions if q.section == key)
