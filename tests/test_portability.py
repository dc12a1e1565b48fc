"""Moving an organization between installations: export, import, and what import refuses."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import (
    Answer,
    AnswerChange,
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
    AnswerChange,
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
    for label, model in (
        ("assessments.Answer", Answer),
        ("assessments.AnswerChange", AnswerChange),
    ):
        assert set(
            model.objects.filter(pk__in=new[label]).values_list(
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
            "respondent__user", flat=True
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
    # Their own answer is kept, as a respondent's who left: without their name.
    own = first.answers.get(respondent__isnull=False)
    assert own.respondent.user is None and own.comment == "Mine."
    assert not first.answers.filter(respondent__user__isnull=False).exists()
    assert any("not members of the organization" in m and "oscar" in m for m in messages)
    assert any("Kept 'oscar''s own answers" in m and "Respondent 1" in m for m in messages)
    assert not outsider.memberships.filter(organization=created).exists()


# --- Answer history and review state --------------------------------------------------------


def history(assessment) -> list[tuple]:
    """Everything a history row says, in the order the pages read it."""
    return [
        (
            c.question_key,
            c.how,
            c.changed_by.username if c.changed_by else None,
            c.changed_at,
            c.kind,
            c.choice,
            c.score,
            c.reason,
            c.comment,
            c.evidence_url,
            c.detail,
        )
        for c in AnswerChange.objects.filter(assessment=assessment)
        .select_related("changed_by")
        .in_order()
    ]


@pytest.fixture
def storied(acme, owner, colleague):
    """Acme's baseline with a history older than its answers, and an answer awaiting review."""
    baseline = Assessment.objects.get(organization=acme, title="Baseline")
    long_ago = timezone.now() - timedelta(days=300)
    AnswerChange.objects.bulk_create(
        [
            AnswerChange(
                assessment=baseline,
                question_key="inventory",
                how="carried_over",
                changed_by=colleague,
                changed_at=long_ago,
                kind="option",
                choice="Some products",
                score=2,
                comment="From last year.",
                detail="Baseline 2025",
            ),
            # A question of an earlier version, since removed: its history stays.
            AnswerChange(
                assessment=baseline,
                question_key="retired-question",
                how="removed",
                changed_by=owner,
                changed_at=long_ago + timedelta(hours=1),
                detail="2",
            ),
        ]
    )
    Answer.objects.filter(assessment=baseline, question__key="inventory").update(needs_review=True)
    return baseline


def test_the_export_holds_each_assessments_history_and_what_awaits_review(storied):
    data = export_organization(storied.organization)
    baseline = data["assessments"][0]
    first, second = baseline["answer_history"][:2]
    assert first == {
        "question": "inventory",
        "respondent": None,  # the agreed answer's history
        "how": "carried_over",
        "changed_by": "carlos",
        "changed_at": first["changed_at"],
        "kind": "option",
        "choice": "Some products",
        "score": 2,
        "reason": "",
        "comment": "From last year.",
        "evidence_url": "",
        "detail": "Baseline 2025",
    }
    assert (second["question"], second["how"], second["kind"]) == (
        "retired-question",
        "removed",
        "",
    )
    assert len(baseline["answer_history"]) == len(history(storied))
    review = {a["question"]: a["needs_review"] for a in baseline["answers"]}
    assert review["inventory"] is True and review["policy"] is False


def test_the_export_reads_the_history_in_a_fixed_number_of_queries(storied, owner):
    organization = storied.organization
    with CaptureQueriesContext(connection) as few:
        export_organization(organization)
    inventory = storied.answers.get(question__key="inventory")
    for comment in ("One", "Two", "Three"):
        inventory.comment = comment
        inventory.save()
    follow_up = Assessment.objects.get(organization=organization, title="Follow-up")
    AnswerChange.objects.record(follow_up.answers.select_related("question"), "confirmed", owner)
    with CaptureQueriesContext(connection) as more:
        data = export_organization(organization)
    assert len(more) == len(few)
    assert [row["how"] for row in data["assessments"][1]["answer_history"]][-1] == "confirmed"


def test_round_trip_keeps_the_history_and_the_review_state_and_adds_no_row(storied, globex):
    before = history(storied)
    copy_ = import_organization(
        json.loads(dumps(export_organization(storied.organization))),
        slug="acme-copy",
        link_existing_users=True,
    )
    baseline = Assessment.objects.get(organization=copy_, title="Baseline")
    # Who, when, how and every text, in order; no "imported" row: the file brought it whole.
    assert history(baseline) == before
    assert not AnswerChange.objects.filter(assessment__organization=copy_, how="imported").exists()
    follow_up = Assessment.objects.get(organization=copy_, title="Follow-up")
    assert history(follow_up) == history(
        Assessment.objects.get(organization=storied.organization, title="Follow-up")
    )
    assert list(
        Answer.objects.filter(assessment__organization=copy_, needs_review=True).values_list(
            "question__key", flat=True
        )
    ) == ["inventory"]
    # The history page reads the carried rows as it reads any.
    assert baseline.answer_changes.get(how="carried_over").changed_by.username == "carlos"


def test_an_answer_whose_history_the_file_does_not_end_at_gets_an_imported_row(storied):
    data = export_organization(storied.organization)
    baseline = data["assessments"][0]
    baseline["answer_history"] = [
        row for row in baseline["answer_history"] if row["question"] != "policy"
    ]
    row = next(r for r in baseline["answer_history"] if r["how"] == "admin")
    row["comment"] = "Said otherwise than the answer now."
    created = import_organization(data, slug="acme-2", link_existing_users=True)
    imported = AnswerChange.objects.filter(assessment__organization=created, how="imported")
    assert sorted(imported.values_list("question_key", flat=True)) == sorted(
        ["policy", row["question"]]
    )
    # The newest row of every answered question is the answer as it stands.
    for answer in Answer.objects.filter(assessment__organization=created).select_related(
        "question"
    ):
        newest = history(answer.assessment)
        last = [h for h in newest if h[0] == answer.question.key][-1]
        assert (last[4], last[8]) == (answer.kind, answer.comment)


def test_a_file_written_before_the_history_was_exported_still_imports(storied):
    data = export_organization(storied.organization)
    for assessment in data["assessments"]:
        del assessment["answer_history"]
        for row in assessment["answers"]:
            del row["needs_review"]
    created = import_organization(data, slug="acme-old", link_existing_users=True)
    answers = Answer.objects.filter(assessment__organization=created)
    assert not answers.filter(needs_review=True).exists()
    changes = AnswerChange.objects.filter(assessment__organization=created)
    # As before: one "imported" row per agreed answer, by whoever answered it.
    assert sorted(changes.values_list("how", "question_key", "changed_by__username")) == sorted(
        ("imported", a.question.key, a.answered_by.username)
        for a in answers.filter(respondent__isnull=True).select_related("question", "answered_by")
    )


def test_history_rows_credit_members_only_and_new_members_are_credited(storied, outsider):
    data = export_organization(storied.organization)
    data["members"] = [
        {"username": "newcomer", "email": "", "role": "owner", "joined_at": None},
    ]
    rows = data["assessments"][0]["answer_history"]
    rows[0]["changed_by"] = "newcomer"
    rows[1]["changed_by"] = "oscar"  # exists here, but is no member
    messages: list[str] = []
    created = import_organization(data, slug="acme-2", messages=messages)
    baseline = Assessment.objects.get(organization=created, title="Baseline")
    who = [h[2] for h in history(baseline)]
    assert who[0] == "newcomer"
    assert who[1] is None
    assert "oscar" not in who and "olivia" not in who and "carlos" not in who
    assert any("not members of the organization" in m and "oscar" in m for m in messages)


def test_a_dry_run_writes_no_history(storied, tmp_path, capsys):
    path = tmp_path / "acme.json"
    call_command("export_organization", "acme", "-o", str(path))
    before = snapshot()
    call_command("import_organization", str(path), "--as-slug", "acme-2", "--link-existing-users")
    assert "Dry run" in capsys.readouterr().out
    assert snapshot() == before
    call_command(
        "import_organization", str(path), "--as-slug", "acme-2", "--link-existing-users", "--apply"
    )
    copied = Assessment.objects.get(organization__slug="acme-2", title="Baseline")
    assert history(copied) == history(storied)


def _bad_history(data):
    rows = data["assessments"][0]["answer_history"]
    rows[0]["how"] = "teleported"
    rows[1]["changed_at"] = "last Tuesday"
    rows[2]["comment"] = 5
    rows[2]["score"] = "high"
    rows[3]["kind"] = "maybe"
    rows[3]["evidence_url"] = "not a link"
    rows[4]["question"] = "no spaces allowed"
    del rows[4]["changed_at"]
    data["assessments"][0]["answers"][0]["needs_review"] = "yes"
    data["assessments"][1]["answer_history"] = {"policy": []}


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (
            _bad_history,
            [
                "assessments[0].answer_history[0].how: 'teleported' is not one of: answered,",
                "assessments[0].answer_history[1].changed_at: not a date and time: 'last Tuesday'",
                "assessments[0].answer_history[2].comment: expected text, found a number",
                "assessments[0].answer_history[2].score: expected a number or null, found text",
                "assessments[0].answer_history[3].kind: 'maybe' is not one of: '', 'option',",
                "assessments[0].answer_history[3].evidence_url: Enter a valid URL.",
                "assessments[0].answer_history[4].question: Enter a valid “slug”",
                "assessments[0].answer_history[4].changed_at: missing",
                "assessments[0].answers[0].needs_review: expected true or false, found text",
                "assessments[1].answer_history: expected a list, found an object",
            ],
        ),
    ],
)
def test_a_malformed_history_writes_nothing_and_says_what_is_wrong(storied, spoil, expected):
    data = export_organization(storied.organization)
    spoil(data)
    before = snapshot()
    with pytest.raises(ImportRefused) as refused:
        import_organization(data, slug="acme-new", link_existing_users=True)
    for text in expected:
        assert any(text in problem for problem in refused.value.problems), (
            text,
            refused.value.problems,
        )
    assert snapshot() == before
