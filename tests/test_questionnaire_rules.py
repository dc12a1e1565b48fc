"""One set of rules for a questionnaire version, whichever way it is loaded or published.

The rules (`questionnaire_file.rules`) are tested on plain data first; then the same documents go
through `load_questionnaire` (a file, published at once) and through a stored draft published by
`publish_questionnaire` (the admin's publication), which must agree on every one.
"""

import copy
from decimal import Decimal

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments import authoring
from assessments.demo import DEFAULT_FILE
from assessments.models import Question, Questionnaire
from assessments.questionnaire_file import rules
from assessments.questionnaire_file.document import (
    AreaDoc,
    DocumentError,
    OptionDoc,
    StandardDoc,
    TaxonDoc,
    dump_document,
    parse_document,
)
from assessments.questionnaire_file.store import save_document
from assessments.questionnaire_file.synthetic import synthetic_document

FIRST = "sections[0] (key 'section-1').questions[0] (key 'q-1')"


def doc_with(change=None):
    """A valid generated questionnaire (20 questions in every stage, layer, pillar), changed."""
    doc = synthetic_document(20, key="gen")
    if change is not None:
        change(doc)
    return doc


def first_question(doc):
    return doc.sections[0].questions[0]


def set_first(**fields):
    def change(doc):
        for name, value in fields.items():
            setattr(first_question(doc), name, value)

    return change


def scores(*values):
    return set_first(options=[OptionDoc(v, f"Score {v}") for v in values])


def move_questions(stage_from: str, stage_to: str):
    def change(doc):
        for question in doc.questions():
            if question.stage == stage_from:
                question.stage = stage_to

    return change


def rules_taxon(key):
    return TaxonDoc(key, key.title())


def in_file(doc) -> list[str]:
    return [problem.in_file() for problem in rules.problems(doc)]


# --- The rules, on plain data ---------------------------------------------------------------------


def test_a_generated_questionnaire_breaks_no_rule():
    assert rules.problems(doc_with()) == []


def test_an_empty_lowest_stage_is_the_floor_and_breaks_no_rule():
    doc = doc_with(move_questions("awareness", "ad-hoc"))
    assert not [q for q in doc.questions() if q.stage == "awareness"]
    assert rules.problems(doc) == []


def test_an_empty_higher_stage_is_refused_naming_its_level():
    assert in_file(doc_with(move_questions("strategy", "ad-hoc"))) == [
        "stages[2] (key 'strategy'): level 2 has no questions; only the lowest stage (level 0) "
        "may have none"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            scores(0, 2, 2, 4),
            f"{FIRST}.options: scores 0, 2, 2, 4: each option needs its own score; "
            "'don't know' is added for you",
        ),
        (
            scores(1, 3),
            f"{FIRST}.options: scores 1, 3 do not include the scale's lowest score 0 and highest 4",
        ),
        (scores(1, 4), f"{FIRST}.options: scores 1, 4 do not include the scale's lowest score 0"),
        (scores(0, 2), f"{FIRST}.options: scores 0, 2 do not include the scale's highest score 4"),
        (scores(0, 4, 7), f"{FIRST}.options: score 7 is not on the scale (0–4)"),
        (scores(0, 4, 7, 9), f"{FIRST}.options: scores 7, 9 are not on the scale (0–4)"),
        (
            scores(),
            f"{FIRST}: has no answer options; it needs at least 2, including the scale's lowest "
            "score 0 and highest 4",
        ),
        (
            set_first(weight=Decimal("0.125")),
            f"{FIRST}: weight 0.125 has more than 2 decimals, which are not kept; multiply every "
            "weight of the questionnaire by the same number to keep the ratios",
        ),
        (set_first(weight=Decimal(0)), f"{FIRST}: weight 0 is outside 0.01–999.99 (default 1)"),
        (
            set_first(weight=Decimal("1000")),
            f"{FIRST}: weight 1000 is outside 0.01–999.99 (default 1)",
        ),
        (
            set_first(weight=Decimal("NaN")),
            f"{FIRST}: weight NaN is outside 0.01–999.99 (default 1)",
        ),
        (set_first(text="  "), f"{FIRST}: 'text' is empty"),
        (
            set_first(stage="nirvana"),
            f"{FIRST}: stage 'nirvana' is not one of: awareness, ad-hoc, strategy, engagement, "
            "leadership",
        ),
        (
            set_first(layer="board"),
            f"{FIRST}: layer 'board' is not one of: worker, management, units, ospo, all",
        ),
        (
            set_first(key="Q_1"),
            "sections[0] (key 'section-1').questions[0] (key 'Q_1'): key 'Q_1' must be lowercase "
            "letters and digits joined by '-', "
            "e.g. 'open-source-policy'",
        ),
        (
            lambda d: setattr(d, "threshold", 0),
            "scoring: threshold 0 is outside 1–100 (a percentage; default 70)",
        ),
        (
            lambda d: setattr(d, "core_minimum", 5),
            "scoring: core_minimum 5 is not within the scale (0–4); default 2",
        ),
        (
            lambda d: setattr(d.stages[1], "threshold", 101),
            "stages[1] (key 'ad-hoc'): threshold 101 is outside 1–100 (a percentage; leave it "
            "out to use the questionnaire's 70)",
        ),
        (
            lambda d: setattr(d.scale[0], "score", 5),
            "scale: the lowest score is 1; it must be 0",
        ),
        (
            lambda d: setattr(d, "scale", d.scale[:1]),
            "scale: 1 level (scores 0); a scale needs at least 2",
        ),
        (
            lambda d: setattr(d.scale[1], "label", "x" * 201),
            "scale[1]: 'label' has 201 characters; at most 200 are kept",
        ),
        (
            lambda d: setattr(d.sections[1], "key", "section-1"),
            "sections: key 'section-1' is used 2 times; each section needs its own key",
        ),
        (
            lambda d: setattr(d.sections[1], "title", ""),
            "sections[1] (key 'section-2'): 'title' is empty",
        ),
        (
            lambda d: setattr(d, "pillars", d.pillars + [rules_taxon("liaison")]),
            "pillars[4] (key 'liaison'): has no questions",
        ),
        (
            lambda d: setattr(d, "stages", d.stages[:1]),
            "stages: 1 stage ('awareness'); a questionnaire needs at least 2",
        ),
        (
            lambda d: setattr(d, "sections", []),
            "sections: 0 sections; a questionnaire needs at least 1",
        ),
    ],
)
def test_each_rule_names_the_item_and_the_values(change, expected):
    problems = in_file(doc_with(change))
    assert expected in problems, problems


def test_a_layer_may_be_empty_only_when_a_question_is_for_every_layer():
    def no_all_layer_questions(doc):
        for question in doc.questions():
            question.layer = question.layer or "worker"

    assert rules.problems(doc_with()) == []
    problems = in_file(doc_with(no_all_layer_questions))
    assert problems == [], problems  # every layer still has its own questions
    problems = in_file(
        doc_with(lambda d: (no_all_layer_questions(d), d.layers.append(rules_taxon("board"))))
    )
    assert problems == [
        "layers[4] (key 'board'): has no questions; place a question in it, or use layer 'all' "
        "for a practice of every layer"
    ]


def test_each_problem_names_its_item_for_the_admin_too():
    (problem,) = rules.problems(doc_with(scores(0, 4, 7)))
    assert (
        problem.in_admin()
        == "Question 'q-1' (section 'section-1'): score 7 is not on the scale (0–4)"
    )


def test_a_scale_with_gaps_is_named_by_its_scores():
    def gappy(doc):
        doc.scale = [OptionDoc(0, "No"), OptionDoc(2, "Partly"), OptionDoc(4, "Yes")]
        for question in doc.questions():
            question.options = list(doc.scale)
        first_question(doc).options = [OptionDoc(0, "No"), OptionDoc(3, "Mostly")]

    assert in_file(doc_with(gappy)) == [
        f"{FIRST}.options: score 3 is not on the scale (0, 2, 4)",
        f"{FIRST}.options: scores 0, 3 do not include the scale's highest score 4",
    ]


# --- The file: shape first, then the rules --------------------------------------------------------


def _file(change) -> str:
    data = yaml.safe_load(dump_document(doc_with()))
    change(data)
    return yaml.safe_dump(data, sort_keys=False)


def test_a_weight_is_read_as_written_never_rounded(db):
    text = _file(lambda d: d["sections"][0]["questions"][0].update(weight=0.12))
    assert first_question(parse_document(text)).weight == Decimal("0.12")
    with pytest.raises(DocumentError) as raised:
        parse_document(_file(lambda d: d["sections"][0]["questions"][0].update(weight=0.125)))
    assert raised.value.problems == [
        f"{FIRST}: weight 0.125 has more than 2 decimals, which are not kept; multiply every "
        "weight of the questionnaire by the same number to keep the ratios"
    ]


def test_a_fractional_score_or_threshold_is_refused_not_rounded():
    with pytest.raises(DocumentError) as raised:
        parse_document(_file(lambda d: d["scoring"].update(threshold=70.5)))
    assert raised.value.problems == ["scoring: 'threshold' must be a whole number, not 70.5"]
    with pytest.raises(DocumentError) as raised:
        parse_document(_file(lambda d: d["scale"][1].update(score=1.5)))
    assert raised.value.problems == ["scale[1]: 'score' must be a whole number, not 1.5"]


def test_a_mistyped_value_is_reported_alone_not_with_the_defaults_read_in_its_place():
    # The missing score is read as 0, which would also make two scale levels score 0.
    with pytest.raises(DocumentError) as raised:
        parse_document(_file(lambda d: d["scale"][1].pop("score")))
    assert raised.value.problems == ["scale[1]: 'score' is missing"]


def test_an_unknown_field_is_reported_with_the_rules_in_one_pass():
    def change(data):
        data["sections"][0]["questions"][0]["colour"] = "red"
        data["scoring"]["threshold"] = 0

    with pytest.raises(DocumentError) as raised:
        parse_document(_file(change))
    assert raised.value.problems == [
        f"{FIRST}: unknown field 'colour'",
        "scoring: threshold 0 is outside 1–100 (a percentage; default 70)",
    ]


# --- Both ways to a published version agree ------------------------------------------------------

# Every broken document here can be stored as a draft (the database takes it), so the admin's
# publication sees exactly what the file said. Weights of 0.125 or 1000, and labels longer than
# their column, are not among them: the database cannot hold them (PostgreSQL refuses a long
# label where SQLite would keep it), so no draft can have them (the admin's form refuses them, see
# test_the_admin_refuses_a_weight_with_more_than_two_decimals).
PARITY_CASES = {
    "valid": None,
    "empty lowest stage": move_questions("awareness", "ad-hoc"),
    "empty higher stage": move_questions("engagement", "strategy"),
    "empty top stage": move_questions("leadership", "strategy"),
    "empty pillar": lambda d: d.pillars.append(rules_taxon("liaison")),
    "empty section": lambda d: d.sections[1].questions.clear(),
    "no sections": lambda d: d.sections.clear(),
    "one stage": lambda d: (move_questions("ad-hoc", "awareness")(d), d.stages[1:2].clear()),
    "score off the scale": scores(0, 4, 7),
    "lowest score missing": scores(1, 2, 3, 4),
    "highest score missing": scores(0, 1, 2),
    "one option": scores(0),
    "no options": scores(),
    "zero weight": set_first(weight=Decimal(0)),
    "empty text": set_first(text=""),
    "bad key": set_first(key="Q_1"),
    "threshold 0": lambda d: setattr(d, "threshold", 0),
    "stage threshold 101": lambda d: setattr(d.stages[2], "threshold", 101),
    "core minimum above the scale": lambda d: setattr(d, "core_minimum", 5),
    "scale from 1": lambda d: [
        setattr(o, "score", o.score + 1)
        for o in [*d.scale, *(o for q in d.questions() for o in q.options)]
    ],
    "band on a gated stage": lambda d: setattr(d.stages[1], "band", (0, 50)),
    "floor above the first stage": lambda d: setattr(d.stages[2], "floor", True),
    "bands with a gap": lambda d: (
        setattr(d, "method", "bands"),
        [setattr(s, "band", (i * 10, i * 10 + 5)) for i, s in enumerate(d.stages)],
    ),
    "unknown method": lambda d: setattr(d, "method", "vibes"),
    "mapping to an unknown area": lambda d: (
        d.standards.append(StandardDoc("iso-5230", "ISO/IEC 5230", [AreaDoc("3.1.1", "Policy")])),
        setattr(first_question(d), "mappings", {"iso-5230": ["3.1.1", "9.9"]}),
    ),
    "standard without areas": lambda d: d.standards.append(StandardDoc("iso-5230", "ISO", [])),
}


def _load(doc, tmp_path) -> tuple[bool, list[str]]:
    path = tmp_path / f"{doc.key}.yaml"
    path.write_text(dump_document(doc), encoding="utf-8")
    try:
        call_command("load_questionnaire", str(path))
    except CommandError as exc:
        return False, str(exc).splitlines()[1:]
    return True, []


def _publish_stored_draft(doc) -> tuple[bool, list[str]]:
    draft = save_document(doc, publish=False)  # past the rules, as a hand-edited draft would be
    try:
        call_command("publish_questionnaire", draft.key, str(draft.version))
    except CommandError as exc:
        return False, str(exc).splitlines()[1:]
    return True, []


@pytest.mark.django_db
@pytest.mark.parametrize("case", PARITY_CASES)
def test_a_file_loads_as_published_exactly_when_the_admin_would_publish_it(case, tmp_path):
    doc = doc_with(PARITY_CASES[case])
    loaded, load_problems = _load(copy.deepcopy(doc), tmp_path)
    doc.key = "gen-admin"
    published, publish_problems = _publish_stored_draft(doc)

    assert loaded == published, (load_problems, publish_problems)
    assert loaded == (case in {"valid", "empty lowest stage"})
    # The same rules broken, named for each audience.
    assert len(load_problems) == len(publish_problems), (load_problems, publish_problems)


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", ["mini", "default"])
def test_the_shipped_files_pass_both_ways(fixture, mini_text, tmp_path):
    text = mini_text if fixture == "mini" else DEFAULT_FILE.read_text(encoding="utf-8")
    doc = parse_document(text)
    assert _load(copy.deepcopy(doc), tmp_path) == (True, [])
    doc.version += 1
    assert _publish_stored_draft(doc) == (True, [])


@pytest.mark.django_db
def test_a_draft_load_and_an_import_refuse_what_publication_would(tmp_path, staff):
    doc = doc_with(move_questions("engagement", "strategy"))
    path = tmp_path / "draft.yaml"
    path.write_text(dump_document(doc), encoding="utf-8")
    with pytest.raises(CommandError, match="level 3 has no questions"):
        call_command("load_questionnaire", str(path), "--draft")
    with pytest.raises(DocumentError) as raised:
        authoring.import_draft(dump_document(doc), staff)
    assert raised.value.problems == [
        "stages[3] (key 'engagement'): level 3 has no questions; only the lowest stage "
        "(level 0) may have none"
    ]
    assert not Questionnaire.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_weight_with_more_than_two_decimals(client, staff, questionnaire):
    draft = authoring.new_draft_from(questionnaire, staff)
    question = draft.questions.get(key="policy")
    client.force_login(staff)
    page = client.get(reverse("admin:assessments_question_change", args=[question.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update(
        {k: ("" if v is None else v) for k, v in data.items()},
        weight="0.125",
        **{"options-TOTAL_FORMS": "0", "options-INITIAL_FORMS": "0"},
    )
    page = client.post(reverse("admin:assessments_question_change", args=[question.pk]), data)
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["weight"] == [
        "Ensure that there are no more than 2 decimal places."
    ]
    assert Question.objects.get(pk=question.pk).weight == Decimal("1.5")
