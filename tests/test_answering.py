import re
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Answer, Assessment, ResumePoint

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def save_url(assessment, question):
    return reverse(
        "assessments:answer_save",
        args=[assessment.organization.slug, assessment.pk, question.pk],
    )


def section_url(assessment, key):
    return reverse("assessments:section", args=[assessment.organization.slug, assessment.pk, key])


def question(assessment, key):
    return assessment.questionnaire.questions.get(key=key)


def choose(q, score=None, **extra):
    prefix = f"q-{q.pk}-"
    value = str(q.options.get(score=score).pk) if score is not None else extra.pop("choice")
    data = {prefix + "choice": value}
    data.update({prefix + name: v for name, v in extra.items()})
    return data


def test_an_answer_saves_on_change_and_returns_its_fragment_and_progress(client, owner, assessment):
    client.force_login(owner)
    policy = question(assessment, "policy")
    response = client.post(save_url(assessment, policy), choose(policy, 2), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    # Only the status line, out of band: never the inputs the person may be typing in.
    assert re.search(r'<div id="status-q-policy" hx-swap-oob="innerHTML">', html)
    assert "<fieldset" not in html and "<textarea" not in html
    assert not re.search(r'<input(?![^>]*type="hidden")', html)  # only where the next save starts
    assert "Saved" in html
    assert "Last changed by olivia" in html
    assert re.search(r"id=\"progress\"[^>]*hx-swap-oob=\"true\"", html)
    assert "1 of 6 answered" in html
    assert re.search(r"id=\"sections-nav\"[^>]*hx-swap-oob=\"true\"", html)
    answer = Answer.objects.get(assessment=assessment, question=policy)
    assert (answer.kind, answer.option.score, answer.answered_by) == ("option", 2, owner)


def test_dont_know_and_not_applicable_with_a_reason_are_saved(client, owner, assessment):
    client.force_login(owner)
    releases = question(assessment, "releases")
    data = choose(releases, choice="not_applicable", reason="We release no software")
    assert client.post(save_url(assessment, releases), data, **HTMX).status_code == 200
    training = question(assessment, "training")
    data = choose(training, choice="dont_know", comment="Ask HR", evidence_url="https://x.org/t")
    assert client.post(save_url(assessment, training), data, **HTMX).status_code == 200
    answers = {a.question.key: a for a in assessment.answers.select_related("question")}
    assert answers["releases"].reason == "We release no software"
    assert answers["training"].kind == "dont_know"
    assert answers["training"].comment == "Ask HR"


@pytest.mark.parametrize(
    ("make_data", "message"),
    [
        (lambda a, q: choose(q, choice="999999"), "Choose one of the answers offered"),
        (lambda a, q: choose(q, choice="not-a-number"), "Choose one of the answers offered"),
        (
            lambda a, q: choose(q, choice=str(question(a, "inventory").options.first().pk)),
            "Choose one of the answers offered",
        ),
        (lambda a, q: choose(q, choice="not_applicable", reason="n/a"), "Choose one of"),
        (lambda a, q: choose(q, 2, comment="x" * 5001), "at most 5000 characters"),
        (lambda a, q: choose(q, 2, evidence_url="javascript:alert(1)"), "Enter a valid URL"),
        (lambda a, q: {}, "Choose an answer"),
    ],
)
def test_bad_input_answers_400_with_the_problem_and_saves_nothing(
    client, owner, assessment, make_data, message
):
    client.force_login(owner)
    policy = question(assessment, "policy")
    response = client.post(save_url(assessment, policy), make_data(assessment, policy), **HTMX)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Answer.objects.exists()


def test_not_applicable_needs_a_reason(client, owner, assessment):
    client.force_login(owner)
    releases = question(assessment, "releases")
    data = choose(releases, choice="not_applicable", reason="   ")
    response = client.post(save_url(assessment, releases), data, **HTMX)
    assert response.status_code == 400
    assert "Say why this practice does not apply" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_question_of_another_questionnaire_is_not_found(client, owner, assessment, mini_text):
    from tests.questionnaires import load_text

    other = load_text(mini_text.replace("version: 1", "version: 2", 1), publish=False)
    foreign = other.questions.get(key="policy")
    client.force_login(owner)
    response = client.post(save_url(assessment, foreign), choose(foreign, 2), **HTMX)
    assert response.status_code == 404
    assert not Answer.objects.exists()


def test_the_later_of_two_changes_wins_and_shows_who_made_it(client, owner, colleague, assessment):
    policy = question(assessment, "policy")
    client.force_login(owner)
    client.post(save_url(assessment, policy), choose(policy, 1), **HTMX)
    client.force_login(colleague)
    response = client.post(save_url(assessment, policy), choose(policy, 3), **HTMX)
    assert "Last changed by carlos" in response.content.decode()
    answer = Answer.objects.get(assessment=assessment, question=policy)
    assert (answer.option.score, answer.answered_by) == (3, colleague)
    client.force_login(owner)
    page = client.get(section_url(assessment, "program")).content.decode()
    assert "Last changed by carlos" in page


def test_answers_to_different_questions_never_overwrite_each_other(
    client, owner, colleague, assessment
):
    policy, training = question(assessment, "policy"), question(assessment, "training")
    client.force_login(owner)
    client.post(save_url(assessment, policy), choose(policy, 2), **HTMX)
    client.force_login(colleague)
    client.post(save_url(assessment, training), choose(training, 4), **HTMX)
    scores = dict(assessment.answers.values_list("question__key", "option__score"))
    assert scores == {"policy": 2, "training": 4}


def test_a_viewer_cannot_answer(client, viewer, assessment):
    client.force_login(viewer)
    policy = question(assessment, "policy")
    assert client.post(save_url(assessment, policy), choose(policy, 2), **HTMX).status_code == 403
    assert client.post(section_url(assessment, "program"), choose(policy, 2)).status_code == 403
    page = client.get(section_url(assessment, "program")).content.decode()
    assert "disabled" in page and "hx-post" not in page
    assert not Answer.objects.exists()


def test_a_submitted_assessment_is_locked_until_an_owner_reopens_it(
    client, owner, colleague, assessment
):
    org = assessment.organization.slug
    policy = question(assessment, "policy")
    client.force_login(colleague)
    client.post(
        reverse("assessments:assessment_submit", args=[org, assessment.pk]), {"confirm": "1"}
    )
    assessment.refresh_from_db()
    assert assessment.is_locked
    response = client.post(save_url(assessment, policy), choose(policy, 2), **HTMX)
    assert response.status_code == 409
    assert "answers are locked" in response.content.decode()
    reopen = reverse("assessments:assessment_reopen", args=[org, assessment.pk])
    assert client.post(reopen).status_code == 403
    client.force_login(owner)
    client.post(reopen)
    assessment.refresh_from_db()
    assert not assessment.is_locked
    assert client.post(save_url(assessment, policy), choose(policy, 2), **HTMX).status_code == 200


def test_without_javascript_a_section_submits_as_one_form(client, owner, assessment):
    client.force_login(owner)
    policy, training = question(assessment, "policy"), question(assessment, "training")
    response = client.post(
        section_url(assessment, "basics").replace("basics", "program"),
        {**choose(policy, 3), **choose(training, 1)},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/results/")
    assert dict(assessment.answers.values_list("question__key", "option__score")) == {
        "policy": 3,
        "training": 1,
    }


def test_a_section_with_one_bad_answer_saves_none_of_it(client, owner, assessment):
    client.force_login(owner)
    policy, releases = question(assessment, "policy"), question(assessment, "releases")
    response = client.post(
        section_url(assessment, "program"),
        {**choose(policy, 3), **choose(releases, choice="not_applicable")},
    )
    assert response.status_code == 400
    assert "Say why this practice does not apply" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_plain_post_of_one_answer_redirects_back_to_the_question(client, owner, assessment):
    client.force_login(owner)
    policy = question(assessment, "policy")
    response = client.post(save_url(assessment, policy), choose(policy, 2))
    assert response.status_code == 302
    assert response["Location"].endswith("/sections/program/#q-policy")


def test_resume_takes_each_person_back_to_their_section(client, owner, colleague, assessment):
    org = assessment.organization.slug
    resume = reverse("assessments:assessment", args=[org, assessment.pk])
    client.force_login(owner)
    assert client.get(resume)["Location"].endswith("/sections/basics/")
    # Where they last saved, not where they last looked.
    policy = question(assessment, "policy")
    client.post(save_url(assessment, policy), choose(policy, 2), **HTMX)
    client.get(section_url(assessment, "basics"))
    assert client.get(resume)["Location"].endswith("/sections/program/")
    client.force_login(colleague)
    assert client.get(resume)["Location"].endswith("/sections/basics/")
    assert ResumePoint.objects.count() == 1


def test_a_new_assessment_can_start_from_a_previous_ones_answers(client, owner, assessment):
    policy = question(assessment, "policy")
    client.force_login(owner)
    client.post(save_url(assessment, policy), choose(policy, 3, comment="Approved in May"), **HTMX)
    response = client.post(
        reverse("assessments:assessment_start", args=[assessment.organization.slug]),
        {
            "questionnaire": assessment.questionnaire.pk,
            "title": "Second cycle",
            "prefill_from": assessment.pk,
        },
    )
    assert response.status_code == 302
    second = Assessment.objects.get(title="Second cycle")
    carried = second.answers.get()
    assert (carried.question.key, carried.option.score, carried.comment) == (
        "policy",
        3,
        "Approved in May",
    )
    assert carried.option.question.questionnaire == second.questionnaire


def test_start_refuses_another_organizations_assessment_as_source(
    client, owner, outsider, other_organization, questionnaire
):
    theirs = Assessment.objects.create(
        organization=other_organization, questionnaire=questionnaire, title="Theirs"
    )
    client.force_login(owner)
    response = client.post(
        reverse("assessments:assessment_start", args=["acme"]),
        {"questionnaire": questionnaire.pk, "title": "Mine", "prefill_from": theirs.pk},
    )
    assert response.status_code == 400
    assert not Assessment.objects.filter(title="Mine").exists()


def test_only_an_owner_deletes_an_assessment(client, owner, colleague, assessment):
    url = reverse("assessments:assessment_delete", args=["acme", assessment.pk])
    client.force_login(colleague)
    assert client.post(url).status_code == 403
    client.force_login(owner)
    assert client.post(url).status_code == 302
    assert not Assessment.objects.exists()


def test_numbers_run_on_across_sections_and_the_sidebar_links_every_section(
    client, owner, assessment
):
    client.force_login(owner)
    page = client.get(section_url(assessment, "program")).content.decode()
    # Three questions in "basics" come first.
    assert re.search(r"<legend[^>]*>4\. Is there an approved open source policy\?</legend>", page)
    assert re.search(r"<legend[^>]*>6\. Do released projects", page)
    for key in ("basics", "program"):
        assert f'href="{section_url(assessment, key)}"' in page
    policy = question(assessment, "policy")
    assert f'hx-post="{save_url(assessment, policy)}"' in page
    assert f'href="{section_url(assessment, "basics")}">Previous section</a>' in page


def test_a_draft_questionnaire_is_read_afresh_on_every_request(
    client, owner, organization, mini_text
):
    from tests.questionnaires import load_text

    draft = load_text(mini_text, publish=False)
    trial = Assessment.objects.create(organization=organization, questionnaire=draft, title="Trial")
    client.force_login(owner)
    assert "Does the organization know" in client.get(section_url(trial, "basics")).content.decode()
    inventory = draft.questions.get(key="inventory")
    inventory.text = "Is open source use known?"
    inventory.save()
    page = client.get(section_url(trial, "basics")).content.decode()
    assert "1. Is open source use known?" in page
    response = client.post(save_url(trial, inventory), choose(inventory, 2), **HTMX)
    assert response.status_code == 200
    assert "Saved" in response.content.decode()


def test_a_saved_answer_shows_what_was_saved_and_who_saved_it(client, owner, assessment):
    client.force_login(owner)
    releases = question(assessment, "releases")
    data = choose(releases, choice="not_applicable", reason=" No releases ", comment="See wiki")
    data["number"] = "6"
    html = client.post(save_url(assessment, releases), data, **HTMX).content.decode()
    assert "Last changed by olivia, just now." in html
    answer = Answer.objects.get(question=releases)
    assert (answer.kind, answer.reason, answer.comment) == (
        "not_applicable",
        "No releases",
        "See wiki",
    )
    page = client.get(section_url(assessment, "program")).content.decode()
    radio = re.search(r'<input [^>]*type="radio"[^>]*value="not_applicable"[^>]*>', page)
    assert radio and " checked" in radio[0]
    assert 'value="No releases"' in page
    assert re.search(r">\s*See wiki</textarea>", page)
    assert "6. Do released projects" in page


def test_a_refused_save_names_its_problems_and_leaves_the_controls_alone(client, owner, assessment):
    client.force_login(owner)
    policy = question(assessment, "policy")
    data = choose(policy, 2, comment="Keep me", evidence_url="ftp://x.org/p")
    response = client.post(save_url(assessment, policy), data, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'<div id="status-q-policy" hx-swap-oob="innerHTML">', html)
    assert f'data-invalid="q-{policy.pk}-evidence_url "' in html
    assert "<input" not in html and "<textarea" not in html
    # Without JavaScript, the question comes back whole with what was typed.
    html = client.post(save_url(assessment, policy), data).content.decode()
    assert re.search(r">\s*Keep me</textarea>", html) and 'value="ftp://x.org/p"' in html


def test_every_answer_option_has_its_own_id_and_label(client, owner, assessment):
    import re

    client.force_login(owner)
    page = client.get(section_url(assessment, "basics")).content.decode()
    inputs = re.findall(r'<input [^>]*type="radio"[^>]*>', page)
    radios = [re.search(r' id="([^"]+)"', tag)[1] for tag in inputs if "form-check-input" in tag]
    labels = re.findall(r'<label class="form-check-label" for="([^"]+)"', page)
    assert radios and len(radios) == len(set(radios))  # unique ids, none "None"
    assert "None" not in radios
    assert labels == radios  # each label names its own radio


def test_a_bad_evidence_link_is_explained_once(client, owner, assessment):
    client.force_login(owner)
    policy = question(assessment, "policy")
    data = choose(policy, 2, evidence_url="ftp://files.example.org/policy.pdf")
    response = client.post(save_url(assessment, policy), data, **HTMX)
    assert response.status_code == 400
    assert response.content.decode().count("Enter a valid URL") == 1
    assert not Answer.objects.exists()


WRITES = ("INSERT", "UPDATE", "DELETE")


def test_looking_at_a_section_writes_nothing(client, owner, assessment):
    client.force_login(owner)
    client.get(section_url(assessment, "basics"))  # the session learns the organization
    with CaptureQueriesContext(connection) as context:
        assert client.get(section_url(assessment, "program")).status_code == 200
    writes = [q["sql"] for q in context.captured_queries if q["sql"].startswith(WRITES)]
    assert writes == []
    assert not ResumePoint.objects.exists()


def test_resume_goes_to_the_section_last_saved_without_javascript_too(client, owner, assessment):
    resume = reverse("assessments:assessment", args=["acme", assessment.pk])
    client.force_login(owner)
    policy = question(assessment, "policy")
    assert client.post(section_url(assessment, "program"), choose(policy, 3)).status_code == 302
    client.get(section_url(assessment, "basics"))
    assert client.get(resume)["Location"] == section_url(assessment, "program")
    assert ResumePoint.objects.get().section_key == "program"


@pytest.mark.django_db(transaction=True)
def test_a_save_is_one_transaction(client, owner, assessment):
    """The answer, the assessment's revision and the resume point: one commit, not three."""
    client.force_login(owner)
    client.get(section_url(assessment, "program"))  # the session learns the organization
    policy = question(assessment, "policy")
    db = connections["default"]
    writes = []

    def record(execute, sql, params, many, context):
        if sql.startswith(WRITES) and "assessments_" in sql:
            writes.append((sql.split()[0], db.get_autocommit()))
        return execute(sql, params, many, context)

    for _ in range(2):  # the first save inserts the answer and the point, the second updates
        writes.clear()
        with db.execute_wrapper(record), mock.patch.object(db, "commit", wraps=db.commit) as c:
            response = client.post(save_url(assessment, policy), choose(policy, 2), **HTMX)
        assert response.status_code == 200
        assert len(writes) >= 3, writes
        assert all(not autocommit for _verb, autocommit in writes), writes
        assert c.call_count == 1


def test_the_preview_draws_a_question_as_the_assessment_does(
    client, owner, assessment, django_user_model
):
    staff = django_user_model.objects.create_user("stella", password="pw-s-123", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_questionnaire"))
    preview = reverse("assessments:preview_section", args=[assessment.questionnaire.pk, "program"])

    def fieldset(client, url, user, key):
        client.force_login(user)
        page = client.get(url).content.decode()
        html = re.search(rf'<fieldset id="q-{key}".*?</fieldset>', page, re.S)[0]
        # Where a save goes differs, and the preview names the question it saves; only an
        # assessment's answers have a history.
        html = re.sub(r'\s*<details class="answer-history.*?</details>', "", html, flags=re.S)
        html = re.sub(r"""\s*hx-(post="[^"]*"|vals='[^']*')""", "", html)
        return re.sub(r"\s+", " ", html)

    for key in ("policy", "releases"):
        real = fieldset(client, section_url(assessment, "program"), owner, key)
        assert "aria-describedby" not in real and 'id="id_q-' in real
        assert real == fieldset(client, preview, staff, key)


def test_a_comment_without_a_choice_is_kept_as_a_note_that_is_no_answer(client, owner, assessment):
    from assessments import evaluation, exports

    client.force_login(owner)
    policy, training = question(assessment, "policy"), question(assessment, "training")
    data = {f"q-{policy.pk}-comment": "Ask legal first", f"q-{policy.pk}-evidence_url": ""}
    response = client.post(save_url(assessment, policy), data, **HTMX)
    assert response.status_code == 200, response.content
    html = response.content.decode()
    assert "no answer is chosen yet" in html and "0 of 6 answered" in html
    client.post(save_url(assessment, training), choose(training, 2), **HTMX)
    note = Answer.objects.get(question=policy)
    assert (note.kind, note.option, note.comment) == ("note", None, "Ask legal first")

    # After a reload: the comment is there, no option is chosen, and it is not counted.
    page = client.get(section_url(assessment, "program")).content.decode()
    assert re.search(r">\s*Ask legal first</textarea>", page)
    radios = re.findall(rf'<input [^>]*name="q-{policy.pk}-choice"[^>]*>', page)
    assert radios and not any(" checked" in r for r in radios)
    assert "1 of 6 answered" in page
    # Neither scored nor exported as an answer; its comment is exported.
    assert [s.question for s in evaluation.answer_specs(assessment)] == ["training"]
    result = evaluation.evaluate_many([assessment])[assessment.pk]
    assert result.overall.answered == 1
    row = next(r for r in exports.answer_rows(assessment) if r["question_key"] == "policy")
    assert (row["answer"], row["comment"]) == ("", "Ask legal first")
    results = client.get(reverse("assessments:results", args=["acme", assessment.pk]))
    assert results.status_code == 200

    # Choosing later turns the note into an answer that keeps the comment.
    response = client.post(
        save_url(assessment, policy), choose(policy, 3, comment="Ask legal first"), **HTMX
    )
    assert "1 of 6 answered" not in response.content.decode()
    note.refresh_from_db()
    assert (note.kind, note.option.score, note.comment) == ("option", 3, "Ask legal first")


def test_without_javascript_a_comment_alone_is_kept_as_a_note(client, owner, assessment):
    client.force_login(owner)
    policy = question(assessment, "policy")
    response = client.post(section_url(assessment, "program"), {f"q-{policy.pk}-comment": "Later"})
    assert response.status_code == 302
    assert Answer.objects.get().kind == "note"


def drawn(q, answer=None) -> dict:
    """What the page drew for `q` and sends back with each save: version and starting values."""
    from assessments.forms.answers import AnswerForm

    prefix = f"q-{q.pk}-"
    start = AnswerForm.initial_for(answer)
    return {prefix + name: value for name, value in start.items() if name.startswith(("was_", "v"))}


def stored(assessment, q):
    return Answer.objects.select_related("option").get(assessment=assessment, question=q)


def test_a_comment_edited_on_an_old_page_never_sends_back_the_old_choice(
    client, owner, colleague, assessment
):
    policy = question(assessment, "policy")
    client.force_login(owner)
    client.post(save_url(assessment, policy), {**choose(policy, 1), **drawn(policy)}, **HTMX)
    seen_by_owner = stored(assessment, policy)
    assert seen_by_owner.version == 1
    # The colleague, on the page as it is now, chooses otherwise.
    client.force_login(colleague)
    data = {**choose(policy, 3), **drawn(policy, seen_by_owner)}
    assert client.post(save_url(assessment, policy), data, **HTMX).status_code == 200
    assert stored(assessment, policy).version == 2
    # The owner, on the page as it was, adds a comment: the old choice is still in the form.
    client.force_login(owner)
    data = {**choose(policy, 1, comment="Board minutes"), **drawn(policy, seen_by_owner)}
    response = client.post(save_url(assessment, policy), data, **HTMX)
    assert response.status_code == 200
    label = policy.options.get(score=3).label
    assert f"A colleague changed the answer meanwhile: “{label}” stays" in response.content.decode()
    answer = stored(assessment, policy)
    assert (answer.option.score, answer.comment, answer.version) == (3, "Board minutes", 3)


def test_two_people_changing_one_comment_differently_are_asked_not_overwritten(
    client, owner, colleague, assessment
):
    policy = question(assessment, "policy")
    client.force_login(owner)
    client.post(save_url(assessment, policy), {**choose(policy, 2), **drawn(policy)}, **HTMX)
    seen = stored(assessment, policy)
    client.force_login(colleague)
    theirs = {**choose(policy, 2, comment="Signed off in March"), **drawn(policy, seen)}
    assert client.post(save_url(assessment, policy), theirs, **HTMX).status_code == 200
    # The owner, from the page drawn before, writes another comment on the same answer.
    client.force_login(owner)
    mine = {**choose(policy, 2, comment="Still a draft"), **drawn(policy, seen)}
    response = client.post(save_url(assessment, policy), mine, **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "carlos changed this text" in html and "Signed off in March" in html
    assert stored(assessment, policy).comment == "Signed off in March"
    # Both written to the same words: nothing to ask.
    same = {**choose(policy, 2, comment="Signed off in March"), **drawn(policy, seen)}
    assert client.post(save_url(assessment, policy), same, **HTMX).status_code == 200
    # "Use mine", having seen theirs.
    version = stored(assessment, policy).version
    use = {**mine, f"q-{policy.pk}-resolve": "mine", f"q-{policy.pk}-their_version": version}
    assert client.post(save_url(assessment, policy), use, **HTMX).status_code == 200
    assert stored(assessment, policy).comment == "Still a draft"


def test_a_comment_over_a_colleagues_newer_choice_shows_their_choice_chosen(
    client, owner, colleague, assessment
):
    policy = question(assessment, "policy")
    client.force_login(owner)
    client.post(save_url(assessment, policy), {**choose(policy, 1), **drawn(policy)}, **HTMX)
    seen = stored(assessment, policy)
    client.force_login(colleague)
    client.post(save_url(assessment, policy), {**choose(policy, 3), **drawn(policy, seen)}, **HTMX)
    client.force_login(owner)
    data = {**choose(policy, 1, comment="Minutes"), **drawn(policy, seen)}
    html = client.post(save_url(assessment, policy), data, **HTMX).content.decode()
    assert f'data-stored-choice="{policy.options.get(score=3).pk}"' in html


def test_a_different_choice_over_a_colleagues_newer_one_is_asked_about_not_saved(
    client, owner, colleague, assessment
):
    policy = question(assessment, "policy")
    client.force_login(colleague)
    client.post(save_url(assessment, policy), {**choose(policy, 3), **drawn(policy)}, **HTMX)
    # The owner opened the page before the colleague's answer, and chooses "1".
    client.force_login(owner)
    mine = {**choose(policy, 1, comment="Mine"), **drawn(policy)}
    response = client.post(save_url(assessment, policy), mine, **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    label = policy.options.get(score=3).label
    assert f"carlos chose “{label}”" in html
    assert "Keep theirs" in html and "Use mine" in html
    assert f'name="q-{policy.pk}-their_version" value="1"' in html
    answer = stored(assessment, policy)
    assert (answer.option.score, answer.comment, answer.answered_by) == (3, "", colleague)

    # "Keep theirs": theirs is drawn again, nothing is written.
    keep = {**mine, f"q-{policy.pk}-resolve": "theirs"}
    response = client.post(save_url(assessment, policy), keep, **HTMX)
    assert response.status_code == 200
    radio = re.search(
        rf'<input [^>]*value="{policy.options.get(score=3).pk}"[^>]*>', response.content.decode()
    )
    assert radio and " checked" in radio[0]
    assert stored(assessment, policy).version == 1

    # "Use mine": over the version the panel showed.
    use = {**mine, f"q-{policy.pk}-resolve": "mine", f"q-{policy.pk}-their_version": "1"}
    assert client.post(save_url(assessment, policy), use, **HTMX).status_code == 200
    answer = stored(assessment, policy)
    assert (answer.option.score, answer.comment, answer.version) == (1, "Mine", 2)


def test_the_same_choice_as_a_colleagues_newer_one_is_no_conflict(
    client, owner, colleague, assessment
):
    policy = question(assessment, "policy")
    client.force_login(colleague)
    client.post(save_url(assessment, policy), {**choose(policy, 3), **drawn(policy)}, **HTMX)
    client.force_login(owner)
    data = {**choose(policy, 3, comment="Agreed"), **drawn(policy)}
    assert client.post(save_url(assessment, policy), data, **HTMX).status_code == 200
    answer = stored(assessment, policy)
    assert (answer.option.score, answer.comment, answer.version) == (3, "Agreed", 2)


def test_without_javascript_a_conflict_shows_the_panel_and_saves_nothing(
    client, owner, colleague, assessment
):
    policy, training = question(assessment, "policy"), question(assessment, "training")
    client.force_login(colleague)
    client.post(save_url(assessment, policy), {**choose(policy, 3), **drawn(policy)}, **HTMX)
    client.force_login(owner)
    form = {
        **choose(policy, 1),
        **drawn(policy),
        **choose(training, 2),
        **drawn(training),
    }
    response = client.post(section_url(assessment, "program"), form)
    assert response.status_code == 409
    assert "carlos chose" in response.content.decode()
    assert list(assessment.answers.values_list("question__key", flat=True)) == ["policy"]
    form.update({f"q-{policy.pk}-resolve": "mine", f"q-{policy.pk}-their_version": "1"})
    assert client.post(section_url(assessment, "program"), form).status_code == 302
    scores = dict(assessment.answers.values_list("question__key", "option__score"))
    assert scores == {"policy": 1, "training": 2}


def test_a_save_sends_back_where_the_next_one_starts(client, owner, assessment):
    policy = question(assessment, "policy")
    client.force_login(owner)
    response = client.post(
        save_url(assessment, policy), {**choose(policy, 2), **drawn(policy)}, **HTMX
    )
    html = response.content.decode()
    assert re.search(r'<div id="start-q-policy" hidden hx-swap-oob="true">', html)
    assert re.search(rf'<input [^>]*name="q-{policy.pk}-version"[^>]*value="1"', html)
    data = {**choose(policy, 2, comment="More"), **drawn(policy, stored(assessment, policy))}
    assert client.post(save_url(assessment, policy), data, **HTMX).status_code == 200
    assert stored(assessment, policy).version == 2


def test_a_kept_note_can_be_emptied(client, owner, assessment):
    policy = question(assessment, "policy")
    client.force_login(owner)
    data = {f"q-{policy.pk}-comment": "Draft thought", **drawn(policy)}
    assert client.post(save_url(assessment, policy), data, **HTMX).status_code == 200
    note = stored(assessment, policy)
    data = {f"q-{policy.pk}-comment": "", **drawn(policy, note)}
    assert client.post(save_url(assessment, policy), data, **HTMX).status_code == 200
    note = stored(assessment, policy)
    assert (note.kind, note.comment, note.version) == ("note", "", 2)


@pytest.mark.parametrize(
    ("name", "value"), [("version", "abc"), ("version", "-1"), ("their_version", "0")]
)
def test_a_save_with_a_bad_answer_version_is_refused(client, owner, assessment, name, value):
    policy = question(assessment, "policy")
    client.force_login(owner)
    data = {**choose(policy, 2), f"q-{policy.pk}-{name}": value}
    response = client.post(save_url(assessment, policy), data, **HTMX)
    assert response.status_code == 400
    assert "The page sent a bad answer version" in response.content.decode()
    assert not Answer.objects.exists()


def test_the_page_sends_back_what_it_was_drawn_from_escaped(client, owner, assessment):
    policy = question(assessment, "policy")
    client.force_login(owner)
    data = {**choose(policy, 2, comment='"<b>"'), **drawn(policy)}
    client.post(save_url(assessment, policy), data, **HTMX)
    html = client.get(section_url(assessment, "program")).content.decode()
    start = re.search(r'<div id="start-q-policy" hidden>(.*?)</div>', html)[1]
    assert f'name="q-{policy.pk}-was_comment" value="&quot;&lt;b&gt;&quot;"' in start
    assert f'name="q-{policy.pk}-version" value="1"' in start
