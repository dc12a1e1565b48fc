"""Choosing the model when starting an assessment, and the model's page per version."""

import re

import pytest
import yaml
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments import demo
from assessments.forms.assessments import time_estimate
from assessments.models import Assessment
from assessments.questionnaire_file.document import parse_document
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db

START = reverse("assessments:assessment_start", args=["acme"])
HTMX = {"HTTP_HX_REQUEST": "true"}


def another_model(mini_text: str, key: str, title: str, *, publish: bool = True, version=1):
    """mini.yaml under another key and title: a second, small model."""
    doc = yaml.safe_load(mini_text)
    doc |= {"key": key, "title": title, "version": version}
    doc["stages"][0]["name"] = f"{title} first stage"
    return load_text(yaml.safe_dump(doc, sort_keys=False), publish=publish)


@pytest.fixture
def community(mini_text):
    return another_model(mini_text, "community", "Community health check")


def offered(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="questionnaire"[^>]*value="(\d+)"', html)}


def checked(html: str) -> int | None:
    found = re.search(r'<input[^>]*name="questionnaire"[^>]*value="(\d+)"[^>]*checked', html)
    return int(found.group(1)) if found else None


def month() -> str:
    return date_format(timezone.now(), "F Y")


# Starting


@pytest.mark.parametrize("which", ["questionnaire", "community"])
def test_it_starts_each_published_model_from_the_web(client, owner, request, which):
    request.getfixturevalue("questionnaire")
    request.getfixturevalue("community")
    chosen = request.getfixturevalue(which)
    client.force_login(owner)
    response = client.post(START, {"questionnaire": chosen.pk, "title": "Ours"})
    assert response.status_code == 302
    assert Assessment.objects.get(title="Ours").questionnaire == chosen


def test_it_offers_one_choice_per_published_key_on_its_latest_version(
    client, owner, questionnaire, community, next_version_text, mini_text
):
    v2 = load_text(next_version_text(), publish=True)  # retires version 1
    draft = another_model(mini_text, "drafted", "Still a draft", publish=False)
    client.force_login(owner)
    html = client.get(START).content.decode()
    assert offered(html) == {v2.pk, community.pk}
    assert questionnaire.pk not in offered(html) and draft.pk not in offered(html)
    # Each model says what it is, how big, and about how long it takes.
    assert "Community health check" in html and "A small questionnaire for tests" in html
    assert "2 sections, 6 questions; about 5 minutes to answer (an estimate)." in html
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Model</legend>", html)
    assert f'aria-describedby="model-{community.pk}-about"' in html
    assert f'<label class="form-check-label fw-semibold" for="model-{community.pk}">' in html


@pytest.mark.parametrize("status", ["retired", "draft"])
def test_it_refuses_a_version_not_offered_and_creates_nothing(
    client, owner, questionnaire, community, next_version_text, mini_text, status
):
    load_text(next_version_text(), publish=True)
    refused = (
        questionnaire
        if status == "retired"
        else another_model(mini_text, "drafted", "Still a draft", publish=False)
    )
    refused.refresh_from_db()
    assert refused.status == status
    client.force_login(owner)
    response = client.post(START, {"questionnaire": refused.pk, "title": "Ours"})
    assert response.status_code == 400
    assert "That model version is not offered" in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("sent", [{}, {"questionnaire": "999999"}, {"questionnaire": "abc"}])
def test_it_refuses_a_missing_or_unknown_model(client, owner, questionnaire, community, sent):
    client.force_login(owner)
    response = client.post(START, {"title": "Ours", **sent})
    assert response.status_code == 400
    assert not Assessment.objects.exists()


def test_it_says_so_when_nothing_is_published(client, owner):
    client.force_login(owner)
    assert "No questionnaire is published yet" in client.get(START).content.decode()
    response = client.post(START, {"title": "Ours"})
    assert response.status_code == 400 and not Assessment.objects.exists()


# What is chosen already


def test_with_one_model_it_is_chosen_already_and_nothing_is_asked(client, owner, questionnaire):
    client.force_login(owner)
    html = client.get(START).content.decode()
    # No model to choose; the only choice is the way of answering (tests/test_individual.py).
    assert 'name="questionnaire" id=' not in html and ">Model</legend>" not in html
    assert f'<input type="hidden" name="questionnaire" value="{questionnaire.pk}">' in html
    assert "with Miniature OSPO check (version 1)" in html
    assert f'value="Miniature OSPO check, {month()}"' in html


def test_it_preselects_the_model_the_organization_used_last(
    client, owner, organization, questionnaire, community
):
    demo.ensure_default_questionnaire()
    Assessment.objects.create(organization=organization, questionnaire=questionnaire, title="A")
    Assessment.objects.create(organization=organization, questionnaire=community, title="B")
    client.force_login(owner)
    html = client.get(START).content.decode()
    assert checked(html) == community.pk
    assert f'value="Community health check, {month()}"' in html


def test_it_preselects_the_ospo_model_for_an_organization_new_to_it(
    client, owner, questionnaire, community, outsider, other_organization
):
    ospo = demo.ensure_default_questionnaire()
    # Another organization's habits are not ours.
    Assessment.objects.create(
        organization=other_organization, questionnaire=community, title="Theirs"
    )
    client.force_login(owner)
    html = client.get(START).content.decode()
    assert checked(html) == ospo.pk
    assert f'value="OSPO maturity self-assessment, {month()}"' in html


def test_it_preselects_the_first_by_title_without_the_ospo_model(
    client, owner, questionnaire, community
):
    client.force_login(owner)
    html = client.get(START).content.decode()
    assert checked(html) == community.pk  # "Community ..." before "Miniature ..."
    assert html.index("Community health check") < html.index("Miniature OSPO check")


def test_the_default_models_key_is_the_default_files(mini_text):
    document = parse_document(demo.DEFAULT_FILE.read_text(encoding="utf-8"))
    assert document.key == demo.DEFAULT_QUESTIONNAIRE_KEY


# Starting from a previous assessment's answers


def test_it_offers_only_the_chosen_models_assessments_to_start_from(
    client, owner, organization, questionnaire, community
):
    mine = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Mini baseline"
    )
    Assessment.objects.create(
        organization=organization, questionnaire=community, title="Community baseline"
    )
    client.force_login(owner)
    html = client.get(START, {"questionnaire": questionnaire.pk}).content.decode()
    assert checked(html) == questionnaire.pk
    assert f'<option value="{mine.pk}">Mini baseline</option>' in html
    assert "Community baseline" not in html


def test_it_refuses_to_start_from_another_models_assessment(
    client, owner, organization, questionnaire, community
):
    source = Assessment.objects.create(
        organization=organization, questionnaire=community, title="Community baseline"
    )
    client.force_login(owner)
    response = client.post(
        START, {"questionnaire": questionnaire.pk, "title": "Ours", "prefill_from": source.pk}
    )
    assert response.status_code == 400
    assert "Answers can only carry over from one of your organization" in (
        response.content.decode()
    )
    assert list(Assessment.objects.all()) == [source]


def test_choosing_another_model_redraws_the_title_and_the_sources_only(
    client, owner, organization, questionnaire, community
):
    Assessment.objects.create(
        organization=organization, questionnaire=community, title="Community baseline"
    )
    client.force_login(owner)
    default_title = f"Community health check, {month()}"
    html = client.get(
        START, {"questionnaire": questionnaire.pk, "title": default_title}, **HTMX
    ).content.decode()
    assert html.lstrip().startswith('<div id="start-details">') and "<fieldset" not in html
    assert f'value="Miniature OSPO check, {month()}"' in html
    assert "Community baseline" not in html
    # A title the person wrote stays.
    html = client.get(
        START, {"questionnaire": community.pk, "title": "Our 2027 check"}, **HTMX
    ).content.decode()
    assert 'value="Our 2027 check"' in html and "Community baseline" in html


def test_the_start_page_costs_the_same_queries_however_many_models(
    client, owner, organization, questionnaire, mini_text, django_assert_max_num_queries
):
    Assessment.objects.create(organization=organization, questionnaire=questionnaire, title="A")
    client.force_login(owner)
    another_model(mini_text, "second", "Second model")
    client.get(START)  # the session and the user, once
    with django_assert_max_num_queries(6) as few:
        assert client.get(START).status_code == 200
    for number in range(5):
        another_model(mini_text, f"more-{number}", f"More {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(START).content.decode()
    assert len(offered(html)) == 7


@pytest.mark.parametrize(
    ("questions", "words"),
    [
        (0, "about 5 minutes"),
        (6, "about 5 minutes"),
        (30, "about 15 minutes"),
        (72, "about 35 minutes"),
        (130, "about 1 hour"),
        (200, "about 1 hour 45 minutes"),
        (250, "about 2 hours"),
    ],
)
def test_it_estimates_half_a_minute_a_question_rounded(questions, words):
    assert time_estimate(questions) == words


# The model's page, per version


def model_url(questionnaire) -> str:
    return reverse("assessments:model_version", args=[questionnaire.key, questionnaire.version])


def test_the_model_page_of_a_version_shows_that_versions_words(client, mini_text):
    first = another_model(mini_text, "community", "Community health check")
    second = another_model(mini_text, "community", "Community health check 2", version=2)
    first.refresh_from_db()
    old = client.get(model_url(first)).content.decode()
    assert '<h1 class="h3">Community health check</h1>' in old
    assert "Community health check first stage" in old
    assert "Community health check 2 first stage" not in old
    assert "Version 1 (Retired)" in old and f'href="{model_url(second)}"' in old
    new = client.get(model_url(second)).content.decode()
    assert "Community health check 2 first stage" in new and "is the latest" not in new
    # The core minimum in the scale's own words.
    assert "at least “Defined”" in new


def test_a_draft_or_unknown_version_answers_404_to_all_but_staff(
    client, owner, staff, mini_text, questionnaire
):
    draft = another_model(mini_text, "mini", "Mini draft", publish=False, version=2)
    unknown = reverse("assessments:model_version", args=["mini", 9])
    for user in (None, owner):
        if user:
            client.force_login(user)
        assert client.get(model_url(draft)).status_code == 404
        assert client.get(unknown).status_code == 404
    client.force_login(staff)
    response = client.get(model_url(draft))
    assert response.status_code == 200 and "Mini draft" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_staff_member_without_the_questionnaire_permission_gets_404_on_a_draft(
    client, django_user_model, mini_text
):
    draft = another_model(mini_text, "mini", "Mini draft", publish=False)
    stan = django_user_model.objects.create_user("stan", password="pw-stan-123", is_staff=True)
    client.force_login(stan)
    assert client.get(model_url(draft)).status_code == 404
    stan.user_permissions.add(Permission.objects.get(codename="view_questionnaire"))
    client.force_login(django_user_model.objects.get(pk=stan.pk))
    assert client.get(model_url(draft)).status_code == 200


def test_the_models_page_lists_the_published_models_or_goes_to_the_only_one(
    client, questionnaire, mini_text
):
    response = client.get(reverse("assessments:model"))
    assert response.status_code == 302 and response["Location"] == model_url(questionnaire)
    community = another_model(mini_text, "community", "Community health check")
    another_model(mini_text, "drafted", "Still a draft", publish=False)
    html = client.get(reverse("assessments:model")).content.decode()
    assert f'href="{model_url(community)}"' in html and f'href="{model_url(questionnaire)}"' in html
    assert "Still a draft" not in html


def test_about_the_model_links_the_assessments_own_version(
    client, owner, assessment, next_version_text
):
    load_text(next_version_text(), publish=True)
    client.force_login(owner)
    html = client.get(reverse("assessments:results", args=["acme", assessment.pk])).content.decode()
    assert f'<a href="{model_url(assessment.questionnaire)}">About the model</a>' in html


def test_the_start_page_says_how_big_the_model_is_and_what_each_role_may_do(
    client, owner, organization, questionnaire
):
    client.force_login(owner)
    page = client.get(reverse("assessments:assessment_start", args=["acme"])).content.decode()
    assert "2 sections, 6 questions;" in page and "to answer (an estimate)." in page
    roles = page[page.index('data-testid="roles"') :]
    roles = roles[: roles.index("</ul>")]
    for role in ("Owner", "Editor", "Viewer"):
        assert f"<strong>{role}</strong>" in roles
    assert "reopens a submitted assessment" in roles and "changes nothing" in roles
