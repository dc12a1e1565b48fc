"""Signing up, logging in and out, changing and resetting a password."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGNUP = reverse("assessments:signup")
GOOD = {
    "username": "ines",
    "email": "ines@example.org",
    "password1": "violet-harbour-lantern-42",
    "password2": "violet-harbour-lantern-42",
}


def test_signup_creates_the_user_logs_them_in_and_sends_them_to_create_an_organization(client):
    response = client.post(SIGNUP, GOOD)

    assert response.status_code == 302
    assert response.url == reverse("assessments:organization_create")
    user = get_user_model().objects.get(username="ines")
    assert user.email == "ines@example.org"
    assert user.check_password(GOOD["password1"])
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password2": "something-else-entirely-7"}, "password2", "didn’t match"),
        ({"password1": "password123", "password2": "password123"}, "password2", "too common"),
        ({"username": "olivia"}, "username", "already exists"),
        ({"email": ""}, "email", "required"),
    ],
    ids=["password-mismatch", "common-password", "duplicate-username", "missing-email"],
)
def test_signup_shows_the_error_on_the_form_and_creates_no_user(
    client, owner, changes, field, message
):
    users_before = get_user_model().objects.count()

    response = client.post(SIGNUP, GOOD | changes)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert get_user_model().objects.count() == users_before
    assert "_auth_user_id" not in client.session


def test_signup_rejects_a_password_that_resembles_the_email(client):
    response = client.post(
        SIGNUP, GOOD | {"password1": "ines@example.org", "password2": "ines@example.org"}
    )

    assert response.status_code == 200
    assert "too similar" in " ".join(response.context["form"].errors["password2"])


def test_signup_honours_a_next_on_this_site(client):
    response = client.post(SIGNUP + "?next=/invite/abc/", GOOD)

    assert response.status_code == 302
    assert response.url == "/invite/abc/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_signup_ignores_a_next_to_another_site(client, next_url):
    response = client.post(SIGNUP, GOOD | {"next": next_url})

    assert response.status_code == 302
    assert response.url == reverse("assessments:organization_create")


def test_the_signup_form_carries_a_safe_next_and_drops_an_external_one(client):
    page = client.get(SIGNUP + "?next=/invite/abc/")
    assert b'name="next" value="/invite/abc/"' in page.content

    page = client.get(SIGNUP + "?next=https://evil.example/")
    assert b"evil.example" not in page.content


def test_a_logged_in_user_opening_signup_goes_on_to_next(client, owner):
    client.force_login(owner)

    response = client.get(SIGNUP + "?next=/invite/abc/")

    assert response.status_code == 302
    assert response.url == "/invite/abc/"


def test_signup_without_a_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)

    response = client.post(SIGNUP, GOOD)

    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="ines").exists()


def test_the_login_page_links_to_signup_and_password_reset_and_keeps_next(client):
    page = client.get(reverse("login") + "?next=/invite/abc/")

    content = page.content.decode()
    assert page.status_code == 200
    assert f'href="{SIGNUP}?next=/invite/abc/"' in content
    assert f'href="{reverse("password_reset")}"' in content
    assert 'name="next" value="/invite/abc/"' in content


def test_logging_in_goes_to_next(client, owner):
    response = client.post(
        reverse("login"),
        {"username": "olivia", "password": "pw-olivia-123", "next": "/invite/abc/"},
    )

    assert response.status_code == 302
    assert response.url == "/invite/abc/"


def test_password_reset_sends_one_email_whose_link_sets_a_new_password(client, owner):
    owner.email = "olivia@example.org"
    owner.save()

    response = client.post(reverse("password_reset"), {"email": "olivia@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olivia@example.org"]
    assert "\n" not in message.subject
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", message.body).group(1)

    # The link trades its token for a session and moves to a URL without it.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "quiet-meadow-signal-88", "new_password2": "quiet-meadow-signal-88"},
    )

    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    owner.refresh_from_db()
    assert owner.check_password("quiet-meadow-signal-88")
    # A link works once.
    assert not client.get(link, follow=True).context["validlink"]


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert response.status_code == 200
    assert b"Check your email" in response.content
    assert mail.outbox == []


def test_a_member_changes_their_password(client, owner):
    client.force_login(owner)
    assert client.get(reverse("password_change")).status_code == 200

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-olivia-123",
            "new_password1": "amber-fjord-compass-19",
            "new_password2": "amber-fjord-compass-19",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    owner.refresh_from_db()
    assert owner.check_password("amber-fjord-compass-19")
    assert client.get(reverse("password_change_done")).status_code == 200


def test_password_change_needs_the_old_password(client, owner):
    client.force_login(owner)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "amber-fjord-compass-19",
            "new_password2": "amber-fjord-compass-19",
        },
    )

    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.check_password("pw-olivia-123")


def test_password_change_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_account_menu_offers_password_change_and_a_log_out_form(client, owner):
    client.force_login(owner)

    content = client.get(reverse("password_change")).content.decode()

    assert f'href="{reverse("password_change")}"' in content
    assert re.search(
        rf'<form method="post" action="{reverse("logout")}"[^>]*>\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken"',
        content,
    )


def test_the_session_ping_tells_whether_the_visitor_is_signed_in(client, owner):
    assert client.get("/accounts/session/").status_code == 401
    client.force_login(owner)
    response = client.get("/accounts/session/")
    assert response.status_code == 204
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/accounts/session/").status_code == 405
