"""The questionnaire file's reading, word for word: each problem with the item it names, the
defaults, each boundary on both sides, and the canonical YAML the dumper writes.

Pure: no database. Each test changes mini.yaml (tests/fixtures) in one place and compares the
whole list of problems, so a message that loses its location or a word fails here.
"""

from decimal import Decimal

import pytest
import yaml

from assessments.questionnaire_file.document import DocumentError, dump_document, parse_document
from tests.conftest import FIXTURES
from tests.questionnaires import FIXTURE_MODELS

QUESTION = "sections[0] (key 'basics').questions[1] (key 'champion')"
CUSTOM = "sections[0] (key 'basics').questions[2] (key 'contribution-ok')"


def _changed(text: str, change) -> str:
    data = yaml.safe_load(text)
    change(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _problems(text: str, change) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        parse_document(_changed(text, change))
    return caught.value.problems


def _champion(data: dict) -> dict:
    return data["sections"][0]["questions"][1]


# Required fields: each missing one named with its item's whole location.


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: _champion(d).pop("text"), [f"{QUESTION}: 'text' is missing"]),
        (lambda d: _champion(d).pop("stage"), [f"{QUESTION}: 'stage' is missing"]),
        (
            lambda d: _champion(d).pop("key"),
            ["sections[0] (key 'basics').questions[1]: 'key' is missing"],
        ),
        (
            lambda d: d["sections"][0]["questions"][2]["options"][1].pop("label"),
            [f"{CUSTOM}.options[1]: 'label' is missing"],
        ),
        (lambda d: d["scale"][3].pop("label"), ["scale[3]: 'label' is missing"]),
        (lambda d: d["scale"][3].pop("score"), ["scale[3]: 'score' is missing"]),
        (
            lambda d: d["stages"][1].pop("name"),
            ["stages[1] (key 'ad-hoc'): 'name' is missing"],
        ),
        (
            lambda d: d["layers"][0].pop("name"),
            ["layers[0] (key 'worker'): 'name' is missing"],
        ),
        (
            lambda d: d["pillars"][1].pop("name"),
            ["pillars[1] (key 'advocate'): 'name' is missing"],
        ),
        (lambda d: d["stages"][2].pop("key"), ["stages[2]: 'key' is missing"]),
        (
            lambda d: d["sections"][1].pop("title"),
            ["sections[1] (key 'program'): 'title' is missing"],
        ),
        (lambda d: d["sections"][1].pop("key"), ["sections[1]: 'key' is missing"]),
        (
            lambda d: d["sections"][1].pop("questions"),
            ["sections[1] (key 'program'): 'questions' is missing"],
        ),
        (lambda d: d.pop("title"), ["'title' is missing"]),
        (lambda d: d.pop("key"), ["'key' is missing"]),
        (lambda d: d.pop("version"), ["'version' is missing"]),
        (lambda d: d.pop("scale"), ["'scale' is missing"]),
        (lambda d: d.pop("stages"), ["'stages' is missing"]),
        (lambda d: d.pop("sections"), ["'sections' is missing"]),
    ],
)
def test_it_names_each_missing_field_with_its_location(mini_text, change, expected):
    assert _problems(mini_text, change) == expected


# Types: each mistyped value named with its location, the value and what is expected.


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(version="1"), ["'version' must be a whole number, not '1'"]),
        (lambda d: d.update(version=True), ["'version' must be a whole number, not True"]),
        (
            lambda d: d["scoring"].update(threshold=True),
            ["scoring: 'threshold' must be a whole number, not True"],
        ),
        (
            lambda d: d["scoring"].update(core_minimum=2.5),
            ["scoring: 'core_minimum' must be a whole number, not 2.5"],
        ),
        (
            lambda d: _champion(d).update(core="yes"),
            [f"{QUESTION}: 'core' must be true or false"],
        ),
        (
            lambda d: _champion(d).update(not_applicable=1),
            [f"{QUESTION}: 'not_applicable' must be true or false"],
        ),
        (
            lambda d: _champion(d).update(weight=True),
            [f"{QUESTION}: 'weight' must be a number, not True"],
        ),
        (
            lambda d: _champion(d).update(weight="2"),
            [f"{QUESTION}: 'weight' must be a number, not '2'"],
        ),
        (
            lambda d: _champion(d).update(text=3),
            [f"{QUESTION}: 'text' must be text, not int 3"],
        ),
        (
            lambda d: _champion(d).update(help=3),
            [f"{QUESTION}: 'help' must be text, not int 3"],
        ),
        (
            lambda d: _champion(d).update(recommendation=["Do it"]),
            [f"{QUESTION}: 'recommendation' must be text, not list ['Do it']"],
        ),
        (
            lambda d: _champion(d).update(type=1),
            [f"{QUESTION}: 'type' must be text, not int 1"],
        ),
        (
            lambda d: d.update(title=["Mini"]),
            ["'title' must be text, not list ['Mini']"],
        ),
        (
            lambda d: d["stages"][0].update(mappings={"a": 1}),
            ["stages[0] (key 'awareness'): 'mappings' must map model names to stage names"],
        ),
        (
            lambda d: d["stages"][0].update(mappings=["x"]),
            ["stages[0] (key 'awareness'): 'mappings' must map model names to stage names"],
        ),
        (
            lambda d: d["stages"][2].update(threshold="75"),
            ["stages[2] (key 'strategy'): 'threshold' must be a whole number, not '75'"],
        ),
        (
            lambda d: d.update(stages=["x"]),
            [
                "stages[0]: must be a mapping of fields",
                "stages[0]: 'key' is missing",
                "stages[0]: 'name' is missing",
            ],
        ),
        (lambda d: d.update(stages="x"), ["'stages' must be a list, not str"]),
        (lambda d: d.update(sections={"a": 1}), ["'sections' must be a list, not dict"]),
        (lambda d: d.update(scoring=[70]), ["scoring: must be a mapping of fields"]),
        (
            lambda d: d["scale"][1].update(score="1"),
            ["scale[1]: 'score' must be a whole number, not '1'"],
        ),
        (
            lambda d: _champion(d).update(translations={"fr": "Bonjour"}),
            [f"{QUESTION}: 'translations' must map languages to fields and their texts"],
        ),
        (
            lambda d: d.update(translations=["fr"]),
            ["'translations' must map languages to fields and their texts"],
        ),
        (
            lambda d: _champion(d).update(colour="red"),
            [f"{QUESTION}: unknown field 'colour'"],
        ),
        (lambda d: d.update(colour="red"), ["unknown field 'colour'"]),
        (
            lambda d: d["scoring"].update(bonus=1),
            ["scoring: unknown field 'bonus'"],
        ),
    ],
)
def test_it_names_each_mistyped_value_with_its_location(mini_text, change, expected):
    assert _problems(mini_text, change) == expected


@pytest.mark.parametrize("text", ["", "\n", "# nothing yet\n", "null\n", "{}\n"])
def test_it_refuses_an_empty_file_as_empty(text):
    with pytest.raises(DocumentError) as caught:
        parse_document(text)
    assert caught.value.problems == ["the file is empty"]


@pytest.mark.parametrize(
    ("text", "kind"), [("- a\n- b\n", "list"), ("just a sentence\n", "str"), ("42\n", "int")]
)
def test_it_refuses_a_file_that_is_not_a_mapping(text, kind):
    with pytest.raises(DocumentError) as caught:
        parse_document(text)
    assert caught.value.problems == [
        f"the file must be a mapping of fields (name: value), not {kind}"
    ]


def test_it_refuses_another_format(mini_text):
    assert _problems(mini_text, lambda d: d.update(format="ospo-assess/questionnaire@2")) == [
        "format: must be 'ospo-assess/questionnaire@1', not 'ospo-assess/questionnaire@2'"
    ]


def test_it_refuses_a_scale_starting_at_1(mini_text):
    assert _problems(mini_text, lambda d: d["scale"].pop(0)) == [
        "scale: the lowest score is 1; it must be 0",
        f"{CUSTOM}.options: score 0 is not on the scale (1–4)",
        f"{CUSTOM}.options: scores 0, 2, 4 do not include the scale's lowest score 1",
    ]


# Defaults and scoring values.


def test_without_a_scoring_block_the_threshold_is_70_and_the_core_minimum_2(mini_text):
    doc = parse_document(_changed(mini_text, lambda d: d.pop("scoring")))
    assert (doc.threshold, doc.core_minimum, doc.method) == (70, 2, "gated")


def test_an_empty_scoring_block_reads_the_same_defaults(mini_text):
    doc = parse_document(_changed(mini_text, lambda d: d.update(scoring={})))
    assert (doc.threshold, doc.core_minimum) == (70, 2)


@pytest.mark.parametrize("value", [0, 4])
def test_it_reads_each_core_minimum_within_the_scale(mini_text, value):
    doc = parse_document(_changed(mini_text, lambda d: d["scoring"].update(core_minimum=value)))
    assert doc.core_minimum == value


def test_it_refuses_a_core_minimum_above_the_scale(mini_text):
    assert _problems(mini_text, lambda d: d["scoring"].update(core_minimum=5)) == [
        "scoring: core_minimum 5 is not within the scale (0–4); default 2"
    ]


def test_it_reads_a_threshold_of_80(mini_text):
    doc = parse_document(_changed(mini_text, lambda d: d["scoring"].update(threshold=80)))
    assert doc.threshold == 80


@pytest.mark.parametrize(("value", "accepted"), [(100, True), (101, False), (1, True), (0, False)])
def test_the_questionnaire_threshold_is_a_percentage(mini_text, value, accepted):
    text = _changed(mini_text, lambda d: d["scoring"].update(threshold=value))
    if accepted:
        assert parse_document(text).threshold == value
    else:
        with pytest.raises(DocumentError) as caught:
            parse_document(text)
        assert caught.value.problems == [
            f"scoring: threshold {value} is outside 1–100 (a percentage; default 70)"
        ]


def test_it_reads_the_language_as_en_when_left_out(mini_text):
    assert parse_document(_changed(mini_text, lambda d: d.pop("language"))).language == "en"


def test_it_reads_the_file_whole(mini_text):
    doc = parse_document(mini_text)
    assert (doc.key, doc.version, doc.title, doc.language) == (
        "mini",
        1,
        "Miniature OSPO check",
        "en",
    )
    assert doc.description == "A small questionnaire for tests, with the default taxonomy."
    assert [(o.score, o.label) for o in doc.scale][:2] == [(0, "Not in place"), (1, "Ad hoc")]
    awareness, ad_hoc, strategy = doc.stages
    assert awareness.mappings == {"linux-foundation": "Stage 0: Awareness"}
    assert (awareness.threshold, strategy.threshold) == (None, 75)
    assert ad_hoc.description == "Open source use is recognized and handled case by case."
    assert [t.key for t in doc.layers] == ["worker", "management"]
    assert [t.name for t in doc.pillars] == ["Enabler", "Advocate"]
    basics, program = doc.sections
    assert (program.key, program.title, program.description) == (
        "program",
        "Program",
        "The formal side.",
    )
    inventory, champion, custom = basics.questions
    assert (inventory.layer, inventory.core, inventory.help) == (
        None,
        True,
        "You cannot manage what you cannot see.",
    )
    assert (champion.stage, champion.pillar, champion.layer, champion.core) == (
        "awareness",
        "advocate",
        "worker",
        False,
    )
    assert champion.weight == Decimal(1) and champion.not_applicable is False
    assert [o.score for o in champion.options] == [0, 1, 2, 3, 4]
    assert custom.weight == Decimal(2)
    assert [(o.score, o.label, o.description) for o in custom.options] == [
        (0, "Forbidden or unknown", ""),
        (2, "Allowed case by case", "A manager decides each time."),
        (4, "Allowed and encouraged", ""),
    ]
    assert program.questions[0].weight == Decimal("1.5")
    assert program.questions[2].not_applicable is True
    assert program.questions[1].recommendation == "Run a one-hour license primer."


# Boundaries, each on both sides.


@pytest.mark.parametrize(("length", "accepted"), [(200, True), (201, False)])
def test_a_title_has_at_most_200_characters(mini_text, length, accepted):
    text = _changed(mini_text, lambda d: d["sections"][1].update(title="t" * length))
    if accepted:
        assert parse_document(text).sections[1].title == "t" * length
    else:
        with pytest.raises(DocumentError) as caught:
            parse_document(text)
        assert caught.value.problems == [
            "sections[1] (key 'program'): 'title' has 201 characters; at most 200 are kept"
        ]


@pytest.mark.parametrize(("length", "accepted"), [(80, True), (81, False)])
def test_a_key_has_at_most_80_characters(mini_text, length, accepted):
    key = "k" * length
    text = _changed(mini_text, lambda d: _champion(d).update(key=key))
    if accepted:
        assert parse_document(text).sections[0].questions[1].key == key
    else:
        with pytest.raises(DocumentError) as caught:
            parse_document(text)
        assert caught.value.problems == [
            f"sections[0] (key 'basics').questions[1] (key '{key}'): "
            f"key '{key}' has 81 characters; at most 80"
        ]


@pytest.mark.parametrize(("weight", "accepted"), [(999.99, True), (1000, False)])
def test_a_weight_is_below_1000(mini_text, weight, accepted):
    text = _changed(mini_text, lambda d: _champion(d).update(weight=weight))
    if accepted:
        assert parse_document(text).sections[0].questions[1].weight == Decimal("999.99")
    else:
        with pytest.raises(DocumentError) as caught:
            parse_document(text)
        assert caught.value.problems == [
            f"{QUESTION}: weight 1000 is outside 0.01–999.99 (default 1)",
        ]


@pytest.mark.parametrize(("threshold", "accepted"), [(100, True), (101, False)])
def test_a_stage_threshold_is_at_most_100(mini_text, threshold, accepted):
    text = _changed(mini_text, lambda d: d["stages"][2].update(threshold=threshold))
    if accepted:
        assert parse_document(text).stages[2].threshold == 100
    else:
        with pytest.raises(DocumentError) as caught:
            parse_document(text)
        assert caught.value.problems == [
            "stages[2] (key 'strategy'): threshold 101 is outside 1–100 (a percentage; leave "
            "it out to use the questionnaire's 70)"
        ]


def _top_option(score: int):
    def change(data: dict) -> None:
        data["scale"][4]["score"] = score
        data["sections"][0]["questions"][2]["options"][2]["score"] = score

    return change


@pytest.mark.parametrize(("score", "accepted"), [(100, True), (101, False)])
def test_an_option_scores_at_most_100(mini_text, score, accepted):
    text = _changed(mini_text, _top_option(score))
    if accepted:
        assert parse_document(text).scale[4].score == 100
    else:
        with pytest.raises(DocumentError) as caught:
            parse_document(text)
        assert "scale[4]: level 5: score 101 is outside 0–100" in caught.value.problems


def test_a_scale_needs_two_levels(mini_text):
    def one_level(data: dict) -> None:
        del data["scale"][1:]

    problems = _problems(mini_text, one_level)
    assert problems[:2] == [
        "scoring: core_minimum 2 is not within the scale (0); default 2",
        "scale: 1 level (scores 0); a scale needs at least 2",
    ]


def test_a_scale_of_two_levels_is_enough(mini_text):
    def two_levels(data: dict) -> None:
        del data["scale"][2:]
        data["scoring"]["core_minimum"] = 1
        data["sections"][0]["questions"][2]["options"] = [dict(o) for o in data["scale"]]

    assert [o.score for o in parse_document(_changed(mini_text, two_levels)).scale] == [0, 1]


def test_a_question_needs_two_options(mini_text):
    def one_option(data: dict) -> None:
        del data["sections"][0]["questions"][2]["options"][1:]

    assert _problems(mini_text, one_option) == [
        f"{CUSTOM}.options: 1 answer option (score 0); a question needs at least 2, including "
        "the scale's lowest score 0 and highest 4",
        f"{CUSTOM}.options: scores 0 do not include the scale's highest score 4",
    ]


def test_the_stages_are_at_least_two(mini_text):
    def one_stage(data: dict) -> None:
        del data["stages"][1:]
        for section in data["sections"]:
            for question in section["questions"]:
                question["stage"] = "awareness"

    assert _problems(mini_text, one_stage) == [
        "stages: 1 stage ('awareness'); a questionnaire needs at least 2"
    ]


def test_two_stages_are_enough(mini_text):
    def two_stages(data: dict) -> None:
        del data["stages"][2:]
        for section in data["sections"]:
            for question in section["questions"]:
                if question["stage"] == "strategy":
                    question["stage"] = "ad-hoc"

    assert len(parse_document(_changed(mini_text, two_stages)).stages) == 2


def test_a_questionnaire_without_sections_is_refused(mini_text):
    assert _problems(mini_text, lambda d: d.update(sections=[])) == [
        "sections: 0 sections; a questionnaire needs at least 1",
        "stages[1] (key 'ad-hoc'): level 1 has no questions; only the lowest stage (level 0) "
        "may have none",
        "stages[2] (key 'strategy'): level 2 has no questions; only the lowest stage (level 0) "
        "may have none",
        "layers[0] (key 'worker'): has no questions; place a question in it, or use layer "
        "'all' for a practice of every layer",
        "layers[1] (key 'management'): has no questions; place a question in it, or use "
        "layer 'all' for a practice of every layer",
        "pillars[0] (key 'enabler'): has no questions",
        "pillars[1] (key 'advocate'): has no questions",
    ]


def test_one_section_is_enough(mini_text):
    def one_section(data: dict) -> None:
        basics, program = data["sections"]
        basics["questions"] += program["questions"]
        del data["sections"][1]

    assert len(parse_document(_changed(mini_text, one_section)).sections) == 1


def test_layers_and_pillars_may_be_left_out(mini_text):
    def flat(data: dict) -> None:
        del data["layers"], data["pillars"]
        for section in data["sections"]:
            for question in section["questions"]:
                del question["layer"], question["pillar"]

    doc = parse_document(_changed(mini_text, flat))
    assert (doc.layers, doc.pillars) == ([], [])
    assert {(q.layer, q.pillar) for q in doc.questions()} == {(None, None)}


# The dumper's output: canonical YAML, as export_questionnaire writes it.


def test_the_mini_file_round_trips_byte_for_byte(mini_text):
    assert dump_document(parse_document(mini_text)) == mini_text


def test_it_writes_multi_line_text_in_block_style(mini_text):
    text = _changed(mini_text, lambda d: _champion(d).update(help="First line.\nSecond line.\n"))
    dumped = dump_document(parse_document(text))
    assert "    help: |\n      First line.\n      Second line.\n" in dumped
    assert dump_document(parse_document(dumped)) == dumped


def test_it_writes_one_line_text_plain(mini_text):
    dumped = dump_document(parse_document(mini_text))
    assert "    text: Is there a named person people can ask about open source?\n" in dumped


def test_it_writes_non_ascii_as_is(mini_text):
    text = _changed(mini_text, lambda d: _champion(d).update(text="Wer kümmert sich — 你好?"))
    dumped = dump_document(parse_document(text))
    assert "    text: Wer kümmert sich — 你好?\n" in dumped


def test_it_folds_long_lines_at_100_characters(mini_text):
    words = " ".join(f"word{n:02d}" for n in range(30))
    text = _changed(mini_text, lambda d: _champion(d).update(recommendation=words))
    dumped = dump_document(parse_document(text))
    assert (
        "    recommendation: word00 word01 word02 word03 word04 word05 word06 word07 word08 word09 "
        "word10 word11\n"
        "      word12 word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23 "
        "word24 word25\n"
        "      word26 word27 word28 word29\n"
    ) in dumped


def test_a_file_with_non_ascii_long_lines_and_translations_round_trips_byte_for_byte(
    mini_text,
):
    long = "Une politique open source approuvée, connue de tous, révisée chaque année " * 3

    def change(data: dict) -> None:
        champion = _champion(data)
        champion["text"] = "Gibt es eine benannte Ansprechperson für Open Source? — ja/nein"
        champion["help"] = "Erste Zeile.\nZweite Zeile mit Ümlaut.\n"
        champion["recommendation"] = long.strip()
        champion["translations"] = {
            "fr": {"text": "Y a-t-il une personne référente ?", "help": long.strip()},
            "de": {"text": "Gibt es eine Ansprechperson?"},
        }
        data["stages"][0]["translations"] = {"fr": {"name": "Prise de conscience"}}
        data["sections"][1]["translations"] = {"es": {"title": "Programa"}}
        data["scale"][0]["translations"] = {"fr": {"label": "Rien en place"}}
        data["translations"] = {"fr": {"title": "Petit contrôle OSPO"}}

    first = dump_document(parse_document(_changed(mini_text, change)))
    assert dump_document(parse_document(first)) == first
    assert "Ümlaut" in first and "référente" in first and "\\u" not in first
    # Languages in alphabetical order, after the item's own texts.
    assert first.index("      de:\n") < first.index("      fr:\n")
    assert "title: Miniature OSPO check\ndescription:" in first


# The shape of the optional parts: conditions, crosswalks, checklists, stages' scoring keys,
# names, resources and standards.

STANDARD = "standards[0] (key 'iso')"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: _champion(d).update(show_if="inventory"),
            [
                f"{QUESTION}.show_if: must be a mapping of fields",
                f"{QUESTION}.show_if: 'question' is missing",
            ],
        ),
        (
            lambda d: _champion(d).update(show_if={"answers": [1]}),
            [f"{QUESTION}.show_if: 'question' is missing"],
        ),
        (
            lambda d: _champion(d).update(
                show_if={"question": "inventory", "answers": [True, 1.5, 2]}
            ),
            [
                f"{QUESTION}.show_if.answers[0]: must be a score (a whole number) or a box "
                "label (text), not True",
                f"{QUESTION}.show_if.answers[1]: must be a score (a whole number) or a box "
                "label (text), not 1.5",
            ],
        ),
        (
            lambda d: _champion(d).update(show_if={"question": "inventory", "answers": 2}),
            [f"{QUESTION}.show_if: 'answers' must be a list, not int"],
        ),
        (
            lambda d: _champion(d).update(show_if={"question": "inventory"}),
            [f"{QUESTION}.show_if: 'answers' is missing"],
        ),
        (
            lambda d: _champion(d).update(
                show_if={"question": "inventory", "answers": [2], "when": 1}
            ),
            [f"{QUESTION}.show_if: unknown field 'when'"],
        ),
        (
            lambda d: _champion(d).update(mappings=["a"]),
            [
                f"{QUESTION}.mappings: must map standard or model keys to lists of references, "
                "e.g. iso-5230: ['3.1.1']"
            ],
        ),
        (
            # Each key is checked, also after a wrong one.
            lambda d: _champion(d).update(mappings={1: ["a"], 2: ["b"]}),
            [
                f"{QUESTION}.mappings: key 1 must be text, a standard or model key like 'iso-5230'",
                f"{QUESTION}.mappings: key 2 must be text, a standard or model key like 'iso-5230'",
            ],
        ),
        (
            lambda d: _champion(d).update(mappings={"ggi": "a", "iso-5230": 3}),
            [
                f"{QUESTION}.mappings: 'ggi' must be a list of references, not str 'a'",
                f"{QUESTION}.mappings: 'iso-5230' must be a list of references, not int 3",
            ],
        ),
        (
            lambda d: _champion(d).update(mappings={"ggi": [3.1, "x", True]}),
            [
                f"{QUESTION}.mappings: reference 1 of 'ggi' must be text, not the number 3.1; "
                "quote it as written, e.g. '3.1'",
                f"{QUESTION}.mappings: reference 3 of 'ggi' must be text, not bool True",
            ],
        ),
        (
            lambda d: _champion(d).update(type="checklist"),
            [f"{QUESTION}: 'options' is missing"],
        ),
        (
            lambda d: _champion(d).update(
                type="checklist",
                options=[
                    {"label": "A", "weight": "2"},
                    {"exclusive": "yes"},
                    {"label": "N", "exclusive": True, "score": 1},
                ],
            ),
            [
                f"{QUESTION}.options[0]: 'weight' must be a whole number, not '2'",
                f"{QUESTION}.options[1]: 'exclusive' must be true or false",
                f"{QUESTION}.options[1]: 'label' is missing",
                f"{QUESTION}.options[2]: unknown field 'score'",
            ],
        ),
        (
            lambda d: _champion(d).update(
                type="checklist",
                options=[
                    {"label": "A", "description": 5},
                    {"label": "B", "translations": ["fr"]},
                ],
            ),
            [
                f"{QUESTION}.options[0]: 'description' must be text, not int 5",
                f"{QUESTION}.options[1]: 'translations' must map languages to fields and their "
                "texts",
            ],
        ),
        (
            lambda d: _champion(d).update(type="essay"),
            [f"{QUESTION}: type 'essay' is not one of: single, checklist, text"],
        ),
        (
            lambda d: _champion(d).update(scale="mine"),
            [
                f"{QUESTION}: 'scale' must be 'own' (options on the question's own range) or "
                "left out, not 'mine'"
            ],
        ),
        (
            lambda d: _champion(d).update(options={"a": 1}),
            [f"{QUESTION}: 'options' must be a list, not dict"],
        ),
        (
            lambda d: _champion(d).update(pillar=3),
            [f"{QUESTION}: 'pillar' must be text, not int 3"],
        ),
        (
            lambda d: _champion(d).update(layer=3),
            [f"{QUESTION}: 'layer' must be text, not int 3"],
        ),
        (
            lambda d: d["sections"][0]["questions"][2]["options"].__setitem__(1, 3),
            [
                f"{CUSTOM}.options[1]: must be a mapping of fields",
                f"{CUSTOM}.options[1]: 'score' is missing",
                f"{CUSTOM}.options[1]: 'label' is missing",
            ],
        ),
        (
            lambda d: d["sections"][0]["questions"][2]["options"][1].update(weight=3),
            [f"{CUSTOM}.options[1]: unknown field 'weight'"],
        ),
        (
            lambda d: d["sections"][0]["questions"].__setitem__(1, "x"),
            [
                "sections[0] (key 'basics').questions[1]: must be a mapping of fields",
                "sections[0] (key 'basics').questions[1]: 'stage' is missing",
                "sections[0] (key 'basics').questions[1]: 'key' is missing",
                "sections[0] (key 'basics').questions[1]: 'text' is missing",
            ],
        ),
        (
            lambda d: d["sections"].__setitem__(1, "x"),
            [
                "sections[1]: must be a mapping of fields",
                "sections[1]: 'key' is missing",
                "sections[1]: 'title' is missing",
                "sections[1]: 'questions' is missing",
            ],
        ),
        (
            lambda d: d["sections"][1].update(key=5),
            ["sections[1]: 'key' must be text, not int 5"],
        ),
        (
            lambda d: d["stages"][0].update(band=[0, True]),
            ["stages[0] (key 'awareness'): 'band' must be two whole numbers, [from, to]"],
        ),
        (
            lambda d: d["stages"][0].update(band=[0]),
            ["stages[0] (key 'awareness'): 'band' must be two whole numbers, [from, to]"],
        ),
        (
            lambda d: d["stages"][0].update(band=[0, 10, 20]),
            ["stages[0] (key 'awareness'): 'band' must be two whole numbers, [from, to]"],
        ),
        (
            lambda d: d["stages"][0].update(band="0-10"),
            ["stages[0] (key 'awareness'): 'band' must be two whole numbers, [from, to]"],
        ),
        (
            lambda d: d["stages"][0].update(core_minimum="2"),
            ["stages[0] (key 'awareness'): 'core_minimum' must be a whole number, not '2'"],
        ),
        (
            lambda d: d["stages"][0].update(floor="yes"),
            ["stages[0] (key 'awareness'): 'floor' must be true or false"],
        ),
        (
            lambda d: d["stages"][0].update(colour=3),
            ["stages[0] (key 'awareness'): unknown field 'colour'"],
        ),
        (
            lambda d: d["layers"][0].update(threshold=3),
            ["layers[0] (key 'worker'): unknown field 'threshold'"],
        ),
        (
            lambda d: d["pillars"][0].update(threshold=3, characteristics="x"),
            [
                "pillars[0] (key 'enabler'): unknown field 'threshold'",
                "pillars[0] (key 'enabler'): unknown field 'characteristics'",
            ],
        ),
        (
            lambda d: d["sections"][1].update(description=5, recommendations=6),
            [
                "sections[1] (key 'program'): 'description' must be text, not int 5",
                "sections[1] (key 'program'): 'recommendations' must be text, not int 6",
            ],
        ),
        (
            lambda d: d["sections"][1].update(help=7, translations="fr"),
            [
                "sections[1] (key 'program'): 'help' must be text, not int 7",
                "sections[1] (key 'program'): 'translations' must map languages to fields and "
                "their texts",
            ],
        ),
        (lambda d: d.update(layers="x"), ["'layers' must be a list, not str"]),
        (lambda d: d.update(pillars="x"), ["'pillars' must be a list, not str"]),
        (
            lambda d: d.update(names={"stage": 3, "colour": "x"}),
            ["names: unknown field 'colour'", "names: 'stage' must be text, not int 3"],
        ),
        (lambda d: d.update(names=["x"]), ["names: must be a mapping of fields"]),
        # A name left empty is a rule's problem, said once.
        (lambda d: d.update(names={"stage": None}), ["names: 'stage' is empty"]),
        (
            lambda d: d.update(standards=["x"]),
            [
                "standards[0]: must be a mapping of fields",
                "standards[0]: 'key' is missing",
                "standards[0]: 'name' is missing",
            ],
        ),
        (
            lambda d: d["scale"][1].update(description=5, translations=["fr"]),
            [
                "scale[1]: 'description' must be text, not int 5",
                "scale[1]: 'translations' must map languages to fields and their texts",
            ],
        ),
        (
            lambda d: d["stages"][1].update(characteristics=5),
            ["stages[1] (key 'ad-hoc'): 'characteristics' must be text, not int 5"],
        ),
        (
            lambda d: d["layers"][0].update(description=5),
            ["layers[0] (key 'worker'): 'description' must be text, not int 5"],
        ),
        (
            lambda d: d["pillars"][1].update(translations="fr"),
            [
                "pillars[1] (key 'advocate'): 'translations' must map languages to fields and "
                "their texts"
            ],
        ),
        (
            lambda d: d.update(mapping_labels={"a": 1}),
            ["mapping_labels: must map mapping keys to readable labels"],
        ),
        (
            lambda d: d.update(mapping_labels=["a"]),
            ["mapping_labels: must map mapping keys to readable labels"],
        ),
        (
            lambda d: d["sections"][0].update(resources=[{"title": 1}, "x"]),
            [
                "sections[0] (key 'basics').resources[0]: 'title' must be text, not int 1",
                "sections[0] (key 'basics').resources[0]: 'url' is missing",
                "sections[0] (key 'basics').resources[1]: must be a mapping of fields",
                "sections[0] (key 'basics').resources[1]: 'title' is missing",
                "sections[0] (key 'basics').resources[1]: 'url' is missing",
            ],
        ),
        (
            lambda d: d["sections"][0].update(resources="x"),
            ["sections[0] (key 'basics'): 'resources' must be a list, not str"],
        ),
        (
            lambda d: d.update(
                standards=[
                    {
                        "key": "iso",
                        "name": 3,
                        "assess": "yes",
                        "minimum": "2",
                        "names": {"area": 1, "x": 2},
                        "areas": [
                            {"name": "A"},
                            {"id": 3.10, "name": "B"},
                            {"id": None, "name": "C"},
                            "x",
                        ],
                    }
                ]
            ),
            [
                f"{STANDARD}.names: unknown field 'x'",
                f"{STANDARD}: 'name' must be text, not int 3",
                f"{STANDARD}: 'assess' must be true or false",
                f"{STANDARD}: 'minimum' must be a whole number, not '2'",
                f"{STANDARD}.names: 'area' must be text, not int 1",
                f"{STANDARD}.areas[0]: 'id' is missing",
                f"{STANDARD}.areas[1]: 'id' must be text, not the number 3.1; quote it as "
                "written, e.g. '3.1'",
                f"{STANDARD}.areas[2]: 'id' must be text, not NoneType None",
                f"{STANDARD}.areas[3]: must be a mapping of fields",
                f"{STANDARD}.areas[3]: 'name' is missing",
            ],
        ),
        (
            lambda d: d.update(standards=[{"key": "iso", "name": "ISO"}]),
            [f"{STANDARD}: 'areas' is missing"],
        ),
        (
            lambda d: d.update(standards=[{"key": "iso", "areas": [{"id": "1"}], "url": 2}]),
            [
                f"{STANDARD}: 'name' is missing",
                f"{STANDARD}: 'url' must be text, not int 2",
                f"{STANDARD}.areas[0]: 'name' is missing",
            ],
        ),
        (
            lambda d: d.update(
                standards=[
                    {
                        "key": "iso",
                        "name": "ISO",
                        "description": 5,
                        "areas": [{"id": "1", "name": "A", "description": 5}],
                    }
                ]
            ),
            [
                f"{STANDARD}: 'description' must be text, not int 5",
                f"{STANDARD}.areas[0]: 'description' must be text, not int 5",
            ],
        ),
        (
            lambda d: d.update(
                standards=[
                    {
                        "key": "iso",
                        "name": "ISO",
                        "names": {"area": None},
                        "areas": [{"id": "1", "name": "A"}],
                    }
                ]
            ),
            [f"{STANDARD}.names: 'area' is empty"],
        ),
        (lambda d: d.update(standards="x"), ["'standards' must be a list, not str"]),
        (lambda d: d["scoring"].update(method=3), ["scoring: 'method' must be text, not int 3"]),
        (lambda d: d.update(language=3), ["'language' must be text, not int 3"]),
        (lambda d: d.update(description=3), ["'description' must be text, not int 3"]),
    ],
)
def test_it_names_each_misshapen_part_with_its_location(mini_text, change, expected):
    assert _problems(mini_text, change) == expected


def test_it_refuses_text_that_is_not_yaml():
    with pytest.raises(DocumentError) as caught:
        parse_document("key: [\n")
    (problem,) = caught.value.problems
    assert problem.startswith("not valid YAML: while parsing a flow node\n")


# Which problems stop the rules: a value read as a default would make them report it too.


@pytest.mark.parametrize(
    ("change", "reading"),
    [
        (lambda d: _champion(d).update(colour=1), f"{QUESTION}: unknown field 'colour'"),
        (
            lambda d: d.update(format="x"),
            "format: must be 'ospo-assess/questionnaire@1', not 'x'",
        ),
        (
            lambda d: _champion(d).update(scale="mine"),
            f"{QUESTION}: 'scale' must be 'own' (options on the question's own range) or left "
            "out, not 'mine'",
        ),
    ],
)
def test_a_problem_that_guesses_nothing_is_reported_with_the_rules(mini_text, change, reading):
    def both(data: dict) -> None:
        change(data)
        data["sections"][1]["questions"][0]["stage"] = "nirvana"

    assert _problems(mini_text, both) == [
        reading,
        "sections[1] (key 'program').questions[0] (key 'policy'): stage 'nirvana' is not one "
        "of: awareness, ad-hoc, strategy",
    ]


def test_a_value_read_as_a_default_is_reported_alone(mini_text):
    def both(data: dict) -> None:
        _champion(data).update(weight="x")
        data["sections"][1]["questions"][0]["stage"] = "nirvana"

    assert _problems(mini_text, both) == [f"{QUESTION}: 'weight' must be a number, not 'x'"]


def test_it_writes_a_checklist_s_boxes_with_only_what_differs_from_the_defaults(mini_text):
    def checklist(data: dict) -> None:
        _champion(data).update(
            type="checklist",
            options=[
                {"label": "A register", "translations": {"fr": {"label": "Un registre"}}},
                {"label": "A contact", "weight": 3},
                {"label": "Unweighted", "weight": 0},
                {"label": "None of these", "exclusive": True},
            ],
        )

    doc = parse_document(_changed(mini_text, checklist))
    boxes = doc.sections[0].questions[1].options
    assert [(b.score, b.weight, b.exclusive) for b in boxes] == [
        (0, 1, False),
        (1, 3, False),
        (2, 0, False),
        (3, 0, True),
    ]
    # An exclusive box that weighs something is refused by the rules; written, so it shows.
    boxes[3].weight = 2
    dumped = dump_document(doc)
    start = dumped.index("  - key: champion\n")
    assert dumped[start : dumped.index("  - key: contribution-ok\n")] == (
        "  - key: champion\n"
        "    text: Is there a named person people can ask about open source?\n"
        "    type: checklist\n"
        "    stage: awareness\n"
        "    pillar: advocate\n"
        "    layer: worker\n"
        "    recommendation: Name one person as the first point of contact.\n"
        "    options:\n"
        "    - label: A register\n"
        "      translations:\n"
        "        fr:\n"
        "          label: Un registre\n"
        "    - label: A contact\n"
        "      weight: 3\n"
        "    - label: Unweighted\n"
        "      weight: 0\n"
        "    - label: None of these\n"
        "      exclusive: true\n"
        "      weight: 2\n"
    )


def test_it_writes_the_options_of_a_free_text_question_so_that_the_rules_can_show_them(
    mini_text,
):
    # A draft edited in the admin may hold them; the file keeps them rather than hide a problem.
    doc = parse_document(mini_text)
    question = doc.sections[0].questions[2]
    question.type = "text"
    dumped = dump_document(doc)
    written = yaml.safe_load(dumped)["sections"][0]["questions"][2]
    assert written["type"] == "text"
    assert [option["label"] for option in written["options"]] == [
        "Forbidden or unknown",
        "Allowed case by case",
        "Allowed and encouraged",
    ]
    question.options = []
    assert "options" not in yaml.safe_load(dump_document(doc))["sections"][0]["questions"][2]


@pytest.mark.parametrize("fixture", FIXTURE_MODELS)
def test_each_fixture_model_reads_and_writes_back_byte_for_byte(fixture):
    """Without the database: what the file says is all the reading keeps and all it writes."""
    text = (FIXTURES / f"{fixture}.yaml").read_text(encoding="utf-8")
    assert dump_document(parse_document(text)) == text


@pytest.mark.parametrize(("written", "read"), [(".inf", "Infinity"), (".nan", "NaN")])
def test_a_weight_that_is_no_finite_number_is_refused_by_the_rules(mini_text, written, read):
    with pytest.raises(DocumentError) as caught:
        parse_document(mini_text.replace("    weight: 2\n", f"    weight: {written}\n", 1))
    assert caught.value.problems == [f"{CUSTOM}: weight {read} is outside 0.01–999.99 (default 1)"]


def test_a_document_error_reads_as_its_problems_one_per_line():
    assert str(DocumentError(["first: wrong", "second: missing"])) == (
        "first: wrong\nsecond: missing"
    )


def test_it_folds_at_100_characters_not_101(mini_text):
    # This line is 101 characters long: within a width of 101, beyond one of 100.
    line = "x" * 70 + " tail words here"
    text = _changed(mini_text, lambda d: _champion(d).update(recommendation=line))
    dumped = dump_document(parse_document(text))
    assert f"    recommendation: {'x' * 70} tail words\n      here\n" in dumped


def test_it_writes_a_stage_s_characteristics_and_a_section_s_recommendations(mini_text):
    def change(data: dict) -> None:
        data["stages"][1]["characteristics"] = "Projects are handled one by one."
        data["stages"][1]["translations"] = {
            "fr": {"characteristics": "Au cas par cas.", "name": "Ad hoc"}
        }
        data["sections"][1]["recommendations"] = "Start with the policy."

    doc = parse_document(_changed(mini_text, change))
    # A field the rules refuse (a draft's slip) is written after the stage's own, to show.
    doc.stages[1].translations["fr"] = {"notes": "?", **doc.stages[1].translations["fr"]}
    dumped = dump_document(doc)
    assert (
        "- key: ad-hoc\n"
        "  name: Ad hoc\n"
        "  description: Open source use is recognized and handled case by case.\n"
        "  characteristics: Projects are handled one by one.\n"
        "  translations:\n"
        "    fr:\n"
        "      name: Ad hoc\n"
        "      characteristics: Au cas par cas.\n"
        "      notes: '?'\n"
    ) in dumped
    assert "  recommendations: Start with the policy.\n" in dumped
    # Without the refused field, what it writes reads back the same.
    valid = dump_document(parse_document(_changed(mini_text, change)))
    assert dump_document(parse_document(valid)) == valid


def test_a_question_without_options_takes_the_scale_s_with_their_descriptions(mini_text):
    def change(data: dict) -> None:
        data["scale"][2]["description"] = "Written down and known."
        data["scale"][2]["translations"] = {"fr": {"label": "Défini"}}

    doc = parse_document(_changed(mini_text, change))
    defined = doc.sections[0].questions[1].options[2]
    assert (defined.score, defined.label, defined.description, defined.translations) == (
        2,
        "Defined",
        "Written down and known.",
        {"fr": {"label": "Défini"}},
    )
