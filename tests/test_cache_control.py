"""No cache keeps a private page: every page of the apps that answers the owner is
`Cache-Control: private, no-store`, and the public pages keep their own caching.

The URL patterns are enumerated: a new pattern with an argument this file cannot fill fails the
test until someone says here how to fill it.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment, Invitation, Respondent, ShareLink
from strategy.approval import ApprovedVersion, ReviewComment
from strategy.models import Revision, RoadmapItem, Section, Strategy, StructuredRow
from tests.url_patterns import app_patterns, fill

pytestmark = pytest.mark.django_db

PUBLIC = {"home", "model", "model_version"}
# Pages the owner must be able to open, so that the test cannot pass by answering nothing.
MUST_ANSWER = {
    "dashboard",
    "results",
    "export_answers_csv",
    "export_results_csv",
    "export_results_xlsx",
    "export_json",
    "export_individual_csv",
    "export_pdf",
    "export_markdown",
    "overview",
    "members",
    "team",
    "consensus",
    "my_section",
}


def private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.fixture
def ours(owner, organization, assessment):
    """The owner's own organization, with an answered assessment and a strategy."""
    for question in assessment.questionnaire.questions.prefetch_related("options"):
        Answer.objects.create(
            assessment=assessment,
            question=question,
            kind="option",
            option=question.options.order_by("score").first(),
        )
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Strategy")
    section = Section.objects.filter(strategy=strategy).first()
    # Answered individually too, with the owner among the respondents: the team's pages answer.
    assessment.mode = Assessment.Mode.INDIVIDUAL
    assessment.save()
    respondent = Respondent.objects.create(assessment=assessment, user=owner, number=1)
    return {
        "org_slug": organization.slug,
        "pk": assessment.pk,
        "section_key": "program",
        "question_pk": assessment.questionnaire.questions.get(key="policy").pk,
        "number": 1,  # a question's number in the workshop
        "respondent_pk": respondent.pk,
        "member_pk": owner.memberships.get().pk,
        "invitation_pk": Invitation.objects.create(organization=organization).pk,
        "token": Invitation.objects.create(organization=organization).token,
        "link_pk": ShareLink.create_for(assessment, owner)[0].pk,
        "questionnaire_pk": assessment.questionnaire.pk,
        "strategy_pk": strategy.pk,
        "strategy:section_key": section.key,
        "revision_pk": Revision.objects.create(section=section, version=1, body="x").pk,
        "item_pk": RoadmapItem.objects.create(strategy=strategy, title="Act").pk,
        "row_pk": StructuredRow.objects.create(
            strategy=strategy, kind="risk", data={"risk": "Churn"}
        ).pk,
        "comment_pk": ReviewComment.objects.create(
            strategy=strategy, section=section, body="Why?"
        ).pk,
        "version_pk": ApprovedVersion.objects.create(
            strategy=strategy, major=1, minor=0, approved_at=timezone.now(), pdf=b"%PDF"
        ).pk,
    }


def test_it_marks_every_page_and_export_the_owner_opens_private_and_not_to_be_stored(owner, ours):
    client = Client()
    client.force_login(owner)
    answered = set()
    for pattern in app_patterns():
        if pattern.name in PUBLIC:
            continue
        url = fill(pattern, ours)
        response = client.get(url)
        if response.status_code == 200:
            answered.add(pattern.name)
            assert private(response), f"{url}: {response.get('Cache-Control')!r}"
    assert not MUST_ANSWER - answered, f"the owner could not open {MUST_ANSWER - answered}"


def test_it_marks_the_account_pages_private(client, owner):
    for name in ("login", "password_reset", "assessments:signup"):
        response = client.get(reverse(name))
        assert response.status_code == 200 and private(response), name
    client.force_login(owner)
    response = client.get(reverse("password_change"))
    assert response.status_code == 200 and private(response)


def test_it_leaves_the_public_pages_static_files_and_the_health_check_their_caching(
    client, questionnaire
):
    public = [
        reverse("assessments:home"),
        reverse("assessments:model"),  # one model: a redirect to its version's page
        reverse("assessments:model_version", args=[questionnaire.key, questionnaire.version]),
        reverse("about"),  # the software's version, licence and notices: nobody's data
    ]
    for url in public:
        response = client.get(url)
        assert response.status_code in (200, 302) and "Cache-Control" not in response, url
    static = client.get("/static/css/app.css")
    assert static.status_code == 200 and not private(static)
    health = client.get("/healthz")
    assert health["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
