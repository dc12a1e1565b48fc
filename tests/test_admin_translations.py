"""Translating a questionnaire version's texts in the admin, and counting what is untranslated."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments.demo import ensure_default_questionnaire
from assessments.models import AnswerOption, Question, Questionnaire, Section, Stage
from assessments.questionnaire_file.store import export_text
from assessments.translation_status import (
    Item,
    Text,
    languages_to_report,
    load_items,
    status,
    texts_of,
    with_translations,
)
from tests.questionnaires import load_text

pytestmark = pytest.mark.django_db

# mini.yaml's texts: title and description 2, scale 5, stages 6, layers 2, pillars 2,
# sections 3, questions 6 texts + 1 help + 6 recommendations, options 3 labels + 1 description,
# and the five questions without options of their own get the scale's five labels as options.
MINI_TEXTS = 62


@pytest.fixture
def draft(mini_text):
    return load_text(mini_text, publish=False)


@pytest.fixture
def clerk(django_user_model):
    """Staff, so the admin lets them in, but without any questionnaire permission."""
    return django_user_model.objects.create_user("cleo", password="pw-cleo-123", is_staff=True)


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def url(name, *args):
    return reverse(f"admin:assessments_questionnaire_{name}", args=args)


def editor_url(questionnaire, language):
    return url("translations", questionnaire.pk, language)


def translate_by_hand(questionnaire):
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        translations={"fr": {"title": "Mini-diagnostic OSPO"}}
    )
    Question.objects.filter(questionnaire=questionnaire, key="inventory").update(
        translations={
            "fr": {"text": "L'organisation connaît-elle son code libre ?", "help_text": "…"},
            "pt-BR": {"text": "A organização sabe qual código aberto usa?"},
        }
    )
    AnswerOption.objects.filter(
        question__questionnaire=questionnaire, question__key="contribution-ok", score=2
    ).update(translations={"de": {"label": "Im Einzelfall erlaubt", "description": "  "}})


def form_data(page) -> dict:
    """What the browser posts back from the editor page, unchanged."""
    form = page.context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def slot(version, model, field, **lookup):
    """The editor's name for one text of a row of `version`."""
    rows = {"question": Question, "section": Section}
    row = version if model == "questionnaire" else rows[model].objects.get(**lookup)
    return f"{model}-{row.pk}-{field}"


# --- Counting -------------------------------------------------------------------------------------


def test_it_counts_the_untranslated_texts_of_each_language(draft, django_assert_num_queries):
    translate_by_hand(draft)
    with django_assert_num_queries(8):
        items = load_items(draft.pk)
    languages = languages_to_report("en", ["en", "fr", "de", "es"], items)
    assert languages == ["fr", "de", "es", "pt-BR"]

    found = {s.language: s for s in status(items, languages)}
    assert {language: s.total for language, s in found.items()} == dict.fromkeys(
        languages, MINI_TEXTS
    )
    assert {language: s.untranslated for language, s in found.items()} == {
        "fr": MINI_TEXTS - 3,
        # The option's description is blank, so still untranslated.
        "de": MINI_TEXTS - 1,
        "es": MINI_TEXTS,
        "pt-BR": MINI_TEXTS - 1,
    }
    missing_fr = {(item.model, item.name, text.field) for item, text in found["fr"].missing}
    assert ("questionnaire", "", "title") not in missing_fr
    assert ("questionnaire", "", "description") in missing_fr
    assert ("question", "inventory", "help_text") not in missing_fr
    assert ("question", "inventory", "recommendation") in missing_fr


def test_it_counts_only_changed_names_and_each_mapping_label():
    row = {
        "title": "T",
        "description": "",
        "stage_name": "Stage",
        "stages_name": "Levels",
        "layer_name": "Layer of work",
        "layers_name": "Layers of work",
        "pillar_name": "Pillar of support",
        "pillars_name": "Pillars of support",
        "mapping_labels": {"lf": "Linux Foundation", "ggi": "Good governance", "x": " "},
    }
    texts = texts_of("questionnaire", 1, row)
    assert [(t.field, t.key) for t in texts] == [
        ("title", None),
        ("stages_name", None),
        ("mapping_labels", "ggi"),
        ("mapping_labels", "lf"),
    ]
    item = Item(
        "questionnaire",
        1,
        texts,
        {"fr": {"stages_name": "Niveaux", "mapping_labels": {"lf": "Fondation Linux"}}},
    )
    (fr,) = status([item], ["fr"])
    assert [(t.field, t.key) for _, t in fr.missing] == [("title", None), ("mapping_labels", "ggi")]


def test_it_adds_replaces_and_removes_one_languages_texts_only():
    texts = (Text("q-1-text", "text", "Q?"), Text("q-1-help_text", "help_text", "Why"))
    item = Item(
        "question",
        1,
        texts,
        {"fr": {"text": "Q ?", "help_text": "Pourquoi"}, "de": {"text": "F?"}},
    )
    assert with_translations(item, "fr", {"q-1-text": "Question ?", "q-1-help_text": ""}) == {
        "fr": {"text": "Question ?"},
        "de": {"text": "F?"},
    }
    assert with_translations(item, "de", {"q-1-text": "", "q-1-help_text": ""}) == {
        "fr": {"text": "Q ?", "help_text": "Pourquoi"}
    }
    assert with_translations(item, "es", {"q-1-help_text": "Por qué"})["es"] == {
        "help_text": "Por qué"
    }


def test_the_shipped_questionnaire_has_every_text_translated():
    questionnaire = ensure_default_questionnaire()
    items = load_items(questionnaire.pk)
    found = {s.language: s for s in status(items, ["fr", "de", "es"])}
    assert found["fr"].total > 100
    missing = {
        language: [(item.model, item.name, text.field) for item, text in s.missing]
        for language, s in found.items()
    }
    assert missing == {"fr": [], "de": [], "es": []}


# --- The change page ------------------------------------------------------------------------------


def test_the_change_page_shows_a_count_line_per_language(admin_client, draft):
    translate_by_hand(draft)
    page = admin_client.get(url("change", draft.pk))
    assert page.status_code == 200
    content = page.content.decode()
    assert f"{MINI_TEXTS - 3} texts untranslated in Français (fr)" in content
    assert f"{MINI_TEXTS - 1} texts untranslated in Deutsch (de)" in content
    assert f"{MINI_TEXTS} texts untranslated in Español (es)" in content
    assert "texts untranslated in pt-BR" in content or "(pt-br)" in content.lower()
    for language in ("fr", "de", "es", "pt-BR"):
        assert editor_url(draft, language) in content


def test_the_change_page_says_when_all_is_translated(admin_client):
    questionnaire = ensure_default_questionnaire()
    page = admin_client.get(url("change", questionnaire.pk))
    content = page.content.decode()
    for name in ("Français (fr)", "Deutsch (de)", "Español (es)"):
        assert f"All texts translated in {name}" in content


# --- The editor -----------------------------------------------------------------------------------


def test_editing_a_draft_saves_and_exports_the_translation(admin_client, draft, staff):
    translate_by_hand(draft)
    page = admin_client.get(editor_url(draft, "fr"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Show only untranslated texts" in content
    assert "qv-untranslated" in content and "qv-translated" in content
    data = form_data(page)
    title = slot(draft, "questionnaire", "title")
    policy = slot(draft, "question", "text", questionnaire=draft, key="policy")
    help_slot = slot(draft, "question", "help_text", questionnaire=draft, key="inventory")
    section = slot(draft, "section", "description", questionnaire=draft, key="program")
    assert data[title] == "Mini-diagnostic OSPO"
    data[title] = "Petit diagnostic OSPO"
    data[policy] = "Existe-t-il une politique open source approuvée ?"
    data[section] = "Le côté <formel>."
    data[help_slot] = ""
    response = admin_client.post(editor_url(draft, "fr"), data)
    assert response.status_code == 302
    assert response["Location"] == editor_url(draft, "fr")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Saved the translations into Français (fr): 2 added, 1 replaced, 1 removed."
    ]

    draft.refresh_from_db()
    assert draft.translations == {"fr": {"title": "Petit diagnostic OSPO"}}
    inventory = Question.objects.get(questionnaire=draft, key="inventory")
    assert inventory.translations["fr"] == {"text": "L'organisation connaît-elle son code libre ?"}
    assert inventory.translations["pt-BR"]  # another language stays
    exported = export_text(draft)
    assert "Petit diagnostic OSPO" in exported
    assert "Existe-t-il une politique open source approuvée ?" in exported
    assert "Le côté <formel>." in exported
    entry = LogEntry.objects.get(object_id=str(draft.pk))
    assert entry.user == staff
    assert entry.change_message == "Translations into 'fr': 2 added, 1 replaced, 1 removed."

    page = admin_client.get(editor_url(draft, "fr"))
    assert "Le côté &lt;formel&gt;." in page.content.decode()
    assert f"{MINI_TEXTS - 4} texts untranslated in Français (fr)" in page.content.decode()


def test_the_source_text_is_shown_escaped(admin_client, draft):
    Question.objects.filter(questionnaire=draft, key="policy").update(text="Is <b>a</b> policy?")
    page = admin_client.get(editor_url(draft, "de"))
    assert "Is &lt;b&gt;a&lt;/b&gt; policy?" in page.content.decode()
    assert "Is <b>a</b> policy?" not in page.content.decode()


def test_invalid_input_keeps_what_was_typed_and_writes_nothing(admin_client, draft):
    page = admin_client.get(editor_url(draft, "de"))
    data = form_data(page)
    title = slot(draft, "questionnaire", "title")
    policy = slot(draft, "question", "text", questionnaire=draft, key="policy")
    data[title] = "T" * 201
    data[policy] = "Gibt es eine genehmigte Open-Source-Richtlinie?"
    before = LogEntry.objects.count()
    response = admin_client.post(editor_url(draft, "de"), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "is 201 characters long; at most 200" in content
    assert "Gibt es eine genehmigte Open-Source-Richtlinie?" in content
    assert "T" * 201 in content
    assert response.context["form"].errors.keys() == {title}
    draft.refresh_from_db()
    assert draft.translations == {}
    assert not Question.objects.filter(questionnaire=draft).exclude(translations={}).exists()
    assert LogEntry.objects.count() == before


def test_a_published_version_is_read_only_and_refuses_a_post(admin_client, questionnaire):
    page = admin_client.get(editor_url(questionnaire, "fr"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "make a new draft from it" in content
    assert "Save translations" not in content
    assert all(field.disabled for field in page.context["form"].fields.values())

    data = form_data(page)
    data[slot(questionnaire, "questionnaire", "title")] = "Mini-diagnostic"
    before = LogEntry.objects.count()
    response = admin_client.post(editor_url(questionnaire, "fr"), data)
    assert response.status_code == 403
    assert "its translations cannot be changed and nothing was saved" in response.content.decode()
    questionnaire.refresh_from_db()
    assert questionnaire.translations == {}
    assert LogEntry.objects.count() == before


def test_an_unknown_or_the_source_language_is_not_found(admin_client, draft):
    assert admin_client.get(editor_url(draft, "xx")).status_code == 404
    assert admin_client.get(editor_url(draft, "en")).status_code == 404
    assert admin_client.post(editor_url(draft, "xx"), {}).status_code == 404


def test_a_language_found_only_in_the_translations_can_be_edited(admin_client, draft):
    translate_by_hand(draft)
    assert admin_client.get(editor_url(draft, "pt-BR")).status_code == 200


def test_who_is_not_staff_is_sent_to_the_login_and_staff_without_permission_get_403(
    client, owner, clerk, draft
):
    client.force_login(owner)
    for method in (client.get, client.post):
        response = method(editor_url(draft, "fr"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(clerk)
    assert client.get(editor_url(draft, "fr")).status_code == 403
    title = slot(draft, "questionnaire", "title")
    assert client.post(editor_url(draft, "fr"), {title: "Titre"}).status_code == 403
    draft.refresh_from_db()
    assert draft.translations == {}


# --- Queries --------------------------------------------------------------------------------------


def add_questions(draft, count):
    section = Section.objects.get(questionnaire=draft, key="program")
    stage = Stage.objects.get(questionnaire=draft, key="strategy")
    for index in range(count):
        question = Question.objects.create(
            questionnaire=draft,
            section=section,
            stage=stage,
            key=f"extra-{index}",
            order=100 + index,
            text=f"Extra question {index}?",
            recommendation="Do it.",
        )
        AnswerOption.objects.bulk_create(
            AnswerOption(question=question, order=score, score=score, label=f"Level {score}")
            for score in range(3)
        )


def every_text_translated(page, prefix):
    data = form_data(page)
    return {name: value or f"{prefix} {name}" for name, value in data.items()}


def test_the_editor_and_its_save_take_a_fixed_number_of_queries(
    admin_client, draft, django_assert_max_num_queries
):
    target = editor_url(draft, "es")
    admin_client.get(target)  # sessions and content types cached, as after a first visit
    with django_assert_max_num_queries(16) as shown:
        page = admin_client.get(target)
    with django_assert_max_num_queries(40) as saved:
        response = admin_client.post(target, every_text_translated(page, "es"))
    assert response.status_code == 302
    few_shown, few_saved = len(shown), len(saved)

    add_questions(draft, 10)
    with django_assert_max_num_queries(few_shown):
        page = admin_client.get(target)
    assert len(page.context["form"].fields) == MINI_TEXTS + 10 * 5
    data = every_text_translated(page, "es2")
    with django_assert_max_num_queries(few_saved):
        response = admin_client.post(target, data)
    assert response.status_code == 302
    items = load_items(draft.pk)
    assert status(items, ["es"])[0].untranslated == 0


def test_the_change_page_count_takes_a_fixed_number_of_queries(
    admin_client, draft, django_assert_max_num_queries
):
    admin_client.get(url("change", draft.pk))
    with django_assert_max_num_queries(60) as before:
        admin_client.get(url("change", draft.pk))
    add_questions(draft, 10)
    with django_assert_max_num_queries(len(before)):
        admin_client.get(url("change", draft.pk))
