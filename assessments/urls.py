from django.urls import path

import assessments.converters  # noqa: F401 - registers <unicode_slug:...> (any script)
from assessments.views import (
    accounts,
    answer_history,
    answering,
    consensus,
    individual,
    organizations,
    pages,
    results,
    share,
    team,
)
from assessments.views.individual_export import export_individual_csv
from assessments.views.preview import (
    preview_reset,
    preview_results,
    preview_section,
    preview_start,
)
from assessments.views.scope import assessment_scope
from assessments.views.upgrade import assessment_upgrade

app_name = "assessments"

org = "orgs/<unicode_slug:org_slug>/"
assessment = org + "assessments/<int:pk>/"

urlpatterns = [
    path("", pages.home, name="home"),
    path("model/", pages.model_overview, name="model"),
    path("model/<slug:key>/<int:version>/", pages.model_version, name="model_version"),
    # Accounts and organizations
    path("accounts/signup/", accounts.signup, name="signup"),
    path("orgs/new/", organizations.organization_create, name="organization_create"),
    path("invite/<str:token>/", organizations.invitation_accept, name="invitation_accept"),
    path(org + "members/", organizations.members, name="members"),
    path(org + "members/<int:member_pk>/role/", organizations.member_role, name="member_role"),
    path(
        org + "members/<int:member_pk>/remove/", organizations.member_remove, name="member_remove"
    ),
    path(org + "invitations/new/", organizations.invitation_create, name="invitation_create"),
    path(
        org + "invitations/<int:invitation_pk>/revoke/",
        organizations.invitation_revoke,
        name="invitation_revoke",
    ),
    path(org + "delete/", organizations.organization_delete, name="organization_delete"),
    # History and starting an assessment
    path(org, results.organization_dashboard, name="dashboard"),
    path(org + "compare/", results.compare, name="compare"),
    path(org + "assessments/new/", answering.assessment_start, name="assessment_start"),
    # Answering
    path(assessment, answering.assessment_resume, name="assessment"),
    path(
        assessment + "sections/<slug:section_key>/",
        answering.section,
        name="section",
    ),
    path(
        assessment + "questions/<int:question_pk>/answer/",
        answering.answer_save,
        name="answer_save",
    ),
    path(
        assessment + "questions/<int:question_pk>/history/",
        answer_history.answer_history_page,
        name="answer_history",
    ),
    path(
        assessment + "questions/<int:question_pk>/confirm/",
        answer_history.answer_confirm,
        name="answer_confirm",
    ),
    # One URL, two names: the review (GET) and the submit it confirms (POST with confirm=1).
    path(assessment + "submit/", answering.assessment_submit, name="assessment_review"),
    path(assessment + "submit/", answering.assessment_submit, name="assessment_submit"),
    path(assessment + "reopen/", answering.assessment_reopen, name="assessment_reopen"),
    path(assessment + "delete/", answering.assessment_delete, name="assessment_delete"),
    path(assessment + "scope/", assessment_scope, name="assessment_scope"),
    # Individual answering: the team page, and a respondent's own answers (docs/team.md)
    path(assessment + "team/", team.team, name="team"),
    path(assessment + "team/settings/", team.team_settings, name="team_settings"),
    path(
        assessment + "team/respondents/new/",
        team.team_respondent_add,
        name="team_respondent_add",
    ),
    path(
        assessment + "team/respondents/<int:respondent_pk>/",
        team.team_respondent,
        name="team_respondent",
    ),
    path(
        assessment + "team/respondents/<int:respondent_pk>/remove/",
        team.team_respondent_remove,
        name="team_respondent_remove",
    ),
    path(assessment + "mine/", individual.my_answers, name="my_answers"),
    path(
        assessment + "mine/sections/<slug:section_key>/",
        individual.my_section,
        name="my_section",
    ),
    path(
        assessment + "mine/questions/<int:question_pk>/answer/",
        individual.my_answer_save,
        name="my_answer_save",
    ),
    path(
        assessment + "mine/questions/<int:question_pk>/history/",
        individual.my_answer_history,
        name="my_answer_history",
    ),
    path(assessment + "mine/submit/", individual.my_submit, name="my_submit"),
    path(assessment + "mine/reopen/", individual.my_reopen, name="my_reopen"),
    # Agreeing a team's individual answers: the consensus view and the workshop
    path(assessment + "consensus/", consensus.consensus_view, name="consensus"),
    path(
        assessment + "consensus/questions/<int:question_pk>/",
        consensus.consensus_agree,
        name="consensus_agree",
    ),
    path(assessment + "workshop/", consensus.workshop, name="workshop"),
    path(
        assessment + "workshop/<int:number>/", consensus.workshop_question, name="workshop_question"
    ),
    # Results and exports
    path(assessment + "results/", results.results, name="results"),
    path(assessment + "standards/", results.standards, name="standards"),
    path(assessment + "export/answers.csv", results.export_answers_csv, name="export_answers_csv"),
    path(assessment + "export/results.csv", results.export_results_csv, name="export_results_csv"),
    path(
        assessment + "export/results.xlsx", results.export_results_xlsx, name="export_results_xlsx"
    ),
    path(assessment + "export/history.csv", results.export_history_csv, name="export_history_csv"),
    path(assessment + "export.json", results.export_json, name="export_json"),
    # The individual answers, for owners only
    path(
        assessment + "export/individual.csv",
        export_individual_csv,
        name="export_individual_csv",
    ),
    # Read-only share links of a submitted assessment
    path(assessment + "share/", share.share_links, name="share_links"),
    path(assessment + "share/<int:link_pk>/revoke/", share.share_revoke, name="share_revoke"),
    path("shared/<str:token>/", share.shared_results, name="shared_results"),
    # Moving an assessment to the latest version of its questionnaire
    path(assessment + "upgrade/", assessment_upgrade, name="assessment_upgrade"),
    # Staff preview of any questionnaire version, answers kept in the session only
    path("preview/<int:questionnaire_pk>/", preview_start, name="preview"),
    path(
        "preview/<int:questionnaire_pk>/sections/<slug:section_key>/",
        preview_section,
        name="preview_section",
    ),
    path("preview/<int:questionnaire_pk>/results/", preview_results, name="preview_results"),
    path("preview/<int:questionnaire_pk>/reset/", preview_reset, name="preview_reset"),
]
