"""Authoring questionnaire versions through the Django admin."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import authoring
from assessments.models import AnswerOption, Question, Questionnaire, Section, Stage
from assessments.questionnaire_file.store import export_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(django_user_model):
    """Staff, so the admin lets them in, but without any questionnaire permission."""
    return django_user_model.objects.create_user("cleo", password="pw-cleo-123", is_staff=True)


@pytest.fixture
def draft(questionnaire, staff):
    return authoring.new_draft_from(questionnaire, staff)


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def url(name, *args):
    return reverse(f"admin:assessments_{name}", args=args)


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _value(value):
    if value is None:
        return ""
    if isinstance(value, Decimal | int):
        return str(value)
    return value


def form_data(response) -> dict:
    """What the browser would post back from an admin change page, unchanged."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else _value(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


# --- The list of versions ------------------------------------------------------------------------


def test_the_version_list_counts_questions_without_a_query_per_row(
    admin_client, questionnaire, staff, django_assert_max_num_queries
):
    page = admin_client.get(url("questionnaire_changelist"))
    assert page.status_code == 200
    assert b"Import a questionnaire file" in page.content
    assert f'?questionnaire={questionnaire.pk}">6</a>'.encode() in page.content

    for _ in range(3):
        authoring.new_draft_from(questionnaire, staff)
    with django_assert_max_num_queries(page.context["cl"].result_count + 12) as queries:
        admin_client.get(url("questionnaire_changelist"))
    few = len(queries)
    for _ in range(3):
        authoring.new_draft_from(questionnaire, staff)
    with django_assert_max_num_queries(few):
        page = admin_client.get(url("questionnaire_changelist"))
    assert page.context["cl"].result_count == 7


# --- New draft -----------------------------------------------------------------------------------


def test_new_draft_from_the_change_page_copies_the_version(admin_client, questionnaire, staff):
    page = admin_client.get(url("questionnaire_change", questionnaire.pk))
    assert url("questionnaire_new_draft", questionnaire.pk).encode() in page.content
    assert url("questionnaire_publish", questionnaire.pk).encode() not in page.content

    response = admin_client.post(url("questionnaire_new_draft", questionnaire.pk))
    draft = Questionnaire.objects.get(key="mini", version=2)
    assert response.status_code == 302
    assert response["Location"] == url("questionnaire_change", draft.pk)
    assert draft.is_draft
    assert export_text(draft) == export_text(questionnaire).replace(
        "\nversion: 1\n", "\nversion: 2\n"
    )
    assert texts(response) == [
        "Version 2 is a new draft, copied from version 1. Edit it here, then publish it."
    ]
    entry = LogEntry.objects.get(object_id=str(draft.pk))
    assert entry.user == staff


def test_new_draft_needs_a_post(admin_client, questionnaire):
    assert admin_client.get(url("questionnaire_new_draft", questionnaire.pk)).status_code == 405
    assert Questionnaire.objects.count() == 1


def test_new_draft_action_on_the_list(admin_client, questionnaire):
    response = admin_client.post(
        url("questionnaire_changelist"),
        {"action": "new_draft_action", "_selected_action": [questionnaire.pk]},
    )
    draft = Questionnaire.objects.get(version=2)
    assert response["Location"] == url("questionnaire_change", draft.pk)


# --- Publish -------------------------------------------------------------------------------------


def test_the_publish_action_refuses_a_question_without_options_and_names_it(
    admin_client, questionnaire, draft
):
    draft.questions.get(key="policy").options.all().delete()
    response = admin_client.post(
        url("questionnaire_changelist"),
        {"action": "publish_action", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert texts(response) == [
        "Version 2 was not published. Fix these problems first:",
        "Question 'policy' (section 'program'): has no answer options; it needs at least 2, "
        "including the scale's lowest score 0 and highest 4",
    ]
    assert b"Question &#x27;policy&#x27; (section &#x27;program&#x27;)" in response.content
    draft.refresh_from_db()
    questionnaire.refresh_from_db()
    assert draft.is_draft and questionnaire.status == Questionnaire.Status.PUBLISHED


def test_the_publish_page_lists_the_problems_and_offers_no_button(admin_client, draft):
    draft.questions.get(key="policy").options.all().delete()
    page = admin_client.get(url("questionnaire_publish", draft.pk))
    assert page.status_code == 200
    assert page.context["problems"] == [
        "Question 'policy' (section 'program'): has no answer options; it needs at least 2, "
        "including the scale's lowest score 0 and highest 4"
    ]
    assert b"Publish version 2" not in page.content
    # A POST anyway is refused the same way.
    page = admin_client.post(url("questionnaire_publish", draft.pk))
    assert page.status_code == 200 and page.context["problems"]
    draft.refresh_from_db()
    assert draft.is_draft


def test_publishing_from_the_change_page_retires_the_previous_version(
    admin_client, questionnaire, draft, assessment
):
    change_page = admin_client.get(url("questionnaire_change", draft.pk))
    assert url("questionnaire_publish", draft.pk).encode() in change_page.content
    confirm = admin_client.get(url("questionnaire_publish", draft.pk))
    assert confirm.context["problems"] == []
    assert b"retires version 1; the 1 assessment made on it keeps" in confirm.content

    response = admin_client.post(url("questionnaire_publish", draft.pk))
    assert response["Location"] == url("questionnaire_change", draft.pk)
    draft.refresh_from_db()
    questionnaire.refresh_from_db()
    assert draft.status == Questionnaire.Status.PUBLISHED
    assert questionnaire.status == Questionnaire.Status.RETIRED
    assessment.refresh_from_db()
    assert assessment.questionnaire_id == questionnaire.pk


def test_a_published_version_cannot_be_published_again(admin_client, questionnaire):
    response = admin_client.post(url("questionnaire_publish", questionnaire.pk))
    assert response.status_code == 302
    assert texts(response) == ["Version 1 is published; only a draft can be published."]


# --- Export and import ---------------------------------------------------------------------------


def test_export_downloads_the_yaml_file(admin_client, questionnaire):
    response = admin_client.get(url("questionnaire_export", questionnaire.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mini-v1.yaml"'
    assert response.content.decode() == export_text(questionnaire)

    action = admin_client.post(
        url("questionnaire_changelist"),
        {"action": "export_action", "_selected_action": [questionnaire.pk]},
    )
    assert action.content == response.content


def test_export_import_export_through_the_admin_is_identical(admin_client, questionnaire):
    exported = admin_client.get(url("questionnaire_export", questionnaire.pk)).content
    upload = SimpleUploadedFile("mini-v1.yaml", exported, content_type="application/yaml")
    response = admin_client.post(url("questionnaire_import"), {"file": upload})
    imported = Questionnaire.objects.get(key="mini", version=2)
    assert response["Location"] == url("questionnaire_change", imported.pk)
    assert imported.is_draft
    again = admin_client.get(url("questionnaire_export", imported.pk)).content
    assert again == exported.replace(b"\nversion: 1\n", b"\nversion: 2\n")
    assert LogEntry.objects.get(object_id=str(imported.pk)).change_message.startswith(
        "Imported from the file 'mini-v1.yaml' as draft version 2"
    )


def test_a_malformed_import_writes_nothing_and_shows_each_problem(admin_client, questionnaire):
    text = export_text(questionnaire).replace("stage: awareness", "stage: nowhere", 1)
    text = text.replace("format: ospo-assess/questionnaire@1", "format: something-else")
    before = (Questionnaire.objects.count(), Question.objects.count(), LogEntry.objects.count())
    page = admin_client.post(
        url("questionnaire_import"),
        {"file": SimpleUploadedFile("broken.yaml", text.encode())},
    )
    assert page.status_code == 400
    problems = page.context["problems"]
    assert len(problems) == 2
    for problem in problems:
        assert problem.replace("'", "&#x27;").encode() in page.content
    assert b"nothing was written" in page.content
    after = (Questionnaire.objects.count(), Question.objects.count(), LogEntry.objects.count())
    assert before == after


def test_an_import_that_is_not_yaml_text_is_refused(admin_client, questionnaire):
    page = admin_client.post(
        url("questionnaire_import"), {"file": SimpleUploadedFile("x.yaml", b"\xff\xfe\x00")}
    )
    assert page.status_code == 200
    assert page.context["form"].errors == {"file": ["The file is not UTF-8 text."]}
    assert Questionnaire.objects.count() == 1


# --- Frozen versions -----------------------------------------------------------------------------


def test_a_post_changing_a_published_question_is_refused_and_changes_nothing(
    admin_client, questionnaire, draft
):
    question = draft.questions.get(key="policy")
    data = form_data(admin_client.get(url("question_change", question.pk)))
    published = questionnaire.questions.get(key="policy")
    data["text"] = "Changed after publication"
    page = admin_client.get(url("question_change", published.pk))
    assert b"is published, so this page is read-only" in page.content
    assert b'name="text"' not in page.content

    response = admin_client.post(url("question_change", published.pk), data)
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.text == "Is there an approved open source policy?"
    assert admin_client.post(url("question_delete", published.pk), {"post": "yes"}).status_code == (
        403
    )
    assert Question.objects.filter(pk=published.pk).exists()
    assert not LogEntry.objects.filter(object_id=str(published.pk)).exists()


def test_a_published_version_page_is_read_only_but_can_be_copied(admin_client, questionnaire):
    page = admin_client.get(url("questionnaire_change", questionnaire.pk))
    assert page.status_code == 200
    assert b'name="title"' not in page.content
    assert b"New draft from this version" in page.content
    response = admin_client.post(url("questionnaire_change", questionnaire.pk), {"title": "X"})
    assert response.status_code == 403


# --- Editing a draft question --------------------------------------------------------------------


def test_a_draft_question_edit_is_saved_and_shows_in_the_audit_list(admin_client, draft):
    question = draft.questions.get(key="policy")
    data = form_data(admin_client.get(url("question_change", question.pk)))
    data["text"] = "Is there an approved and published open source policy?"
    response = admin_client.post(url("question_change", question.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    question.refresh_from_db()
    assert question.text == "Is there an approved and published open source policy?"

    page = admin_client.get(url("questionnaire_change", draft.pk))
    rows = page.context["audit_rows"]
    entry, history_url = rows[0]
    assert entry.object_repr == "policy" and entry.user.username == "ada"
    assert history_url == url("question_history", question.pk)
    assert b"Changed Question." in page.content
    assert f'href="{history_url}"'.encode() in page.content
    assert b"Created as a new draft from version 1 (published)." in page.content


def test_the_choices_of_a_draft_question_are_its_own_versions(admin_client, questionnaire, draft):
    question = draft.questions.get(key="policy")
    page = admin_client.get(url("question_change", question.pk))
    form = page.context["adminform"].form
    for name in ("stage", "pillar", "layer", "section"):
        versions = {item.questionnaire_id for item in form.fields[name].queryset}
        assert versions == {draft.pk}, name


def test_a_stage_of_another_version_is_refused_by_name(admin_client, questionnaire, draft):
    question = draft.questions.get(key="policy")
    data = form_data(admin_client.get(url("question_change", question.pk)))
    data["stage"] = questionnaire.stages.get(key="awareness").pk
    page = admin_client.post(url("question_change", question.pk), data)
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["stage"] == [
        "Choose a stage of this questionnaire version; the one sent belongs to another version "
        "or does not exist."
    ]
    question.refresh_from_db()
    assert question.stage.questionnaire_id == draft.pk


def test_options_with_the_same_score_are_refused_by_name(admin_client, draft):
    question = draft.questions.get(key="contribution-ok")
    data = form_data(admin_client.get(url("question_change", question.pk)))
    data["options-1-score"] = "4"
    data["options-0-score"] = "9"
    page = admin_client.post(url("question_change", question.pk), data)
    assert page.status_code == 200
    errors = page.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert list(errors) == [
        "Option 'Forbidden or unknown': score 9 is not a score of the scale (0, 1, 2, 3, 4).",
        "Options 'Allowed case by case' and 'Allowed and encouraged' both have the score 4; "
        "each option needs its own score.",
    ]
    assert sorted(question.options.values_list("score", flat=True)) == [0, 2, 4]


def test_two_options_can_swap_scores(admin_client, draft):
    question = draft.questions.get(key="contribution-ok")
    data = form_data(admin_client.get(url("question_change", question.pk)))
    data["options-0-score"], data["options-2-score"] = "4", "0"
    response = admin_client.post(url("question_change", question.pk), data)
    assert response.status_code == 302
    labels = dict(question.options.values_list("score", "label"))
    assert labels[0] == "Allowed and encouraged" and labels[4] == "Forbidden or unknown"


def test_stage_levels_can_be_swapped_on_the_version_page(admin_client, draft):
    data = form_data(admin_client.get(url("questionnaire_change", draft.pk)))
    data["stages-0-level"], data["stages-1-level"] = "1", "0"
    response = admin_client.post(url("questionnaire_change", draft.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(draft.stages.order_by("level").values_list("key", flat=True)) == [
        "ad-hoc",
        "awareness",
        "strategy",
    ]


def test_a_new_question_without_options_gets_the_scale(admin_client, draft):
    section = draft.sections.get(key="program")
    data = {
        "questionnaire": draft.pk,
        "section": section.pk,
        "order": 50,
        "key": "sbom",
        "text": "Do products ship with a software bill of materials?",
        "stage": draft.stages.get(key="strategy").pk,
        "pillar": draft.pillars.get(key="enabler").pk,
        "layer": "",
        "weight": "1",
        "options-TOTAL_FORMS": "0",
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(url("question_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    question = draft.questions.get(key="sbom")
    assert list(question.options.values_list("score", flat=True)) == [0, 1, 2, 3, 4]
    assert authoring.publish_problems(draft) == []

    # The same key again is refused by name.
    response = admin_client.post(url("question_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["key"] == [
        "Another question of this version already has the key 'sbom'."
    ]


def test_a_key_must_be_valid_in_the_questionnaire_file(admin_client, draft):
    section = draft.sections.get(key="basics")
    data = form_data(admin_client.get(url("section_change", section.pk)))
    data["key"] = "Basics_1"
    page = admin_client.post(url("section_change", section.pk), data)
    assert page.context["adminform"].form.errors["key"] == [
        "Use lowercase letters and digits joined by '-', e.g. 'open-source-policy'."
    ]


def test_deleting_a_draft_question_is_kept_in_the_audit(admin_client, draft):
    question = draft.questions.get(key="releases")
    response = admin_client.post(url("question_delete", question.pk), {"post": "yes"})
    assert response.status_code == 302
    page = admin_client.get(url("questionnaire_change", draft.pk))
    assert b"Deleted question \xe2\x80\x9creleases\xe2\x80\x9d." in page.content


# --- Finding a question --------------------------------------------------------------------------


def test_question_filters_show_only_the_selected_versions_items(admin_client, questionnaire, draft):
    Stage.objects.create(questionnaire=draft, key="leadership", name="Leadership", level=3)
    Section.objects.create(questionnaire=draft, key="extra", title="Extra", order=5)

    def choices(response, title):
        spec = next(s for s in response.context["cl"].filter_specs if s.title == title)
        return [label for _pk, label in spec.lookup_choices]

    # Without a choice: the newest draft.
    page = admin_client.get(url("question_changelist"))
    assert page.context["cl"].result_count == 6
    assert set(page.context["cl"].result_list) <= set(draft.questions.all())
    assert choices(page, "stage") == [
        "0 Awareness (2)",
        "1 Ad hoc (1)",
        "2 Security, education and strategy (3)",
        "3 Leadership (0)",
    ]
    assert choices(page, "section") == ["Basics (3)", "Program (3)", "Extra (0)"]
    assert b"Questions of mini v2 \xc2\xb7 Draft" in page.content

    # The published version: its own items only, and its questions.
    page = admin_client.get(url("question_changelist"), {"questionnaire": questionnaire.pk})
    assert set(page.context["cl"].result_list) <= set(questionnaire.questions.all())
    assert choices(page, "section") == ["Basics (3)", "Program (3)"]
    assert "3 Leadership (0)" not in choices(page, "stage")

    # Filtered by a section of the draft: that section's questions.
    program = draft.sections.get(key="program")
    page = admin_client.get(
        url("question_changelist"), {"questionnaire": draft.pk, "section": program.pk}
    )
    assert sorted(q.key for q in page.context["cl"].result_list) == [
        "policy",
        "releases",
        "training",
    ]
    # Switching the version drops the section of the other version from the links.
    spec = page.context["cl"].filter_specs[0]
    links = [c["query_string"] for c in spec.choices(page.context["cl"])]
    assert all("section" not in link for link in links)

    # Search within the chosen version.
    page = admin_client.get(url("question_changelist"), {"q": "license"})
    assert [q.key for q in page.context["cl"].result_list] == ["training"]


def test_all_versions_hides_the_part_filters(admin_client, questionnaire, draft):
    page = admin_client.get(url("question_changelist"), {"questionnaire": "all"})
    assert page.context["cl"].result_count == 12
    titles = [spec.title for spec in page.context["cl"].filter_specs if spec.has_output()]
    assert "stage" not in titles and "section" not in titles


def test_the_question_list_queries_do_not_grow_with_questions(
    admin_client, questionnaire, draft, django_assert_max_num_queries
):
    admin_client.get(url("question_changelist"))
    with django_assert_max_num_queries(25) as queries:
        admin_client.get(url("question_changelist"))
    few = len(queries)
    section = draft.sections.first()
    stage, pillar = draft.stages.first(), draft.pillars.first()
    for index in range(20):
        Question.objects.create(
            questionnaire=draft,
            section=section,
            key=f"extra-{index}",
            order=100 + index,
            text="More",
            stage=stage,
            pillar=pillar,
        )
    with django_assert_max_num_queries(few):
        admin_client.get(url("question_changelist"))


# --- Permissions ---------------------------------------------------------------------------------


def test_staff_without_permissions_get_403_on_every_authoring_view(client, clerk, draft):
    client.force_login(clerk)
    before = (Questionnaire.objects.count(), LogEntry.objects.count())
    assert client.post(url("questionnaire_new_draft", draft.pk)).status_code == 403
    assert client.post(url("questionnaire_publish", draft.pk)).status_code == 403
    assert client.get(url("questionnaire_publish", draft.pk)).status_code == 403
    assert client.get(url("questionnaire_export", draft.pk)).status_code == 403
    assert client.get(url("questionnaire_import")).status_code == 403
    upload = SimpleUploadedFile("mini.yaml", export_text(draft).encode())
    assert client.post(url("questionnaire_import"), {"file": upload}).status_code == 403
    for action in ("new_draft_action", "publish_action", "export_action"):
        response = client.post(
            url("questionnaire_changelist"), {"action": action, "_selected_action": [draft.pk]}
        )
        assert response.status_code == 403, action
    assert client.get(url("question_changelist")).status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft
    assert before == (Questionnaire.objects.count(), LogEntry.objects.count())


def test_view_permission_allows_export_but_not_publishing(client, clerk, draft):
    clerk.user_permissions.add(Permission.objects.get(codename="view_questionnaire"))
    client.force_login(clerk)
    assert client.get(url("questionnaire_export", draft.pk)).status_code == 200
    assert client.post(url("questionnaire_publish", draft.pk)).status_code == 403
    page = client.get(url("questionnaire_change", draft.pk))
    assert page.status_code == 200
    assert url("questionnaire_publish", draft.pk).encode() not in page.content
    assert b"New draft from this version" not in page.content
    response = client.post(
        url("questionnaire_changelist"),
        {"action": "publish_action", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_draft and response.status_code in (200, 302)


def test_an_organization_owner_is_sent_to_the_admin_login(client, owner, draft):
    client.force_login(owner)
    for target in (
        url("questionnaire_changelist"),
        url("questionnaire_change", draft.pk),
        url("questionnaire_import"),
        url("questionnaire_export", draft.pk),
        url("question_changelist"),
    ):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login")), target
    response = client.post(url("questionnaire_publish", draft.pk))
    assert response["Location"].startswith(reverse("admin:login"))
    draft.refresh_from_db()
    assert draft.is_draft


def test_answer_option_deletion_on_a_published_version_is_refused(admin_client, questionnaire):
    option = AnswerOption.objects.filter(question__questionnaire=questionnaire).first()
    assert admin_client.post(
        url("answeroption_delete", option.pk), {"post": "yes"}
    ).status_code == (403)
    assert AnswerOption.objects.filter(pk=option.pk).exists()


def test_a_draft_can_be_deleted_whole_but_a_published_version_cannot(
    admin_client, questionnaire, draft
):
    confirm = admin_client.get(url("questionnaire_delete", draft.pk))
    assert confirm.status_code == 200 and not confirm.context["protected"]
    response = admin_client.post(url("questionnaire_delete", draft.pk), {"post": "yes"})
    assert response.status_code == 302
    assert list(Questionnaire.objects.values_list("version", flat=True)) == [1]
    assert questionnaire.questions.count() == 6

    response = admin_client.post(
        url("questionnaire_changelist"),
        {"action": "delete_selected", "_selected_action": [questionnaire.pk], "post": "yes"},
    )
    assert Questionnaire.objects.filter(pk=questionnaire.pk).exists()
    assert admin_client.post(
        url("questionnaire_delete", questionnaire.pk), {"post": "yes"}
    ).status_code == (403)


def test_the_publish_action_publishes_a_clean_draft(admin_client, questionnaire, draft):
    response = admin_client.post(
        url("questionnaire_changelist"),
        {"action": "publish_action", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    questionnaire.refresh_from_db()
    assert draft.status == Questionnaire.Status.PUBLISHED
    assert questionnaire.status == Questionnaire.Status.RETIRED
    assert texts(response)[0].startswith("Published version 2 of 'mini'.")


def test_the_import_form_opens_from_the_list(admin_client, questionnaire):
    page = admin_client.get(url("questionnaire_import"))
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content


def test_a_checklist_and_a_text_question_are_authored_in_the_admin(admin_client, draft):
    section = draft.sections.get(key="program")
    base = {
        "questionnaire": draft.pk,
        "section": section.pk,
        "order": 60,
        "stage": draft.stages.get(key="strategy").pk,
        "pillar": draft.pillars.get(key="enabler").pk,
        "layer": "",
        "weight": "1",
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
    }
    boxes = [("Scanner", "2", ""), ("Checker", "1", ""), ("None of these", "0", "on")]
    data = {
        **base,
        "key": "tools",
        "type": "checklist",
        "text": "Which tools are in use?",
        "options-TOTAL_FORMS": str(len(boxes)),
    }
    for index, (label, weight, exclusive) in enumerate(boxes):
        data |= {
            f"options-{index}-order": str(index),
            f"options-{index}-score": str(index),
            f"options-{index}-label": label,
            f"options-{index}-weight": weight,
        }
        if exclusive:
            data[f"options-{index}-exclusive"] = exclusive
    response = admin_client.post(url("question_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    tools = draft.questions.get(key="tools")
    assert tools.type == "checklist"
    assert list(tools.options.values_list("label", "weight", "exclusive")) == [
        ("Scanner", 2, False),
        ("Checker", 1, False),
        ("None of these", 0, True),
    ]
    text = {**base, "key": "goals", "type": "text", "text": "What comes first?"}
    response = admin_client.post(url("question_add"), text | {"options-TOTAL_FORMS": "0"})
    assert response.status_code == 302, response.context and response.context["errors"]
    assert not draft.questions.get(key="goals").options.exists()  # the scale is not copied
    assert authoring.publish_problems(draft) == []
    # An exclusive box with a weight is named by the one validator, as in a file.
    tools.options.filter(label="None of these").update(weight=3)
    assert any(
        "is exclusive ('none of these') and weighs 3" in p
        for p in authoring.publish_problems(draft)
    )
