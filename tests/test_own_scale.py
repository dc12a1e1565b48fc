"""A single-choice question on its own scale (`scale: own`): options on its own range, scored as
the same share of the version's scale; the file, the validator, scoring, exports, the upgrade."""

import pytest
import yaml
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments.evaluation import answer_specs, evaluate
from assessments.models import Assessment
from assessments.questionnaire_file.document import DocumentError, parse_document
from assessments.questionnaire_file.store import export_text
from assessments.scoring_methods.question_types import on_scale, own_fraction
from assessments.versioning import DropReason, plan_upgrade
from tests.conftest import FIXTURES
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
OWN_TEXT = (FIXTURES / "own_scale.yaml").read_text(encoding="utf-8")


@pytest.fixture
def own(organization, owner):
    questionnaire = load_text(OWN_TEXT, publish=True)
    return Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Own", created_by=owner
    )


def choose(client, assessment, key, score):
    question = assessment.questionnaire.questions.get(key=key)
    option = question.options.get(score=score)
    url = reverse(
        "assessments:answer_save",
        args=[assessment.organization.slug, assessment.pk, question.pk],
    )
    return client.post(url, {f"q-{question.pk}-choice": str(option.pk)}, **HTMX)


def test_an_own_score_is_its_share_of_the_versions_scale():
    assert on_scale(own_fraction(1, 2), 4) == 2
    assert on_scale(own_fraction(5, 10), 4) == 2
    assert on_scale(own_fraction(10, 10), 4) == 4
    assert own_fraction(3, 0) == 0  # no range: nothing to earn


def test_the_file_round_trips_byte_for_byte(own):
    assert export_text(own.questionnaire) == OWN_TEXT
    assert own.questionnaire.questions.get(key="policy").own_scale


def test_files_without_an_own_scale_are_unchanged(mini_text):
    assert "scale: own" not in mini_text
    assert export_text(load_text(mini_text, publish=True)) == mini_text


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    - score: 0\n      label: None\n",
            "",
            "on its own scale a question's lowest score is 0",
        ),
        (
            "    scale: own\n    stage: awareness",
            "    scale: mine\n    stage: awareness",
            "'scale' must be 'own' (options on the question's own range) or left out, not 'mine'",
        ),
        (
            "      label: Fully\n",
            "      label: Fully\n    - score: 101\n      label: More\n",
            "score 101 is outside 0–100",
        ),
        (
            "      answers: [1, 2]",
            "      answers: [1, 4]",
            "show if: 4 is not a score of question 'policy' (its scores: 0, 1, 2)",
        ),
    ],
)
def test_the_validator_names_what_is_wrong_with_an_own_scale(old, new, message):
    assert old in OWN_TEXT
    with pytest.raises(DocumentError) as error:
        parse_document(OWN_TEXT.replace(old, new, 1))
    assert any(message in problem for problem in error.value.problems), error.value.problems


def test_an_own_scale_needs_its_options_and_a_single_choice():
    data = yaml.safe_load(OWN_TEXT)
    policy = data["sections"][0]["questions"][1]
    del policy["options"]
    with pytest.raises(DocumentError) as error:
        parse_document(yaml.safe_dump(data, sort_keys=False))
    assert any("scale 'own' but no options" in p for p in error.value.problems)
    data = yaml.safe_load(OWN_TEXT)
    data["sections"][0]["questions"][0].update(type="text", scale="own")
    with pytest.raises(DocumentError) as error:
        parse_document(yaml.safe_dump(data, sort_keys=False))
    assert any(
        "scale 'own' is for single-choice questions only, not type 'text'" in p
        for p in error.value.problems
    )


def test_answers_score_on_the_versions_scale_and_the_core_minimum_maps(client, owner, own):
    client.force_login(owner)
    choose(client, own, "inventory", 4)
    choose(client, own, "policy", 1)  # 1 of 2: 2 of 4, the core minimum
    choose(client, own, "satisfaction", 5)
    scores = {spec.question: spec.score for spec in answer_specs(own)}
    assert scores == {"inventory": 4, "policy": 2.0, "satisfaction": 2.0}
    result = evaluate(own)
    assert result.overall.stages[0].core_met  # 1 of 2 meets a core minimum of 2 of 4
    choose(client, own, "policy", 0)
    assert not evaluate(own).overall.stages[0].core_met


def test_exports_show_the_answer_on_its_own_range(client, owner, own):
    from assessments.exports import answer_rows

    client.force_login(owner)
    choose(client, own, "policy", 1)
    choose(client, own, "satisfaction", 10)
    rows = {row["question_key"]: row for row in answer_rows(own)}
    assert (rows["policy"]["score"], rows["policy"]["max_score"]) == (1, 2)
    assert (rows["satisfaction"]["score"], rows["satisfaction"]["max_score"]) == (10, 10)


def test_a_new_range_drops_the_answer_the_same_range_carries_it(client, owner, own):
    client.force_login(owner)
    choose(client, own, "policy", 2)
    choose(client, own, "satisfaction", 5)
    data = yaml.safe_load(OWN_TEXT)
    data["version"] = 2
    satisfaction = data["sections"][0]["questions"][2]
    satisfaction["options"][-1]["score"] = 9  # 0–9 now: 5 counts differently
    target = load_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), publish=True)
    plan = plan_upgrade(own, target)
    assert {c.answer.question.key for c in plan.carried} == {"policy"}
    dropped = {d.answer.question.key: d.reason for d in plan.dropped}
    assert dropped == {"satisfaction": DropReason.SCALE_CHANGED}


def test_the_page_offers_the_own_options(client, owner, own):
    client.force_login(owner)
    url = reverse("assessments:section", args=[own.organization.slug, own.pk, "basics"])
    html = client.get(url).content.decode()
    assert "Drafted" in html and "Halfway" in html


def test_the_admin_accepts_options_off_the_scale_only_on_an_own_scale(client, questionnaire):
    from django.contrib.auth import get_user_model

    from assessments import authoring
    from tests.test_admin_authoring import form_data, url

    staff = get_user_model().objects.create_superuser("root", password="a-long-pass-phrase-1")
    client.force_login(staff)
    draft = authoring.new_draft_from(questionnaire, staff)
    question = draft.questions.get(key="contribution-ok")
    data = form_data(client.get(url("question_change", question.pk)))
    data["options-0-score"] = "9"
    page = client.post(url("question_change", question.pk), data)
    assert page.status_code == 200  # refused: 9 is not on the version's scale
    data["own_scale"] = "on"
    data["options-0-score"] = "0"
    data["options-2-score"] = "9"
    page = client.post(url("question_change", question.pk), data)
    assert page.status_code == 302, page.context and page.context["errors"]
    question.refresh_from_db()
    assert question.own_scale
    assert sorted(question.options.values_list("score", flat=True)) == [0, 2, 9]
    publish = client.get(reverse("admin:assessments_questionnaire_publish", args=[draft.pk]))
    assert publish.context["problems"] == []


@given(st.integers(1, 100), st.integers(1, 100), st.data())
def test_an_own_score_stays_on_the_scale_in_order_and_is_exact_on_the_same_range(
    own_max, top, data
):
    from assessments.evaluation import answer_spec
    from assessments.scoring import QuestionSpec

    question = QuestionSpec("q", 0, "p", None, 1, False, top, own_max=own_max)
    low, high = sorted(data.draw(st.lists(st.integers(0, own_max), min_size=2, max_size=2)))
    low_score = answer_spec(question, "option", low, None).score
    high_score = answer_spec(question, "option", high, None).score
    assert 0 <= low_score <= high_score <= top
    assert answer_spec(question, "option", own_max, None).score == top
    if own_max == top:  # the version's own range: every score unchanged
        assert low_score == pytest.approx(low)
