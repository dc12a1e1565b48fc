import pytest
from django.core.management import call_command

from assessments import demo, evaluation
from assessments.models import Answer, Assessment, Organization, Questionnaire

pytestmark = pytest.mark.django_db


def test_setup_demo_creates_the_organization_logins_and_an_answered_assessment(client, capsys):
    call_command("setup_demo")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out
    assert f"{demo.DEMO_USERNAME} / {demo.DEMO_PASSWORD}" in out
    assert client.login(username=demo.DEMO_USERNAME, password=demo.DEMO_PASSWORD)
    questionnaire = Questionnaire.objects.latest_published("ospo-maturity")
    assert questionnaire is not None and questionnaire.questions.count() >= 60
    assessment = Assessment.objects.get(organization__slug="demo")
    assert assessment.answers.count() >= 0.9 * questionnaire.questions.count()


def test_setup_demo_twice_changes_nothing():
    demo.setup_demo()
    counts = (Organization.objects.count(), Assessment.objects.count(), Answer.objects.count())
    demo.setup_demo()
    assert counts == (
        Organization.objects.count(),
        Assessment.objects.count(),
        Answer.objects.count(),
    )


def test_the_demo_organization_stands_at_stage_two_with_blockers_of_stage_three():
    result = evaluation.evaluate(demo.setup_demo().assessment)
    assert result.overall.stage == 2
    assert result.overall.blocking_stage == 3
    assert result.overall.blockers
    assert all(b.recommendation for b in result.overall.blockers)
