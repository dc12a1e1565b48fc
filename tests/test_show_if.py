"""Questions asked only on a condition ("show if"): the pure rule, the engine (hiding equals
removing), the file format and its validator, the htmx save and the no-JavaScript form,
progress, the review, results, exports and the PDF appendix."""

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments.evaluation import evaluate
from assessments.models import Answer, Assessment
from assessments.questionnaire_file.document import DocumentError, parse_document
from assessments.questionnaire_file.store import export_text
from assessments.scoring import assess
from assessments.scoring_methods.conditions import Chosen, Condition, hidden_questions
from tests.conftest import FIXTURES
from tests.questionnaires import load_text
from tests.test_scope_exclusions_scoring import any_model, removed

HTMX = {"HTTP_HX_REQUEST": "true"}
SHOW_IF_TEXT = (FIXTURES / "show_if.yaml").read_text(encoding="utf-8")


@pytest.fixture
def show_if_questionnaire(db):
    return load_text(SHOW_IF_TEXT, publish=True)


@pytest.fixture
def shown(organization, show_if_questionnaire, owner):
    return Assessment.objects.create(
        organization=organization,
        questionnaire=show_if_questionnaire,
        title="Conditions",
        created_by=owner,
    )


def q(assessment, key):
    return assessment.questionnaire.questions.get(key=key)


def save_url(assessment, question):
    return reverse(
        "assessments:answer_save", args=[assessment.organization.slug, assessment.pk, question.pk]
    )


def section_url(assessment, key):
    return reverse("assessments:section", args=[assessment.organization.slug, assessment.pk, key])


def choose(client, assessment, key, score):
    question = q(assessment, key)
    option = question.options.get(score=score)
    return client.post(
        save_url(assessment, question), {f"q-{question.pk}-choice": str(option.pk)}, **HTMX
    )


def check(client, assessment, key, *labels):
    question = q(assessment, key)
    pks = [str(question.options.get(label=label).pk) for label in labels]
    return client.post(save_url(assessment, question), {f"q-{question.pk}-boxes": pks}, **HTMX)


# --- The pure rule ---------------------------------------------------------------------------


def test_a_condition_holds_on_its_scores_or_any_of_its_boxes():
    conditions = [
        Condition("b", "a", scores=frozenset({3, 4})),
        Condition("c", "b", scores=frozenset({2})),  # a chain: hidden when b is
        Condition("d", "list", boxes=frozenset({7, 8})),
    ]
    assert hidden_questions(conditions, {}) == {"b", "c", "d"}  # unanswered shows nothing
    chosen = {"a": Chosen(score=4), "b": Chosen(score=2), "list": Chosen(boxes=frozenset({8}))}
    assert hidden_questions(conditions, chosen) == frozenset()
    chosen["a"] = Chosen(score=1)  # b hidden, so c too, even with b's stored answer
    assert hidden_questions(conditions, chosen) == {"b", "c"}
    chosen["list"] = Chosen(boxes=frozenset({9}))
    assert "d" in hidden_questions(conditions, chosen)


@given(any_model, st.data())
def test_hiding_questions_is_removing_them_from_the_model(case, data) -> None:
    model, answers = case
    keys = frozenset(
        data.draw(st.lists(st.sampled_from([q.key for q in model.questions]), unique=True))
    )
    assert assess(model, answers, hidden=keys) == assess(*removed(model, answers, keys))


# --- The file and its rules ------------------------------------------------------------------


def test_the_file_with_conditions_round_trips_byte_for_byte(show_if_questionnaire):
    assert export_text(show_if_questionnaire) == SHOW_IF_TEXT
    question = show_if_questionnaire.questions.get(key="policy-review")
    assert (question.show_if_question, question.show_if_answers) == ("has-policy", [3, 4])


def _spoiled(old: str, new: str) -> str:
    assert old in SHOW_IF_TEXT
    return SHOW_IF_TEXT.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "question: has-policy\n      answers: [3, 4]",
            "question: nowhere\n      answers: [3, 4]",
            "show if: question 'nowhere' is not a question of this questionnaire",
        ),
        (
            "question: has-policy\n      answers: [3, 4]",
            "question: training\n      answers: [3, 4]",
            "show if: question 'training' comes after this one; a question can only depend on "
            "an earlier question",
        ),
        (
            "question: has-policy\n      answers: [3, 4]",
            "question: policy-review\n      answers: [3, 4]",
            "show if: question 'policy-review' is this question",
        ),
        (
            "question: has-policy\n      answers: [3, 4]",
            "question: has-policy\n      answers: [3, 7]",
            "show if: 7 is not a score of question 'has-policy' (its scores: 0, 1, 2, 3, 4)",
        ),
        (
            "question: has-policy\n      answers: [3, 4]",
            "question: has-policy\n      answers: ['3']",
            "show if: '3' is not a score of question 'has-policy'",
        ),
        (
            "answers: [Dependency scanner]",
            "answers: [Scanner, 2]",
            "show if: 'Scanner', 2 are not a box of checklist 'tools' (its boxes: "
            "'Dependency scanner', 'License checker', 'None of these')",
        ),
        (
            "question: has-policy\n      answers: [3, 4]",
            "question: has-policy\n      answers: []",
            "show if: no answers given; name at least 1 answer of 'has-policy'",
        ),
    ],
)
def test_the_validator_names_what_is_wrong_with_a_condition(old, new, message):
    with pytest.raises(DocumentError) as error:
        parse_document(_spoiled(old, new))
    assert any(message in problem for problem in error.value.problems), error.value.problems


def test_a_condition_on_free_text_is_refused():
    text = SHOW_IF_TEXT.replace(
        "question: has-policy\n      answers: [0, 1]",
        "question: review-notes\n      answers: [0, 1]",
    )
    with pytest.raises(DocumentError) as error:
        parse_document(text)
    assert any("question 'review-notes' is a text question" in p for p in error.value.problems)


def test_a_malformed_condition_is_refused_by_its_reader():
    text = _spoiled("answers: [3, 4]", "answers: [3, {a: 1}]\n      when: always")
    with pytest.raises(DocumentError) as error:
        parse_document(text)
    problems = "\n".join(error.value.problems)
    assert "unknown field 'when'" in problems
    assert "must be a score (a whole number) or a box label (text), not {'a': 1}" in problems


# --- Answering -------------------------------------------------------------------------------


def _marker_hidden(html: str, key: str) -> bool:
    start = html.index(f'id="shown-q-{key}"')
    return "data-hidden" in html[start : html.index(">", start)]


def test_the_section_page_hides_dependents_until_the_governing_answer(client, owner, shown):
    client.force_login(owner)
    html = client.get(section_url(shown, "basics")).content.decode()
    assert _marker_hidden(html, "policy-review")
    assert _marker_hidden(html, "scanner-alerts")
    assert not _marker_hidden(html, "has-policy")
    assert "0 of 3 answered" in html  # has-policy, tools, training: the others are not asked


def test_a_save_shows_its_dependents_out_of_band_without_their_inputs(client, owner, shown):
    client.force_login(owner)
    response = choose(client, shown, "has-policy", 4)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="shown-q-policy-review"' in html and not _marker_hidden(html, "policy-review")
    # Only the marker: the dependent's inputs are never replaced, and other sections are not sent.
    assert 'id="q-policy-review"' not in html
    assert "shown-q-no-policy-why" not in html
    assert "1 of 4 answered" in html  # policy-review is now asked
    assert "This answer asks question 2 below." in html  # said, for a screen reader too
    html = choose(client, shown, "has-policy", 1).content.decode()
    assert _marker_hidden(html, "policy-review")
    html = client.get(section_url(shown, "program")).content.decode()
    assert not _marker_hidden(html, "no-policy-why")


def test_a_checklist_shows_a_dependent_on_any_of_its_boxes(client, owner, shown):
    client.force_login(owner)
    html = check(client, shown, "tools", "License checker").content.decode()
    assert _marker_hidden(html, "scanner-alerts")
    html = check(client, shown, "tools", "License checker", "Dependency scanner").content.decode()
    assert not _marker_hidden(html, "scanner-alerts")


def test_an_answer_hidden_later_is_kept_but_neither_scored_nor_counted(client, owner, shown):
    client.force_login(owner)
    choose(client, shown, "has-policy", 4)
    choose(client, shown, "policy-review", 0)
    assert evaluate(shown).overall.total == 4  # has-policy, policy-review, tools, training
    choose(client, shown, "has-policy", 2)  # policy-review no longer asked
    assert Answer.objects.filter(assessment=shown, question__key="policy-review").exists()
    result = evaluate(shown)
    assert result.overall.total == 3
    assert result.overall.unanswered == 2
    html = client.get(section_url(shown, "basics")).content.decode()
    assert "1 of 3 answered" in html


def test_the_no_js_form_shows_new_questions_on_the_same_page(client, owner, shown):
    client.force_login(owner)
    has_policy = q(shown, "has-policy")
    option = has_policy.options.get(score=3)
    response = client.post(
        section_url(shown, "basics"), {f"q-{has_policy.pk}-choice": str(option.pk)}
    )
    assert response.status_code == 302
    assert response["Location"] == section_url(shown, "basics") + "#q-policy-review"
    html = client.get(response["Location"]).content.decode()
    assert not _marker_hidden(html, "policy-review")
    # Nothing new shown: on to the next section, as before.
    tools = q(shown, "tools")
    box = tools.options.get(label="License checker")
    response = client.post(section_url(shown, "basics"), {f"q-{tools.pk}-boxes": [str(box.pk)]})
    assert response["Location"] == section_url(shown, "program")


def test_bad_input_to_a_governing_question_changes_nothing(client, owner, shown):
    client.force_login(owner)
    has_policy = q(shown, "has-policy")
    response = client.post(
        save_url(shown, has_policy), {f"q-{has_policy.pk}-choice": "999999"}, **HTMX
    )
    assert response.status_code == 400
    assert "shown-q-policy-review" not in response.content.decode()
    assert not Answer.objects.filter(assessment=shown).exists()


def test_the_review_lists_questions_not_asked_apart(client, owner, shown):
    client.force_login(owner)
    choose(client, shown, "has-policy", 4)
    choose(client, shown, "policy-review", 3)
    choose(client, shown, "has-policy", 0)
    url = reverse("assessments:assessment_review", args=[shown.organization.slug, shown.pk])
    response = client.get(url)
    html = response.content.decode()
    # policy-review, answered but no longer asked; scanner-alerts, as no box is checked yet.
    assert response.context["counts"]["not_asked"] == 2
    assert response.context["counts"]["total"] == 4  # has-policy, tools, no-policy-why, training
    kinds = {
        item.question.key: item.kind
        for section in response.context["sections"]
        for item in section.items
    }
    assert kinds["policy-review"] == "not_asked"
    assert "not asked: an earlier answer leaves it out" in html


def test_exports_and_the_pdf_appendix_say_not_asked(client, owner, shown):
    from assessments.exports import answer_rows
    from strategy.document import _answer_groups

    client.force_login(owner)
    choose(client, shown, "has-policy", 4)
    choose(client, shown, "policy-review", 3)
    choose(client, shown, "has-policy", 1)
    rows = {row["question_key"]: row for row in answer_rows(shown)}
    assert rows["policy-review"]["asked"] is False
    assert rows["policy-review"]["answer"] == "Not asked"
    assert rows["policy-review"]["score"] is None
    assert rows["has-policy"]["asked"] is True and rows["has-policy"]["score"] == 1
    base = [shown.organization.slug, shown.pk]
    response = client.get(reverse("assessments:export_answers_csv", args=base))
    table = {r["question_key"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert table["policy-review"]["answer"] == "Not asked"
    appendix = {r.question_key: r for g in _answer_groups(answer_rows(shown)) for r in g.rows}
    assert appendix["policy-review"].answer == "Not asked"


# --- Admin, preview and a new version --------------------------------------------------------


def test_the_admin_publication_names_a_bad_condition(client, questionnaire):
    from django.contrib.auth import get_user_model

    from assessments import authoring

    staff = get_user_model().objects.create_superuser("root", password="a-long-pass-phrase-1")
    draft = authoring.new_draft_from(questionnaire, staff)
    question = draft.questions.get(key="inventory")
    question.show_if_question, question.show_if_answers = "policy", [4]
    question.save()
    client.force_login(staff)
    page = client.get(reverse("admin:assessments_questionnaire_publish", args=[draft.pk]))
    assert (
        "Question 'inventory' (section 'basics'): show if: question 'policy' comes after this "
        "one; a question can only depend on an earlier question"
    ) in page.context["problems"]
    change = client.get(reverse("admin:assessments_question_change", args=[question.pk]))
    assert b'name="show_if_question"' in change.content
    assert b'name="show_if_answers"' in change.content


def test_the_preview_applies_the_conditions(client, show_if_questionnaire):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_superuser("root", password="a-long-pass-phrase-1")
    client.force_login(staff)
    has_policy = show_if_questionnaire.questions.get(key="has-policy")
    section = reverse("assessments:preview_section", args=[show_if_questionnaire.pk, "basics"])
    assert _marker_hidden(client.get(section).content.decode(), "policy-review")
    option = has_policy.options.get(score=4)
    client.post(section, {f"q-{has_policy.pk}-choice": str(option.pk)})
    assert not _marker_hidden(client.get(section).content.decode(), "policy-review")


def test_a_new_version_carries_an_answer_to_a_question_not_asked(client, owner, shown):
    import yaml

    from assessments.versioning import plan_upgrade

    client.force_login(owner)
    choose(client, shown, "has-policy", 4)
    choose(client, shown, "policy-review", 3)
    choose(client, shown, "has-policy", 1)
    data = yaml.safe_load(SHOW_IF_TEXT)
    data["version"] = 2
    target = load_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), publish=True)
    plan = plan_upgrade(shown, target)
    assert {c.answer.question.key for c in plan.carried} == {"has-policy", "policy-review"}
