import pytest
import yaml
from django.core.management import CommandError, call_command

from assessments.models import AnswerOption, Question, Questionnaire
from assessments.questionnaire_file.document import DocumentError, parse_document
from assessments.questionnaire_file.store import export_text, save_document
from assessments.questionnaire_file.synthetic import synthetic_document
from tests.conftest import FIXTURES
from tests.questionnaires import FIXTURE_MODELS, load_text

pytestmark = pytest.mark.django_db


def _mutate(text: str, change) -> str:
    data = yaml.safe_load(text)
    change(data)
    return yaml.safe_dump(data, sort_keys=False)


def test_loading_the_file_creates_every_part(mini_text):
    questionnaire = load_text(mini_text, publish=True)
    assert questionnaire.status == Questionnaire.Status.PUBLISHED
    assert list(questionnaire.stages.values_list("level", "key")) == [
        (0, "awareness"),
        (1, "ad-hoc"),
        (2, "strategy"),
    ]
    assert questionnaire.questions.count() == 6
    assert questionnaire.stages.get(key="strategy").threshold == 75
    inventory = questionnaire.questions.get(key="inventory")
    assert inventory.layer is None and inventory.is_core
    assert list(inventory.options.values_list("score", flat=True)) == [0, 1, 2, 3, 4]
    custom = questionnaire.questions.get(key="contribution-ok")
    assert list(custom.options.values_list("score", "label")) == [
        (0, "Forbidden or unknown"),
        (2, "Allowed case by case"),
        (4, "Allowed and encouraged"),
    ]


def test_export_then_load_then_export_is_byte_identical(mini_text):
    first = export_text(load_text(mini_text, publish=True))
    assert first == mini_text
    reloaded = load_text(first.replace("version: 1", "version: 2", 1), publish=False)
    second = export_text(reloaded).replace("version: 2", "version: 1", 1)
    assert second == first


@pytest.mark.parametrize("fixture", FIXTURE_MODELS)
def test_every_fixture_model_round_trips_through_the_database_byte_for_byte(db, fixture):
    """Each shape of model the tests use: stored, then written out again, it is the same file."""
    text = (FIXTURES / f"{fixture}.yaml").read_text(encoding="utf-8")
    assert export_text(load_text(text, publish=True)) == text


def test_a_large_generated_questionnaire_round_trips(db):
    text = export_text(save_document(synthetic_document(200), publish=True))
    assert export_text(load_text(text.replace("version: 1", "version: 9", 1), publish=True)) == (
        text.replace("version: 1", "version: 9", 1)
    )


def test_the_command_line_round_trip(mini_text, tmp_path, capsys):
    source = tmp_path / "in.yaml"
    source.write_text(mini_text)
    call_command("load_questionnaire", str(source))
    out = tmp_path / "out.yaml"
    call_command("export_questionnaire", "mini", "1", "-o", str(out))
    assert out.read_text() == mini_text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other"), "format: must be 'ospo-assess/questionnaire@1'"),
        (lambda d: d.pop("title"), "'title' is missing"),
        (
            lambda d: d["stages"][1].update(key="awareness"),
            "stages: key 'awareness' is used 2 times; each stage needs its own key",
        ),
        (
            lambda d: d["sections"][0]["questions"][1].update(stage="nirvana"),
            "sections[0] (key 'basics').questions[1] (key 'champion'): stage 'nirvana' is not one",
        ),
        (
            lambda d: d["sections"][1]["questions"][0].update(key="inventory"),
            "questions: key 'inventory' is used 2 times; each question needs its own key",
        ),
        (
            lambda d: d["sections"][0]["questions"][2]["options"].pop(),
            "questions[2] (key 'contribution-ok').options: scores 0, 2 do not include the scale's "
            "highest score 4",
        ),
        (
            lambda d: d["sections"][0]["questions"][2]["options"][1].update(score=0),
            "scores 0, 0, 4: each option needs its own score; 'don't know' is added for you",
        ),
        (
            lambda d: d["sections"][0]["questions"][0].update(weight=0),
            "weight 0 is outside 0.01–999.99 (default 1)",
        ),
        (
            lambda d: d["sections"][0]["questions"][0].update(weight="heavy"),
            "'weight' must be a number, not 'heavy'",
        ),
        (
            lambda d: d["scoring"].update(threshold=0),
            "scoring: threshold 0 is outside 1–100 (a percentage; default 70)",
        ),
        (
            lambda d: d["scoring"].update(core_minimum=9),
            "scoring: core_minimum 9 is not within the scale (0–4); default 2",
        ),
        (lambda d: d["sections"][0]["questions"][0].update(colour="red"), "unknown field 'colour'"),
        (
            lambda d: d["sections"][0].update(questions=[]),
            "sections[0] (key 'basics'): has no questions; a section needs at least 1",
        ),
    ],
)
def test_a_malformed_file_names_the_item_and_the_problem_and_writes_nothing(
    mini_text, change, message
):
    with pytest.raises(DocumentError) as info:
        load_text(_mutate(mini_text, change), publish=True)
    assert any(message in problem for problem in info.value.problems), info.value.problems
    assert not Questionnaire.objects.exists()
    assert not Question.objects.exists()


def test_invalid_yaml_is_reported_as_such():
    with pytest.raises(DocumentError, match="not valid YAML"):
        parse_document("key: [unclosed")


def test_the_command_exits_non_zero_and_writes_nothing_on_a_bad_file(mini_text, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(mini_text.replace("stage: strategy", "stage: nowhere"))
    with pytest.raises(CommandError) as info:
        call_command("load_questionnaire", str(bad))
    assert "nothing was written" in str(info.value)
    assert "stage 'nowhere' is not one of" in str(info.value)
    assert not Questionnaire.objects.exists()


def test_a_failure_late_in_the_load_rolls_back_everything(mini_text, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(AnswerOption.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        load_text(mini_text, publish=True)
    assert not Questionnaire.objects.exists()
    assert not Question.objects.exists()


def test_loading_an_existing_version_is_refused(mini_text):
    load_text(mini_text, publish=True)
    with pytest.raises(DocumentError, match="already exists"):
        load_text(mini_text, publish=True)
    assert Questionnaire.objects.count() == 1


def test_if_missing_makes_loading_idempotent(mini_text, tmp_path):
    source = tmp_path / "in.yaml"
    source.write_text(mini_text)
    call_command("load_questionnaire", str(source), "--if-missing")
    call_command("load_questionnaire", str(source), "--if-missing")
    assert Questionnaire.objects.count() == 1


def test_publishing_a_new_version_retires_the_previous_one(mini_text):
    first = load_text(mini_text, publish=True)
    second = load_text(mini_text.replace("version: 1", "version: 2", 1), publish=True)
    first.refresh_from_db()
    assert first.status == Questionnaire.Status.RETIRED
    assert Questionnaire.objects.latest_published("mini") == second


def test_loading_as_draft_keeps_the_published_version(mini_text):
    first = load_text(mini_text, publish=True)
    draft = load_text(mini_text.replace("version: 1", "version: 2", 1), publish=False)
    assert draft.is_draft
    assert Questionnaire.objects.latest_published("mini") == first


@pytest.mark.parametrize("size", [20, 200, 800])
def test_loading_takes_a_fixed_number_of_queries(size, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        save_document(synthetic_document(size), publish=True)
