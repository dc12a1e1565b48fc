"""Choosing the language one reads in (ospo_assess/language.py, ReaderLanguageMiddleware)."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import AccountSettings

pytestmark = pytest.mark.django_db

CHOOSE = reverse("choose_language")
HOME = reverse("assessments:home")


def page_language(response) -> str:
    html = response.content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_visitor_reads_in_the_browsers_language():
    client = Client(headers={"accept-language": "de-DE,de;q=0.9,en;q=0.5"})
    assert page_language(client.get(HOME)) == "de"
    assert page_language(Client(headers={"accept-language": "pt-BR"}).get(HOME)) == "en"


def test_the_switcher_offers_each_language_in_its_own_words(client):
    html = client.get(HOME).content.decode()
    for code, name in settings.LANGUAGES:
        assert f'value="{code}" lang="{code}"' in html
        assert name in html


def test_a_visitors_choice_is_kept_in_a_cookie_and_wins_over_the_browser(client):
    response = client.post(CHOOSE, {"language": "es", "next": "/model/"}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302
    assert response["Location"] == "/model/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert page_language(client.get(HOME, HTTP_ACCEPT_LANGUAGE="de")) == "es"


def test_it_refuses_a_language_it_does_not_offer_and_changes_nothing(client, owner):
    client.force_login(owner)
    response = client.post(CHOOSE, {"language": "xx", "next": "/"})
    assert response.status_code == 400
    assert "is not a language this site is available in" in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert not AccountSettings.objects.filter(user=owner).exists()


def test_it_only_accepts_a_post(client):
    assert client.get(CHOOSE, {"language": "fr"}).status_code == 405


def test_it_never_sends_a_visitor_to_another_site(client):
    response = client.post(CHOOSE, {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_signed_in_persons_choice_follows_them_to_another_browser(owner):
    first = Client()
    first.force_login(owner)
    first.post(CHOOSE, {"language": "fr", "next": "/"})
    assert AccountSettings.language_of(owner) == "fr"
    assert page_language(first.get(HOME, HTTP_ACCEPT_LANGUAGE="de", follow=True)) == "fr"

    other = Client(headers={"accept-language": "es"})
    assert page_language(other.get(HOME)) == "es"
    other.post(
        reverse("login"), {"username": owner.username, "password": "pw-olivia-123"}, follow=True
    )
    assert page_language(other.get(HOME, follow=True)) == "fr"


def test_the_account_language_costs_no_query_on_a_page(client, owner):
    client.force_login(owner)
    page = reverse("assessments:organization_create")
    client.get(page)
    with CaptureQueriesContext(connection) as before:
        client.get(page)
    client.post(CHOOSE, {"language": "de", "next": "/"})
    with CaptureQueriesContext(connection) as after:
        response = client.get(page)
    assert page_language(response) == "de"
    assert len(after) == len(before)  # read from the session, loaded anyway
