"""The consensus view and the workshop: who chose what, the spread, and the agreed answer."""

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment, Membership, Respondent

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def team(assessment, owner, colleague, django_user_model, organization):
    """The assessment run individually, with three respondents: Olivia, Carlos and Tess."""
    assessment.mode = Assessment.Mode.INDIVIDUAL
    assessment.save()
    tess = django_user_model.objects.create_user("tess", password="pw-tess-123")
    Membership.objects.create(organization=organization, user=tess, role="editor")
    return [
        Respondent.objects.create(assessment=assessment, user=user, number=number)
        for number, user in enumerate((owner, colleague, tess), start=1)
    ]


def answer(respondent, key, score=None, kind="option", **extra):
    question = respondent.assessment.questionnaire.questions.get(key=key)
    option = question.options.get(score=score) if kind == "option" else None
    return Answer.objects.create(
        assessment=respondent.assessment,
        question=question,
        respondent=respondent,
        kind=kind,
        option=option,
        **extra,
    )


def url(assessment, name="consensus", *args):
    return reverse(f"assessments:{name}", args=[assessment.organization.slug, assessment.pk, *args])


def agree_url(assessment, key):
    question = assessment.questionnaire.questions.get(key=key)
    return url(assessment, "consensus_agree", question.pk), question


def agreed(assessment, key):
    return Answer.objects.filter(
        assessment=assessment, question__key=key, respondent__isnull=True
    ).first()


@pytest.fixture
def answered(team):
    """Olivia and Carlos far apart on the policy; all three close on the inventory."""
    olivia, carlos, tess = team
    answer(olivia, "policy", 4, comment="Approved last year")
    answer(carlos, "policy", 0, comment="Never seen it")
    answer(tess, "policy", 1)
    answer(olivia, "inventory", 2)
    answer(carlos, "inventory", 3)
    answer(tess, "inventory", kind="dont_know")
    answer(olivia, "releases", kind="not_applicable", reason="We publish nothing")
    return team


def test_owners_and_editors_see_who_chose_what_and_their_comments(
    client, owner, colleague, assessment, answered
):
    for user in (owner, colleague):
        client.force_login(user)
        response = client.get(url(assessment))
        assert response.status_code == 200
        page = response.content.decode()
        assert "olivia" in page and "carlos" in page and "tess" in page
        assert "Approved last year" in page and "Never seen it" in page
        assert "We publish nothing" in page
        assert "Practised organization-wide" in page  # options in the question's own words


def test_a_viewer_is_refused_and_a_shared_assessment_has_nothing_to_agree(
    client, viewer, owner, assessment, organization, questionnaire
):
    assessment.mode = Assessment.Mode.INDIVIDUAL
    assessment.save()
    client.force_login(viewer)
    for name in ("consensus", "workshop"):
        assert client.get(url(assessment, name)).status_code == 403
    shared = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Shared"
    )
    client.force_login(owner)
    for name in ("consensus", "workshop"):
        assert client.get(url(shared, name)).status_code == 404


def test_questions_are_sorted_by_disagreement_then_by_number(client, owner, assessment, answered):
    client.force_login(owner)
    cards = client.get(url(assessment)).context["cards"]
    keys = [card.question.key for card in cards]
    # Policy (4 against 0) and releases ("does not apply" alone: spread 0) ...
    assert keys[0] == "policy"
    assert keys[1] == "inventory"
    assert keys[2:] == ["champion", "contribution-ok", "training", "releases"]
    in_order = client.get(url(assessment) + "?order=questionnaire").context["cards"]
    assert [c.number for c in in_order] == [1, 2, 3, 4, 5, 6]


def test_the_progress_counts_agreed_questions_and_strong_disagreements(
    client, owner, assessment, answered
):
    client.force_login(owner)
    page = client.get(url(assessment)).content.decode()
    assert "0 of 6 agreed, 1 with strong disagreement" in page
    address, question = agree_url(assessment, "policy")
    client.post(address, {f"a-{question.pk}-choice": question.options.get(score=1).pk})
    page = client.get(url(assessment)).content.decode()
    assert "1 of 6 agreed" in page and "strong disagreement" not in page
    open_only = client.get(url(assessment) + "?show=open").context["cards"]
    assert "policy" not in [card.question.key for card in open_only] and len(open_only) == 5


def test_the_form_is_prefilled_with_the_median(client, owner, assessment, answered):
    client.force_login(owner)
    cards = {c.question.key: c for c in client.get(url(assessment)).context["cards"]}
    policy = cards["policy"]
    # 0, 1 and 4: the median is 1 ("Ad hoc").
    ad_hoc = policy.question.options.get(score=1)
    assert policy.form.initial["choice"] == str(ad_hoc.pk)
    assert policy.view.suggestion.label == "Ad hoc"
    assert cards["releases"].form.initial["choice"] == "not_applicable"
    assert "choice" not in cards["training"].form.initial  # nobody answered: nothing to suggest


def test_agreeing_writes_the_agreed_answer_and_swaps_the_card_and_the_progress(
    client, owner, assessment, answered
):
    client.force_login(owner)
    address, question = agree_url(assessment, "policy")
    option = question.options.get(score=1)
    response = client.post(
        address,
        {
            f"a-{question.pk}-choice": option.pk,
            f"a-{question.pk}-comment": "Drafted, not approved",
            f"a-{question.pk}-version": "0",
        },
        **HTMX,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="q-policy"' in page and 'id="consensus-progress"' in page
    assert "1 of 6 agreed" in page
    stored = agreed(assessment, "policy")
    assert stored.option == option and stored.comment == "Drafted, not approved"
    assert stored.answered_by == owner
    # The individual answers are untouched.
    assert Answer.objects.filter(assessment=assessment, respondent__isnull=False).count() == 7


def test_without_javascript_agreeing_comes_back_to_the_same_view(
    client, owner, assessment, answered
):
    client.force_login(owner)
    address, question = agree_url(assessment, "releases")
    response = client.post(
        address,
        {
            f"a-{question.pk}-choice": "not_applicable",
            f"a-{question.pk}-reason": "Nothing released",
            "order": "questionnaire",
            "show": "open",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?order=questionnaire&show=open#q-releases")
    assert agreed(assessment, "releases").reason == "Nothing released"


def test_a_second_facilitator_sees_the_first_ones_answer_instead_of_overwriting_it(
    client, owner, colleague, assessment, answered
):
    address, question = agree_url(assessment, "policy")
    prefix = f"a-{question.pk}-"
    first, second = question.options.get(score=1), question.options.get(score=4)
    # Both opened the page before anything was agreed (version 0).
    client.force_login(colleague)
    client.post(address, {prefix + "choice": first.pk, prefix + "version": "0"}, **HTMX)
    client.force_login(owner)
    response = client.post(address, {prefix + "choice": second.pk, prefix + "version": "0"}, **HTMX)
    assert response.status_code == 409
    page = response.content.decode()
    assert "carlos agreed “Ad hoc”" in page and "“Measured and improved”" in page
    assert agreed(assessment, "policy").option == first
    # "Use mine" over the version shown.
    theirs = agreed(assessment, "policy")
    response = client.post(
        address,
        {
            prefix + "choice": second.pk,
            prefix + "version": "0",
            prefix + "their_version": theirs.version,
            prefix + "resolve": "mine",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert agreed(assessment, "policy").option == second


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"choice": "999999"}, "Choose one of the answers offered for this question."),
        ({"choice": ""}, "Choose an answer."),
        ({"choice": "", "comment": "Only a note"}, "Choose the agreed answer."),
        ({"choice": "not_applicable"}, "Say why this practice does not apply to you."),
        ({"choice": "dont_know", "version": "x"}, "bad answer version"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(
    client, owner, assessment, answered, values, message
):
    client.force_login(owner)
    address, question = agree_url(assessment, "releases")
    data = {f"a-{question.pk}-{name}": value for name, value in values.items()}
    for extra in ({}, HTMX):
        response = client.post(address, data, **extra)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert agreed(assessment, "releases") is None


def test_a_submitted_assessment_is_read_only(client, owner, assessment, answered):
    assessment.submit()
    client.force_login(owner)
    page = client.get(url(assessment)).content.decode()
    assert "the agreed answers are shown, not changed" in page
    assert "consensus-agree" not in page
    address, question = agree_url(assessment, "policy")
    response = client.post(address, {f"a-{question.pk}-choice": "dont_know"})
    assert response.status_code == 409
    assert agreed(assessment, "policy") is None


def test_the_workshop_opens_at_the_first_question_not_agreed_and_moves_on_after_agreeing(
    client, owner, assessment, answered
):
    client.force_login(owner)
    response = client.get(url(assessment, "workshop"))
    assert response["Location"] == url(assessment, "workshop_question", 1)
    address, question = agree_url(assessment, "inventory")
    response = client.post(address, {f"a-{question.pk}-choice": "dont_know", "next": "workshop"})
    assert response["Location"] == url(assessment, "workshop_question", 2)
    assert client.get(url(assessment, "workshop"))["Location"] == url(
        assessment, "workshop_question", 2
    )


def test_the_workshop_hides_names_until_asked(client, owner, assessment, answered):
    client.force_login(owner)
    page = client.get(url(assessment, "workshop_question", 4)).content.decode()
    # Olivia is logged in, so her name is in the navigation bar: look for the others'.
    assert "carlos" not in page and "tess" not in page and "Approved last year" in page
    assert 'data-testid="workshop-keys"' in page
    shown = client.get(url(assessment, "workshop_question", 4) + "?names=1").content.decode()
    assert "carlos" in shown and "tess" in shown
    assert client.get(url(assessment, "workshop_question", 99)).status_code == 404


def test_a_person_who_left_is_shown_by_number(client, owner, assessment, answered):
    answered[2].user = None
    answered[2].save()
    client.force_login(owner)
    page = client.get(url(assessment)).content.decode()
    assert "Respondent 3" in page and "tess" not in page


def test_another_organizations_individual_assessment_answers_404(
    client, owner, outsider, other_organization, questionnaire
):
    theirs = Assessment.objects.create(
        organization=other_organization,
        questionnaire=questionnaire,
        title="Theirs",
        mode=Assessment.Mode.INDIVIDUAL,
    )
    respondent = Respondent.objects.create(assessment=theirs, user=outsider, number=1)
    answer(respondent, "policy", 2)
    question = questionnaire.questions.get(key="policy")
    client.force_login(owner)
    for name, args in (
        ("consensus", ()),
        ("consensus_agree", (question.pk,)),
        ("workshop", ()),
        ("workshop_question", (1,)),
    ):
        address = url(theirs, name, *args)
        assert client.get(address).status_code == 404
        assert client.post(address, {f"a-{question.pk}-choice": "dont_know"}).status_code in (
            404,
            405,
        )
    assert not Answer.objects.filter(assessment=theirs, respondent__isnull=True).exists()


def test_a_checklist_is_prefilled_with_the_boxes_most_checked_and_agreed_as_boxes(
    client, owner, organization
):
    from tests.test_consensus_query_counts import team_assessment

    team = team_assessment(organization, 20, 3)  # boxes: [1], [1, 2], [1, 2, 3]
    Answer.objects.filter(assessment=team, respondent__isnull=True).delete()
    client.force_login(owner)
    cards = client.get(url(team) + "?order=questionnaire").context["cards"]
    card = next(c for c in cards if c.question.is_checklist)
    boxes = [o.pk for o in card.question.options.all()]
    assert card.form.initial["boxes"] == [str(boxes[0]), str(boxes[1])]
    assert card.view.spread > 0
    prefix = f"a-{card.question.pk}-"
    response = client.post(
        url(team, "consensus_agree", card.question.pk),
        {prefix + "boxes": [boxes[0]], prefix + "version": "0"},
        **HTMX,
    )
    assert response.status_code == 200
    stored = Answer.objects.get(assessment=team, question=card.question, respondent__isnull=True)
    assert (stored.kind, stored.boxes) == ("checked", [boxes[0]])


def test_the_pages_are_private_and_not_stored(client, owner, assessment, answered):
    client.force_login(owner)
    for address in (url(assessment), url(assessment, "workshop_question", 1)):
        response = client.get(address)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_questions_out_of_scope_are_not_agreed(client, owner, assessment, answered):
    assessment.change_scope("section", "program", "Not ours", owner, known=["basics", "program"])
    client.force_login(owner)
    cards = client.get(url(assessment)).context["cards"]
    assert [card.question.key for card in cards] == ["inventory", "champion", "contribution-ok"]
    address, question = agree_url(assessment, "policy")
    response = client.post(address, {f"a-{question.pk}-choice": "dont_know"})
    assert response.status_code == 404
    assert agreed(assessment, "policy") is None


def test_bad_input_in_the_workshop_stays_on_its_question(client, owner, assessment, answered):
    client.force_login(owner)
    address, question = agree_url(assessment, "releases")
    response = client.post(
        address, {f"a-{question.pk}-choice": "not_applicable", "next": "workshop"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="workshop"' in page and "Say why this practice does not apply" in page
    assert agreed(assessment, "releases") is None


def test_keep_theirs_draws_the_card_again_from_what_is_stored(client, owner, assessment, answered):
    client.force_login(owner)
    address, question = agree_url(assessment, "policy")
    client.post(address, {f"a-{question.pk}-choice": "dont_know"})
    response = client.get(address, **HTMX)
    assert response.status_code == 200
    assert "Agreed: Don&#x27;t know" in response.content.decode()
    assert client.get(address)["Location"].endswith("#q-policy")
