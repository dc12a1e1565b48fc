"""Every change to an answer is kept and readable; carried-over answers wait for a review."""

import csv
import io
import json

import pytest
from django.urls import reverse

from assessments.models import Answer, AnswerChange, Assessment
from assessments.versioning import apply_upgrade
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, assessment, *args):
    return reverse(f"assessments:{name}", args=[assessment.organization.slug, assessment.pk, *args])


def question(assessment, key):
    return assessment.questionnaire.questions.get(key=key)


def choose(q, score=None, **extra):
    prefix = f"q-{q.pk}-"
    value = str(q.options.get(score=score).pk) if score is not None else extra.pop("choice")
    return {prefix + "choice": value, **{prefix + name: v for name, v in extra.items()}}


def save(client, assessment, q, data):
    response = client.post(url("answer_save", assessment, q.pk), data, **HTMX)
    assert response.status_code == 200, response.content[:400]
    return response


def history_of(assessment, key):
    return list(AnswerChange.objects.filter(assessment=assessment, question_key=key).in_order())


@pytest.fixture
def answered(client, owner, colleague, assessment):
    """'policy' answered by the owner (1), changed by a colleague (3, with a comment)."""
    policy = question(assessment, "policy")
    client.force_login(owner)
    save(client, assessment, policy, choose(policy, 1))
    client.force_login(colleague)
    save(client, assessment, policy, choose(policy, 3, comment="Approved by the board"))
    return policy


def test_every_save_is_a_row_with_who_when_and_the_answer_after_it(
    assessment, answered, owner, colleague
):
    first, second = history_of(assessment, "policy")
    assert (first.how, first.changed_by, first.score, first.comment) == ("answered", owner, 1, "")
    assert (second.changed_by, second.score) == (colleague, 3)
    assert second.comment == "Approved by the board"
    assert second.choice == answered.options.get(score=3).label
    assert first.changed_at <= second.changed_at


def test_the_history_shows_each_change_from_and_to_newest_first(
    client, owner, assessment, answered
):
    client.force_login(owner)
    response = client.get(url("answer_history", assessment, answered.pk))
    assert response.status_code == 200
    page = response.content.decode()
    low, high = (answered.options.get(score=s).label for s in (1, 3))
    assert f"<del>{low}</del> → <ins>{high}</ins>" in page
    listed = page.split("answer-history-list", 1)[1]
    assert listed.index("carlos") < listed.index("olivia")  # the colleague's change is newer
    assert "Approved by the board" in page
    # htmx asks for the list alone, to open inside the question.
    part = client.get(url("answer_history", assessment, answered.pk), **HTMX).content.decode()
    assert "<html" not in part and f"<ins>{high}</ins>" in part


def test_a_question_nobody_answered_has_an_empty_history(client, owner, assessment):
    client.force_login(owner)
    releases = question(assessment, "releases")
    response = client.get(url("answer_history", assessment, releases.pk))
    assert "No change recorded yet" in response.content.decode()


def test_it_rejects_other_organizations_and_questions_of_other_versions(
    client, outsider, owner, assessment, answered, mini_text
):
    client.force_login(outsider)
    assert client.get(url("answer_history", assessment, answered.pk)).status_code == 404
    other = load_text(mini_text.replace("key: mini", "key: other"), publish=True)
    client.force_login(owner)
    foreign = other.questions.get(key="policy")
    assert client.get(url("answer_history", assessment, foreign.pk)).status_code == 404


def test_a_viewer_reads_the_history(client, viewer, assessment, answered):
    client.force_login(viewer)
    assert client.get(url("answer_history", assessment, answered.pk)).status_code == 200


def test_user_text_in_the_history_is_escaped(client, owner, assessment):
    policy = question(assessment, "policy")
    client.force_login(owner)
    save(client, assessment, policy, choose(policy, 2, comment="<script>alert(1)</script>"))
    page = client.get(url("answer_history", assessment, policy.pk)).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_a_comment_change_alone_names_the_comment_not_the_answer(client, owner, assessment):
    policy = question(assessment, "policy")
    client.force_login(owner)
    save(client, assessment, policy, choose(policy, 2))
    stored = Answer.objects.get(assessment=assessment, question=policy)
    save(
        client,
        assessment,
        policy,
        choose(
            policy,
            2,
            comment="See the wiki",
            version=stored.version,
            was_choice=stored.option_id,
        ),
    )
    page = client.get(url("answer_history", assessment, policy.pk), **HTMX).content.decode()
    newest = page.split("</li>")[0]
    assert "See the wiki" in newest and "<del>" not in newest


def test_the_exports_carry_every_change(client, owner, colleague, assessment, answered):
    client.force_login(owner)
    document = json.loads(client.get(url("export_json", assessment)).content)
    policy = next(a for a in document["answers"] if a["question_key"] == "policy")
    assert [(c["changed_by"], c["score"]) for c in policy["history"]] == [
        ("olivia", 1.0),
        ("carlos", 3.0),
    ]
    assert policy["history"][1]["answer_before"] == answered.options.get(score=1).label
    assert policy["history"][1]["changed"] == ["choice", "comment"]
    response = client.get(url("export_history_csv", assessment))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["question_key"], r["changed_by"], r["how"]) for r in rows] == [
        ("policy", "olivia", "answered"),
        ("policy", "carlos", "answered"),
    ]
    assert rows[1]["comment"] == "Approved by the board"


def test_the_history_csv_answers_404_to_an_outsider(client, outsider, assessment, answered):
    client.force_login(outsider)
    assert client.get(url("export_history_csv", assessment)).status_code == 404


def test_a_move_to_a_newer_version_is_in_the_history(
    client, owner, assessment, answered, next_version_text
):
    newer = load_text(next_version_text(), publish=True)
    apply_upgrade(assessment, newer, owner)
    last = history_of(assessment, "policy")[-1]
    assert (last.how, last.detail, last.changed_by) == ("upgraded", "2", owner)


def test_an_administrators_edit_and_removal_are_in_the_history(assessment, answered, staff):
    stored = Answer.objects.get(assessment=assessment, question=answered)
    stored.comment = "Fixed a typo"
    stored.answered_by = staff
    stored.save()
    stored.delete()
    hows = [(c.how, c.comment) for c in history_of(assessment, "policy")][-2:]
    assert hows == [("admin", "Fixed a typo"), ("removed", "")]


# Carried over from an earlier assessment


@pytest.fixture
def carried(client, owner, assessment, answered):
    """A second cycle started from the first: 'policy' carried over, not yet reviewed."""
    client.force_login(owner)
    client.post(
        reverse("assessments:assessment_start", args=[assessment.organization.slug]),
        {
            "questionnaire": assessment.questionnaire.pk,
            "title": "Second cycle",
            "prefill_from": assessment.pk,
        },
    )
    return Assessment.objects.get(title="Second cycle")


def test_carried_over_answers_wait_for_a_review(carried, owner):
    answer = carried.answers.get()
    assert answer.needs_review
    (change,) = history_of(carried, "policy")
    assert (change.how, change.detail, change.changed_by) == ("carried_over", "Baseline", owner)


def test_the_section_review_and_results_count_and_filter_them(client, carried):
    page = client.get(url("section", carried, "program")).content.decode()
    assert "Carried over, not yet reviewed" in page
    assert "1 answer carried over from an earlier assessment is not yet reviewed" in page
    assert "1 to review" in page
    only = client.get(url("section", carried, "program") + "?show=unreviewed").content.decode()
    assert only.count('<fieldset id="q-') == 1 and 'id="q-policy"' in only
    review = client.get(url("assessment_review", carried) + "?show=unreviewed").content.decode()
    assert "data-unreviewed" in review and "1 carried over, not yet reviewed" in review
    assert review.count("<li data-kind") == 1
    results = client.get(url("results", carried)).content.decode()
    assert "1 answer was carried over from an earlier assessment and is not yet reviewed" in results


def test_confirming_keeps_the_answer_and_ends_the_review(client, owner, carried):
    policy = question(carried, "policy")
    before = carried.answers.get()
    response = client.post(url("answer_confirm", carried, policy.pk), **HTMX)
    assert response.status_code == 200
    assert "Confirmed" in response.content.decode()
    after = carried.answers.get()
    assert not after.needs_review
    assert (after.option, after.comment) == (before.option, before.comment)
    assert after.version == before.version + 1  # a stale page's save is checked against it
    assert [c.how for c in history_of(carried, "policy")] == ["carried_over", "confirmed"]
    results = client.get(url("results", carried)).content.decode()
    assert "not yet reviewed" not in results


def test_changing_a_carried_over_answer_reviews_it(client, carried):
    policy = question(carried, "policy")
    save(client, carried, policy, choose(policy, 2))
    assert not carried.answers.get().needs_review


def test_without_javascript_confirming_returns_to_the_question(client, carried):
    policy = question(carried, "policy")
    response = client.post(url("answer_confirm", carried, policy.pk))
    assert response.status_code == 302
    assert response["Location"].endswith("#q-policy")
    assert not carried.answers.get().needs_review


def test_only_editors_confirm_and_not_on_a_submitted_assessment(client, viewer, carried):
    policy = question(carried, "policy")
    carried.submit()
    assert client.post(url("answer_confirm", carried, policy.pk), **HTMX).status_code == 409
    assert carried.answers.get().needs_review
    client.force_login(viewer)
    assert client.post(url("answer_confirm", carried, policy.pk), **HTMX).status_code == 403


def test_an_outsider_cannot_confirm(client, outsider, carried):
    client.force_login(outsider)
    policy = question(carried, "policy")
    assert client.post(url("answer_confirm", carried, policy.pk)).status_code == 404
    assert carried.answers.get().needs_review
