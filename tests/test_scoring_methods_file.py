"""The `scoring` keys of the questionnaire file: the method, a stage's own core minimum, the
floor, score bands. Files without them load and export as before (see test_questionnaire_file)."""

import pytest
import yaml

from assessments.evaluation import model_spec
from assessments.models import Questionnaire
from assessments.questionnaire_file.document import DocumentError, parse_document
from assessments.questionnaire_file.store import export_text
from assessments.scoring import ScoringMethod
from tests.conftest import FIXTURES
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db


def _mutate(text: str, change) -> str:
    data = yaml.safe_load(text)
    change(data)
    return yaml.safe_dump(data, sort_keys=False)


def _with_floor(data: dict) -> None:
    """mini.yaml with a floor stage below its stages, and a stage with its own core minimum."""
    data["stages"].insert(0, {"key": "not-yet", "name": "Not started", "floor": True})
    data["stages"][2]["core_minimum"] = 3


@pytest.mark.parametrize("name", ["bands.yaml", "progress.yaml"])
def test_a_file_with_a_method_exports_byte_identical(name):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert export_text(load_text(text, publish=True)) == text


def test_the_floor_and_a_stage_core_minimum_round_trip(mini_text):
    text = export_text(load_text(_mutate(mini_text, _with_floor), publish=False))
    data = yaml.safe_load(text)
    assert data["stages"][0] == {"key": "not-yet", "name": "Not started", "floor": True}
    assert data["stages"][2]["core_minimum"] == 3
    again = load_text(text.replace("version: 1", "version: 2", 1), publish=False)
    assert export_text(again) == text.replace("version: 1", "version: 2", 1)


def test_a_file_without_a_method_is_gated_and_exports_no_method(mini_text):
    questionnaire = load_text(mini_text, publish=True)
    assert questionnaire.scoring_method == Questionnaire.ScoringMethod.GATED
    assert "method" not in yaml.safe_load(export_text(questionnaire))["scoring"]


def test_the_model_spec_carries_the_method_and_what_it_needs(mini_text):
    bands = model_spec(load_text((FIXTURES / "bands.yaml").read_text(), publish=True))
    assert bands.method is ScoringMethod.BANDS
    assert [s.band for s in bands.stages] == [(0, 40), (40, 75), (75, 100)]
    progress = model_spec(load_text((FIXTURES / "progress.yaml").read_text(), publish=True))
    assert progress.method is ScoringMethod.PROGRESS
    assert progress.sections == ("policy", "training")
    assert {q.section for q in progress.questions} == {"policy", "training"}
    gated = model_spec(load_text(_mutate(mini_text, _with_floor), publish=True))
    assert gated.method is ScoringMethod.GATED
    assert [(s.floor, s.core_minimum) for s in gated.stages] == [
        (True, None),
        (False, None),
        (False, 3),
        (False, None),
    ]
    assert gated.sections == ()  # only progress scores sections


def _bands(data: dict, *bands) -> None:
    for stage, band in zip(data["stages"], bands, strict=True):
        stage["band"] = list(band)


@pytest.mark.parametrize(
    ("fixture", "change", "message"),
    [
        (
            "mini",
            lambda d: d["scoring"].update(method="vibes"),
            "method 'vibes' is not one of gated, bands, progress",
        ),
        ("mini", lambda d: d["stages"][1].update(floor=True), "only the first stage may be"),
        (
            "mini",
            lambda d: d["stages"][0].update(floor=True),
            "stage 'awareness' is the floor, where every organization starts",
        ),
        (
            "mini",
            lambda d: d["stages"][1].update(core_minimum=5),
            "core minimum 5 is not a score of the scale (0–4)",
        ),
        (
            "mini",
            lambda d: d["stages"][0].update(band=[0, 50]),
            "band [0, 50] is used by the bands method only",
        ),
        (
            "bands",
            lambda d: d["stages"][1].pop("band"),
            "has no band; a bands questionnaire needs one on every stage",
        ),
        (
            "bands",
            lambda d: _bands(d, (0, 40), (50, 75), (75, 100)),
            "band [50, 75] must start at 40",
        ),
        (
            "bands",
            lambda d: _bands(d, (0, 40), (40, 30), (30, 100)),
            "band [40, 30] must end above 40",
        ),
        ("bands", lambda d: _bands(d, (0, 40), (40, 75), (75, 90)), "bands must reach 100"),
        (
            "bands",
            lambda d: _bands(d, (10, 40), (40, 75), (75, 100)),
            "band [10, 40] must start at 0",
        ),
        ("bands", lambda d: d["stages"][0].update(band="0-40"), "two whole numbers"),
        (
            "bands",
            lambda d: d["stages"][0].update(threshold=60),
            "threshold 60 is used by the gated method only",
        ),
        (
            "progress",
            lambda d: d["stages"][0].update(floor=True),
            "floor True is used by the gated method only",
        ),
    ],
)
def test_scoring_keys_that_do_not_fit_the_method_are_problems(mini_text, fixture, change, message):
    text = mini_text if fixture == "mini" else (FIXTURES / f"{fixture}.yaml").read_text()
    with pytest.raises(DocumentError) as info:
        parse_document(_mutate(text, change))
    assert any(message in problem for problem in info.value.problems), info.value.problems
