"""Read-only share links: only owners make and revoke them; a live link shows the submitted
results to anyone, and a revoked, expired or reopened one answers 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, ShareLink
from assessments.models.share import DEFAULT_DAYS, token_digest


@pytest.fixture
def submitted(assessment):
    assessment.submit()
    return assessment


def links_url(assessment):
    return reverse("assessments:share_links", args=[assessment.organization.slug, assessment.pk])


def make_link(client, owner, assessment, days=DEFAULT_DAYS) -> str:
    client.force_login(owner)
    response = client.post(links_url(assessment), {"days": days})
    assert response.status_code == 200
    return response.context["new_url"]


def test_owner_makes_a_link_that_opens_the_results_without_login(client, owner, submitted):
    url = make_link(client, owner, submitted)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "Acme Research" in html and submitted.title in html
    # No navigation into the organization, no way to the answers.
    assert "/orgs/" not in html


def test_the_token_is_long_random_and_stored_only_as_a_digest(client, owner, submitted):
    url = make_link(client, owner, submitted)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43
    link = ShareLink.objects.get()
    assert link.token_hash == token_digest(token) and token not in link.token_hash
    assert make_link(client, owner, submitted) != url


def test_the_link_expires_after_the_chosen_days(client, owner, submitted):
    url = make_link(client, owner, submitted, days=7)
    link = ShareLink.objects.get()
    assert timedelta(days=6, hours=23) < link.expires_at - timezone.now() <= timedelta(days=7)
    ShareLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url).status_code == 404


def test_the_default_lifetime_is_thirty_days_and_is_shown(client, owner, submitted):
    client.force_login(owner)
    page = client.get(links_url(submitted)).content.decode()
    assert '<option value="30" selected>30 days</option>' in page
    make_link(client, owner, submitted)
    assert ShareLink.objects.get().expires_at - timezone.now() > timedelta(days=29)


def test_an_unknown_lifetime_is_refused(client, owner, submitted):
    client.force_login(owner)
    assert client.post(links_url(submitted), {"days": "3650"}).status_code == 400
    assert not ShareLink.objects.exists()


def test_a_revoked_link_answers_404(client, owner, submitted):
    url = make_link(client, owner, submitted)
    link = ShareLink.objects.get()
    revoke = reverse("assessments:share_revoke", args=["acme", submitted.pk, link.pk])
    assert client.post(revoke).status_code == 302
    assert client.get(url).status_code == 404
    assert link.pk not in [x.pk for x in client.get(links_url(submitted)).context["links"]]


def test_a_reopened_assessment_closes_its_links(client, owner, submitted):
    url = make_link(client, owner, submitted)
    submitted.reopen()
    assert client.get(url).status_code == 404


def test_an_assessment_in_progress_cannot_be_shared(client, owner, assessment):
    client.force_login(owner)
    assert client.post(links_url(assessment), {"days": 30}).status_code == 400
    assert not ShareLink.objects.exists()


def test_a_made_up_token_answers_404(client, db):
    assert client.get(reverse("assessments:shared_results", args=["x" * 43])).status_code == 404


@pytest.mark.parametrize("who", ["colleague", "viewer"])
def test_colleagues_may_not_make_or_revoke_links(client, request, owner, submitted, who):
    make_link(client, owner, submitted)
    link = ShareLink.objects.get()
    client.force_login(request.getfixturevalue(who))
    assert client.get(links_url(submitted)).status_code == 403
    assert client.post(links_url(submitted), {"days": 30}).status_code == 403
    revoke = reverse("assessments:share_revoke", args=["acme", submitted.pk, link.pk])
    assert client.post(revoke).status_code == 403
    assert ShareLink.objects.get().revoked_at is None


def test_outsiders_get_404(client, owner, outsider, submitted):
    make_link(client, owner, submitted)
    link = ShareLink.objects.get()
    client.force_login(outsider)
    assert client.get(links_url(submitted)).status_code == 404
    revoke = reverse("assessments:share_revoke", args=["acme", submitted.pk, link.pk])
    assert client.post(revoke).status_code == 404


def test_an_owner_cannot_revoke_another_organizations_link(
    client, owner, outsider, other_organization, questionnaire, submitted
):
    theirs = Assessment.objects.create(
        organization=other_organization, questionnaire=questionnaire, title="Globex baseline"
    )
    theirs.submit()
    link, token = ShareLink.create_for(theirs, outsider)
    client.force_login(owner)
    # Their link's id under our assessment's URL: not found, not revoked.
    revoke = reverse("assessments:share_revoke", args=["acme", submitted.pk, link.pk])
    assert client.post(revoke).status_code == 404
    assert ShareLink.objects.get(pk=link.pk).revoked_at is None


def test_the_shared_page_shows_no_other_organizations_data(
    client, owner, outsider, other_organization, questionnaire, submitted
):
    theirs = Assessment.objects.create(
        organization=other_organization, questionnaire=questionnaire, title="Globex baseline"
    )
    theirs.submit()
    url = make_link(client, owner, submitted)
    client.logout()
    html = client.get(url).content.decode()
    assert "Acme Research" in html
    assert "Globex" not in html


def test_the_shared_page_shows_no_comment(client, owner, submitted, questionnaire):
    from assessments.models import Answer, Question

    question = Question.objects.filter(questionnaire=questionnaire).first()
    Answer.objects.create(
        assessment=submitted,
        question=question,
        kind=Answer.Kind.DONT_KNOW,
        comment="Internal: ask Bob about the budget",
    )
    url = make_link(client, owner, submitted)
    assert "ask Bob" not in client.get(url).content.decode()


def test_the_results_page_offers_sharing_to_owners_of_a_submitted_assessment(
    client, owner, colleague, submitted
):
    results = reverse("assessments:results", args=["acme", submitted.pk])
    client.force_login(owner)
    assert 'data-testid="share-link"' in client.get(results).content.decode()
    client.force_login(colleague)
    assert 'data-testid="share-link"' not in client.get(results).content.decode()
