"""Out of scope, in the engine: excluding questions is removing them from the model."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments import scopes
from assessments.scoring import AnswerSpec, ModelSpec, ScoringMethod, assess
from tests.test_scoring_properties import answered_models, banded_models, progress_models


def removed(model: ModelSpec, answers: list[AnswerSpec], keys: frozenset[str]):
    kept = tuple(q for q in model.questions if q.key not in keys)
    return replace(model, questions=kept), [a for a in answers if a.question not in keys]


any_model = st.one_of(answered_models(per_stage=True), banded_models(), progress_models())


@given(any_model, st.data())
def test_excluding_questions_is_removing_them_from_the_model(case, data) -> None:
    model, answers = case
    keys = frozenset(
        data.draw(st.lists(st.sampled_from([q.key for q in model.questions]), unique=True))
    )
    assert assess(model, answers, excluded=keys) == assess(*removed(model, answers, keys))


@given(any_model, st.data())
def test_excluding_a_scope_is_removing_its_questions(case, data) -> None:
    model, answers = case
    sections = sorted({q.section for q in model.questions})
    choices = (
        [("layer", k) for k in model.layers]
        + [("pillar", k) for k in model.pillars]
        + [("section", k) for k in sections]
    )
    chosen = data.draw(st.lists(st.sampled_from(choices), unique=True, max_size=3))
    exclusions = [scopes.Exclusion(scopes.ScopeKind(kind), key, "why") for kind, key in chosen]
    keys = scopes.excluded_questions(model, exclusions)
    for question in model.questions:
        out = (
            ("section", question.section) in chosen
            or ("pillar", question.pillar) in chosen
            or (question.layer is not None and ("layer", question.layer) in chosen)
        )
        assert (question.key in keys) == out
    result = assess(model, answers, excluded=keys)
    assert result == assess(*removed(model, answers, keys))
    # Nothing out of scope counts anywhere: no blocker, no count.
    for scope in [result.overall, *result.layers.values(), *result.pillars.values()]:
        assert not {b.question for b in scope.blockers} & keys
    assert result.overall.total == len(model.questions) - len(keys)


@given(answered_models())
def test_an_unknown_excluded_question_is_refused_by_name(case) -> None:
    model, answers = case
    with pytest.raises(ValueError, match=r"excluded questions \['nope'\] are not in the model"):
        assess(model, answers, excluded={"nope"})


@given(answered_models())
def test_answers_to_excluded_questions_are_still_validated(case) -> None:
    model, _answers = case
    first = model.questions[0]
    bad = [AnswerSpec(first.key, "option", first.max_score + 1)]  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="outside"):
        assess(model, bad, excluded={first.key})


def test_a_gated_stage_whose_questions_are_all_out_of_scope_no_longer_blocks() -> None:
    from assessments.scoring import QuestionSpec, StageSpec

    stages = (StageSpec(0, "a", "A", 0.7), StageSpec(1, "b", "B", 0.7))
    questions = (
        QuestionSpec("met", 0, "p", "l1", 1.0, False, 4, section="s1"),
        QuestionSpec("unmet", 0, "p", "l2", 1.0, True, 4, section="s2"),
        QuestionSpec("next", 1, "p", "l1", 1.0, False, 4, section="s1"),
    )
    model = ModelSpec(stages, ("l1", "l2"), ("p",), 2, questions, ScoringMethod.GATED)
    answers = [AnswerSpec("met", "option", 4), AnswerSpec("unmet", "option", 0)]  # type: ignore[arg-type]
    assert assess(model, answers).overall.blocking_stage == 0
    exclusion = scopes.Exclusion(scopes.ScopeKind.LAYER, "l2", "We do not do this.")
    keys = scopes.excluded_questions(model, [exclusion])
    assert keys == {"unmet"}
    result = assess(model, answers, excluded=keys)
    assert result.overall.blocking_stage == 1
    assert result.layers["l2"].score is None and result.layers["l2"].total == 0


# --- The stored list -----------------------------------------------------------------------------


def test_with_and_without_an_exclusion() -> None:
    one = scopes.with_exclusion(
        (), "pillar", "leader", "  A bank: we do not lead.  ", known=["leader"]
    )
    assert one == (scopes.Exclusion(scopes.ScopeKind.PILLAR, "leader", "A bank: we do not lead."),)
    again = scopes.with_exclusion(one, "pillar", "leader", "Changed.", known=["leader"])
    assert [e.reason for e in again] == ["Changed."]
    assert scopes.without_exclusion(again, "pillar", "leader") == ()
    assert scopes.without_exclusion((), "pillar", "leader") == ()
    stored = [e.as_data() for e in one]
    assert scopes.read_exclusions(stored) == one


@pytest.mark.parametrize(
    ("kind", "key", "reason", "message"),
    [
        ("pillar", "leader", "   ", "a reason is required to put a scope out of scope"),
        ("pillar", "leader", "x" * 1001, "the reason has 1001 characters; at most 1000"),
        ("pillar", "nope", "Why", "pillar 'nope' is not one of this version's: leader"),
        ("stage", "leader", "Why", "scope kind 'stage' is not one of: section, layer, pillar"),
    ],
)
def test_bad_changes_are_refused_naming_the_values(kind, key, reason, message) -> None:
    with pytest.raises(scopes.ScopeError) as error:
        scopes.with_exclusion((), kind, key, reason, known=["leader"])
    assert str(error.value) == message


def test_malformed_stored_exclusions_are_skipped() -> None:
    stored = [
        "junk",
        {"kind": "stage", "key": "x", "reason": "r"},
        {"kind": "layer", "key": "", "reason": "r"},
        {"kind": "layer", "key": "ok", "reason": 5},
        {"kind": "layer", "key": "ok", "reason": "first", "by": 3},
        {"kind": "layer", "key": "ok", "reason": "second"},
    ]
    assert scopes.read_exclusions(stored) == (
        scopes.Exclusion(scopes.ScopeKind.LAYER, "ok", "first"),
    )
    assert scopes.read_exclusions(None) == () == scopes.read_exclusions({"kind": "layer"})
