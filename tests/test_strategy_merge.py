"""Edit conflicts shown word by word and merged; history entries that can be told apart."""

import random
import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strategy.diff import change_summary, merged_text, word_diff
from strategy.models import Revision, Strategy
from tests import test_strategy_builder
from tests.test_strategy_builder import HTMX, SAVE_QUERIES, save, url

# The builder tests' fixtures: an answered assessment and the strategy started from it.
answered = test_strategy_builder.answered
strategy = test_strategy_builder.strategy

pytestmark = pytest.mark.django_db


def test_the_word_diff_escapes_text_and_keeps_line_breaks():
    html = word_diff("We serve\nthe public <b>now</b>.", "We serve\nall the people <b>now</b>.")
    assert html == (
        "We serve\n<ins>all </ins>the <del>public</del><ins>people</ins> &lt;b&gt;now&lt;/b&gt;."
    )


def test_the_change_summary_counts_characters_of_changed_words():
    assert change_summary(None, "Hello.\nWorld.") == "first text, 12 characters"
    assert change_summary("We serve.", "We serve.") == "no change"
    assert change_summary("We serve the public.", "We serve all the people.") == (
        "+10/−7 characters"
    )


def test_the_merge_starts_from_their_text_and_adds_my_missing_sentences():
    assert merged_text("Alpha.", "Beta.") == "Alpha.\n\nBeta."
    assert merged_text("We serve. We share.", "We serve. We teach!\n- a list") == (
        "We serve. We share.\n\nWe teach!\n- a list"
    )
    assert merged_text("Same.", "Same.") == "Same."
    assert merged_text("", "Mine.") == "Mine."


@pytest.fixture
def conflict(client, owner, colleague, strategy):
    """Carlos saved version 1; Olivia, still on version 0, saves on top: a conflict."""
    client.force_login(colleague)
    assert save(client, strategy, "Carlos wrote this.\nSecond line.", 0).status_code == 200
    client.force_login(owner)
    return save(client, strategy, "Olivia wrote <b>this</b>.\nSecond line.", 0)


def test_a_conflict_shows_both_texts_with_line_breaks_a_word_diff_and_a_merge(conflict):
    assert conflict.status_code == 409
    html = conflict.content.decode()
    assert "Carlos wrote this.\nSecond line.</pre>" in html
    assert "Olivia wrote &lt;b&gt;this&lt;/b&gt;.\nSecond line.</pre>" in html
    assert "<del>Carlos</del><ins>Olivia</ins>" in html
    assert "<del>this.</del><ins>&lt;b&gt;this&lt;/b&gt;.</ins>" in html
    assert "<b>" not in html
    merge = re.search(r'<textarea[^>]*name="merged"[^>]*>(.*?)</textarea>', html, re.S)
    assert merge[1] == "Carlos wrote this.\nSecond line.\n\nOlivia wrote &lt;b&gt;this&lt;/b&gt;."
    assert 'name="their_version" value="1"' in html
    assert "Keep my text (replaces theirs as shown above)" in html


def test_the_merged_text_is_saved_as_one_new_version_against_theirs(
    client, owner, strategy, conflict
):
    response = client.post(
        url("section_merge", strategy, "why"),
        {"merged": "Carlos wrote this.\nOlivia added this.", "their_version": 1},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Saved (version 2)" in response.content.decode()
    assert 'id="base-version" value="2" hx-swap-oob="true"' in response.content.decode()
    section = strategy.sections.get(key="why")
    assert (section.body, section.version, section.updated_by) == (
        "Carlos wrote this.\nOlivia added this.",
        2,
        owner,
    )
    assert list(section.revisions.order_by("pk").values_list("kind", "version")) == [
        (Revision.Kind.SAVED, 1),
        (Revision.Kind.CONFLICT, 1),
        (Revision.Kind.SAVED, 2),
    ]


def test_text_typed_on_during_the_conflict_is_kept_when_the_merge_replaces_it(
    client, owner, strategy, conflict
):
    merge = url("section_merge", strategy, "why")
    typed = "Olivia wrote <b>this</b>.\nSecond line.\nTyped on while the panel was open."
    response = client.post(merge, {"merged": "Merged.", "their_version": 1, "body": typed}, **HTMX)
    assert response.status_code == 200
    assert (
        "while the conflict was shown is kept in the section's history" in response.content.decode()
    )
    section = strategy.sections.get(key="why")
    assert section.body == "Merged."
    assert list(
        section.revisions.filter(kind=Revision.Kind.CONFLICT).order_by("pk").values_list("body")
    ) == [("Olivia wrote <b>this</b>.\nSecond line.",), (typed,)]


def test_a_merge_keeps_no_second_copy_of_the_text_the_conflict_kept(
    client, owner, strategy, conflict
):
    conflicted = "Olivia wrote <b>this</b>.\nSecond line."
    merge = url("section_merge", strategy, "why")
    response = client.post(
        merge, {"merged": "Merged.", "their_version": 1, "body": conflicted}, **HTMX
    )
    assert "kept in the section" not in response.content.decode()
    assert Revision.objects.filter(kind=Revision.Kind.CONFLICT).count() == 1


def test_a_merge_without_javascript_goes_back_to_the_section(client, strategy, conflict):
    response = client.post(
        url("section_merge", strategy, "why"), {"merged": "Both.", "their_version": 1}
    )
    assert response["Location"] == url("section", strategy, "why")
    assert strategy.sections.get(key="why").body == "Both."


def test_a_merge_against_a_version_saved_over_again_is_a_conflict_again(
    client, owner, colleague, strategy, conflict
):
    client.force_login(colleague)
    save(client, strategy, "Carlos again.", 1)
    client.force_login(owner)
    response = client.post(
        url("section_merge", strategy, "why"), {"merged": "Merged.", "their_version": 1}, **HTMX
    )
    assert response.status_code == 409
    assert "<del>Carlos again.</del><ins>Merged.</ins>" in response.content.decode()
    section = strategy.sections.get(key="why")
    assert (section.body, section.version) == ("Carlos again.", 2)
    assert section.revisions.filter(kind=Revision.Kind.CONFLICT, body="Merged.").exists()


def test_a_merge_needs_the_version_and_fits_the_size_limit(client, owner, strategy):
    client.force_login(owner)
    merge = url("section_merge", strategy, "why")
    assert client.post(merge, {"merged": "x"}, **HTMX).status_code == 400
    response = client.post(merge, {"merged": "é" * 30_000, "their_version": 0}, **HTMX)
    assert response.status_code == 400
    assert "a section may hold 50 KB" in response.content.decode()
    assert strategy.sections.get(key="why").version == 0


def test_viewers_cannot_merge_but_can_compare(client, viewer, owner, strategy):
    client.force_login(owner)
    save(client, strategy, "Text.", 0)
    revision = Revision.objects.get(section__key="why")
    client.force_login(viewer)
    response = client.post(
        url("section_merge", strategy, "why"), {"merged": "x", "their_version": 1}
    )
    assert response.status_code == 403
    assert strategy.sections.get(key="why").body == "Text."
    assert client.get(url("revision_diff", strategy, "why", revision.pk)).status_code == 200


@pytest.fixture
def their_strategy(other_organization, questionnaire, outsider):
    assessment = other_organization.assessments.create(questionnaire=questionnaire, title="T")
    return Strategy.objects.create_from_assessment(assessment, outsider, "Theirs")


def test_another_organizations_strategy_is_not_found(client, owner, outsider, their_strategy):
    section = their_strategy.sections.get(key="why")
    section.save_body("Secret plans.", 0, outsider)
    revision = section.revisions.get()
    client.force_login(owner)
    args = ["acme", their_strategy.pk, "why"]
    merge = reverse("strategy:section_merge", args=args)
    diff = reverse("strategy:revision_diff", args=[*args, revision.pk])
    assert client.post(merge, {"merged": "x", "their_version": 1}).status_code == 404
    assert client.get(diff).status_code == 404
    # Nor through their organization's address, of which the owner is no member.
    args[0] = their_strategy.organization.slug
    assert client.post(reverse("strategy:section_merge", args=args), {}).status_code == 404
    assert (
        client.get(reverse("strategy:revision_diff", args=[*args, revision.pk])).status_code == 404
    )
    section.refresh_from_db()
    assert section.body == "Secret plans."


def test_a_merge_needs_the_csrf_token(owner, strategy):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(
        url("section_merge", strategy, "why"), {"merged": "x", "their_version": 0}
    )
    assert response.status_code == 403
    assert strategy.sections.get(key="why").version == 0


def test_a_revision_compares_with_the_current_text_word_by_word(client, owner, colleague, strategy):
    client.force_login(colleague)
    save(client, strategy, "We serve the public.", 0)
    client.force_login(owner)
    save(client, strategy, "We serve all <i>people</i>.", 1)
    first = Revision.objects.get(section__key="why", version=1)
    html = client.get(url("revision_diff", strategy, "why", first.pk)).content.decode()
    assert "We serve <del>the public.</del><ins>all &lt;i&gt;people&lt;/i&gt;.</ins>" in html
    assert "+17/−10 characters" in html
    other = Revision.objects.create(section=strategy.sections.get(key="qa"), version=1, body="Q")
    assert client.get(url("revision_diff", strategy, "why", other.pk)).status_code == 404


def test_history_entries_say_what_changed(client, owner, colleague, strategy):
    client.force_login(colleague)
    save(client, strategy, "We serve.", 0)
    client.force_login(owner)
    save(client, strategy, "We serve the public.", 1)
    save(client, strategy, "We serve the public well.", 2)  # folded into the one before
    page = client.get(url("section_history", strategy, "why")).content.decode()
    summaries = re.findall(r'<span class="revision-summary">(.*?)</span>', page)
    assert summaries == ["+19/−6 characters", "first text, 9 characters"]
    assert "Versions 2 to 3" in page and "Version 1" in page
    assert "Compare version 1 with the current text" in page


def test_the_history_costs_the_same_queries_however_many_entries(client, owner, strategy):
    client.force_login(owner)
    history = url("section_history", strategy, "why")
    client.get(history)
    counts = []
    for rounds in (1, 4):
        for _ in range(rounds):
            section = strategy.sections.get(key="why")
            section._replace_body(f"Text {section.version}.", owner, Revision.Kind.RESTORED)
        with CaptureQueriesContext(connection) as context:
            assert client.get(history).status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]


def test_a_merge_costs_what_a_save_costs(client, owner, strategy, conflict):
    merged = "Carlos wrote this.\nOlivia too."
    with CaptureQueriesContext(connection) as context:
        response = client.post(
            url("section_merge", strategy, "why"),
            {"merged": merged, "their_version": 1, "body": merged},
            **HTMX,
        )
    assert response.status_code == 200
    assert len(context.captured_queries) == SAVE_QUERIES


def long_text(seed: int) -> list[str]:
    """Two hundred paragraphs of made-up sentences: about 50 KB, like a long section."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(600)] + ["the", "a", "of", "and", "to"] * 40

    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(5, 20))) + "."

    return [" ".join(sentence() for _ in range(rng.randint(1, 5))) for _ in range(200)]


def test_long_texts_with_a_few_edits_compare_quickly():
    paragraphs = long_text(2)
    edited = [*paragraphs[:50], "Changed entirely.", *paragraphs[51:]]
    old, new = "\n\n".join(paragraphs), "\n\n".join(edited)
    started = time.monotonic()
    summary = change_summary(old, new)
    html = word_diff(old, new)
    assert time.monotonic() - started < 1.0
    assert html.count("<ins>") == 1 and "<ins>Changed entirely.</ins>" in html
    added, removed = summary.split()[0].lstrip("+").split("/−")
    assert int(added) == len("Changedentirely.")
    assert int(removed) == len(paragraphs[50].replace(" ", ""))


def test_a_long_change_without_sentences_is_shown_whole():
    old = " ".join(f"a{i}" for i in range(1000))
    new = " ".join(f"b{i}" for i in range(1000))
    assert word_diff(old, new) == f"<del>{old}</del><ins>{new}</ins>"
