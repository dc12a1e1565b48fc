"""Answering on one's own: the way of answering, the team page, a respondent's own answers and
what they may see of the others' (docs/team.md, "Answering on one's own")."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, AnswerChange, Assessment, Membership, Respondent

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
Mode = Assessment.Mode
Others = Assessment.OthersAnswers


def url(name, assessment, *args):
    return reverse(f"assessments:{name}", args=[assessment.organization.slug, assessment.pk, *args])


def individual(assessment, others=Others.AFTER_OWN):
    assessment.mode = Mode.INDIVIDUAL
    assessment.others_answers = others
    assessment.save()
    return assessment


def respond(assessment, user, sections=(), speaks_for="", submitted=False):
    number = (max(assessment.respondents.values_list("number", flat=True), default=0)) + 1
    return Respondent.objects.create(
        assessment=assessment,
        user=user,
        number=number,
        sections=list(sections),
        speaks_for=speaks_for,
        submitted_at=timezone.now() if submitted else None,
    )


def question(assessment, key):
    return assessment.questionnaire.questions.get(key=key)


def choose(q, score, **extra):
    prefix = f"q-{q.pk}-"
    data = {prefix + "choice": str(q.options.get(score=score).pk)}
    data.update({prefix + name: v for name, v in extra.items()})
    return data


@pytest.fixture
def bea(django_user_model, organization):
    """A second engineer, a viewer too, whose answers the first must not read."""
    user = django_user_model.objects.create_user("bea", password="pw-bea-12345")
    Membership.objects.create(organization=organization, user=user, role=Membership.Role.VIEWER)
    return user


# Choosing the way of answering


def test_the_start_form_offers_both_ways_with_the_shared_one_chosen(client, owner, questionnaire):
    client.force_login(owner)
    html = client.get(reverse("assessments:assessment_start", args=["acme"])).content.decode()
    assert re.search(r'name="mode" id="mode-shared" value="shared"[^>]*checked', html)
    assert 'id="mode-individual" value="individual"' in html
    assert "Each respondent answers on their own first" in html


def test_starting_individually_leads_to_the_team_page(client, owner, questionnaire):
    client.force_login(owner)
    response = client.post(
        reverse("assessments:assessment_start", args=["acme"]),
        {"questionnaire": questionnaire.pk, "title": "Views", "mode": "individual"},
    )
    assessment = Assessment.objects.get(title="Views")
    assert assessment.mode == Mode.INDIVIDUAL
    assert response["Location"] == url("team", assessment)


def test_the_start_form_refuses_an_unknown_way_and_starts_nothing(client, owner, questionnaire):
    client.force_login(owner)
    response = client.post(
        reverse("assessments:assessment_start", args=["acme"]),
        {"questionnaire": questionnaire.pk, "title": "Views", "mode": "anarchy"},
    )
    assert response.status_code == 400
    assert "Choose one of the two ways of answering." in response.content.decode()
    assert not Assessment.objects.exists()


def test_an_owner_changes_the_way_of_answering_before_the_first_answer(client, owner, assessment):
    client.force_login(owner)
    response = client.post(
        url("team_settings", assessment), {"mode": "individual", "others_answers": "never"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.mode, assessment.others_answers) == (Mode.INDIVIDUAL, Others.NEVER)


def test_after_the_first_answer_the_way_is_fixed_and_nothing_changes(client, owner, assessment):
    policy = question(assessment, "policy")
    Answer.objects.create(
        assessment=assessment, question=policy, kind="option", option=policy.options.first()
    )
    client.force_login(owner)
    page = client.get(url("team", assessment)).content.decode()
    assert "the way of answering is fixed" in page
    assert re.search(r'id="mode-individual"[^>]*disabled', page)
    response = client.post(
        url("team_settings", assessment), {"mode": "individual", "others_answers": "always"}
    )
    assert response.status_code == 409
    assert "can no longer change: answers have been given" in response.content.decode()
    assessment.refresh_from_db()
    assert (assessment.mode, assessment.others_answers) == (Mode.SHARED, Others.AFTER_OWN)
    # What respondents see may still change.
    response = client.post(
        url("team_settings", assessment), {"mode": "shared", "others_answers": "always"}
    )
    assessment.refresh_from_db()
    assert response.status_code == 302 and assessment.others_answers == Others.ALWAYS


def test_bad_settings_are_refused_with_a_message(client, owner, assessment):
    client.force_login(owner)
    response = client.post(url("team_settings", assessment), {"mode": "individual"})
    assert response.status_code == 400
    assert "Choose when respondents see" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.mode == Mode.SHARED


# Respondents on the team page


def test_an_owner_adds_a_viewer_with_the_layer_they_speak_for_and_their_sections(
    client, owner, viewer, assessment
):
    individual(assessment)
    client.force_login(owner)
    page = client.get(url("team", assessment)).content.decode()
    # The version's words: its layers by name, the word "layer" from the version.
    assert "Workers and employees" in page and "Speaks for (layer of work)" in page
    response = client.post(
        url("team_respondent_add", assessment),
        {"user": viewer.pk, "speaks_for": "worker", "sections": ["program"]},
    )
    assert response.status_code == 302
    respondent = assessment.respondents.get()
    assert (respondent.user, respondent.number, respondent.speaks_for, respondent.sections) == (
        viewer,
        1,
        "worker",
        ["program"],
    )
    page = client.get(url("team", assessment)).content.decode()
    assert "1. vera" in page and "Workers and employees" in page and "0 of 3" in page


def test_numbers_are_given_in_order_and_never_reused(
    client, owner, colleague, viewer, bea, assessment
):
    individual(assessment)
    client.force_login(owner)
    for user in (colleague, viewer):
        client.post(url("team_respondent_add", assessment), {"user": user.pk})
    first = assessment.respondents.get(user=colleague)
    client.post(url("team_respondent_remove", assessment, first.pk))
    client.post(url("team_respondent_add", assessment), {"user": bea.pk})
    numbers = dict(assessment.respondents.values_list("user__username", "number"))
    assert numbers == {"vera": 2, "bea": 3}


def test_adding_refuses_outsiders_twice_added_members_and_unknown_layers(
    client, owner, viewer, outsider, assessment
):
    individual(assessment)
    respond(assessment, viewer)
    client.force_login(owner)
    for data, message in [
        ({"user": outsider.pk}, "Choose a member of the organization who is not a respondent"),
        ({"user": viewer.pk}, "Choose a member of the organization who is not a respondent"),
        ({"user": owner.pk, "speaks_for": "board"}, "Choose one of this questionnaire"),
        ({"user": owner.pk, "sections": ["nope"]}, "Choose sections of this questionnaire"),
    ]:
        response = client.post(url("team_respondent_add", assessment), data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert assessment.respondents.count() == 1


def test_a_shared_assessment_takes_no_respondents(client, owner, viewer, assessment):
    client.force_login(owner)
    response = client.post(url("team_respondent_add", assessment), {"user": viewer.pk})
    assert response.status_code == 409 and not assessment.respondents.exists()


def test_an_owner_changes_an_assignment_and_ticking_every_section_means_all(
    client, owner, viewer, assessment
):
    individual(assessment)
    respondent = respond(assessment, viewer, sections=["basics"])
    client.force_login(owner)
    change = url("team_respondent", assessment, respondent.pk)
    client.post(change, {"speaks_for": "management", "sections": ["basics", "program"]})
    respondent.refresh_from_db()
    assert (respondent.speaks_for, respondent.sections) == ("management", [])
    response = client.post(change, {"speaks_for": "nobody"})
    assert response.status_code == 400
    respondent.refresh_from_db()
    assert respondent.speaks_for == "management"


def test_removing_a_respondent_who_answered_asks_first_and_says_their_answers_go(
    client, owner, viewer, assessment
):
    individual(assessment)
    respondent = respond(assessment, viewer)
    policy = question(assessment, "policy")
    assessment.record_answer(
        policy, viewer, kind="option", option=policy.options.first(), respondent=respondent
    )
    client.force_login(owner)
    remove = url("team_respondent_remove", assessment, respondent.pk)
    response = client.post(remove)
    assert response.status_code == 200
    assert "has given 1 answer of their own. It goes with them" in response.content.decode()
    assert Respondent.objects.filter(pk=respondent.pk).exists()
    response = client.post(remove, {"confirm": "1"})
    assert response.status_code == 302
    assert not Respondent.objects.filter(pk=respondent.pk).exists()
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_editors_read_the_team_and_change_nothing(client, owner, colleague, viewer, assessment):
    individual(assessment)
    respondent = respond(assessment, viewer)
    client.force_login(colleague)
    page = client.get(url("team", assessment)).content.decode()
    assert "1. vera" in page and "Only an owner of the organization changes the team." in page
    assert "<form" not in page.split("<main")[-1].split("</main>")[0]
    for name, args, data in [
        ("team_settings", (), {"mode": "shared", "others_answers": "never"}),
        ("team_respondent_add", (), {"user": owner.pk}),
        ("team_respondent", (respondent.pk,), {"speaks_for": "worker"}),
        ("team_respondent_remove", (respondent.pk,), {"confirm": "1"}),
    ]:
        assert client.post(url(name, assessment, *args), data).status_code == 403
    assert assessment.respondents.get().speaks_for == ""


def test_a_viewer_who_answers_sees_their_own_assignment_only(client, colleague, viewer, assessment):
    individual(assessment)
    respond(assessment, colleague, speaks_for="management")
    respond(assessment, viewer, speaks_for="worker", sections=["basics"])
    client.force_login(viewer)
    page = client.get(url("team", assessment)).content.decode()
    assert "Your assignment" in page and "2. vera" in page and "Basics" in page
    assert "carlos" not in page and "Management" not in page
    assert url("my_answers", assessment) in page


def test_a_viewer_who_does_not_answer_gets_403(client, viewer, assessment):
    individual(assessment)
    assert client.force_login(viewer) is None
    response = client.get(url("team", assessment))
    assert response.status_code == 403
    assert "you are not one of its respondents" in response.content.decode()


def test_the_team_shows_each_respondents_progress_and_submission_in_fixed_queries(
    client, owner, organization, assessment, django_user_model, django_assert_num_queries
):
    individual(assessment)
    policy, training = question(assessment, "policy"), question(assessment, "training")

    def add(n):
        for i in range(n):
            user = django_user_model.objects.create_user(f"r{assessment.respondents.count()}-{i}")
            Membership.objects.create(organization=organization, user=user, role="viewer")
            respondent = respond(assessment, user, sections=["program"], submitted=i % 2 == 0)
            for q in (policy, training)[: i % 3]:
                assessment.record_answer(
                    q, user, kind="option", option=q.options.first(), respondent=respondent
                )

    client.force_login(owner)
    add(3)
    page = client.get(url("team", assessment)).content.decode()
    assert re.findall(r'data-testid="progress">(\d of \d)<', page) == ["0 of 3", "1 of 3", "2 of 3"]
    assert page.count('class="badge text-bg-success"') == 2
    few = _queries(client, url("team", assessment))
    add(27)
    assert _queries(client, url("team", assessment)) == few


def _queries(client, path, method="get", data=None, **extra):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(path, data or {}, **extra)
    assert response.status_code == 200, response.content[:300]
    return len(context.captured_queries)


# Answering on one's own


def test_a_member_who_is_not_a_respondent_gets_403_with_a_clear_message(client, owner, assessment):
    individual(assessment)
    client.force_login(owner)
    policy = question(assessment, "policy")
    for path in (
        url("my_answers", assessment),
        url("my_section", assessment, "basics"),
        url("my_answer_history", assessment, policy.pk),
        url("my_submit", assessment),
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "You are not a respondent of this assessment" in response.content.decode()
    save = client.post(url("my_answer_save", assessment, policy.pk), choose(policy, 2))
    assert save.status_code == 403
    assert not Answer.objects.exists()


def test_a_viewer_respondent_answers_their_own_and_the_agreed_answers_stay_untouched(
    client, viewer, assessment
):
    individual(assessment)
    respondent = respond(assessment, viewer, sections=["program"])
    client.force_login(viewer)
    assert client.get(url("my_answers", assessment))["Location"] == url(
        "my_section", assessment, "program"
    )
    page = client.get(url("my_section", assessment, "program")).content.decode()
    assert "Your own answers." in page and "The team agrees the final ones later." in page
    assert "You are a viewer" not in page
    # Only the assigned sections, in the sidebar and the progress.
    assert url("my_section", assessment, "program") in page
    assert url("my_section", assessment, "basics") not in page
    assert "0 of 3 answered" in page
    policy = question(assessment, "policy")
    response = client.post(
        url("my_answer_save", assessment, policy.pk), choose(policy, 3, comment="Mine"), **HTMX
    )
    assert response.status_code == 200 and "1 of 3 answered" in response.content.decode()
    answer = Answer.objects.get()
    assert (answer.respondent, answer.option.score, answer.comment) == (respondent, 3, "Mine")
    assert not Answer.objects.filter(respondent__isnull=True).exists()
    # Unassigned sections and their questions are not theirs to answer.
    basics_question = question(assessment, "inventory")
    assert client.get(url("my_section", assessment, "basics")).status_code == 404
    save = url("my_answer_save", assessment, basics_question.pk)
    assert client.post(save, choose(basics_question, 1)).status_code == 404


def test_resuming_goes_to_the_section_last_saved_in(client, viewer, assessment):
    individual(assessment)
    respond(assessment, viewer)
    client.force_login(viewer)
    assert client.get(url("my_answers", assessment))["Location"] == url(
        "my_section", assessment, "basics"
    )
    policy = question(assessment, "policy")
    client.post(url("my_answer_save", assessment, policy.pk), choose(policy, 1), **HTMX)
    assert client.get(url("my_answers", assessment))["Location"] == url(
        "my_section", assessment, "program"
    )
    # The assessment's own resume URL sends a respondent to their own answers.
    assert client.get(url("assessment", assessment))["Location"] == url("my_answers", assessment)


def test_a_section_form_without_javascript_saves_ones_own_answers_and_goes_to_the_review(
    client, viewer, assessment
):
    individual(assessment)
    respondent = respond(assessment, viewer, sections=["program"])
    client.force_login(viewer)
    policy, training = question(assessment, "policy"), question(assessment, "training")
    response = client.post(
        url("my_section", assessment, "program"), {**choose(policy, 2), **choose(training, 1)}
    )
    assert response["Location"] == url("my_submit", assessment)
    assert respondent.answers.count() == 2


def test_the_history_is_ones_own_only(client, viewer, bea, assessment):
    individual(assessment, Others.ALWAYS)
    mine, theirs = respond(assessment, viewer), respond(assessment, bea)
    policy = question(assessment, "policy")
    assessment.record_answer(
        policy,
        bea,
        kind="option",
        option=policy.options.last(),
        comment="BEA-SECRET",
        respondent=theirs,
    )
    client.force_login(viewer)
    history = url("my_answer_history", assessment, policy.pk)
    page = client.get(history).content.decode()
    assert "BEA-SECRET" not in page and "bea" not in page
    assert "No change recorded yet" in page
    client.post(
        url("my_answer_save", assessment, policy.pk), choose(policy, 0, comment="VERA"), **HTMX
    )
    page = client.get(history, **HTMX).content.decode()
    assert "VERA" in page and "BEA-SECRET" not in page
    assert AnswerChange.objects.filter(respondent=mine).count() == 1


def test_submitting_makes_ones_answers_read_only_until_taken_back(client, viewer, assessment):
    individual(assessment)
    respondent = respond(assessment, viewer)
    policy = question(assessment, "policy")
    client.force_login(viewer)
    review = client.get(url("my_submit", assessment)).content.decode()
    assert "Review your own answers" in review and "Submit my answers" in review
    # A POST without the review's confirmation goes back to the review.
    assert client.post(url("my_submit", assessment)).status_code == 303
    client.post(url("my_submit", assessment), {"confirm": "1"})
    respondent.refresh_from_db()
    assert respondent.has_submitted
    page = client.get(url("my_section", assessment, "program")).content.decode()
    assert "You submitted your answers" in page and "Change my answers" in page
    assert 'hx-post="' + url("my_answer_save", assessment, policy.pk) not in page
    save = url("my_answer_save", assessment, policy.pk)
    response = client.post(save, choose(policy, 2), **HTMX)
    assert response.status_code == 409 and "Take the submission back" in response.content.decode()
    assert not Answer.objects.exists()
    client.post(url("my_reopen", assessment))
    assert client.post(save, choose(policy, 2), **HTMX).status_code == 200


def test_a_submitted_assessment_locks_ones_own_answers_too(client, owner, viewer, assessment):
    individual(assessment)
    respondent = respond(assessment, viewer, submitted=True)
    assessment.submit()
    client.force_login(viewer)
    policy = question(assessment, "policy")
    assert client.post(url("my_reopen", assessment)).status_code == 409
    respondent.refresh_from_db()
    assert respondent.has_submitted
    response = client.post(url("my_answer_save", assessment, policy.pk), choose(policy, 2), **HTMX)
    assert response.status_code == 409
    page = client.get(url("my_section", assessment, "program")).content.decode()
    assert "Your answers are locked" in page and "Change my answers" not in page


# What a respondent sees of the others' answers


def _answered_by_bea(assessment, bea):
    theirs = respond(assessment, bea)
    policy = question(assessment, "policy")
    assessment.record_answer(
        policy,
        bea,
        kind="option",
        option=policy.options.get(score=3),
        comment="BEA-SECRET",
        respondent=theirs,
    )
    return policy


def _everything_vera_reaches(client, assessment, policy) -> str:
    pages = [
        client.get(url("my_section", assessment, "program")),
        client.get(url("my_answer_history", assessment, policy.pk)),
        client.get(url("my_answer_history", assessment, policy.pk), **HTMX),
        client.get(url("my_submit", assessment)),
        client.get(url("team", assessment)),
        client.get(url("section", assessment, "program")),
        client.get(url("answer_history", assessment, policy.pk)),
        client.get(url("results", assessment)),
    ]
    return "".join(p.content.decode() for p in pages)


def test_before_submitting_a_respondent_reads_nothing_of_the_others(
    client, viewer, bea, assessment
):
    individual(assessment)
    policy = _answered_by_bea(assessment, bea)
    respond(assessment, viewer)
    client.force_login(viewer)
    seen = _everything_vera_reaches(client, assessment, policy)
    save = client.post(url("my_answer_save", assessment, policy.pk), choose(policy, 1), **HTMX)
    seen += save.content.decode()
    seen += client.post(
        url("my_answer_save", assessment, policy.pk), choose(policy, 0)
    ).content.decode()
    assert "BEA-SECRET" not in seen and "bea" not in seen
    assert 'data-testid="others-answers"' not in seen and "chose “" not in seen


def test_after_submitting_a_respondent_sees_how_many_chose_what_never_who(
    client, viewer, bea, django_user_model, organization, assessment
):
    individual(assessment)
    policy = _answered_by_bea(assessment, bea)
    cleo = django_user_model.objects.create_user("cleo")
    Membership.objects.create(organization=organization, user=cleo, role="editor")
    assessment.record_answer(
        policy,
        cleo,
        kind="option",
        option=policy.options.get(score=1),
        respondent=respond(assessment, cleo),
    )
    respond(assessment, viewer, submitted=True)
    client.force_login(viewer)
    page = client.get(url("my_section", assessment, "program")).content.decode()
    assert "1 chose “Ad hoc”, 1 “Practised organization-wide”" in page
    assert "nobody else has answered yet" in page  # training, which nobody answered
    assert "BEA-SECRET" not in page and "bea" not in page and "cleo" not in page


def test_never_means_never_even_after_submitting(client, viewer, bea, assessment):
    individual(assessment, Others.NEVER)
    policy = _answered_by_bea(assessment, bea)
    respond(assessment, viewer, submitted=True)
    client.force_login(viewer)
    seen = _everything_vera_reaches(client, assessment, policy)
    assert "BEA-SECRET" not in seen and "bea" not in seen
    assert 'data-testid="others-answers"' not in seen and "chose “" not in seen


def test_always_shows_the_others_while_answering(client, viewer, bea, assessment):
    individual(assessment, Others.ALWAYS)
    policy = _answered_by_bea(assessment, bea)
    respond(assessment, viewer)
    client.force_login(viewer)
    page = client.get(url("my_section", assessment, "program")).content.decode()
    assert "1 chose “Practised organization-wide”" in page and "BEA-SECRET" not in page
    # One's own answer is not counted among the others'.
    client.post(url("my_answer_save", assessment, policy.pk), choose(policy, 3), **HTMX)
    page = client.get(url("my_section", assessment, "program")).content.decode()
    assert "1 chose “Practised organization-wide”" in page


# Where people find it


def test_the_assessments_pages_say_it_is_answered_individually_and_link_on(
    client, owner, colleague, viewer, assessment
):
    individual(assessment)
    respond(assessment, owner)
    client.force_login(owner)
    dashboard = client.get(reverse("assessments:dashboard", args=["acme"])).content.decode()
    assert "Answered individually, then agreed" in dashboard
    assert url("my_answers", assessment) in dashboard and url("team", assessment) in dashboard
    agreed = client.get(url("section", assessment, "basics")).content.decode()
    assert "These are the agreed answers, the ones scored." in agreed
    assert url("my_answers", assessment) in agreed and url("team", assessment) in agreed
    client.force_login(colleague)
    dashboard = client.get(reverse("assessments:dashboard", args=["acme"])).content.decode()
    assert url("team", assessment) in dashboard and url("my_answers", assessment) not in dashboard
    assert client.get(url("assessment", assessment))["Location"] == url(
        "section", assessment, "basics"
    )


# Query counts


def _individual_assessment(organization, owner, size, respondents, django_user_model):
    from assessments.questionnaire_file.store import save_document
    from assessments.questionnaire_file.synthetic import synthetic_document

    questionnaire = save_document(
        synthetic_document(size, key=f"i{size}-{respondents}"), publish=True
    )
    assessment = individual(
        Assessment.objects.create(
            organization=organization, questionnaire=questionnaire, title="Views"
        ),
        Others.ALWAYS,
    )
    me = respond(assessment, owner)
    section = questionnaire.sections.order_by("order").first()
    questions = list(section.questions.prefetch_related("options"))
    answers = []
    for i in range(respondents):
        user = django_user_model.objects.create_user(f"p{size}-{respondents}-{i}")
        respondent = respond(assessment, user, submitted=True)
        for q in questions:
            options = q.options.all()
            if q.is_text:
                answers.append(Answer(kind="note", comment="words"))
            elif q.is_checklist:
                answers.append(Answer(kind="checked", boxes=[options[0].pk]))
            else:
                answers.append(Answer(kind="option", option=options[i % len(options)]))
            answers[-1].assessment, answers[-1].question = assessment, q
            answers[-1].respondent = respondent
    Answer.objects.bulk_create(answers)
    return assessment, me, section, questions


def _my_counts(client, assessment, section, questions) -> dict[str, int]:
    scored = next(q for q in questions if q.type == "single")
    option = scored.options.order_by("score").last()
    _queries(client, url("my_section", assessment, section.key))  # the version, built once
    return {
        "section": _queries(client, url("my_section", assessment, section.key)),
        "save": _queries(
            client,
            url("my_answer_save", assessment, scored.pk),
            "post",
            {f"q-{scored.pk}-choice": option.pk},
            **HTMX,
        ),
        "history": _queries(client, url("my_answer_history", assessment, scored.pk), **HTMX),
        "review": _queries(client, url("my_submit", assessment)),
        "team": _queries(client, url("team", assessment)),
    }


def test_my_pages_cost_the_same_for_3_and_30_respondents_and_20_and_200_questions(
    client, owner, organization, django_user_model
):
    client.force_login(owner)
    counts = {}
    for size, respondents in [(20, 3), (20, 30), (200, 3)]:
        assessment, _me, section, questions = _individual_assessment(
            organization, owner, size, respondents, django_user_model
        )
        counts[(size, respondents)] = _my_counts(client, assessment, section, questions)
    assert counts[(20, 3)] == counts[(20, 30)] == counts[(200, 3)], counts
    # Pinned: session, user, assessment with membership, respondent, answers, tally and the
    # others' answers, one query for the whole section. A first save inserts the answer under a
    # savepoint, writes its history and the resume point, and reads the tally again.
    assert counts[(20, 3)] == {"section": 8, "save": 12, "history": 5, "review": 6, "team": 10}


def test_the_dashboard_follows_a_change_of_the_way_of_answering(client, owner, assessment):
    client.force_login(owner)
    dashboard = reverse("assessments:dashboard", args=["acme"])
    assert "Answered individually" not in client.get(dashboard).content.decode()
    client.post(url("team_settings", assessment), {"mode": "individual", "others_answers": "never"})
    assert "Answered individually, then agreed" in client.get(dashboard).content.decode()


def test_names_on_the_team_page_are_escaped(client, owner, viewer, assessment):
    individual(assessment)
    viewer.first_name = "<script>alert(1)</script>"
    viewer.save()
    respond(assessment, viewer)
    client.force_login(owner)
    page = client.get(url("team", assessment)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)" in page
