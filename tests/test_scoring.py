"""Hand-computed cases for assessments.scoring.

Every expected figure is worked out in a comment next to the test. Unless a test says otherwise:
stages 0, 1 and 2 with a 0.7 threshold, layers worker and management, pillars enabler and
counselor, core_minimum 2, max_score 4 (so a score of s normalizes to s / 4).
"""

import math

import pytest

from assessments.scoring import (
    AnswerKind,
    AnswerSpec,
    AssessmentResult,
    ModelSpec,
    QuestionSpec,
    ScopeResult,
    StageSpec,
    assess,
)

LAYERS = ("worker", "management")
PILLARS = ("enabler", "counselor")


def question(
    key: str,
    stage: int = 0,
    *,
    pillar: str = "enabler",
    layer: str | None = "worker",
    weight: float = 1.0,
    core: bool = False,
    max_score: int = 4,
) -> QuestionSpec:
    return QuestionSpec(
        key=key,
        stage=stage,
        pillar=pillar,
        layer=layer,
        weight=weight,
        core=core,
        max_score=max_score,
        text=f"Text of {key}",
        recommendation=f"Do {key}.",
    )


def model(
    *questions: QuestionSpec,
    thresholds: tuple[float, ...] = (0.7, 0.7, 0.7),
    core_minimum: int = 2,
) -> ModelSpec:
    return ModelSpec(
        stages=tuple(
            StageSpec(level=level, key=f"s{level}", name=f"Stage {level}", threshold=threshold)
            for level, threshold in enumerate(thresholds)
        ),
        layers=LAYERS,
        pillars=PILLARS,
        core_minimum=core_minimum,
        questions=questions,
    )


def option(key: str, score: int) -> AnswerSpec:
    return AnswerSpec(key, AnswerKind.OPTION, score)


def dont_know(key: str) -> AnswerSpec:
    return AnswerSpec(key, AnswerKind.DONT_KNOW)


def not_applicable(key: str) -> AnswerSpec:
    return AnswerSpec(key, AnswerKind.NOT_APPLICABLE)


def overall(spec: ModelSpec, *answers: AnswerSpec) -> ScopeResult:
    return assess(spec, answers).overall


# --- coverage and thresholds -------------------------------------------------------------------


def test_coverage_is_the_weighted_mean_of_normalized_scores() -> None:
    # a: 4/4 = 1.0 with weight 1; b: 2/4 = 0.5 with weight 3.
    # coverage = (1 * 1.0 + 3 * 0.5) / (1 + 3) = 2.5 / 4 = 0.625
    spec = model(question("a"), question("b", weight=3))
    result = overall(spec, option("a", 4), option("b", 2))
    assert result.stages[0].coverage == pytest.approx(0.625)
    assert result.stages[0].applicable == 2


def test_a_stage_at_or_above_its_threshold_is_attained() -> None:
    # a: 4/4, b: 4/4, c: 1/4 -> coverage (1 + 1 + 0.25) / 3 = 0.75 >= 0.7
    spec = model(question("a"), question("b"), question("c"))
    result = overall(spec, option("a", 4), option("b", 4), option("c", 1))
    assert result.stages[0].coverage == pytest.approx(0.75)
    assert result.stages[0].attained
    assert result.stage == 0
    assert result.blocking_stage is None


def test_a_stage_below_its_threshold_is_not_attained() -> None:
    # Stage 1: a 4/4, b 1/4 -> coverage (1 + 0.25) / 2 = 0.625 < 0.7, so the scope stays at 0.
    spec = model(question("z", 0), question("a", 1), question("b", 1))
    result = overall(spec, option("z", 4), option("a", 4), option("b", 1))
    assert result.stages[1].coverage == pytest.approx(0.625)
    assert not result.stages[1].attained
    assert result.stage == 0
    assert result.blocking_stage == 1


def test_coverage_equal_to_the_threshold_despite_float_rounding_attains_the_stage() -> None:
    # 0.1 * 0.7 + 0.1 * 0.7 over 0.2 is 0.6999999999999998 in floats, 0.7 on paper.
    spec = model(question("a", weight=0.1, max_score=10), question("b", weight=0.1, max_score=10))
    result = overall(spec, option("a", 7), option("b", 7))
    assert result.stages[0].coverage is not None
    assert result.stages[0].coverage < 0.7
    assert result.stages[0].attained


def test_thresholds_are_per_stage() -> None:
    # Stage 0 coverage 2/4 = 0.5 passes a 0.5 threshold; stage 1 coverage 3/4 = 0.75 fails 0.8.
    spec = model(question("a", 0), question("b", 1), thresholds=(0.5, 0.8, 0.7))
    result = overall(spec, option("a", 2), option("b", 3))
    assert [stage.attained for stage in result.stages] == [True, False, False]
    assert result.stage == 0
    assert result.blocking_stage == 1


# --- core gate ---------------------------------------------------------------------------------


def test_a_core_question_below_core_minimum_blocks_its_stage_despite_high_coverage() -> None:
    # Nine questions at 4/4 and one core question at 1/4: coverage (9 + 0.25) / 10 = 0.925,
    # far above 0.7, but the core question is below core_minimum 2.
    questions = [question(f"q{index}") for index in range(9)]
    spec = model(*questions, question("core", core=True))
    answers = [option(f"q{index}", 4) for index in range(9)] + [option("core", 1)]
    result = overall(spec, *answers)
    assert result.stages[0].coverage == pytest.approx(0.925)
    assert not result.stages[0].core_met
    assert not result.stages[0].attained
    assert result.blocking_stage == 0
    assert [blocker.question for blocker in result.blockers] == ["core"]
    assert result.blockers[0].gating


def test_a_core_question_at_core_minimum_meets_the_gate() -> None:
    # core at 2/4 = 0.5, a and b at 4/4: coverage 2.5 / 3 = 0.833 and 2 >= core_minimum.
    spec = model(question("core", core=True), question("a"), question("b"))
    result = overall(spec, option("core", 2), option("a", 4), option("b", 4))
    assert result.stages[0].core_met
    assert result.stages[0].attained
    assert not result.blockers


def test_a_core_question_answered_dont_know_fails_the_gate() -> None:
    spec = model(question("core", core=True), *(question(f"q{index}") for index in range(9)))
    answers = [dont_know("core")] + [option(f"q{index}", 4) for index in range(9)]
    result = overall(spec, *answers)
    # coverage 9 / 10 = 0.9, yet "don't know" scores 0 < 2 on a core question.
    assert result.stages[0].coverage == pytest.approx(0.9)
    assert not result.stages[0].core_met
    assert result.blockers[0].status == "dont_know"
    assert result.blockers[0].gating


def test_a_not_applicable_core_question_does_not_gate() -> None:
    spec = model(question("core", core=True), question("a"))
    result = overall(spec, not_applicable("core"), option("a", 4))
    assert result.stages[0].core_met
    assert result.stages[0].attained
    assert result.stages[0].applicable == 1


# --- the walk up the stages --------------------------------------------------------------------


def test_a_lower_stage_not_attained_caps_the_result_even_if_a_higher_one_is() -> None:
    # Stage 0: 1/4 = 0.25 (not attained). Stages 1 and 2: 4/4 (attained). Maturity is
    # cumulative, so the scope is at stage 0, blocked by stage 0.
    spec = model(question("a", 0), question("b", 1), question("c", 2))
    result = overall(spec, option("a", 1), option("b", 4), option("c", 4))
    assert [stage.attained for stage in result.stages] == [False, True, True]
    assert result.stage == 0
    assert result.blocking_stage == 0
    assert [blocker.question for blocker in result.blockers] == ["a"]


def test_the_stage_is_the_last_attained_before_the_first_gap() -> None:
    # Stages 0 and 1 attained at 4/4, stage 2 at 0/4.
    spec = model(question("a", 0), question("b", 1), question("c", 2))
    result = overall(spec, option("a", 4), option("b", 4), option("c", 0))
    assert result.stage == 1
    assert result.blocking_stage == 2


def test_stages_without_applicable_questions_are_skipped() -> None:
    # Nothing is asked at stage 1: it neither blocks nor counts; stages 0 and 2 are attained.
    spec = model(question("a", 0), question("c", 2))
    result = overall(spec, option("a", 4), option("c", 4))
    empty = result.stages[1]
    assert (empty.coverage, empty.attained, empty.applicable) == (None, False, 0)
    assert result.stage == 2
    assert result.blocking_stage is None


def test_a_stage_whose_questions_are_all_not_applicable_is_skipped() -> None:
    spec = model(question("a", 0), question("b", 1), question("c", 2))
    result = overall(spec, option("a", 4), not_applicable("b"), option("c", 4))
    assert result.stages[1].coverage is None
    assert result.stage == 2


def test_an_empty_lowest_stage_does_not_block() -> None:
    # Stage 0 has no question, stage 1 is attained, stage 2 is not.
    spec = model(question("b", 1), question("c", 2))
    result = overall(spec, option("b", 4), option("c", 1))
    assert result.stage == 1
    assert result.blocking_stage == 2


def test_nothing_attained_gives_the_lowest_stage() -> None:
    spec = model(question("a", 0), question("b", 1))
    result = overall(spec, option("a", 0), option("b", 0))
    assert result.stage == 0
    assert result.blocking_stage == 0


def test_a_scope_with_every_question_not_applicable_is_at_stage_zero_without_score() -> None:
    spec = model(question("a", 0), question("b", 1))
    result = overall(spec, not_applicable("a"), not_applicable("b"))
    assert result.stage == 0
    assert result.score is None
    assert result.blocking_stage is None
    assert result.blockers == ()
    assert all(stage.coverage is None for stage in result.stages)


def test_reaching_the_top_stage_leaves_no_blocking_stage_nor_blockers() -> None:
    spec = model(question("a", 0), question("b", 1), question("c", 2))
    result = overall(spec, option("a", 4), option("b", 3), option("c", 4))
    assert result.stage == 2
    assert result.blocking_stage is None
    assert result.blockers == ()


# --- score -------------------------------------------------------------------------------------


def test_score_is_the_weighted_mean_over_every_stage_without_gates() -> None:
    # a (stage 0, w 1): 1/4 = 0.25; b (stage 1, w 2): 4/4 = 1; core c (stage 2, w 1): 0/4.
    # score = 100 * (0.25 + 2 + 0) / (1 + 2 + 1) = 56.25, even though stage 0 is not attained.
    spec = model(question("a", 0), question("b", 1, weight=2), question("c", 2, core=True))
    result = overall(spec, option("a", 1), option("b", 4), option("c", 0))
    assert result.score == pytest.approx(56.25)
    assert result.stage == 0


def test_scores_normalize_by_each_questions_own_max_score() -> None:
    # a: 1/2 = 0.5; b: 3/5 = 0.6 -> score 100 * 1.1 / 2 = 55
    spec = model(question("a", max_score=2), question("b", max_score=5))
    result = overall(spec, option("a", 1), option("b", 3))
    assert result.score == pytest.approx(55.0)


# --- answer kinds ------------------------------------------------------------------------------


def test_not_applicable_is_removed_from_every_denominator() -> None:
    # a 4/4, b 2/4, c not applicable: coverage and score use a and b only: (1 + 0.5) / 2 = 0.75.
    # Had c counted as 0, coverage would be 1.5 / 3 = 0.5 and stage 0 would not be attained.
    spec = model(question("a"), question("b"), question("c", weight=5))
    result = overall(spec, option("a", 4), option("b", 2), not_applicable("c"))
    assert result.stages[0].coverage == pytest.approx(0.75)
    assert result.stages[0].applicable == 2
    assert result.stages[0].attained
    assert result.score == pytest.approx(75.0)
    assert result.not_applicable == 1


def test_dont_know_scores_zero_and_is_counted_separately() -> None:
    # a 4/4, b don't know (0): coverage (1 + 0) / 2 = 0.5.
    spec = model(question("a"), question("b"))
    result = overall(spec, option("a", 4), dont_know("b"))
    assert result.stages[0].coverage == pytest.approx(0.5)
    assert result.score == pytest.approx(50.0)
    assert (result.answered, result.dont_know, result.unanswered) == (1, 1, 0)
    assert result.blockers[0].status == "dont_know"
    assert result.blockers[0].score == 0


def test_unanswered_scores_zero_and_is_counted_separately() -> None:
    spec = model(question("a"), question("b"))
    result = overall(spec, option("a", 4))
    assert result.score == pytest.approx(50.0)
    assert (result.answered, result.dont_know, result.unanswered) == (1, 0, 1)
    assert result.blockers[0].status == "unanswered"


def test_an_option_scored_zero_counts_as_answered() -> None:
    spec = model(question("a"))
    result = overall(spec, option("a", 0))
    assert (result.answered, result.unanswered) == (1, 0)
    assert result.blockers[0].status == "answered"


def test_total_counts_every_question_of_the_scope() -> None:
    spec = model(question("a"), question("b"), question("c"), question("d"), question("e"))
    result = overall(spec, option("a", 1), option("b", 0), dont_know("c"), not_applicable("d"))
    assert (result.answered, result.dont_know, result.not_applicable, result.unanswered) == (
        2,
        1,
        1,
        1,
    )
    assert result.total == 5


def test_answers_may_come_from_any_iterable() -> None:
    spec = model(question("a"), question("b"))
    from_generator = assess(spec, (option(key, 3) for key in ("a", "b")))
    assert from_generator == assess(spec, [option("a", 3), option("b", 3)])


def test_kind_given_as_a_plain_string_is_accepted() -> None:
    spec = model(question("a"))
    loose = AnswerSpec("a", "option", 4)  # type: ignore[arg-type]  # as a form might hand it
    assert assess(spec, [loose]) == assess(spec, [option("a", 4)])


# --- scopes ------------------------------------------------------------------------------------


def scoped_model() -> ModelSpec:
    # worker/enabler: we (4/4); worker/counselor: wc (0/4);
    # management/enabler: me (2/4, weight 2); every layer/counselor: all (4/4).
    return model(
        question("we", layer="worker", pillar="enabler"),
        question("wc", layer="worker", pillar="counselor"),
        question("me", layer="management", pillar="enabler", weight=2),
        question("all", layer=None, pillar="counselor"),
    )


SCOPED_ANSWERS = (option("we", 4), option("wc", 0), option("me", 2), option("all", 4))


def test_every_declared_scope_appears_with_its_kind_and_key() -> None:
    result = assess(scoped_model(), SCOPED_ANSWERS)
    assert isinstance(result, AssessmentResult)
    assert (result.overall.kind, result.overall.key) == ("overall", "")
    assert list(result.layers) == ["worker", "management"]
    assert list(result.pillars) == ["enabler", "counselor"]
    assert list(result.cells) == [
        ("worker", "enabler"),
        ("worker", "counselor"),
        ("management", "enabler"),
        ("management", "counselor"),
    ]
    assert {scope.kind for scope in result.layers.values()} == {"layer"}
    assert {scope.kind for scope in result.pillars.values()} == {"pillar"}
    assert {scope.kind for scope in result.cells.values()} == {"cell"}
    assert result.cells["management", "counselor"].key == "management:counselor"


def test_a_question_without_layer_counts_in_every_layer() -> None:
    result = assess(scoped_model(), SCOPED_ANSWERS)
    # worker: we 1, wc 0, all 1 -> 100 * 2 / 3 = 66.67
    # management: me 2 * 0.5 = 1, all 1 -> 100 * 2 / 3 = 66.67
    assert result.layers["worker"].total == 3
    assert result.layers["management"].total == 2
    assert result.layers["worker"].score == pytest.approx(200 / 3)
    assert result.layers["management"].score == pytest.approx(200 / 3)
    # Counted once overall, not once per layer: 100 * (1 + 0 + 1 + 1) / 5 = 60.
    assert result.overall.total == 4
    assert result.overall.score == pytest.approx(60.0)


def test_pillars_hold_the_questions_of_their_pillar_across_layers() -> None:
    result = assess(scoped_model(), SCOPED_ANSWERS)
    # enabler: we 1, me 2 * 0.5 -> 100 * 2 / 3; counselor: wc 0, all 1 -> 50.
    assert result.pillars["enabler"].score == pytest.approx(200 / 3)
    assert result.pillars["counselor"].score == pytest.approx(50.0)
    assert result.pillars["counselor"].stage == 0
    assert result.pillars["counselor"].blocking_stage == 0


def test_cells_hold_the_questions_of_both_their_layer_and_pillar() -> None:
    result = assess(scoped_model(), SCOPED_ANSWERS)
    # worker:counselor holds wc (0) and all (1): 50, not attained.
    # management:counselor holds only all (1): 100, attained.
    worker_counselor = result.cells["worker", "counselor"]
    assert worker_counselor.total == 2
    assert worker_counselor.score == pytest.approx(50.0)
    assert worker_counselor.blocking_stage == 0
    assert [blocker.question for blocker in worker_counselor.blockers] == ["wc"]
    management_counselor = result.cells["management", "counselor"]
    assert management_counselor.total == 1
    assert management_counselor.score == pytest.approx(100.0)
    assert management_counselor.blocking_stage is None


def test_an_empty_cell_appears_at_stage_zero_without_score() -> None:
    spec = model(question("a", layer="worker", pillar="enabler"))
    result = assess(spec, [option("a", 4)])
    empty = result.cells["management", "counselor"]
    assert (empty.stage, empty.score, empty.blocking_stage, empty.total) == (0, None, None, 0)
    assert len(empty.stages) == 3


# --- blockers ----------------------------------------------------------------------------------


def test_blockers_carry_shortfall_impact_gating_and_recommendation() -> None:
    # core at 1/4 with weight 2: shortfall 3/4 = 0.75, impact 2 * 0.75 = 1.5, gating (1 < 2).
    spec = model(question("core", weight=2, core=True))
    (blocker,) = overall(spec, option("core", 1)).blockers
    assert blocker.question == "core"
    assert blocker.text == "Text of core"
    assert blocker.recommendation == "Do core."
    assert (blocker.stage, blocker.score, blocker.max_score, blocker.weight) == (0, 1, 4, 2)
    assert blocker.shortfall == pytest.approx(0.75)
    assert blocker.impact == pytest.approx(1.5)
    assert blocker.core
    assert blocker.gating
    assert blocker.status == "answered"


def test_a_core_blocker_at_or_above_core_minimum_is_not_gating() -> None:
    spec = model(question("core", core=True), question("a"))
    result = overall(spec, option("core", 2), option("a", 0))
    blocker = next(item for item in result.blockers if item.question == "core")
    assert blocker.core
    assert not blocker.gating


def test_blockers_are_ordered_by_impact_then_core_then_model_order() -> None:
    # Impacts, with max_score 4 (shortfall = (4 - score) / 4):
    #   first  w1 score 2 -> 0.5    plain
    #   big    w4 score 3 -> 1.0    plain
    #   second w1 score 2 -> 0.5    core
    #   third  w2 score 3 -> 0.5    plain (after "first": same impact, later in the model)
    #   full   w9 score 4 -> 0      not a blocker
    #   zero   w1 score 0 -> 1.0    core (before "big": same impact, core first)
    spec = model(
        question("first"),
        question("big", weight=4),
        question("second", core=True),
        question("third", weight=2),
        question("full", weight=9),
        question("zero", core=True),
    )
    result = overall(
        spec,
        option("first", 2),
        option("big", 3),
        option("second", 2),
        option("third", 3),
        option("full", 4),
        option("zero", 0),
    )
    assert result.blocking_stage == 0
    assert [blocker.question for blocker in result.blockers] == [
        "zero",
        "big",
        "second",
        "first",
        "third",
    ]


def test_blockers_only_come_from_the_blocking_stage_of_the_scope() -> None:
    # Stage 0 attained (4/4, 3/4 -> 0.875) but "b" is short of full; stage 1 blocks.
    spec = model(question("a", 0), question("b", 0), question("c", 1), question("d", 2))
    result = overall(spec, option("a", 4), option("b", 3), option("c", 1), option("d", 0))
    assert result.blocking_stage == 1
    assert [blocker.question for blocker in result.blockers] == ["c"]


def test_blockers_leave_out_not_applicable_questions() -> None:
    spec = model(question("a"), question("b"))
    result = overall(spec, option("a", 1), not_applicable("b"))
    assert [blocker.question for blocker in result.blockers] == ["a"]


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([option("nope", 1)], "unknown question 'nope'"),
        ([option("a", 1), dont_know("a")], "two answers to question 'a'"),
        ([option("a", -1)], "score -1 is outside 0..4"),
        ([option("a", 5)], "score 5 is outside 0..4"),
    ],
)
def test_invalid_answers_raise_value_error(answers: list[AnswerSpec], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        assess(model(question("a")), answers)


def test_scores_of_dont_know_and_not_applicable_are_ignored() -> None:
    spec = model(question("a"), question("b"))
    result = overall(spec, AnswerSpec("a", AnswerKind.DONT_KNOW, 99), not_applicable("b"))
    assert result.dont_know == 1


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (question("a", 3), "stage level 3 is not declared"),
        (question("a", -1), "stage level -1 is not declared"),
        (question("a", layer="board"), "layer 'board' is not declared"),
        (question("a", pillar="marketing"), "pillar 'marketing' is not declared"),
        (question("a", max_score=0), "max_score must be positive"),
        (question("a", max_score=-2), "max_score must be positive"),
        (question("a", weight=0), "weight must be a positive number"),
        (question("a", weight=-1), "weight must be a positive number"),
        (question("a", weight=math.nan), "weight must be a positive number"),
        (question("a", weight=math.inf), "weight must be a positive number"),
        (question("a", core=True, max_score=1), "core question needs max_score >= core_minimum"),
    ],
)
def test_invalid_questions_raise_value_error(bad: QuestionSpec, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        assess(model(question("ok"), bad), [])


def test_duplicate_question_keys_raise_value_error() -> None:
    with pytest.raises(ValueError, match="question 'a' is declared twice"):
        assess(model(question("a"), question("a", 1)), [])


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ((), "no stage"),
        ((StageSpec(1, "one", "One", 0.7),), "has level 1, expected 0"),
        (
            (StageSpec(0, "zero", "Zero", 0.7), StageSpec(2, "two", "Two", 0.7)),
            "has level 2, expected 1",
        ),
        ((StageSpec(0, "zero", "Zero", 0.0),), "threshold must be a fraction"),
        ((StageSpec(0, "zero", "Zero", 70),), "threshold must be a fraction"),
        (
            (StageSpec(0, "zero", "Zero", 0.7), StageSpec(1, "zero", "Again", 0.7)),
            "stage 'zero' is declared twice",
        ),
    ],
)
def test_invalid_stages_raise_value_error(stages: tuple[StageSpec, ...], message: str) -> None:
    spec = ModelSpec(stages=stages, layers=LAYERS, pillars=PILLARS, core_minimum=2, questions=())
    with pytest.raises(ValueError, match=message):
        assess(spec, [])


def test_duplicate_layers_or_pillars_raise_value_error() -> None:
    base = model()
    with pytest.raises(ValueError, match="layer 'worker' is declared twice"):
        assess(
            ModelSpec(base.stages, ("worker", "worker"), PILLARS, 2, ()),
            [],
        )
    with pytest.raises(ValueError, match="pillar 'enabler' is declared twice"):
        assess(
            ModelSpec(base.stages, LAYERS, ("enabler", "enabler"), 2, ()),
            [],
        )


def test_a_negative_core_minimum_raises_value_error() -> None:
    with pytest.raises(ValueError, match="core_minimum must be 0 or more"):
        assess(model(question("a"), core_minimum=-1), [])


def test_a_core_minimum_of_zero_never_gates() -> None:
    spec = model(question("core", core=True), question("a"), question("b"), core_minimum=0)
    result = overall(spec, option("core", 0), option("a", 4), option("b", 4))
    # coverage 2 / 3 = 0.667 < 0.7 fails on coverage alone, the gate is met.
    assert result.stages[0].core_met
    assert not result.stages[0].attained
    assert not result.blockers[0].gating


def test_an_unknown_answer_kind_raises_value_error() -> None:
    with pytest.raises(ValueError, match="answer to question 'a': unknown kind 'maybe'"):
        assess(model(question("a")), [AnswerSpec("a", "maybe", 1)])  # type: ignore[arg-type]
