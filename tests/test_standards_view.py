"""The Standards page, the JSON export's `standards` and what they cost in queries."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import caches
from assessments.models import Answer, Assessment, Question
from assessments.questionnaire_file.store import save_document
from assessments.questionnaire_file.synthetic import synthetic_document
from tests.conftest import FIXTURES
from tests.questionnaires import load_text
from tests.standards_data import MAPPINGS, STANDARDS, answer, answer_some, with_standards
from tests.visible_text import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def standards_version(mini_text):
    text = mini_text.replace("key: mini\n", "key: mini-standards\n", 1)
    return with_standards(load_text(text, publish=False), STANDARDS, MAPPINGS)


@pytest.fixture
def mapped(organization, owner, standards_version):
    return Assessment.objects.create(
        organization=organization,
        questionnaire=standards_version,
        title="Readiness",
        created_by=owner,
    )


def url(name, assessment):
    return reverse(f"assessments:{name}", args=[assessment.organization.slug, assessment.pk])


def test_the_page_shows_each_standard_in_its_own_words(client, owner, mapped):
    answer_some(mapped)
    client.force_login(owner)
    response = client.get(url("standards", mapped))
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "This is a readiness check, not a certification." in text
    assert (
        "2 of 3 clauses met · 1 not applicable · 1 with no question in this questionnaire" in text
    )
    assert "2 of 3 activities covered by this questionnaire" in text
    assert "requirement area" not in text.lower().replace("requirement areas of each", "")
    page = response.content.decode()
    assert 'href="https://www.iso.org/standard/81039.html"' in page
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page
    # Each area's status in words, and the questions with their answers, linked to them.
    section = reverse("assessments:section", args=["acme", mapped.pk, "program"])
    assert f'href="{section}#q-policy"' in page
    assert page.count('data-status="met"') == 2
    assert page.count('data-status="not_met"') == 1
    assert page.count('data-status="not_applicable"') == 1
    assert page.count('data-status="no_question"') == 2  # one clause, one activity
    assert "Practised organization-wide" in text  # the policy's answer
    assert "below the minimum" in text  # training's 1
    assert "linux-foundation" not in page  # a free reference is no standard


def test_the_results_page_links_to_the_standards_only_when_the_version_has_some(
    client, owner, mapped, assessment
):
    client.force_login(owner)
    page = client.get(url("results", mapped)).content.decode()
    assert f'href="{url("standards", mapped)}"' in page
    plain = client.get(url("results", assessment)).content.decode()
    assert 'data-testid="standards-link"' not in plain
    assert client.get(url("standards", assessment)).status_code == 404


def test_an_outsider_gets_404_and_a_viewer_may_read(client, outsider, viewer, mapped):
    client.force_login(outsider)
    assert client.get(url("standards", mapped)).status_code == 404
    other = reverse("assessments:standards", args=["globex", mapped.pk])
    assert client.get(other).status_code == 404
    client.force_login(viewer)
    assert client.get(url("standards", mapped)).status_code == 200


def test_the_page_is_read_only(client, owner, mapped):
    client.force_login(owner)
    assert client.post(url("standards", mapped)).status_code == 405


def test_the_json_export_has_the_same_figures_and_keeps_its_keys(client, owner, mapped):
    answer_some(mapped)
    client.force_login(owner)
    data = json.loads(client.get(url("export_json", mapped)).content)
    assert {"format", "organization", "assessment", "questionnaire", "stages", "results"} <= set(
        data
    )
    assert "answers" in data
    iso, ggi = data["standards"]
    assert iso["key"] == "iso-5230" and iso["minimum"] == 2
    assert iso["summary"] == {
        "met": 2,
        "not_met": 1,
        "not_applicable": 1,
        "applicable": 3,
        "covered": 4,
        "total": 5,
    }
    areas = {a["id"]: a for a in iso["areas"]}
    assert areas["3.1.1"] == {
        "id": "3.1.1",
        "name": "Policy",
        "status": "met",
        "covered": True,
        "progress": 75.0,
        "question_keys": ["policy"],
    }
    assert areas["3.1.2"]["status"] == "not_met"
    assert areas["3.1.2"]["question_keys"] == ["champion", "training"]
    assert areas["3.1.2"]["progress"] == 62.5
    assert areas["3.2.1"]["status"] == "not_applicable" and areas["3.2.1"]["progress"] is None
    assert areas["3.4.1"]["status"] == "no_question" and areas["3.4.1"]["question_keys"] == []
    assert ggi["assess"] is False and ggi["summary"]["met"] is None
    assert (ggi["summary"]["covered"], ggi["summary"]["total"]) == (2, 3)
    assert ggi["areas"][0]["status"] is None and ggi["areas"][2]["status"] == "no_question"


def test_a_version_without_standards_exports_an_empty_list(client, owner, assessment):
    client.force_login(owner)
    data = json.loads(client.get(url("export_json", assessment)).content)
    assert data["standards"] == []


def test_out_of_scope_and_unanswered_questions_count_as_scoring_counts_them(client, owner, mapped):
    answer(mapped, "champion", 4)
    answer(mapped, "inventory", 1)
    Assessment.objects.filter(pk=mapped.pk).update(
        scope_exclusions=[{"kind": "section", "key": "program", "reason": "Not now"}]
    )
    client.force_login(owner)
    data = json.loads(client.get(url("export_json", mapped)).content)
    areas = {a["id"]: a["status"] for a in data["standards"][0]["areas"]}
    # Policy, training and releases are out of scope: champion alone evidences competence.
    assert areas == {
        "3.1.1": "not_applicable",
        "3.1.2": "met",
        "3.2.1": "not_applicable",
        "3.3.1": "not_met",
        "3.4.1": "no_question",
    }
    page = visible_text(client.get(url("standards", mapped)).content.decode())
    assert "1 of 2 clauses met · 2 not applicable" in page
    assert "Out of scope" in page


def test_the_area_words_default_when_the_version_gives_none(client, owner, organization, mini_text):
    standards = [{"key": "s", "name": "A standard", "areas": [{"id": "1", "name": "One"}]}]
    text = mini_text.replace("key: mini\n", "key: mini-words\n", 1)
    version = with_standards(load_text(text, publish=False), standards, {"policy": {"s": [1]}})
    mapped = Assessment.objects.create(organization=organization, questionnaire=version, title="D")
    answer(mapped, "policy", 4)
    client.force_login(owner)
    text = visible_text(client.get(url("standards", mapped)).content.decode())
    assert "1 of 1 requirement area met" in text


# --- Queries -----------------------------------------------------------------------------------


def synthetic_mapped(organization, size: int) -> Assessment:
    questionnaire = save_document(
        synthetic_document(size, key=f"s{size}", mixed=True, conditional=True), publish=False
    )
    areas = [{"id": f"A-{n}", "name": f"Area {n}"} for n in range(10)]
    standards = [
        {"key": "iso", "name": "ISO", "areas": areas},
        {"key": "ggi", "name": "GGI", "assess": False, "areas": areas},
    ]
    questions = list(questionnaire.questions.all())
    for index, question in enumerate(questions):
        question.mappings = {"iso": [f"A-{index % 10}"], "ggi": [f"A-{index % 7}"]}
    Question.objects.bulk_update(questions, ["mappings"])
    questionnaire.standards = standards
    questionnaire.save()
    questionnaire.publish()
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title=f"{size} questions"
    )
    answers = []
    for question in questionnaire.questions.prefetch_related("options"):
        options = question.options.all()
        if question.is_text:
            continue
        if question.is_checklist:
            answers.append(Answer(kind="checked", boxes=[options[0].pk]))
        else:
            answers.append(Answer(kind="option", option=options[question.order % 5]))
        answers[-1].assessment, answers[-1].question = assessment, question
    Answer.objects.bulk_create(answers)
    return assessment


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


# Session, user, the assessment with the membership, the answers, and the menu's memberships: the
# version's standards and crosswalk are kept per process once read.
PAGE_QUERIES = 5
# The first view of a version reads its structure too: the crosswalk, the scale's top, the
# checklists' boxes (its scoring model was read by the history page before it).
FIRST_PAGE_QUERIES = PAGE_QUERIES + 3


def test_the_page_costs_a_fixed_number_of_queries_whatever_the_number_of_questions(
    client, owner, organization, django_assert_max_num_queries
):
    caches.clear()
    few, many = synthetic_mapped(organization, 12), synthetic_mapped(organization, 240)
    client.force_login(owner)
    # The session's first request, which also reads both versions' scoring models.
    client.get(reverse("assessments:dashboard", args=["acme"]))
    first = {a: queries(client, url("standards", a)) for a in (few, many)}
    assert first[few] == first[many] == FIRST_PAGE_QUERIES
    for assessment in (few, many):
        with django_assert_max_num_queries(PAGE_QUERIES):
            client.get(url("standards", assessment))
    assert queries(client, url("standards", few)) == queries(client, url("standards", many))


def test_the_json_export_reads_the_standards_in_one_more_query(client, owner, organization):
    few, many = synthetic_mapped(organization, 12), synthetic_mapped(organization, 240)
    client.force_login(owner)
    for assessment in (few, many):
        client.get(url("export_json", assessment))  # the versions' structures, once
    assert queries(client, url("export_json", few)) == queries(client, url("export_json", many))


def test_questions_not_asked_and_checklists_count_as_scoring_counts_them(
    client, owner, organization
):
    text = (FIXTURES / "show_if.yaml").read_text(encoding="utf-8")
    standards = [
        {
            "key": "iso",
            "name": "ISO",
            "areas": [{"id": "P", "name": "Review"}, {"id": "T", "name": "Tools"}],
        },
        {"key": "n", "name": "Drafting", "areas": [{"id": "N", "name": "Draft"}]},
    ]
    mappings = {
        "policy-review": {"iso": ["P"]},
        "tools": {"iso": ["T"]},
        "no-policy-why": {"n": ["N"]},
        "review-notes": {"iso": ["P"]},  # free text: never scored, evidences nothing
    }
    version = with_standards(load_text(text, publish=False), standards, mappings)
    mapped = Assessment.objects.create(organization=organization, questionnaire=version, title="S")
    answer(mapped, "has-policy", 4)  # asks policy-review, not no-policy-why
    tools = version.questions.get(key="tools")
    Answer.objects.create(
        assessment=mapped,
        question=tools,
        kind="checked",
        boxes=[tools.options.get(label="Dependency scanner").pk],
    )
    client.force_login(owner)
    data = json.loads(client.get(url("export_json", mapped)).content)
    iso, drafting = data["standards"]
    assert [(a["id"], a["status"], a["question_keys"]) for a in iso["areas"]] == [
        ("P", "not_met", ["policy-review"]),
        ("T", "met", ["tools"]),  # 2 of 3 weights: 2.67 of 4, above the minimum of 2
    ]
    assert drafting["areas"][0]["status"] == "not_applicable"
    page = visible_text(client.get(url("standards", mapped)).content.decode())
    assert "Dependency scanner" in page and "Not asked" in page and "Not answered" in page


def test_each_question_names_the_standards_it_evidences_on_its_page(client, owner, mapped):
    client.force_login(owner)
    policy = mapped.questionnaire.questions.get(key="policy")
    response = client.get(
        reverse(
            "assessments:section",
            args=[mapped.organization.slug, mapped.pk, policy.section.key],
        )
    )
    page = " ".join(visible_text(response.content.decode()).split())
    # The standard's and the area's own names; a key that names no standard is shown as written.
    assert "In the standards: ISO/IEC 5230 OpenChain 3.1.1 Policy; linux-foundation 1" in page
    basics = client.get(
        reverse("assessments:section", args=[mapped.organization.slug, mapped.pk, "basics"])
    )
    basics_page = " ".join(visible_text(basics.content.decode()).split())
    assert (
        "ISO/IEC 5230 OpenChain 3.3.1 Bill of materials; "
        "Good Governance Initiative GGI-A-1 Manage open source skills"
    ) in basics_page


def test_a_long_list_of_evidence_shows_four_and_folds_the_rest(client):
    import re

    from assessments import demo

    logins = demo.setup_demo()
    client.force_login(logins.assessment.created_by)
    page = " ".join(
        visible_text(client.get(url("standards", logins.assessment)).content.decode()).split()
    )
    folded = [int(n) for n in re.findall(r"Show (\d+) more questions?", page)]
    assert folded and all(n >= 2 for n in folded)
