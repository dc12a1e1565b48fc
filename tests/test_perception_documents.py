"""The largest perception gaps in the strategy's "Where we stand", its PDF and the results
summary PDF: groups of two or more only, in the version's words."""

import html

import pytest
from django.contrib.auth import get_user_model

from assessments.models import Answer, Assessment, Membership, Respondent
from strategy.document import content_hash, document_context
from strategy.models import Strategy
from strategy.pdf import document_html
from strategy.services import where_we_stand_markdown
from strategy.summary_pdf import summary_html

pytestmark = pytest.mark.django_db

HIGH = {"inventory": 4, "champion": 4, "contribution-ok": 4, "policy": 4, "training": 4}
LOW = {"inventory": 1, "champion": 0, "contribution-ok": 0, "policy": 0, "training": 0}
SENTENCE = "Respondents for Management see "


def give(assessment, scores, person=None):
    questions = {q.key: q for q in assessment.questionnaire.questions.all()}
    for key, score in scores.items():
        Answer.objects.create(
            assessment=assessment,
            question=questions[key],
            respondent=person,
            kind="option",
            option=questions[key].options.get(score=score),
        )


def answered_by(assessment, organization, plan):
    """Respondents as (layer, scores) in `plan`, each a new editor of the organization."""
    for number, (layer, scores) in enumerate(plan, start=1):
        user = get_user_model().objects.create_user(f"r{number}", password="pw-r-123")
        Membership.objects.create(organization=organization, user=user)
        person = Respondent.objects.create(
            assessment=assessment, user=user, number=number, speaks_for=layer
        )
        give(assessment, scores, person)


@pytest.fixture
def team(assessment, organization):
    assessment.mode = Assessment.Mode.INDIVIDUAL
    assessment.save(update_fields=["mode"])
    give(assessment, {key: 2 for key in HIGH})
    plan = [("management", HIGH), ("management", HIGH), ("worker", LOW), ("worker", LOW)]
    answered_by(assessment, organization, plan)
    return assessment


def test_where_we_stand_names_the_largest_gaps(team, owner):
    strategy = Strategy.objects.create_from_assessment(team, owner, "Strategy")
    body = strategy.sections.get(key="where-we-stand").body
    assert "our views differ most here:" in body
    assert f"- {SENTENCE}" in body
    assert "respondents for Workers and employees." in body


def test_the_pdf_names_the_largest_gaps_in_where_we_stand(team, owner):
    strategy = Strategy.objects.create_from_assessment(team, owner, "Strategy")
    page = html.unescape(document_html(document_context(strategy)))
    assert 'data-testid="pdf-perception-gaps"' in page
    assert "Where the team's views differ most" in page
    assert SENTENCE in page.split('data-testid="pdf-perception-gaps"')[1]
    # The results page's chart, in the same partial.
    assert '<figure class="chart my-3" id="pdf-perception-gaps"' in page
    assert "Management (2)" in page


def test_a_changed_group_changes_the_pdfs_hash(team, owner):
    strategy = Strategy.objects.create_from_assessment(team, owner, "Strategy")
    before = content_hash(document_context(strategy))
    Respondent.objects.filter(assessment=team, number=1).update(speaks_for="worker")
    assert content_hash(document_context(strategy)) != before


def test_documents_leave_out_groups_of_one(assessment, organization, owner):
    assessment.mode = Assessment.Mode.INDIVIDUAL
    assessment.save(update_fields=["mode"])
    give(assessment, {key: 2 for key in HIGH})
    answered_by(assessment, organization, [("management", HIGH), ("worker", LOW)])
    from assessments.reporting import build_report

    assert "differ most" not in where_we_stand_markdown(build_report(assessment))
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Strategy")
    page = document_html(document_context(strategy))
    assert 'data-testid="pdf-perception-gaps"' not in page
    assert 'id="pdf-perception-gaps"' not in page  # nor the chart
    assert 'data-testid="summary-gaps"' not in summary_html(assessment)


def test_an_assessment_answered_together_says_nothing_of_gaps(assessment, owner):
    give(assessment, {key: 2 for key in HIGH})
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Strategy")
    assert "differ most" not in strategy.sections.get(key="where-we-stand").body
    assert document_context(strategy)["perception"] == ()
    assert "differ most" not in document_html(document_context(strategy))


def test_the_results_summary_names_the_largest_gaps(team):
    page = html.unescape(summary_html(team))
    assert 'data-testid="summary-gaps"' in page
    assert SENTENCE in page.split('data-testid="summary-gaps"')[1]
