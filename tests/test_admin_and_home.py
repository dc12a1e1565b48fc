import re

import pytest
from django.contrib import admin
from django.urls import reverse

from assessments.models import Answer

pytestmark = pytest.mark.django_db


def test_every_model_of_the_app_is_registered_in_the_admin():
    from django.apps import apps

    for model in apps.get_app_config("assessments").get_models():
        assert admin.site.is_registered(model), model.__name__


def test_every_admin_list_and_form_opens(client, staff, assessment):
    client.force_login(staff)
    for model in admin.site._registry:
        if model._meta.app_label != "assessments":
            continue
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse(f"admin:{info[0]}_{info[1]}_changelist")).status_code == 200
        obj = model.objects.first()
        if obj is not None:
            response = client.get(reverse(f"admin:{info[0]}_{info[1]}_change", args=[obj.pk]))
            assert response.status_code == 200, model.__name__


def test_a_published_question_is_read_only_in_the_admin(client, staff, questionnaire):
    client.force_login(staff)
    question = questionnaire.questions.get(key="policy")
    url = reverse("admin:assessments_question_change", args=[question.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="text"' not in page.content
    response = client.post(url, {"text": "Changed", "key": "policy"})
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.text == "Is there an approved open source policy?"


def test_the_landing_page_invites_a_visitor_to_start(client):
    page = client.get(reverse("assessments:home"))
    assert page.status_code == 200
    assert b"Where does your open source program office stand?" in page.content
    assert b'<main id="main"' in page.content


def test_home_takes_a_member_to_their_organization(client, owner, assessment):
    client.force_login(owner)
    assert client.get(reverse("assessments:home"))["Location"] == "/orgs/acme/"


def test_the_dashboard_shows_a_members_assessment_with_its_stage(client, owner, assessment):
    for question in assessment.questionnaire.questions.all():
        Answer.objects.create(
            assessment=assessment,
            question=question,
            kind="option",
            option=question.options.order_by("-score").first(),
        )
    client.force_login(owner)
    page = client.get(reverse("assessments:dashboard", args=["acme"]))
    assert b"Baseline" in page.content
    assert b"2 \xc2\xb7 Security, education and strategy" in page.content


def test_user_text_is_escaped(client, owner, assessment):
    assessment.title = "<script>alert(1)</script>"
    assessment.save()
    client.force_login(owner)
    for url in (
        reverse("assessments:dashboard", args=["acme"]),
        reverse("assessments:results", args=["acme", assessment.pk]),
    ):
        page = client.get(url)
        assert b"<script>alert(1)</script>" not in page.content
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content


def test_every_page_names_our_own_icon_and_describes_the_site(client):
    page = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert icon.startswith("/static/") and icon.endswith(".svg")
    assert client.get(icon).status_code == 200
    description = re.search(r'<meta name="description" content="([^"]+)"', page).group(1)
    assert "open source program office" in description
