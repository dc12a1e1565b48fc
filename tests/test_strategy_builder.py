import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer
from strategy.guidance import load_guidance
from strategy.models import Revision, Strategy

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def answered(assessment, owner):
    for question in assessment.questionnaire.questions.prefetch_related("options"):
        score = 1 if question.key == "policy" else 4
        Answer.objects.create(
            assessment=assessment,
            question=question,
            kind="option",
            option=question.options.get(score=score),
            answered_by=owner,
        )
    return assessment


@pytest.fixture
def strategy(answered, owner):
    return Strategy.objects.create_from_assessment(answered, owner, "Open source strategy 2027")


def url(name, strategy, *extra):
    return reverse(f"strategy:{name}", args=["acme", strategy.pk, *extra])


def test_a_strategy_starts_from_an_assessment_with_every_section_and_a_drafted_roadmap(
    client, owner, answered
):
    client.force_login(owner)
    response = client.post(
        reverse("strategy:create", args=["acme"]),
        {"assessment": answered.pk, "title": "Our strategy"},
    )
    strategy = Strategy.objects.get()
    assert response["Location"] == url("overview", strategy)
    assert [s.key for s in strategy.sections.all()] == [g.key for g in load_guidance()]
    stand = strategy.sections.get(key="where-we-stand").body
    assert "stage 1, Ad hoc" in stand
    assert "Is there an approved open source policy?" in stand
    item = strategy.roadmap.get()
    assert item.title == "Draft a policy and have it approved."
    assert item.question_keys == ["policy"]
    assert re.fullmatch(r"\d{4}-Q[1-4]", item.target_quarter)
    assert strategy.target_stage == 2


def test_another_organizations_assessment_cannot_start_a_strategy(
    client, owner, other_organization, questionnaire
):
    theirs = other_organization.assessments.create(questionnaire=questionnaire, title="Theirs")
    client.force_login(owner)
    response = client.post(
        reverse("strategy:create", args=["acme"]), {"assessment": theirs.pk, "title": "X"}
    )
    assert response.status_code == 400
    assert not Strategy.objects.exists()


def test_a_section_autosaves_and_returns_the_new_version(client, owner, strategy):
    client.force_login(owner)
    section = strategy.sections.get(key="why")
    response = client.post(
        url("section_save", strategy, "why"),
        {"body": "We serve the public.", "base_version": section.version},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saved (version 1)" in html
    assert re.search(r'id="base-version" value="1" hx-swap-oob="true"', html)
    section.refresh_from_db()
    assert (section.body, section.version, section.updated_by) == ("We serve the public.", 1, owner)
    assert section.revisions.get().kind == Revision.Kind.SAVED


def test_an_edit_conflict_keeps_both_texts_and_lets_the_user_choose(
    client, owner, colleague, strategy
):
    why = url("section_save", strategy, "why")
    client.force_login(colleague)
    client.post(why, {"body": "Carlos wrote this.", "base_version": 0}, **HTMX)
    client.force_login(owner)
    response = client.post(why, {"body": "Olivia wrote this.", "base_version": 0}, **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "carlos saved this section while you were editing it" in html
    assert "Carlos wrote this." in html and "Olivia wrote this." in html
    section = strategy.sections.get(key="why")
    assert section.body == "Carlos wrote this."
    kept = section.revisions.get(kind=Revision.Kind.CONFLICT)
    assert (kept.body, kept.created_by) == ("Olivia wrote this.", owner)
    # "Keep my text" submits against the version the user has now seen.
    response = client.post(why, {"body": "Olivia wrote this.", "base_version": 1}, **HTMX)
    assert response.status_code == 200
    section.refresh_from_db()
    assert (section.body, section.version) == ("Olivia wrote this.", 2)
    assert set(section.revisions.values_list("body", flat=True)) == {
        "Carlos wrote this.",
        "Olivia wrote this.",
    }


def test_without_javascript_a_conflict_shows_the_page_with_both_texts(
    client, owner, colleague, strategy
):
    why = url("section_save", strategy, "why")
    client.force_login(colleague)
    client.post(why, {"body": "First.", "base_version": 0})
    client.force_login(owner)
    response = client.post(why, {"body": "Second.", "base_version": 0})
    assert response.status_code == 409
    assert "<textarea" in response.content.decode()
    assert "Second." in response.content.decode()


def test_the_preview_renders_markdown_and_strips_html(client, owner, strategy):
    client.force_login(owner)
    body = "## Goals\n\n**Open** by default <script>alert(1)</script> <img src=x onerror=alert(1)>"
    html = client.post(url("section_preview", strategy, "why"), {"body": body}).content.decode()
    assert "<h4>Goals</h4>" in html and "<strong>Open</strong>" in html
    assert "<script" not in html and "<img" not in html and "onerror" not in html


def test_a_section_can_be_restored_from_its_history(client, owner, colleague, strategy):
    why = url("section_save", strategy, "why")
    client.force_login(colleague)
    client.post(why, {"body": "Version one.", "base_version": 0})
    client.force_login(owner)
    client.post(why, {"body": "Version two.", "base_version": 1})
    page = client.get(url("section_history", strategy, "why")).content.decode()
    assert "Version one." in page and "Version two." in page
    first = Revision.objects.get(body="Version one.")
    client.post(url("revision_restore", strategy, "why", first.pk))
    section = strategy.sections.get(key="why")
    assert (section.body, section.version) == ("Version one.", 3)
    assert section.revisions.filter(kind=Revision.Kind.RESTORED).exists()


def save(client, strategy, body, base_version, key="why"):
    return client.post(
        url("section_save", strategy, key), {"body": body, "base_version": base_version}, **HTMX
    )


def test_a_persons_autosaves_within_five_minutes_are_kept_as_one_revision(client, owner, strategy):
    client.force_login(owner)
    for version, body in enumerate(["We", "We serve", "We serve the public."]):
        assert save(client, strategy, body, version).status_code == 200
    section = strategy.sections.get(key="why")
    revision = section.revisions.get()
    assert (revision.body, revision.version, revision.saves) == ("We serve the public.", 3, 3)
    assert (revision.kind, revision.created_by) == (Revision.Kind.SAVED, owner)
    assert revision.last_saved_at >= revision.created_at
    page = client.get(url("section_history", strategy, "why")).content.decode()
    assert "Versions 1 to 3" in page and "3 saves, the last at" in page


def test_a_save_after_five_minutes_or_after_someone_else_adds_a_revision(
    client, owner, colleague, strategy
):
    client.force_login(owner)
    save(client, strategy, "One.", 0)
    save(client, strategy, "Two.", 1)  # folded into the first
    Revision.objects.update(created_at=timezone.now() - timedelta(minutes=6))
    save(client, strategy, "Three.", 2)  # the first is older than five minutes
    client.force_login(colleague)
    save(client, strategy, "Four.", 3)
    client.force_login(owner)
    save(client, strategy, "Five.", 4)  # after the colleague's: a revision of its own
    save(client, strategy, "Six.", 5)  # folded into the one before
    section = strategy.sections.get(key="why")
    assert section.version == 6
    assert list(section.revisions.order_by("pk").values_list("body", "version", "saves")) == [
        ("Two.", 2, 2),
        ("Three.", 3, 1),
        ("Four.", 4, 1),
        ("Six.", 6, 2),
    ]


def test_every_conflict_restore_and_refresh_keeps_a_revision_of_its_own(
    client, owner, colleague, strategy
):
    client.force_login(owner)
    save(client, strategy, "Mine.", 0)
    client.force_login(colleague)
    assert save(client, strategy, "Theirs, too late.", 0).status_code == 409
    assert save(client, strategy, "Theirs, again too late.", 0).status_code == 409
    client.force_login(owner)
    save(client, strategy, "Mine, after the conflict.", 1)  # a conflict came in between
    first = Revision.objects.get(body="Mine.")
    client.post(url("revision_restore", strategy, "why", first.pk))
    save(client, strategy, "Mine, after the restore.", 3)
    client.post(url("refresh", strategy))
    client.post(url("refresh", strategy))
    kinds = list(
        Revision.objects.filter(section__strategy=strategy)
        .order_by("pk")
        .values_list("section__key", "kind", "saves")
    )
    assert kinds == [
        ("where-we-stand", Revision.Kind.GENERATED, 1),
        ("summary", Revision.Kind.GENERATED, 1),
        ("why", Revision.Kind.SAVED, 1),
        ("why", Revision.Kind.CONFLICT, 1),
        ("why", Revision.Kind.CONFLICT, 1),
        ("why", Revision.Kind.SAVED, 1),
        ("why", Revision.Kind.RESTORED, 1),
        ("why", Revision.Kind.SAVED, 1),
        ("where-we-stand", Revision.Kind.GENERATED, 1),
        ("where-we-stand", Revision.Kind.GENERATED, 1),
    ]


# Session, user, membership, strategy, section; a savepoint around the compare-and-set UPDATE,
# the section read back, the revision (INSERT, or the UPDATE that folds the save into the last
# one) and the strategy's time; then the section list of the page.
SAVE_QUERIES = 12


def test_a_save_costs_the_same_whether_it_adds_or_folds_a_revision(client, owner, strategy):
    client.force_login(owner)
    client.get(url("section", strategy, "why"))  # the session's first write is not the save's
    counts = []
    for version in range(3):
        with CaptureQueriesContext(connection) as context:
            assert save(client, strategy, f"Text {version}", version).status_code == 200
        counts.append(len(context.captured_queries))
    assert Revision.objects.filter(kind=Revision.Kind.SAVED).count() == 1
    assert counts == [SAVE_QUERIES] * 3


# 30,000 characters but 60,000 bytes: the limit is on what is stored, not on what is typed.
TOO_LONG = "é" * 30_000


def test_a_section_longer_than_50_kb_is_refused_with_a_clear_message(client, owner, strategy):
    client.force_login(owner)
    response = save(client, strategy, TOO_LONG, 0)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Not saved:" in html
    assert "This text is 60.0 KB long; a section may hold 50 KB." in html
    section = strategy.sections.get(key="why")
    assert (section.body, section.version) == ("", 0)
    assert not section.revisions.exists()
    preview = client.post(url("section_preview", strategy, "why"), {"body": TOO_LONG})
    assert preview.status_code == 400
    assert "a section may hold 50 KB" in preview.content.decode()
    assert save(client, strategy, "é" * 25_000, 0).status_code == 200  # 50,000 bytes fit


def test_saving_a_section_body_refuses_more_than_50_kb(owner, strategy):
    section = strategy.sections.get(key="why")
    with pytest.raises(ValidationError, match="60.0 KB"):
        section.save_body(TOO_LONG, section.version, owner)
    assert not section.revisions.exists()


def test_an_old_revision_over_the_limit_is_not_restored(client, owner, strategy):
    section = strategy.sections.get(key="why")
    old = Revision.objects.create(section=section, version=1, body=TOO_LONG, created_by=owner)
    client.force_login(owner)
    response = client.post(url("revision_restore", strategy, "why", old.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("section_history", strategy, "why")
    assert "a section may hold 50 KB" in response.content.decode()
    section.refresh_from_db()
    assert (section.body, section.version) == ("", 0)


def test_a_revision_of_another_section_is_not_found(client, owner, strategy):
    client.force_login(owner)
    client.post(url("section_save", strategy, "qa"), {"body": "Q&A", "base_version": 0})
    other = Revision.objects.get(body="Q&A")
    assert client.post(url("revision_restore", strategy, "why", other.pk)).status_code == 404


def test_the_generated_section_refreshes_from_the_assessment_on_demand(
    client, owner, strategy, answered
):
    policy = answered.questionnaire.questions.get(key="policy")
    Answer.objects.filter(question=policy).update(option=policy.options.get(score=4))
    client.force_login(owner)
    client.post(url("refresh", strategy))
    stand = strategy.sections.get(key="where-we-stand")
    assert "stage 2, Security, education and strategy" in stand.body
    assert stand.revisions.filter(kind=Revision.Kind.GENERATED).count() == 2


def test_targets_are_saved_per_layer_and_pillar(client, owner, strategy):
    client.force_login(owner)
    client.post(
        url("targets", strategy),
        {"target_stage": "2", "layers:worker": "2", "pillars:advocate": "1", "horizon": "2027"},
    )
    strategy.refresh_from_db()
    assert strategy.target_stage == 2 and strategy.horizon == "2027"
    assert strategy.scope_targets == {"layers": {"worker": 2}, "pillars": {"advocate": 1}}
    client.post(url("targets", strategy), {"target_stage": "9"})
    strategy.refresh_from_db()
    assert strategy.target_stage == 2


def test_viewers_read_but_cannot_write(client, viewer, strategy):
    client.force_login(viewer)
    page = client.get(url("section", strategy, "why"))
    assert page.status_code == 200 and "<textarea" not in page.content.decode()
    response = client.post(url("section_save", strategy, "why"), {"body": "x", "base_version": 0})
    assert response.status_code == 403
    assert "read the strategy but not change it" in response.content.decode()
    assert "answers" not in response.content.decode()
    assert strategy.sections.get(key="why").body == ""


def test_the_overview_shows_completeness_and_downloads(client, owner, strategy):
    client.force_login(owner)
    page = client.get(url("overview", strategy)).content.decode()
    assert "Download PDF" in page and "Download Markdown" in page
    assert f"2 of {strategy.sections.count()} sections complete" in page


# --- "Where we stand" and the assessment it was written from -----------------------------------

STALE = "was written from the assessment as it was on"


def _change_policy(answered):
    policy = answered.questionnaire.questions.get(key="policy")
    answered.record_answer(policy, None, kind="option", option=policy.options.get(score=4))


def test_the_builder_says_when_the_assessment_changed_since_where_we_stand_was_written(
    client, owner, strategy, answered
):
    client.force_login(owner)
    stand_url = url("section", strategy, "where-we-stand")
    assert STALE not in client.get(url("overview", strategy)).content.decode()
    assert STALE not in client.get(stand_url).content.decode()
    strategy.refresh_from_db()
    assert strategy.generated_fingerprint == answered.answers_fingerprint
    assert strategy.generated_status == "in_progress"

    _change_policy(answered)
    for page in (url("overview", strategy), stand_url):
        html = client.get(page).content.decode()
        assert STALE in html and "1 answer changed" in html, page
        assert url("refresh", strategy) in html
    assert STALE not in client.get(url("section", strategy, "why")).content.decode()

    answered.submit()
    html = client.get(stand_url).content.decode()
    assert "1 answer changed" in html and "it was submitted" in html

    client.post(url("refresh", strategy))
    assert STALE not in client.get(stand_url).content.decode()
    answered.reopen()
    assert "it was reopened" in client.get(url("overview", strategy)).content.decode()


def test_a_refresh_shows_the_change_first_and_keeps_the_text_around_the_generated_block(
    client, owner, strategy, answered
):
    section = strategy.sections.get(key="where-we-stand")
    body = "Written by us, before.\n\n" + section.body + "\nWritten by us, after.\n"
    section.save_body(body, section.version, owner)
    _change_policy(answered)
    client.force_login(owner)

    page = client.get(url("refresh", strategy))
    html = page.content.decode()
    assert page.status_code == 200
    assert "stage 1, Ad hoc" in html and "stage 2, Security, education and strategy" in html
    assert "Only the generated part changes" in html
    assert 'name="base_version" value="2"' in html
    section.refresh_from_db()
    assert section.body == body  # looking changes nothing

    response = client.post(url("refresh", strategy), {"base_version": "2"})
    assert response["Location"] == url("section", strategy, "where-we-stand")
    section.refresh_from_db()
    assert section.body.startswith("Written by us, before.\n\n<!-- generated:start -->")
    assert section.body.endswith("<!-- generated:end -->\n\nWritten by us, after.\n")
    assert "stage 2, Security, education and strategy" in section.body
    assert "stage 1, Ad hoc" not in section.body
    assert section.revisions.filter(body=body).exists()  # the old text stays in the history


def test_a_refresh_confirmed_after_someone_saved_shows_the_change_again(
    client, owner, colleague, strategy, answered
):
    section = strategy.sections.get(key="where-we-stand")
    _change_policy(answered)
    client.force_login(owner)
    client.get(url("refresh", strategy))
    section.save_body("Theirs.\n\n" + section.body, section.version, colleague)
    response = client.post(url("refresh", strategy), {"base_version": "1"})
    assert response.status_code == 409
    assert "was saved while you looked at this page" in response.content.decode()
    section.refresh_from_db()
    assert section.version == 2 and "stage 1, Ad hoc" in section.body


def test_a_refresh_of_a_text_without_its_marks_says_it_replaces_everything(client, owner, strategy):
    section = strategy.sections.get(key="where-we-stand")
    section.save_body("All ours now.\n", section.version, owner)
    client.force_login(owner)
    html = client.get(url("refresh", strategy)).content.decode()
    assert "so the whole text is replaced" in html and "All ours now." in html
