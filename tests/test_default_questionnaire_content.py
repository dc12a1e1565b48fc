"""Checks of the default content: the OSPO maturity questionnaire, its stage-2 demo answers
and the strategy guidance.

Pure YAML: no database and no Django, so the content can be checked on its own while it is
being written.
"""

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRE = ROOT / "assessments" / "questionnaires" / "ospo-maturity-v1.yaml"
DEMO_ANSWERS = ROOT / "assessments" / "questionnaires" / "demo-stage2-answers.yaml"
GUIDANCE = ROOT / "strategy" / "guidance" / "default.yaml"

STAGES = ["awareness", "ad-hoc", "strategy", "engagement", "leadership"]
LAYERS = ["worker", "management", "units", "ospo"]
PILLARS = ["enabler", "counselor", "advocate", "environmentalist"]
GUIDANCE_SECTIONS = [
    "summary",
    "scope",
    "why",
    "alignment",
    "where-we-stand",
    "where-we-aim",
    "roadmap",
    "layer-plans",
    "pillar-plans",
    "governance",
    "budget",
    "risks",
    "security",
    "policies",
    "community",
    "qa",
    "signoff",
]
# Written from the assessment (and, for the summary, the targets, roadmap, budget and staffing).
GENERATED_SECTIONS = {"summary", "where-we-stand"}
KEY_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@cache
def load(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def questionnaire() -> dict:
    return load(QUESTIONNAIRE)


def questions() -> list[dict]:
    return [q for section in questionnaire()["sections"] for q in section["questions"]]


def in_layer(question: dict, layer: str) -> bool:
    return question["layer"] in (layer, "all")


def sentence_count(text: str) -> int:
    return len([part for part in re.split(r"(?<=[.!?])\s+", text.strip()) if part])


def overall_stage(model: dict, answers: dict) -> int:
    """The highest stage attained, by the product's rule.

    A stage is attained when the weighted mean of score / max score over its applicable
    questions reaches the threshold, every core question scores at least core_minimum, and
    every lower stage is attained. "Don't know" and unanswered questions score 0; "not
    applicable" leaves the question out. Returns -1 when not even the first stage is attained.
    """
    scoring = model.get("scoring", {})
    core_minimum = scoring.get("core_minimum", 2)
    top = max(option["score"] for option in model["scale"])
    attained = -1
    for level, stage in enumerate(model["stages"]):
        threshold = stage.get("threshold", scoring.get("threshold", 70)) / 100
        earned = possible = 0.0
        core_met = True
        for question in questions():
            if question["stage"] != stage["key"]:
                continue
            answer = answers.get(question["key"])
            if isinstance(answer, dict):  # not applicable
                continue
            score = answer if isinstance(answer, int) else 0
            options = question.get("options", model["scale"])
            maximum = max(option["score"] for option in options) if options else top
            weight = question.get("weight", 1)
            earned += weight * score / maximum
            possible += weight
            if question.get("core") and score < core_minimum:
                core_met = False
        if possible == 0 or earned / possible < threshold - 1e-9 or not core_met:
            break
        attained = level
    return attained


# The questionnaire: top level and taxonomy


def test_format_fields():
    model = questionnaire()
    assert model["format"] == "ospo-assess/questionnaire@1"
    assert model["key"] == "ospo-maturity"
    assert model["version"] == 1
    assert model["title"].strip()
    assert model["description"].strip()
    assert model.get("language", "en") == "en"
    assert model["scoring"] == {"threshold": 70, "core_minimum": 2}


def test_scale_has_five_described_levels():
    scale = questionnaire()["scale"]
    assert [option["score"] for option in scale] == [0, 1, 2, 3, 4]
    assert [option["label"] for option in scale] == [
        "Not in place",
        "Ad hoc",
        "Defined",
        "Practised organization-wide",
        "Measured and improved",
    ]
    for option in scale:
        assert sentence_count(option["description"]) == 1, option["label"]


def test_taxonomy_keys_and_order():
    model = questionnaire()
    assert [stage["key"] for stage in model["stages"]] == STAGES
    assert [layer["key"] for layer in model["layers"]] == LAYERS
    assert [pillar["key"] for pillar in model["pillars"]] == PILLARS


@pytest.mark.parametrize("stage", STAGES)
def test_stage_is_described_and_mapped(stage):
    item = next(s for s in questionnaire()["stages"] if s["key"] == stage)
    assert item["name"].strip()
    assert 2 <= sentence_count(item["description"]) <= 4
    assert item["characteristics"].strip()
    assert item["mappings"]["linux-foundation"].strip()


@pytest.mark.parametrize("group", ["layers", "pillars"])
def test_layers_and_pillars_have_two_to_four_sentences(group):
    for item in questionnaire()[group]:
        assert item["name"].strip()
        assert 2 <= sentence_count(item["description"]) <= 4, item["key"]


# The questionnaire: sections and questions


def test_size():
    sections = questionnaire()["sections"]
    assert 8 <= len(sections) <= 12
    assert len(questions()) >= 60
    section_keys = [section["key"] for section in sections]
    assert len(section_keys) == len(set(section_keys))
    for section in sections:
        assert section["title"].strip()
        assert section["questions"], section["key"]


def test_question_keys_are_unique_and_well_formed():
    keys = [question["key"] for question in questions()]
    duplicates = [key for key, count in Counter(keys).items() if count > 1]
    assert not duplicates
    for key in keys:
        assert KEY_PATTERN.match(key), key


def test_questions_refer_to_declared_taxonomy():
    for question in questions():
        assert question["stage"] in STAGES, question["key"]
        assert question["pillar"] in PILLARS, question["key"]
        assert question["layer"] in [*LAYERS, "all"], question["key"]
        assert question.get("weight", 1) in (1, 2, 3), question["key"]


def test_every_question_has_text_help_and_recommendation():
    for question in questions():
        for field in ("text", "help", "recommendation"):
            assert str(question.get(field, "")).strip(), f"{question['key']}: {field}"
        assert question["text"].rstrip().endswith("?"), question["key"]


def test_options_have_distinct_scores_from_lowest_to_highest():
    scale_scores = {option["score"] for option in questionnaire()["scale"]}
    for question in questions():
        options = question.get("options", questionnaire()["scale"])
        scores = [option["score"] for option in options]
        assert len(scores) == len(set(scores)), question["key"]
        assert 0 in scores and 4 in scores, question["key"]
        assert set(scores) <= scale_scores, question["key"]
        for option in options:
            assert option["label"].strip(), question["key"]


def test_custom_options_on_at_least_half_of_the_questions():
    with_options = [q for q in questions() if "options" in q]
    assert len(with_options) * 2 >= len(questions())


def test_every_layer_pillar_cell_has_two_questions():
    for layer in LAYERS:
        for pillar in PILLARS:
            count = sum(1 for q in questions() if in_layer(q, layer) and q["pillar"] == pillar)
            assert count >= 2, f"{layer} x {pillar}: {count}"


def test_stage_sizes():
    per_stage = Counter(question["stage"] for question in questions())
    assert 5 <= per_stage["awareness"] <= 8
    for stage in STAGES[1:]:
        assert per_stage[stage] >= 10, stage


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_has_two_to_four_core_questions(stage):
    core = [q for q in questions() if q["stage"] == stage and q.get("core")]
    assert 2 <= len(core) <= 4


def test_every_pillar_and_layer_can_reach_every_stage():
    for stage in STAGES:
        for pillar in PILLARS:
            assert any(q["stage"] == stage and q["pillar"] == pillar for q in questions()), (
                f"{pillar} at {stage}"
            )
        for layer in LAYERS:
            assert any(q["stage"] == stage and in_layer(q, layer) for q in questions()), (
                f"{layer} at {stage}"
            )


def test_not_applicable_is_rare_and_never_on_core_questions():
    allowed = [q for q in questions() if q.get("not_applicable")]
    assert 1 <= len(allowed) <= 8
    for question in allowed:
        assert not question.get("core"), question["key"]


# The stage-2 demo answers


def demo_answers() -> dict:
    return load(DEMO_ANSWERS)["answers"]


def test_demo_answers_are_valid():
    by_key = {question["key"]: question for question in questions()}
    for key, answer in demo_answers().items():
        assert key in by_key, key
        question = by_key[key]
        if isinstance(answer, dict):
            assert set(answer) == {"not_applicable"}, key
            assert question.get("not_applicable"), f"{key} does not allow not applicable"
            assert str(answer["not_applicable"]).strip(), f"{key}: a reason is needed"
        elif isinstance(answer, str):
            assert answer == "dont_know", key
        else:
            scores = {o["score"] for o in question.get("options", questionnaire()["scale"])}
            assert isinstance(answer, int) and answer in scores, key


def test_demo_comments_refer_to_answered_questions():
    comments = load(DEMO_ANSWERS).get("comments", {})
    for key, comment in comments.items():
        assert key in demo_answers(), key
        assert str(comment).strip(), key


def test_demo_answers_most_questions():
    answered = set(demo_answers()) & {question["key"] for question in questions()}
    assert len(answered) >= 0.9 * len(questions())


def test_demo_uses_dont_know_and_not_applicable_sparingly():
    values = list(demo_answers().values())
    assert 1 <= sum(1 for value in values if value == "dont_know") <= 3
    assert 1 <= sum(1 for value in values if isinstance(value, dict)) <= 2


def test_demo_organization_is_at_stage_two():
    assert overall_stage(questionnaire(), demo_answers()) == STAGES.index("strategy")


def test_stage_rule_helper_on_simple_cases():
    everything = {question["key"]: 4 for question in questions()}
    assert overall_stage(questionnaire(), everything) == len(STAGES) - 1
    assert overall_stage(questionnaire(), {}) == -1
    # One core question of the first stage below the minimum blocks every stage.
    first_core = next(q for q in questions() if q["stage"] == STAGES[0] and q.get("core"))
    assert overall_stage(questionnaire(), {**everything, first_core["key"]: 1}) == -1


# The strategy guidance


def test_guidance_format_and_sections():
    guidance = load(GUIDANCE)
    assert guidance["format"] == "ospo-assess/strategy-guidance@1"
    assert guidance["key"] == "default"
    assert guidance["title"].strip()
    assert [section["key"] for section in guidance["sections"]] == GUIDANCE_SECTIONS


def test_guidance_sections_are_complete():
    for section in load(GUIDANCE)["sections"]:
        assert section["title"].strip(), section["key"]
        assert 1 <= sentence_count(section["summary"]) <= 2, section["key"]
        # A section about an axis asks one question of each of its values instead.
        questions = section.get("questions") or list(section["item_questions"].values())
        assert 2 <= len(questions) <= 6, section["key"]
        for question in [*questions, section.get("item_question", "?")]:
            assert question.strip().endswith("?"), section["key"]
        assert section["generated"] is (section["key"] in GENERATED_SECTIONS), section["key"]
