"""The individual answers leave the app in one file only, for owners; every other export carries
the agreed answers and nothing of anyone's own."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from django.urls import reverse

from assessments.models import Membership, Respondent
from strategy.markdown_export import strategy_markdown
from strategy.models import Strategy
from tests.team_data import answered_team

pytestmark = pytest.mark.django_db

# Words only the respondents' own answers hold: no other export may show any of them.
THEIRS_ONLY = [
    "HYPERLINK",
    "We use none, says Carlos.",
    "No idea.",
    "https://acme.example/policy",
]


@pytest.fixture
def team(assessment, owner, colleague, viewer):
    return answered_team(assessment, owner, colleague, viewer)


def url(name, assessment):
    return reverse(f"assessments:{name}", args=[assessment.organization.slug, assessment.pk])


def rows(response) -> list[dict]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))


def test_an_owner_downloads_every_respondents_own_answers(client, team, owner):
    client.force_login(owner)

    response = client.get(url("export_individual_csv", team.assessment))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "individual-answers.csv" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]
    table = rows(response)
    assert [(r["respondent"], r["question_key"]) for r in table] == [
        ("carlos", "inventory"),
        ("carlos", "policy"),
        ("olivia", "policy"),
        ("vera", "releases"),
    ]
    carlos_policy = table[1]
    assert carlos_policy == {
        **carlos_policy,
        "respondent_number": "1",
        "speaks_for": "Workers and employees",  # the version's words, not the key
        "section": "Program",
        "question_number": "4",
        "question": "Is there an approved open source policy?",
        "answer": "Ad hoc",
        "score": "1",
    }
    # A formula typed as a comment is text in a spreadsheet, never run.
    assert carlos_policy["comment"].startswith("'=HYPERLINK")
    assert (
        table[0]["answer"] == "Not applicable" and table[0]["reason"] == "We use none, says Carlos."
    )
    assert table[0]["score"] == ""
    assert table[2]["speaks_for"] == "Management"
    assert table[2]["evidence_url"] == "https://acme.example/policy"
    assert table[3]["speaks_for"] == "" and table[3]["answer"] == "Don't know"
    assert all(r["answered_at"] for r in table)


def test_someone_who_left_is_only_their_number_in_the_file(client, team, owner, colleague):
    Membership.objects.get(user=colleague, organization=team.assessment.organization).delete()
    client.force_login(owner)

    table = rows(client.get(url("export_individual_csv", team.assessment)))

    assert {r["respondent"] for r in table} == {"Respondent 1", "olivia", "vera"}
    assert "carlos" not in json.dumps(table)


@pytest.mark.parametrize("who", ["colleague", "viewer"])
def test_editors_and_viewers_may_not_download_the_individual_answers(client, team, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(url("export_individual_csv", team.assessment))

    assert response.status_code == 403
    assert b"We use none" not in response.content


def test_another_organization_gets_404(client, team, outsider):
    client.force_login(outsider)

    assert client.get(url("export_individual_csv", team.assessment)).status_code == 404


def test_an_assessment_without_respondents_gives_the_header_only(client, assessment, owner):
    client.force_login(owner)

    response = client.get(url("export_individual_csv", assessment))

    assert response.status_code == 200
    assert rows(response) == []
    assert response.content.decode("utf-8-sig").startswith("respondent_number,respondent,")


def test_the_file_reads_a_fixed_number_of_queries_whatever_the_respondents(
    client, team, owner, django_user_model, django_assert_max_num_queries
):
    client.force_login(owner)
    client.get(url("export_individual_csv", team.assessment))  # the version's structure, kept
    with django_assert_max_num_queries(8) as few:
        client.get(url("export_individual_csv", team.assessment))
    question = team.assessment.questionnaire.questions.get(key="training")
    for number in range(4, 24):
        user = django_user_model.objects.create_user(f"person{number}")
        Membership.objects.create(organization=team.assessment.organization, user=user)
        respondent = Respondent.objects.create(assessment=team.assessment, user=user, number=number)
        team.assessment.record_answer(question, user, respondent=respondent, kind="dont_know")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("export_individual_csv", team.assessment))
    assert len(rows(response)) == 24


def test_the_results_page_offers_the_file_to_owners_only(client, team, owner, colleague):
    link = url("export_individual_csv", team.assessment)
    client.force_login(owner)
    assert link in client.get(url("results", team.assessment)).content.decode()
    client.force_login(colleague)
    assert link not in client.get(url("results", team.assessment)).content.decode()


def exports_of(client, assessment) -> dict[str, str]:
    texts = {}
    for name in ("export_answers_csv", "export_history_csv", "export_results_csv", "export_json"):
        response = client.get(url(name, assessment))
        assert response.status_code == 200, name
        texts[name] = response.content.decode("utf-8-sig")
    workbook = client.get(url("export_results_xlsx", assessment))
    with zipfile.ZipFile(io.BytesIO(workbook.content)) as archive:
        texts["export_results_xlsx"] = "".join(
            archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml")
        )
    return texts


@pytest.mark.parametrize("who", ["owner", "colleague", "viewer"])
def test_no_other_export_carries_anyones_own_answers_or_their_history(client, team, who, request):
    client.force_login(request.getfixturevalue(who))

    texts = exports_of(client, team.assessment)

    for name, text in texts.items():
        for words in THEIRS_ONLY:
            assert words not in text, f"{name} shows {words!r}"
    answers = {
        r["question_key"]: r for r in csv.DictReader(io.StringIO(texts["export_answers_csv"]))
    }
    assert answers["policy"]["score"] == "2" and answers["policy"]["comment"] == "Agreed."
    assert answers["releases"]["answer"] == ""  # only Vera answered it, on her own
    history = list(csv.DictReader(io.StringIO(texts["export_history_csv"])))
    assert {r["question_key"] for r in history} == {"policy", "inventory"}
    assert len(history) == 2
    document = json.loads(texts["export_json"])
    assert "respondent" not in texts["export_json"]
    by_key = {a["question_key"]: a for a in document["answers"]}
    assert len(by_key["policy"]["history"]) == 1
    assert by_key["releases"]["history"] == [] and by_key["releases"]["answer"] == ""


def test_the_strategy_exports_carry_nothing_of_anyones_own_answers(client, team, owner):
    strategy = Strategy.objects.create_from_assessment(team.assessment, owner, "Strategy 2027")
    client.force_login(owner)

    text = strategy_markdown(strategy)
    response = client.get(
        reverse("strategy:export_markdown", args=[team.assessment.organization.slug, strategy.pk])
    )

    assert response.status_code == 200
    for words in THEIRS_ONLY:
        assert words not in text
        assert words not in response.content.decode()


def test_a_share_link_shows_nothing_of_anyones_own_answers(client, team, owner):
    from assessments.models import ShareLink

    team.assessment.submit()
    _link, token = ShareLink.create_for(team.assessment, owner)

    page = client.get(reverse("assessments:shared_results", args=[token]))

    assert page.status_code == 200
    text = page.content.decode()
    for words in THEIRS_ONLY:
        assert words not in text
    assert not re.search(r"\b(carlos|vera|Respondent 1)\b", text)
