"""Staff preview of a questionnaire version: answers in the session, results, nothing stored."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from assessments.models import (
    Answer,
    Assessment,
    Membership,
    Organization,
    Questionnaire,
    ResumePoint,
)
from assessments.views.preview import session_key
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(mini_text) -> Questionnaire:
    return load_text(mini_text.replace("version: 1", "version: 2", 1), publish=False)


@pytest.fixture
def previewer(django_user_model):
    user = django_user_model.objects.create_user("stella", password="pw-stella-123", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_questionnaire"))
    return user


def url(name, questionnaire, *args):
    return reverse(f"assessments:{name}", args=[questionnaire.pk, *args])


def question(questionnaire, key):
    return questionnaire.questions.get(key=key)


def choose(q, score=None, **extra):
    prefix = f"q-{q.pk}-"
    value = str(q.options.get(score=score).pk) if score is not None else extra.pop("choice")
    return {prefix + "choice": value, **{prefix + k: v for k, v in extra.items()}}


def rows():
    return (
        Organization.objects.count(),
        Membership.objects.count(),
        Assessment.objects.count(),
        Answer.objects.count(),
        ResumePoint.objects.count(),
    )


def answer_everything(client, questionnaire, score):
    """Answer every question through the no-JavaScript section form, section by section."""
    for section in questionnaire.sections.order_by("order"):
        data = {}
        for q in section.questions.all():
            data |= choose(q, score=max(o.score for o in q.options.all()) if score else 0)
        response = client.post(url("preview_section", questionnaire, section.key), data)
        assert response.status_code == 302, response.content[:500]


def test_staff_answer_a_draft_and_see_its_results_without_creating_anything(
    client, previewer, draft, owner, assessment
):
    client.force_login(previewer)
    before = rows()

    response = client.get(url("preview", draft))
    assert response.status_code == 302
    assert response["Location"] == url("preview_section", draft, "basics")

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Preview — nothing is saved to any organization." in html
    assert "version 2 (Draft)" in html
    assert 'id="q-inventory"' in html and "0 of 6 answered" in html

    # The htmx save of one question: its fragment, with the progress and sidebar out of band.
    inventory = question(draft, "inventory")
    response = client.post(
        url("preview_section", draft, "basics"),
        {**choose(inventory, 4, comment="All products"), "question": inventory.pk},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="status-q-inventory"' in html and "Saved in this preview" in html
    assert re.search(r"id=\"progress\"[^>]*hx-swap-oob=\"true\"", html)
    assert "1 of 6 answered" in html
    assert re.search(r"id=\"sections-nav\"[^>]*hx-swap-oob=\"true\"", html)

    # The page shows it again; the no-JavaScript form saves a whole section and moves on.
    html = client.get(url("preview_section", draft, "basics")).content.decode()
    assert "All products" in html
    releases = question(draft, "releases")
    response = client.post(
        url("preview_section", draft, "program"),
        {
            **choose(question(draft, "policy"), 4),
            **choose(question(draft, "training"), choice="dont_know"),
            **choose(releases, choice="not_applicable", reason="Nothing released"),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("preview_results", draft)

    stored = client.session[session_key(draft.pk)]
    assert set(stored) == {"inventory", "policy", "training", "releases"}
    assert stored["releases"] == {
        "choice": "not_applicable",
        "reason": "Nothing released",
        "comment": "",
        "evidence_url": "",
    }

    response = client.get(url("preview_results", draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview — nothing is saved to any organization." in html
    assert "2 questions answered, 1 “don't know”, 1 not applicable, 2 unanswered." in html
    assert "Coverage of each stage" in html
    assert url("preview_section", draft, "basics") + "#q-champion" in html
    report = response.context["report"]
    assert report.provisional
    assert (report.overall.stage.level, report.result.overall.answered) == (0, 2)

    assert rows() == before
    # The real assessment of the same organization is untouched, whatever the preview did.
    assert not assessment.answers.exists()


def test_results_reach_the_top_stage_when_everything_is_in_place(client, previewer, draft):
    client.force_login(previewer)
    before = rows()
    answer_everything(client, draft, score="max")
    response = client.get(url("preview_results", draft))
    report = response.context["report"]
    assert report.overall.stage.level == 2
    assert report.next_stage is None
    assert "Every stage is reached" in response.content.decode()
    assert rows() == before


def test_a_published_version_can_be_previewed_too(client, previewer, questionnaire):
    client.force_login(previewer)
    before = rows()
    answer_everything(client, questionnaire, score=0)
    html = client.get(url("preview_results", questionnaire)).content.decode()
    assert "6 questions answered." in html
    assert "(Published)" in html
    assert rows() == before


def test_preview_answers_of_one_version_stay_with_that_version(
    client, previewer, draft, questionnaire
):
    client.force_login(previewer)
    answer_everything(client, draft, score="max")
    html = client.get(url("preview_results", questionnaire)).content.decode()
    assert "0 questions answered, 6 unanswered." in html


def test_an_invalid_answer_is_not_stored(client, previewer, draft):
    client.force_login(previewer)
    releases = question(draft, "releases")
    data = {**choose(releases, choice="not_applicable"), "question": releases.pk}
    response = client.post(url("preview_section", draft, "program"), data, **HTMX)
    assert response.status_code == 400
    assert "Say why this practice does not apply" in response.content.decode()
    response = client.post(url("preview_section", draft, "program"), data)
    assert response.status_code == 400
    assert session_key(draft.pk) not in client.session


def test_answers_the_draft_no_longer_offers_are_forgotten(client, previewer, draft):
    client.force_login(previewer)
    answer_everything(client, draft, score="max")
    # The draft is edited after the preview answered it: the chosen option of 'policy' is gone.
    question(draft, "policy").options.get(score=4).delete()
    response = client.get(url("preview_results", draft))
    assert response.status_code == 200
    assert response.context["report"].result.overall.unanswered == 1


def test_a_draft_that_cannot_be_scored_says_why(client, previewer, draft):
    client.force_login(previewer)
    question(draft, "training").options.all().delete()
    response = client.get(url("preview_results", draft))
    assert response.status_code == 200
    assert "This version cannot be scored yet." in response.content.decode()
    assert "max_score" in response.content.decode()


def test_reset_clears_the_answers(client, previewer, draft):
    client.force_login(previewer)
    answer_everything(client, draft, score="max")
    assert session_key(draft.pk) in client.session
    assert client.get(url("preview_reset", draft)).status_code == 405
    response = client.post(url("preview_reset", draft))
    assert response.status_code == 302
    assert response["Location"] == url("preview", draft)
    assert session_key(draft.pk) not in client.session
    html = client.get(url("preview_results", draft)).content.decode()
    assert "0 questions answered, 6 unanswered." in html


def test_a_superuser_may_preview(client, django_user_model, draft):
    admin = django_user_model.objects.create_superuser("ada", password="pw-ada-123")
    client.force_login(admin)
    assert client.get(url("preview_section", draft, "basics")).status_code == 200


def test_an_unknown_version_or_section_is_404_for_staff(client, previewer, draft):
    client.force_login(previewer)
    assert client.get(reverse("assessments:preview", args=[draft.pk + 1000])).status_code == 404
    assert client.get(url("preview_section", draft, "nowhere")).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "owner", "staff_without_permission", "inactive"])
def test_everyone_else_gets_404(client, draft, owner, previewer, django_user_model, who):
    if who == "owner":
        client.force_login(owner)
    elif who == "staff_without_permission":
        client.force_login(
            django_user_model.objects.create_user("sam", password="pw-sam-123", is_staff=True)
        )
    elif who == "inactive":
        previewer.is_active = False
        previewer.save()
        client.force_login(previewer)
    basics = question(draft, "inventory")
    before = rows()
    for target in [
        url("preview", draft),
        url("preview_section", draft, "basics"),
        url("preview_results", draft),
    ]:
        assert client.get(target).status_code == 404, target
    response = client.post(
        url("preview_section", draft, "basics"), {**choose(basics, 4), "question": basics.pk}
    )
    assert response.status_code == 404
    assert client.post(url("preview_reset", draft)).status_code == 404
    assert session_key(draft.pk) not in client.session
    assert rows() == before


def test_the_admin_links_each_version_to_its_preview(client, questionnaire, django_user_model):
    previewer = django_user_model.objects.create_superuser("ada", "ada@example.org", "pw-ada-123")
    client.force_login(previewer)
    page = client.get(f"/admin/assessments/questionnaire/{questionnaire.pk}/change/")
    assert f'href="/preview/{questionnaire.pk}/"' in page.content.decode()


def test_a_note_in_the_preview_is_kept_but_not_counted_nor_scored(client, previewer, draft):
    client.force_login(previewer)
    inventory = question(draft, "inventory")
    response = client.post(
        url("preview_section", draft, "basics"),
        {f"q-{inventory.pk}-comment": "Ask IT", "question": inventory.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "0 of 6 answered" in response.content.decode()
    page = client.get(url("preview_section", draft, "basics")).content.decode()
    assert re.search(r">\s*Ask IT</textarea>", page) and "0 of 6 answered" in page
    assert client.get(url("preview_results", draft)).status_code == 200
    answering = client.session[session_key(draft.pk)]
    assert answering["inventory"]["choice"] == "note"
