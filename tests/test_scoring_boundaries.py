"""The edges of assessments.scoring's validation, and its messages word for word.

Mutation testing (docs/testing.md) found that a threshold of 1.5 was accepted when `<= 1` became
`<= 2`, that messages matched by a substring let a wrong prefix through, and that a tolerance a
million times too wide went unnoticed. Each case here sits on one side of one boundary, and each
message is compared whole.
"""

import math

import pytest

from assessments.scoring import (
    TOLERANCE,
    AnswerKind,
    AnswerSpec,
    ModelSpec,
    QuestionSpec,
    ScoringMethod,
    StageSpec,
    assess,
)

LAYERS = ("worker", "management")
PILLARS = ("enabler", "counselor")


def question(
    key: str = "a",
    stage: int = 0,
    *,
    pillar: str | None = "enabler",
    layer: str | None = "worker",
    weight: float = 1.0,
    core: bool = False,
    max_score: int = 4,
    section: str = "",
) -> QuestionSpec:
    return QuestionSpec(
        key=key,
        stage=stage,
        pillar=pillar,
        layer=layer,
        weight=weight,
        core=core,
        max_score=max_score,
        section=section,
    )


def stage(level: int, threshold: float = 0.7, **fields) -> StageSpec:
    return StageSpec(
        level=level, key=f"s{level}", name=f"Stage {level}", threshold=threshold, **fields
    )


def gated(*questions: QuestionSpec, stages=None, core_minimum: int = 2, **fields) -> ModelSpec:
    return ModelSpec(
        stages=stages if stages is not None else (stage(0), stage(1), stage(2)),
        layers=LAYERS,
        pillars=PILLARS,
        core_minimum=core_minimum,
        questions=questions,
        **fields,
    )


def bands(*limits: tuple[int, int]) -> ModelSpec:
    return ModelSpec(
        stages=tuple(stage(level, band=band) for level, band in enumerate(limits)),
        layers=LAYERS,
        pillars=PILLARS,
        core_minimum=2,
        questions=(question(),),
        method=ScoringMethod.BANDS,
    )


def refusal(model: ModelSpec, answers=(), **options) -> str:
    with pytest.raises(ValueError) as info:
        assess(model, answers, **options)
    return str(info.value)


# --- stage thresholds: a fraction in (0, 1] ---------------------------------------------------


@pytest.mark.parametrize("threshold", [1.5, 2, 1 + 1e-9, 0.0, -0.5, 70])
def test_it_refuses_a_stage_threshold_outside_zero_to_one(threshold) -> None:
    assert refusal(gated(stages=(stage(0, threshold),))) == (
        f"stage 's0': threshold must be a fraction in (0, 1], got {threshold!r}"
    )


@pytest.mark.parametrize("threshold", [1, 1.0, 1e-9, 0.5])
def test_it_accepts_a_stage_threshold_in_zero_to_one(threshold) -> None:
    result = assess(gated(question(), stages=(stage(0, threshold),)), [])
    assert result.overall.stages[0].applicable == 1


def test_it_attains_a_threshold_of_one_only_with_every_answer_at_full_score() -> None:
    spec = gated(question("a"), question("b"), stages=(stage(0, 1.0),))
    full = [AnswerSpec("a", AnswerKind.OPTION, 4), AnswerSpec("b", AnswerKind.OPTION, 4)]
    short = [AnswerSpec("a", AnswerKind.OPTION, 4), AnswerSpec("b", AnswerKind.OPTION, 3)]
    assert assess(spec, full).overall.stages[0].attained
    assert not assess(spec, short).overall.stages[0].attained


# --- the tolerance: rounding, not leniency -----------------------------------------------------


def test_it_does_not_attain_a_threshold_of_one_at_a_coverage_of_0_9995() -> None:
    # Weights 1999 and 1: a at 4/4, b at 0/4 -> coverage 1999 / 2000 = 0.9995. A tolerance that
    # forgave a thousandth would call that 1.0; the engine's forgives only float rounding.
    spec = gated(question("a", weight=1999), question("b", weight=1), stages=(stage(0, 1.0),))
    answers = [AnswerSpec("a", AnswerKind.OPTION, 4), AnswerSpec("b", AnswerKind.OPTION, 0)]
    coverage = assess(spec, answers).overall.stages[0]
    assert coverage.coverage == pytest.approx(0.9995)
    assert not coverage.attained


def test_its_tolerance_is_a_billionth() -> None:
    assert TOLERANCE == 1e-9


# --- stage levels, core minimums, floors -------------------------------------------------------


def test_it_names_the_stage_and_both_levels_when_levels_have_a_gap() -> None:
    assert refusal(gated(stages=(stage(0), stage(2)))) == (
        "stage 's2' has level 2, expected 1: stages must be ordered by level, starting at 0, "
        "without gaps"
    )


def test_it_refuses_a_model_without_stages_unless_it_is_progress() -> None:
    assert refusal(gated(stages=())) == "the model declares no stage"
    progress = ModelSpec((), LAYERS, PILLARS, 2, (), method=ScoringMethod.PROGRESS)
    assert assess(progress, []).overall.stages == ()


def test_it_refuses_an_unknown_scoring_method() -> None:
    spec = gated(method="ladder")  # type: ignore[arg-type]
    assert refusal(spec) == "unknown scoring method 'ladder'"


def test_it_refuses_a_negative_stage_core_minimum_and_accepts_zero() -> None:
    assert refusal(gated(stages=(stage(0, core_minimum=-1),))) == (
        "stage 's0': core_minimum must be 0 or more, got -1"
    )
    spec = gated(question("a", core=True), stages=(stage(0, core_minimum=0),))
    result = assess(spec, [AnswerSpec("a", AnswerKind.OPTION, 4)])
    assert result.overall.stages[0].attained


def test_it_refuses_a_negative_model_core_minimum_and_accepts_zero() -> None:
    assert refusal(gated(core_minimum=-1)) == "core_minimum must be 0 or more, got -1"
    assert assess(gated(question(), core_minimum=0), []).overall.stages[0].core_met


def test_it_refuses_a_floor_above_level_zero() -> None:
    spec = gated(stages=(stage(0), stage(1, floor=True)))
    assert refusal(spec) == "stage 's1': only the first stage of a gated model may be the floor"


def test_it_refuses_a_floor_outside_a_gated_model() -> None:
    spec = ModelSpec(
        (stage(0, floor=True, band=(0, 100)),),
        LAYERS,
        PILLARS,
        2,
        (question(),),
        method=ScoringMethod.BANDS,
    )
    assert refusal(spec) == "stage 's0': only the first stage of a gated model may be the floor"


def test_it_accepts_a_floor_at_level_zero_of_a_gated_model() -> None:
    spec = gated(question("a", 1), stages=(stage(0, floor=True), stage(1)))
    assert assess(spec, [AnswerSpec("a", AnswerKind.OPTION, 4)]).overall.stage == 1


def test_it_refuses_a_question_on_the_floor() -> None:
    spec = gated(question("a", 0), stages=(stage(0, floor=True), stage(1)))
    assert refusal(spec) == (
        "question 'a': the floor stage holds no question, it is where all start"
    )


# --- bands -------------------------------------------------------------------------------------


def test_it_accepts_contiguous_bands_from_zero_to_one_hundred() -> None:
    result = assess(bands((0, 50), (50, 100)), [AnswerSpec("a", AnswerKind.OPTION, 2)])
    assert result.overall.stage == 1


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (((1, 100),), "stage 's0': its band must start at 0, where the one below ends, not at 1"),
        (
            ((0, 50), (49, 100)),
            "stage 's1': its band must start at 50, where the one below ends, not at 49",
        ),
        (((0, 0),), "stage 's0': its band must end above 0 and at 100 at most, not at 0"),
        (((0, 101),), "stage 's0': its band must end above 0 and at 100 at most, not at 101"),
        (((0, 99),), "the bands must cover 0 to 100; the last one ends at 99"),
    ],
)
def test_it_refuses_bands_with_a_gap_an_overlap_or_an_open_end(limits, message) -> None:
    assert refusal(bands(*limits)) == message


def test_it_refuses_a_bands_stage_without_a_band() -> None:
    spec = ModelSpec(
        (stage(0, band=(0, 50)), stage(1)), LAYERS, PILLARS, 2, (), method=ScoringMethod.BANDS
    )
    assert refusal(spec) == "stage 's1': a bands model needs a band for every stage"


def test_it_refuses_a_band_outside_a_bands_model() -> None:
    assert refusal(gated(stages=(stage(0, band=(0, 100)),))) == (
        "stage 's0': only a bands model gives stages a band"
    )


# --- duplicates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            gated(stages=(stage(0), StageSpec(1, "s0", "Again", 0.7))),
            "stage 's0' is declared twice",
        ),
        (ModelSpec((stage(0),), ("w", "w"), PILLARS, 2, ()), "layer 'w' is declared twice"),
        (ModelSpec((stage(0),), LAYERS, ("p", "p"), 2, ()), "pillar 'p' is declared twice"),
        (
            ModelSpec(
                (), LAYERS, PILLARS, 2, (), method=ScoringMethod.PROGRESS, sections=("x", "x")
            ),
            "section 'x' is declared twice",
        ),
        (gated(question("a"), question("a")), "question 'a' is declared twice"),
    ],
)
def test_it_names_what_is_declared_twice(spec, message) -> None:
    assert refusal(spec) == message


# --- questions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (question(stage=3), "question 'a': stage level 3 is not declared"),
        (question(stage=-1), "question 'a': stage level -1 is not declared"),
        (question(layer="board"), "question 'a': layer 'board' is not declared"),
        (question(pillar="marketing"), "question 'a': pillar 'marketing' is not declared"),
        (question(pillar=None), "question 'a': pillar None is not declared"),
        (question(max_score=0), "question 'a': max_score must be positive, got 0"),
        (question(weight=0), "question 'a': weight must be a positive number, got 0"),
        (question(weight=-1.5), "question 'a': weight must be a positive number, got -1.5"),
        (question(weight=math.nan), "question 'a': weight must be a positive number, got nan"),
        (question(weight=math.inf), "question 'a': weight must be a positive number, got inf"),
        (
            question(core=True, max_score=1),
            "question 'a': a core question needs max_score >= core_minimum (2), got 1",
        ),
    ],
)
def test_it_names_the_question_and_its_fault(bad: QuestionSpec, message: str) -> None:
    assert refusal(gated(bad)) == message


def test_it_accepts_the_last_declared_stage_and_a_core_question_at_exactly_the_minimum() -> None:
    spec = gated(question("a", 2, core=True, max_score=2))
    assert assess(spec, []).overall.stages[2].applicable == 1


def test_it_accepts_a_question_of_a_stage_level_outside_a_gated_model_only_for_progress() -> None:
    spec = ModelSpec(
        (),
        LAYERS,
        PILLARS,
        2,
        (question("a", 7, section="x"),),
        method=ScoringMethod.PROGRESS,
        sections=("x",),
    )
    assert assess(spec, [AnswerSpec("a", AnswerKind.OPTION, 4)]).overall.stage is None


def test_it_refuses_a_progress_question_in_an_undeclared_section() -> None:
    spec = ModelSpec(
        (),
        LAYERS,
        PILLARS,
        2,
        (question(section="y"),),
        method=ScoringMethod.PROGRESS,
        sections=("x",),
    )
    assert refusal(spec) == "question 'a': section 'y' is not declared"


def test_it_refuses_a_pillar_in_a_model_without_pillars() -> None:
    spec = ModelSpec((stage(0),), LAYERS, (), 2, (question(pillar="enabler"),))
    assert refusal(spec) == "question 'a': pillar 'enabler' is not declared"


def test_it_accepts_a_question_without_pillar_in_a_model_without_pillars() -> None:
    spec = ModelSpec((stage(0),), LAYERS, (), 2, (question(pillar=None),))
    assert assess(spec, []).overall.stages[0].applicable == 1


# --- answers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([AnswerSpec("nope", AnswerKind.OPTION, 1)], "answer to unknown question 'nope'"),
        (
            [AnswerSpec("a", AnswerKind.OPTION, 1), AnswerSpec("a", AnswerKind.DONT_KNOW)],
            "two answers to question 'a'",
        ),
        ([AnswerSpec("a", "maybe", 1)], "answer to question 'a': unknown kind 'maybe'"),
        (
            [AnswerSpec("a", AnswerKind.OPTION, -1)],
            "answer to question 'a': score -1 is outside 0..4",
        ),
        (
            [AnswerSpec("a", AnswerKind.OPTION, 4.5)],
            "answer to question 'a': score 4.5 is outside 0..4",
        ),
    ],
)
def test_it_names_the_answer_and_its_fault(answers, message) -> None:
    assert refusal(gated(question("a")), answers) == message


@pytest.mark.parametrize("score", [0, 4])
def test_it_accepts_an_option_score_at_either_end_of_the_scale(score) -> None:
    result = assess(gated(question("a")), [AnswerSpec("a", AnswerKind.OPTION, score)])
    assert result.overall.stages[0].coverage == score / 4


def test_it_refuses_excluded_questions_that_are_not_in_the_model() -> None:
    message = refusal(gated(question("a")), excluded={"z", "y"})
    assert message == "excluded questions ['y', 'z'] are not in the model"
    assert refusal(gated(question("a")), hidden={"q"}) == (
        "excluded questions ['q'] are not in the model"
    )


@pytest.mark.parametrize("method", [ScoringMethod.GATED, ScoringMethod.BANDS])
def test_only_progress_reports_sections_even_when_the_model_declares_some(method) -> None:
    """A gated or bands model that lists sections still reports none (mutmut's two survivors in
    `assess`: `n_sections` always the model's count, or 1 instead of 0)."""
    if method is ScoringMethod.BANDS:
        stages = (stage(0, band=(0, 50)), stage(1, band=(50, 100)))
    else:
        stages = (stage(0), stage(1))
    spec = ModelSpec(
        stages,
        LAYERS,
        PILLARS,
        2,
        (question("a", 0, section="x"), question("b", 1, section="y")),
        method=method,
        sections=("x", "y"),
    )
    result = assess(spec, [AnswerSpec("a", AnswerKind.OPTION, 4)])
    assert result.sections == {}
    assert result.overall.score is not None


def test_progress_reports_each_declared_section() -> None:
    spec = ModelSpec(
        (),
        LAYERS,
        PILLARS,
        2,
        (question("a", 0, section="x"), question("b", 0, section="y")),
        method=ScoringMethod.PROGRESS,
        sections=("x", "y"),
    )
    result = assess(spec, [AnswerSpec("a", AnswerKind.OPTION, 4)])
    assert sorted(result.sections) == ["x", "y"]
    assert result.sections["x"].score == 100
    assert result.sections["y"].score == 0
