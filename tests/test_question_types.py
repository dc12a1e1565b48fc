"""Question types beyond single choice: a checklist with weighted boxes and an exclusive
"none of these", and free text, never scored. Each through the file format, the validator, the
htmx save and the no-JavaScript form, results, exports, history and the upgrade plan."""

import csv
import io
import json

import pytest
import yaml
from django.urls import reverse

from assessments.evaluation import evaluate
from assessments.models import Answer, AnswerChange, Assessment
from assessments.questionnaire_file.document import DocumentError, parse_document
from assessments.questionnaire_file.store import export_text
from assessments.scoring_methods.question_types import checklist_fraction, on_scale
from assessments.versioning import DropReason, plan_upgrade
from tests.conftest import FIXTURES
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TYPES_TEXT = (FIXTURES / "question_types.yaml").read_text(encoding="utf-8")


@pytest.fixture
def types_questionnaire(db):
    return load_text(TYPES_TEXT, publish=True)


@pytest.fixture
def typed(organization, types_questionnaire, owner):
    return Assessment.objects.create(
        organization=organization,
        questionnaire=types_questionnaire,
        title="Types",
        created_by=owner,
    )


def save_url(assessment, question):
    return reverse(
        "assessments:answer_save", args=[assessment.organization.slug, assessment.pk, question.pk]
    )


def section_url(assessment, key):
    return reverse("assessments:section", args=[assessment.organization.slug, assessment.pk, key])


def q(assessment, key):
    return assessment.questionnaire.questions.get(key=key)


def box(question, label):
    return question.options.get(label=label)


def boxes_data(question, *labels, **extra):
    prefix = f"q-{question.pk}-"
    data = {prefix + "boxes": [str(box(question, label).pk) for label in labels]}
    data.update({prefix + name: value for name, value in extra.items()})
    return data


# --- The pure rules --------------------------------------------------------------------------


def test_a_checklist_scores_the_share_of_weight_checked():
    weights = {1: 2, 2: 1, 3: 1, 4: 0}
    assert checklist_fraction([], weights) == 0
    assert checklist_fraction([1], weights) == 0.5
    assert checklist_fraction([1, 2, 3], weights) == 1
    assert checklist_fraction([4], weights) == 0  # "none of these" weighs nothing
    assert checklist_fraction([2, 2], weights) == 0.25  # a box checked twice counts once
    assert checklist_fraction([99], weights) == 0  # a box of another question counts nothing
    assert checklist_fraction([1], {1: 0}) == 0  # no weight at all: nothing to earn
    assert on_scale(0.5, 4) == 2.0
    assert on_scale(1.5, 4) == 4.0 and on_scale(-1, 4) == 0.0


# --- The file format and the one validator ---------------------------------------------------


def test_the_file_with_every_type_round_trips_byte_for_byte(types_questionnaire):
    assert export_text(types_questionnaire) == TYPES_TEXT
    tools = types_questionnaire.questions.get(key="tools")
    assert tools.type == "checklist"
    assert list(tools.options.values_list("score", "label", "weight", "exclusive")) == [
        (0, "Dependency scanner", 2, False),
        (1, "License checker", 1, False),
        (2, "Contribution guide", 1, False),
        (3, "None of these", 0, True),
    ]
    goals = types_questionnaire.questions.get(key="goals")
    assert goals.type == "text" and not goals.options.exists()


def test_files_without_types_are_unchanged(mini_text):
    assert "type:" not in mini_text
    assert export_text(load_text(mini_text, publish=True)) == mini_text


def _spoiled(change) -> str:
    data = yaml.safe_load(TYPES_TEXT)
    questions = {q["key"]: q for s in data["sections"] for q in s["questions"]}
    change(questions)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda qs: qs["tools"].update(type="ranking"), "type 'ranking' is not one of: single"),
        (
            lambda qs: qs["tools"]["options"][3].update(weight=2),
            "box 4 ('None of these') is exclusive ('none of these') and weighs 2",
        ),
        (
            lambda qs: qs["tools"]["options"][1].update(exclusive=True),
            "2 exclusive boxes ('License checker', 'None of these'); a checklist has at most 1",
        ),
        (
            lambda qs: qs["tools"]["options"][0].update(weight=101),
            "box 1 ('Dependency scanner'): weight 101 is outside 0–100",
        ),
        (
            lambda qs: qs["tools"].update(options=[{"label": "Nothing", "weight": 0}]),
            "box weights 0: at least 1 box needs a weight above 0",
        ),
        (
            lambda qs: qs["tools"]["options"][1].update(label="Dependency scanner"),
            "labels 'Dependency scanner' are used twice",
        ),
        (lambda qs: qs["tools"]["options"][0].update(score=3), "unknown field 'score'"),
        (
            lambda qs: qs["goals"].update(options=[{"score": 0, "label": "No"}]),
            "a text question has no answer options, but 1 are given",
        ),
        (lambda qs: qs["goals"].update(core=True), "a text question is never scored"),
    ],
)
def test_the_validator_names_what_is_wrong_with_a_type(change, message):
    with pytest.raises(DocumentError) as refused:
        parse_document(_spoiled(change))
    assert any(message in problem for problem in refused.value.problems), refused.value.problems


# --- Answering a checklist ------------------------------------------------------------------


def test_a_checklist_saves_its_boxes_as_one_answer(client, owner, typed):
    client.force_login(owner)
    tools = q(typed, "tools")
    data = boxes_data(tools, "Dependency scanner", "License checker")
    response = client.post(save_url(typed, tools), data, **HTMX)
    assert response.status_code == 200, response.content.decode()
    answer = Answer.objects.get(assessment=typed, question=tools)
    assert answer.kind == "checked" and answer.option is None
    assert answer.boxes == [box(tools, "Dependency scanner").pk, box(tools, "License checker").pk]
    # Counted as answered; the text question is not counted at all (4 scored questions).
    assert "1 of 4 answered" in response.content.decode()
    change = AnswerChange.objects.get(assessment=typed, question_key="tools")
    assert change.choice == "Dependency scanner, License checker"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda t, other: boxes_data(t, "Dependency scanner", "None of these"),
            "“None of these” cannot be checked with other boxes (“Dependency scanner”)",
        ),
        (
            lambda t, other: {f"q-{t.pk}-boxes": [str(other.options.first().pk)]},
            "is not a box of this question",
        ),
        (
            lambda t, other: boxes_data(t, "License checker", choice="dont_know"),
            "Check boxes or choose “Don&#x27;t know”, not both",
        ),
        (lambda t, other: {f"q-{t.pk}-comment": ""}, "Check a box, or choose"),
    ],
)
def test_bad_checklist_input_is_refused_and_nothing_saved(client, owner, typed, make, message):
    client.force_login(owner)
    tools = q(typed, "tools")
    response = client.post(save_url(typed, tools), make(tools, q(typed, "inventory")), **HTMX)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Answer.objects.filter(assessment=typed).exists()
    assert not AnswerChange.objects.filter(assessment=typed).exists()


def test_none_of_these_alone_is_an_answer_scoring_nothing(client, owner, typed):
    client.force_login(owner)
    tools = q(typed, "tools")
    assert client.post(save_url(typed, tools), boxes_data(tools, "None of these"), **HTMX)
    answer = Answer.objects.get(assessment=typed, question=tools)
    assert answer.kind == "checked"
    result = evaluate(typed)
    assert result.overall.answered == 1


def test_a_checklist_scores_its_weights_on_the_scale(client, owner, typed):
    client.force_login(owner)
    tools = q(typed, "tools")
    # 2 of the 4 weights (scanner 2, checker 1, guide 1): half of the scale's 4.
    client.post(save_url(typed, tools), boxes_data(tools, "Dependency scanner"), **HTMX)
    result = evaluate(typed)
    # Only "tools" counts in the advocate pillar's awareness stage (with "training", unanswered).
    blocker = next(b for b in result.overall.blockers if b.question == "tools")
    assert (blocker.score, blocker.max_score) == (2.0, 4)
    assert result.pillars["advocate"].answered == 1


def test_a_colleagues_other_boxes_are_a_conflict_not_overwritten(client, owner, colleague, typed):
    tools = q(typed, "tools")
    client.force_login(owner)
    first = boxes_data(tools, "License checker", version="0")
    assert client.post(save_url(typed, tools), first, **HTMX).status_code == 200
    stored = Answer.objects.get(assessment=typed, question=tools)
    # The colleague saw nothing yet and checks other boxes: they are told, nothing is written.
    client.force_login(colleague)
    theirs = boxes_data(tools, "Contribution guide", version="0")
    response = client.post(save_url(typed, tools), theirs, **HTMX)
    assert response.status_code == 409
    assert "License checker" in response.content.decode()
    assert Answer.objects.get(pk=stored.pk).boxes == stored.boxes


def test_the_no_js_section_form_saves_a_checklist_and_a_text(client, owner, typed):
    client.force_login(owner)
    tools, goals, inventory = q(typed, "tools"), q(typed, "goals"), q(typed, "inventory")
    data = {
        **boxes_data(tools, "Contribution guide"),
        f"q-{goals.pk}-comment": "Publish our first project.",
        f"q-{inventory.pk}-choice": str(inventory.options.get(score=3).pk),
    }
    response = client.post(section_url(typed, "basics"), data)
    assert response.status_code == 302
    answers = {a.question.key: a for a in typed.answers.select_related("question")}
    assert answers["tools"].boxes == [box(tools, "Contribution guide").pk]
    assert (answers["goals"].kind, answers["goals"].comment) == (
        "note",
        "Publish our first project.",
    )
    # The page draws them back, checked and written.
    page = client.get(section_url(typed, "basics")).content.decode()
    assert f'value="{box(tools, "Contribution guide").pk}"' in page
    assert "Publish our first project." in page


def test_the_no_js_form_refuses_none_of_these_with_others(client, owner, typed):
    client.force_login(owner)
    tools = q(typed, "tools")
    data = boxes_data(tools, "License checker", "None of these")
    response = client.post(section_url(typed, "basics"), data)
    assert response.status_code == 400
    assert "cannot be checked with other boxes" in response.content.decode()
    assert not Answer.objects.filter(assessment=typed).exists()


# --- Free text -------------------------------------------------------------------------------


def test_free_text_is_saved_never_scored_nor_counted(client, owner, typed):
    client.force_login(owner)
    goals = q(typed, "goals")
    data = {f"q-{goals.pk}-comment": "Share what we build."}
    response = client.post(save_url(typed, goals), data, **HTMX)
    assert response.status_code == 200
    assert "0 of 4 answered" in response.content.decode()
    answer = Answer.objects.get(assessment=typed, question=goals)
    assert (answer.kind, answer.comment) == ("note", "Share what we build.")
    result = evaluate(typed)
    assert result.overall.total == 4  # the text question is in no denominator
    assert "goals" not in {b.question for b in result.overall.blockers}


def test_a_text_too_long_is_refused_with_a_clear_message(client, owner, typed):
    client.force_login(owner)
    goals = q(typed, "goals")
    response = client.post(save_url(typed, goals), {f"q-{goals.pk}-comment": "x" * 5001}, **HTMX)
    assert response.status_code == 400
    assert "The answer has 5001 characters; at most 5000 are kept." in response.content.decode()
    assert not Answer.objects.filter(assessment=typed).exists()


def test_a_text_question_offers_no_choice(client, owner, typed):
    client.force_login(owner)
    goals = q(typed, "goals")
    response = client.post(save_url(typed, goals), {f"q-{goals.pk}-choice": "dont_know"}, **HTMX)
    assert response.status_code == 400
    assert not Answer.objects.filter(assessment=typed).exists()


# --- Exports, the PDF's rows, the upgrade plan -------------------------------------------------


def _answer_both(client, owner, typed):
    client.force_login(owner)
    tools, goals = q(typed, "tools"), q(typed, "goals")
    client.post(save_url(typed, tools), boxes_data(tools, "Dependency scanner", "License checker"))
    client.post(save_url(typed, goals), {f"q-{goals.pk}-comment": "Share what we build."})


def test_exports_list_the_boxes_checked_and_the_text(client, owner, typed):
    _answer_both(client, owner, typed)
    base = [typed.organization.slug, typed.pk]
    response = client.get(reverse("assessments:export_answers_csv", args=base))
    rows = {
        r["question_key"]: r for r in csv.DictReader(io.StringIO(response.content.decode()[1:]))
    }
    assert rows["tools"]["checked"] == "Dependency scanner; License checker"
    assert rows["tools"]["score"] == "3.0" and rows["tools"]["max_score"] == "4"
    assert rows["goals"]["answer"] == "Share what we build." and rows["goals"]["score"] == ""
    document = json.loads(
        client.get(reverse("assessments:export_json", args=base)).content.decode()
    )
    answers = {a["question_key"]: a for a in document["answers"]}
    assert answers["tools"]["checked"] == ["Dependency scanner", "License checker"]
    assert answers["tools"]["type"] == "checklist"
    assert answers["tools"]["history"][0]["answer"] == "Dependency scanner, License checker"


def test_the_pdf_appendix_shows_the_boxes_and_the_text_once(client, owner, typed):
    from assessments.exports import answer_rows
    from strategy.document import _answer_groups

    _answer_both(client, owner, typed)
    rows = {r.question_key: r for g in _answer_groups(answer_rows(typed)) for r in g.rows}
    assert rows["tools"].answer == "Dependency scanner; License checker"
    assert rows["goals"].answer == "Share what we build." and rows["goals"].comment == ""


def _next_version(change) -> str:
    data = yaml.safe_load(TYPES_TEXT)
    data["version"] = 2
    questions = {q["key"]: q for s in data["sections"] for q in s["questions"]}
    change(questions)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def test_the_upgrade_carries_a_checklist_when_its_boxes_remain(client, owner, typed):
    _answer_both(client, owner, typed)

    def add_a_box(questions):
        questions["tools"]["options"].insert(0, {"label": "SBOM generator"})

    target = load_text(_next_version(add_a_box), publish=True)
    plan = plan_upgrade(typed, target)
    carried = {c.answer.question.key: c for c in plan.carried}
    new_tools = target.questions.get(key="tools")
    assert carried["tools"].boxes == [
        box(new_tools, "Dependency scanner").pk,
        box(new_tools, "License checker").pk,
    ]
    assert "goals" in carried  # the text comes along as it is


def test_the_upgrade_drops_a_checklist_whose_box_is_gone_and_says_which(client, owner, typed):
    _answer_both(client, owner, typed)

    def reword(questions):
        questions["tools"]["options"][1]["label"] = "Licence scanner"

    target = load_text(_next_version(reword), publish=True)
    plan = plan_upgrade(typed, target)
    dropped = {d.answer.question.key: d for d in plan.dropped}
    assert dropped["tools"].reason == DropReason.BOXES_CHANGED
    assert dropped["tools"].detail == "License checker"


def test_the_upgrade_never_moves_an_answer_to_another_type(client, owner, typed):
    _answer_both(client, owner, typed)

    def retype(questions):
        questions["tools"]["type"] = "single"
        del questions["tools"]["options"]

    target = load_text(_next_version(retype), publish=True)
    dropped = {d.answer.question.key: d for d in plan_upgrade(typed, target).dropped}
    assert dropped["tools"].reason == DropReason.TYPE_CHANGED


def test_the_results_page_shows_a_checklist_score_without_long_decimals(client, owner, typed):
    client.force_login(owner)
    tools = q(typed, "tools")
    # The scanner alone: 2 of 4 weights, half of the scale's 4; a checker alone: 1 of 4.
    client.post(save_url(typed, tools), boxes_data(tools, "License checker"), **HTMX)
    page = client.get(reverse("assessments:results", args=[typed.organization.slug, typed.pk]))
    assert "Scored 1 of 4." in page.content.decode()
