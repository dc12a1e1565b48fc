"""Moving an organization between installations: export, import, and what import refuses."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments.models import (
    Answer,
    AnswerOption,
    Assessment,
    Invitation,
    Membership,
    Organization,
    Question,
    Questionnaire,
)
from ospo_assess.portability import (
    FORMAT,
    ImportRefused,
    dumps,
    export_organization,
    import_organization,
)
from strategy.models import Revision, RoadmapItem, Strategy
from strategy.models import Section as StrategySection

pytestmark = pytest.mark.django_db

User = get_user_model()

# Every table an import could touch; the snapshot holds each row's values by primary key.
MODELS = [
    User,
    Organization,
    Membership,
    Invitation,
    Assessment,
    Answer,
    Strategy,
    StrategySection,
    Revision,
    RoadmapItem,
    Questionnaire,
    Question,
    AnswerOption,
]


def snapshot() -> dict:
    return {
        model._meta.label: {row["id"]: row for row in model.objects.order_by("pk").values()}
        for model in MODELS
    }


def answer(assessment, key, user, **values):
    question = assessment.questionnaire.questions.get(key=key)
    score = values.pop("score", None)
    if score is not None:
        values.update(kind="option", option=question.options.get(score=score))
    return Answer.objects.create(
        assessment=assessment, question=question, answered_by=user, **values
    )


@pytest.fixture
def acme(organization, questionnaire, owner, colleague, assessment):
    """An organization with every kind of row an export carries, and one it must leave out."""
    viewer = User.objects.create_user("vera", email="vera@acme.example", password="pw-vera-123")
    Membership.objects.create(organization=organization, user=viewer, role="viewer")
    answer(
        assessment,
        "inventory",
        owner,
        score=4,
        comment="SBOMs for all products.",
        evidence_url="https://acme.example/sbom",
    )
    answer(assessment, "champion", colleague, kind="dont_know")
    answer(assessment, "releases", owner, kind="not_applicable", reason="We release nothing.")
    answer(assessment, "contribution-ok", colleague, score=2, comment="Ask your manager.")
    answer(assessment, "policy", owner, score=1)
    follow_up = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Follow-up", created_by=owner
    )
    answer(follow_up, "policy", colleague, score=3)
    follow_up.submit()
    Invitation.objects.create(organization=organization, role="editor", created_by=owner)

    strategy = Strategy.objects.create_from_assessment(
        assessment, owner, "Open source strategy 2027"
    )
    why = strategy.sections.get(key="why")
    why.save_body("We build **public** services.", why.version, owner)
    why.refresh_from_db()
    why.save_body("We build public services, openly.", why.version, colleague)
    strategy.horizon = "end of 2027"
    strategy.scope_targets = {"pillars": {"enabler": 2}, "layers": {"management": 3}}
    strategy.save()
    RoadmapItem.objects.create(
        strategy=strategy, order=9, title="Publish the policy", owner="Olivia", status="done"
    )
    orphan = Strategy.objects.create_from_assessment(
        follow_up, colleague, "Draft without assessment"
    )
    orphan.assessment = None
    orphan.save()
    return organization


@pytest.fixture
def globex(other_organization, outsider, questionnaire):
    """Another organization in the same database: an import must leave all of it alone."""
    assessment = Assessment.objects.create(
        organization=other_organization,
        questionnaire=questionnaire,
        title="Globex baseline",
        created_by=outsider,
    )
    answer(assessment, "policy", outsider, score=2)
    answer(assessment, "inventory", outsider, score=3)
    Strategy.objects.create_from_assessment(assessment, outsider, "Globex strategy")
    Invitation.objects.create(organization=other_organization, role="viewer", created_by=outsider)
    return other_organization


def without_identity(data: dict) -> dict:
    data = copy.deepcopy(data)
    del data["organization"]["slug"], data["organization"]["name"]
    return data


# --- Export ---------------------------------------------------------------------------------


def test_the_export_holds_the_organization_and_leaves_invitations_out(acme):
    data = export_organization(acme)
    assert data["format"] == FORMAT == "ospo-assess/organization@1"
    assert data["organization"]["slug"] == "acme"
    assert [(m["username"], m["role"]) for m in data["members"]] == [
        ("carlos", "editor"),
        ("olivia", "owner"),
        ("vera", "viewer"),
    ]
    assert data["members"][2]["email"] == "vera@acme.example"
    baseline, follow_up = data["assessments"]
    assert baseline["questionnaire"] == {"key": "mini", "version": 1}
    assert follow_up["status"] == "submitted" and follow_up["submitted_at"]
    by_key = {a["question"]: a for a in baseline["answers"]}
    assert by_key["inventory"]["option"] == 4
    assert by_key["inventory"]["evidence_url"] == "https://acme.example/sbom"
    assert by_key["champion"] == {**by_key["champion"], "kind": "dont_know", "option": None}
    assert by_key["releases"]["reason"] == "We release nothing."
    assert by_key["contribution-ok"]["answered_by"] == "carlos"
    strategy, orphan = data["strategies"]
    assert strategy["assessment"] == 0 and orphan["assessment"] is None
    why = next(s for s in strategy["sections"] if s["key"] == "why")
    assert why["version"] == 2 and why["updated_by"] == "carlos"
    assert [r["body"] for r in why["revisions"]] == [
        "We build **public** services.",
        "We build public services, openly.",
    ]
    assert strategy["roadmap"][-1]["title"] == "Publish the policy"
    text = dumps(data)
    token = Invitation.objects.get(organization=acme).token
    assert token not in text and "invitation" not in text.lower()
    assert "password" not in text


def test_the_export_text_is_stable(acme):
    first = dumps(export_organization(acme))
    second = dumps(export_organization(Organization.objects.get(slug="acme")))
    assert first == second
    assert first.startswith('{\n  "format": "ospo-assess/organization@1",\n')


# --- Import ---------------------------------------------------------------------------------


def test_round_trip_under_a_new_slug_gives_the_same_export(acme, globex):
    exported = export_organization(acme)
    copy_ = import_organization(
        json.loads(dumps(exported)), slug="acme-copy", name="Acme Copy", link_existing_users=True
    )
    again = export_organization(copy_)
    assert again["organization"]["slug"] == "acme-copy"
    assert again["organization"]["name"] == "Acme Copy"
    assert without_identity(again) == without_identity(exported)
    # New rows, not the old ones shared: the copy has its own assessments and strategies.
    assert Assessment.objects.filter(organization=copy_).count() == 2
    assert not Invitation.objects.filter(organization=copy_).exists()
    copied = Strategy.objects.get(organization=copy_, title="Open source strategy 2027")
    assert copied.assessment.organization == copy_


def test_an_import_changes_no_other_organization(acme, globex):
    exported = json.loads(dumps(export_organization(acme)))
    before = snapshot()
    created = import_organization(exported, slug="acme-2", link_existing_users=True)
    after = snapshot()
    for label, rows in before.items():
        for pk, values in rows.items():
            assert after[label][pk] == values, f"{label} {pk} changed"
    # Every new row belongs to the new organization; no user was created or changed.
    new = {label: set(after[label]) - set(rows) for label, rows in before.items()}
    assert not new["auth.User"]
    assert Organization.objects.filter(pk__in=new["assessments.Organization"]).get() == created
    owners = {
        "assessments.Membership": Membership,
        "assessments.Assessment": Assessment,
        "strategy.Strategy": Strategy,
    }
    for label, model in owners.items():
        assert new[label]
        assert set(
            model.objects.filter(pk__in=new[label]).values_list("organization", flat=True)
        ) == {created.pk}
    assert set(
        Answer.objects.filter(pk__in=new["assessments.Answer"]).values_list(
            "assessment__organization", flat=True
        )
    ) == {created.pk}
    for label in ("assessments.Questionnaire", "assessments.Question", "assessments.Invitation"):
        assert not new[label]


def test_members_missing_here_are_created_without_a_usable_password(acme):
    data = export_organization(acme)
    data["members"].append(
        {"username": "newcomer", "email": "new@acme.example", "role": "editor", "joined_at": None}
    )
    data["assessments"][0]["answers"][0]["answered_by"] = "ghost"
    messages: list[str] = []
    created = import_organization(
        data, slug="acme-moved", messages=messages, link_existing_users=True
    )
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.email == "new@acme.example"
    assert not newcomer.has_usable_password()
    assert Membership.objects.get(organization=created, user=newcomer).role == "editor"
    assert any("newcomer" in m and "changepassword" in m for m in messages)
    assert any("ghost" in m for m in messages)
    first = Answer.objects.filter(assessment__organization=created).order_by("pk").first()
    assert first.answered_by is None
    # Existing users are linked when asked, not changed.
    assert Membership.objects.get(organization=created, user__username="olivia").role == "owner"


def test_a_taken_slug_is_refused_and_nothing_is_written(acme):
    data = export_organization(acme)
    before = snapshot()
    with pytest.raises(ImportRefused) as refused:
        import_organization(data)
    assert "'acme' exists already" in str(refused.value)
    assert "--as-slug" in str(refused.value)
    assert snapshot() == before


def test_a_reserved_slug_is_refused_from_the_file_or_the_command_line_and_nothing_is_written(
    acme, tmp_path
):
    data = export_organization(acme)
    data["organization"]["slug"] = "new"
    before = snapshot()
    with pytest.raises(ImportRefused, match="organization.slug: 'new': .*reserved"):
        import_organization(data)
    path = tmp_path / "acme.json"
    call_command("export_organization", "acme", "-o", str(path))
    with pytest.raises(CommandError, match="(?s)nothing was written.*--as-slug: 'new': .*reserved"):
        call_command("import_organization", str(path), "--as-slug", "new")
    assert snapshot() == before


def test_the_imported_organization_has_the_members_and_times_of_the_file(acme):
    data = export_organization(acme)
    created = import_organization(data, slug="acme-2", link_existing_users=True)
    assert export_organization(created)["members"] == data["members"]


def _bad_format(data):
    data["format"] = "something-else/organization@1"


def _newer_format(data):
    data["format"] = "ospo-assess/organization@2"


def _unknown_version(data):
    data["assessments"][1]["questionnaire"]["version"] = 7


def _unknown_question(data):
    data["assessments"][0]["answers"][2]["question"] = "no-such-question"


def _unknown_option(data):
    row = next(a for a in data["assessments"][0]["answers"] if a["question"] == "policy")
    row["option"] = 99


def _bad_strategy_reference(data):
    data["strategies"][0]["assessment"] = 5


def _bad_values(data):
    data["members"][0]["role"] = "admin"
    data["assessments"][0]["title"] = "x" * 300
    data["strategies"][0]["roadmap"][0]["target_quarter"] = "sometime next year"
    data["assessments"][1]["created_at"] = "2026-13-45T10:00:00+00:00"
    data["assessments"][0]["answers"][0]["kind"] = "maybe"


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (_bad_format, ["format: expected 'ospo-assess/organization@1'", "not an OSPO Assess"]),
        (_newer_format, ["'ospo-assess/organization@2' is a version this installation"]),
        (
            _unknown_version,
            [
                "assessments[1].questionnaire: questionnaire 'mini' version 7 is not installed",
                "installed versions: [1]",
            ],
        ),
        (
            _unknown_question,
            [
                "assessments[0].answers[2].question: questionnaire 'mini' version 1 has no "
                "question 'no-such-question'"
            ],
        ),
        (_unknown_option, ["question 'policy' has no option scored 99"]),
        (_bad_strategy_reference, ["strategies[0].assessment: refers to assessment 5"]),
        (
            _bad_values,
            [
                "members[0].role: 'admin' is not one of: owner, editor, viewer",
                "assessments[0].title: Ensure this value has at most 200 characters",
                "strategies[0].roadmap[0].target_quarter: Ensure this value has at most 7",
                "assessments[1].created_at: not a date and time: '2026-13-45T10:00:00+00:00'",
                "assessments[0].answers[0].kind: 'maybe' is not one of: option, dont_know",
            ],
        ),
    ],
)
def test_malformed_input_writes_nothing_and_says_what_is_wrong(acme, globex, spoil, expected):
    data = export_organization(acme)
    spoil(data)
    before = snapshot()
    with pytest.raises(ImportRefused) as refused:
        import_organization(data, slug="acme-new")
    for text in expected:
        assert any(text in problem for problem in refused.value.problems), (
            text,
            refused.value.problems,
        )
    assert snapshot() == before


@pytest.mark.parametrize("data", [None, [], "text", {"organization": {}}])
def test_what_is_not_an_export_at_all_is_refused(db, data):
    with pytest.raises(ImportRefused):
        import_organization(data)
    assert not Organization.objects.exists()


# --- Commands -------------------------------------------------------------------------------


def test_the_commands_export_and_import(acme, globex, tmp_path, capsys):
    path = tmp_path / "acme.json"
    call_command("export_organization", "acme", "-o", str(path))
    text = path.read_text(encoding="utf-8")
    assert json.loads(text)["format"] == FORMAT
    call_command("export_organization", "acme")
    assert capsys.readouterr().out == text

    call_command(
        "import_organization",
        str(path),
        "--as-slug",
        "acme-restored",
        "--link-existing-users",
        "--apply",
    )
    out = capsys.readouterr().out
    assert "Imported 'Acme Research' as /orgs/acme-restored/" in out
    assert "3 members, 2 assessments, 2 strategies" in out
    restored = Organization.objects.get(slug="acme-restored")
    assert without_identity(export_organization(restored)) == without_identity(json.loads(text))


def test_the_import_command_refuses_a_taken_slug_and_bad_files(acme, tmp_path):
    path = tmp_path / "acme.json"
    call_command("export_organization", "acme", "-o", str(path))
    with pytest.raises(CommandError, match="(?s)nothing was written.*exists already"):
        call_command("import_organization", str(path))

    data = json.loads(path.read_text())
    data["assessments"][0]["questionnaire"]["key"] = "other"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="'other' version 1 is not installed"):
        call_command("import_organization", str(path), "--as-slug", "acme-2")

    path.write_text("{not json")
    with pytest.raises(CommandError, match="is not JSON"):
        call_command("import_organization", str(path), "--as-slug", "acme-2")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_organization", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="no organization with the slug 'nope'"):
        call_command("export_organization", "nope")
    assert list(Organization.objects.values_list("slug", flat=True)) == ["acme"]


def test_timestamps_survive_the_trip(acme):
    old = timezone.now() - timedelta(days=400)
    Assessment.objects.filter(organization=acme).update(created_at=old, updated_at=old)
    Organization.objects.filter(pk=acme.pk).update(created_at=old)
    acme.refresh_from_db()
    copy_ = import_organization(
        export_organization(acme), slug="acme-old", link_existing_users=True
    )
    assert copy_.created_at == old
    assert set(copy_.assessments.values_list("created_at", flat=True)) == {old}


# --- Existing users and references to non-members -------------------------------------------


def test_members_whose_usernames_exist_here_are_refused_by_default_and_nothing_is_written(acme):
    data = export_organization(acme)
    before = snapshot()
    with pytest.raises(ImportRefused) as refused:
        import_organization(data, slug="acme-2")
    [problem] = refused.value.problems
    assert "existing users of this installation" in problem
    assert "carlos, olivia, vera" in problem
    assert "--link-existing-users" in problem
    assert snapshot() == before


def test_a_new_member_is_created_while_an_existing_username_alone_is_refused(acme, outsider):
    data = export_organization(acme)
    data["members"] = [
        {"username": "newcomer", "email": "", "role": "owner", "joined_at": None},
        {"username": "oscar", "email": "", "role": "editor", "joined_at": None},
    ]
    with pytest.raises(ImportRefused, match="existing users of this installation.*: oscar\\."):
        import_organization(data, slug="acme-2")
    data["members"].pop()
    created = import_organization(data, slug="acme-2")
    assert [m.user.username for m in created.memberships.select_related("user")] == ["newcomer"]


def test_the_command_refuses_existing_users_by_default_and_lists_them(acme, tmp_path):
    path = tmp_path / "acme.json"
    call_command("export_organization", "acme", "-o", str(path))
    before = snapshot()
    with pytest.raises(CommandError, match="(?s)nothing was written.*carlos, olivia, vera"):
        call_command("import_organization", str(path), "--as-slug", "acme-2")
    with pytest.raises(CommandError, match="--apply goes with --link-existing-users"):
        call_command("import_organization", str(path), "--as-slug", "acme-2", "--apply")
    assert snapshot() == before


def test_linking_existing_users_is_a_dry_run_that_lists_them_unless_applied(acme, tmp_path, capsys):
    path = tmp_path / "acme.json"
    call_command("export_organization", "acme", "-o", str(path))
    capsys.readouterr()
    before = snapshot()
    call_command("import_organization", str(path), "--as-slug", "acme-2", "--link-existing-users")
    out = capsys.readouterr().out
    for username, role in [("olivia", "owner"), ("carlos", "editor"), ("vera", "viewer")]:
        assert f"Would link the existing user {username!r} as {role}" in out
    assert "Dry run" in out and "nothing was written" in out
    assert snapshot() == before

    call_command(
        "import_organization", str(path), "--as-slug", "acme-2", "--link-existing-users", "--apply"
    )
    out = capsys.readouterr().out
    assert "Linked the existing user 'olivia' as owner" in out
    created = Organization.objects.get(slug="acme-2")
    assert dict(created.memberships.values_list("user__username", "role")) == {
        "olivia": "owner",
        "carlos": "editor",
        "vera": "viewer",
    }


def test_references_to_non_members_are_left_empty_even_when_the_user_exists(acme, outsider):
    data = export_organization(acme)
    assessment = data["assessments"][0]
    assessment["created_by"] = "oscar"
    for row in assessment["answers"]:
        row["answered_by"] = "oscar"
    assessment["answers"].append(
        {
            "question": "policy",
            "respondent": "oscar",
            "kind": "option",
            "option": 4,
            "reason": "",
            "comment": "Mine.",
            "evidence_url": "",
            "answered_by": "oscar",
            "answered_at": assessment["created_at"],
        }
    )
    strategy = data["strategies"][0]
    strategy["created_by"] = "oscar"
    strategy["sections"][0]["updated_by"] = "oscar"
    strategy["sections"][0]["revisions"][0]["created_by"] = "oscar"
    messages: list[str] = []
    created = import_organization(data, slug="acme-2", messages=messages, link_existing_users=True)

    credited = {
        *Assessment.objects.filter(organization=created).values_list("created_by", flat=True),
        *Answer.objects.filter(assessment__organization=created).values_list(
            "answered_by", flat=True
        ),
        *Answer.objects.filter(assessment__organization=created).values_list(
            "respondent", flat=True
        ),
        *Strategy.objects.filter(organization=created).values_list("created_by", flat=True),
        *StrategySection.objects.filter(strategy__organization=created).values_list(
            "updated_by", flat=True
        ),
        *Revision.objects.filter(section__strategy__organization=created).values_list(
            "created_by", flat=True
        ),
    }
    assert outsider.pk not in credited
    first = Assessment.objects.filter(organization=created).order_by("created_at", "pk").first()
    assert first.created_by is None
    assert not first.answers.filter(answered_by__isnull=False).exists()
    assert not first.answers.filter(respondent__isnull=False).exists()
    assert any("not members of the organization" in m and "oscar" in m for m in messages)
    assert any("Left out 'oscar'" in m for m in messages)
    assert not outsider.memberships.filter(organization=created).exists()
