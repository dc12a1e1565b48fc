import pytest
from django.core.management import CommandError, call_command

from assessments import demo, evaluation
from assessments.models import Answer, Assessment, Organization, Questionnaire

pytestmark = pytest.mark.django_db


def test_setup_demo_creates_the_organization_logins_and_an_answered_assessment(client, capsys):
    call_command("setup_demo")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out
    assert f"{demo.DEMO_USERNAME} / {demo.DEMO_PASSWORD}" in out
    # Through the login form: the lockout backend needs the request that a real log-in has.
    response = client.post(
        "/accounts/login/", {"username": demo.DEMO_USERNAME, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session
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
    # The recognition of open source work is a core practice of stage 3 answered 'ad hoc': it
    # gates the stage and has the largest impact, ahead of the two half-done core practices.
    assert [b.question for b in result.overall.blockers[:3]] == [
        "contribution-recognition",
        "contribution-process-light",
        "upstream-time-for-critical-projects",
    ]
    assert result.overall.blockers[0].gating
    assert all(b.recommendation for b in result.overall.blockers)
    assert {scope.stage for scope in result.layers.values()} == {2}
    # The advocate pillar is the demo's documented weak spot.
    assert result.pillars["advocate"].stage == 1


def test_the_default_questionnaire_loads_on_a_fresh_install_by_command(capsys):
    call_command("load_questionnaire", "--default", "--if-missing")
    call_command("load_questionnaire", "--default", "--if-missing")
    assert Questionnaire.objects.filter(key="ospo-maturity", status="published").count() == 1


def test_load_questionnaire_needs_a_file_or_default():
    with pytest.raises(CommandError, match="Name a questionnaire file"):
        call_command("load_questionnaire")


def test_the_model_page_explains_every_stage_with_its_linux_foundation_name(client):
    demo.ensure_default_questionnaire()
    page = client.get("/model/", follow=True).content.decode()
    for name in ("Awareness", "Ad hoc", "Leader and advisor", "Pillars of support"):
        assert name in page
    assert "Stage 4: Becoming a strategic decision-making partner" in page


def test_the_model_page_answers_404_before_any_questionnaire_is_published(client):
    assert client.get("/model/").status_code == 404


def test_the_demo_baseline_is_submitted_so_a_first_visit_sees_final_results(client):
    logins = demo.setup_demo()
    assert logins.assessment.is_locked
    client.force_login(logins.assessment.created_by)
    page = client.get(f"/orgs/demo/assessments/{logins.assessment.pk}/results/").content.decode()
    assert "Provisional" not in page
    # A second run leaves it as it is, submitted or reopened by the visitor meanwhile.
    logins.assessment.reopen()
    assert not demo.setup_demo().assessment.is_locked


def test_the_demo_owner_reopens_the_baseline_from_a_section_in_one_click(client):
    logins = demo.setup_demo()
    assessment = logins.assessment
    client.force_login(assessment.created_by)
    section = assessment.questionnaire.sections.order_by("order").first()
    page = client.get(f"/orgs/demo/assessments/{assessment.pk}/sections/{section.key}/")
    reopen = f"/orgs/demo/assessments/{assessment.pk}/reopen/"
    assert f'action="{reopen}"' in page.content.decode()
    client.post(reopen)
    assessment.refresh_from_db()
    assert not assessment.is_locked


def test_the_demo_team_workshop_waits_for_its_owner_to_agree_what_the_team_disagrees_on(client):
    from assessments import demo_team
    from assessments.models import Respondent

    logins = demo.setup_demo()
    team = logins.team
    assert team.is_individual and team.organization.slug == demo_team.TEAM_SLUG
    respondents = list(Respondent.objects.filter(assessment=team))
    assert [r.speaks_for for r in respondents] == ["worker", "management", "units"]
    assert all(r.has_submitted and r.answers.count() > 60 for r in respondents)
    agreed = team.answers.filter(respondent__isnull=True).count()
    assert 0 < agreed < team.questionnaire.questions.count() / 2
    # The baseline stays the one assessment of the demo organization.
    assert logins.assessment.organization.assessments.count() == 1

    client.force_login(logins.assessment.created_by)
    base = f"/orgs/{demo_team.TEAM_SLUG}/assessments/{team.pk}/"
    progress = client.get(base + "consensus/").content.decode()
    assert f"{agreed} of " in progress and "strong disagreement" in progress
    results = client.get(base + "results/").content.decode()
    assert "Perception gaps" in results and "Respondents for Management" in results
