"""Submitting goes through a review: what is open, then a confirmed POST that locks."""

import pytest
from django.urls import reverse

from assessments.models import Answer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def urls(assessment):
    args = [assessment.organization.slug, assessment.pk]
    return (
        reverse("assessments:assessment_review", args=args),
        reverse("assessments:assessment_submit", args=args),
    )


def answer(assessment, key, kind="option", score=2, reason=""):
    question = assessment.questionnaire.questions.get(key=key)
    option = question.options.get(score=score) if kind == "option" else None
    Answer.objects.create(
        assessment=assessment, question=question, kind=kind, option=option, reason=reason
    )


def test_the_review_lists_what_is_open_per_section_with_links_and_counts(client, owner, assessment):
    answer(assessment, "inventory")
    answer(assessment, "champion", kind="dont_know")
    answer(assessment, "releases", kind="not_applicable", reason="We release no software")
    client.force_login(owner)
    review, submit = urls(assessment)
    response = client.get(review)
    assert response.status_code == 200
    html = response.content.decode()
    section = reverse("assessments:section", args=["acme", assessment.pk, "program"])
    basics = reverse("assessments:section", args=["acme", assessment.pk, "basics"])
    # Answered with a score: not listed. The others link to the question on its page.
    assert f'href="{basics}#q-inventory"' not in html
    assert f'href="{basics}#q-champion"' in html
    assert f'href="{basics}#q-contribution-ok"' in html
    for key in ("policy", "training", "releases"):
        assert f'href="{section}#q-{key}"' in html
    assert "We release no software" in html
    assert "3 of 6 questions answered" in html
    assert "3 unanswered" in html and "1 “don't know”" in html and "1 not applicable" in html
    # The confirm form posts confirm=1 with the CSRF token.
    assert f'action="{submit}"' in html
    assert 'name="confirm" value="1"' in html and "csrfmiddlewaretoken" in html
    assessment.refresh_from_db()
    assert not assessment.is_locked


def test_a_post_without_confirm_goes_to_the_review_and_locks_nothing(client, owner, assessment):
    client.force_login(owner)
    review, submit = urls(assessment)
    response = client.post(submit)
    assert response.status_code == 303
    assert response["Location"] == review
    assessment.refresh_from_db()
    assert not assessment.is_locked


def test_a_confirmed_post_locks_and_a_second_one_changes_nothing(client, colleague, assessment):
    client.force_login(colleague)
    review, submit = urls(assessment)
    results = reverse("assessments:results", args=["acme", assessment.pk])
    response = client.post(submit, {"confirm": "1"})
    assert (response.status_code, response["Location"]) == (302, results)
    assessment.refresh_from_db()
    submitted_at = assessment.submitted_at
    assert assessment.is_locked and submitted_at
    # A double click, or the review opened again: to the results, nothing changes.
    assert client.post(submit, {"confirm": "1"})["Location"] == results
    assert client.get(review)["Location"] == results
    assessment.refresh_from_db()
    assert assessment.submitted_at == submitted_at


def test_viewers_may_not_review_or_submit(client, viewer, assessment):
    client.force_login(viewer)
    review, submit = urls(assessment)
    assert client.get(review).status_code == 403
    assert client.post(submit, {"confirm": "1"}).status_code == 403
    assessment.refresh_from_db()
    assert not assessment.is_locked


def test_another_organizations_review_is_not_found(client, outsider, assessment):
    client.force_login(outsider)
    review, submit = urls(assessment)
    assert client.get(review).status_code == 404
    assert client.post(submit, {"confirm": "1"}).status_code == 404


def test_the_section_page_links_to_the_review_instead_of_submitting(client, owner, assessment):
    client.force_login(owner)
    review, submit = urls(assessment)
    page = client.get(
        reverse("assessments:section", args=["acme", assessment.pk, "basics"])
    ).content.decode()
    assert f'href="{review}"' in page
    assert f'action="{submit}"' not in page
    results = client.get(reverse("assessments:results", args=["acme", assessment.pk]))
    assert f'href="{review}"' in results.content.decode()
