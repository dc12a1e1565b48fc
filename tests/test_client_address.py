"""The client's address behind the proxies, and the login lockout and sign-up limit keyed on it.

Every request here goes through the whole middleware stack, as one from a proxy would: the test
client's REMOTE_ADDR is the proxy next to the app, X-Forwarded-For the chain the proxies wrote.
"""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from assessments.models import SignupAttempt

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
SIGNUP = reverse("assessments:signup")
PROXY = "10.0.0.2"  # the proxy in front of the app, as the app sees it
CLIENT = "198.51.100.7"
FORGED = "203.0.113.66"  # what a client writes into X-Forwarded-For itself


def through_proxy(client_address: str, *, proxy: str = PROXY) -> Client:
    """A client behind the documented nginx: one proxy that appends the peer it saw."""
    return Client(REMOTE_ADDR=proxy, headers={"x-forwarded-for": client_address})


def signup_data(number: int) -> dict:
    return {
        "username": f"user{number}",
        "email": f"user{number}@example.org",
        "password1": "violet-harbour-lantern-42",
        "password2": "violet-harbour-lantern-42",
    }


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        # No proxy: the connection's peer, whatever the request claims.
        (0, CLIENT, FORGED, CLIENT),
        (0, CLIENT, None, CLIENT),
        # One proxy: the address it appended.
        (1, PROXY, CLIENT, CLIENT),
        (1, PROXY, f"{FORGED}, {CLIENT}", CLIENT),
        (1, PROXY, f"{FORGED},{FORGED}, {CLIENT}", CLIENT),
        (1, PROXY, None, PROXY),
        (1, PROXY, "unknown", PROXY),
        (1, PROXY, "2001:DB8::7", "2001:db8::7"),
        (1, PROXY, "::ffff:198.51.100.7", CLIENT),
        # Two proxies (a load balancer, then nginx): the second from the right.
        (2, PROXY, f"{CLIENT}, 10.0.0.1", CLIENT),
        (2, PROXY, f"{FORGED}, {CLIENT}, 10.0.0.1", CLIENT),
        # A chain shorter than the proxies: the entry the nearest proxy wrote, never more.
        (2, PROXY, "10.0.0.1", "10.0.0.1"),
    ],
    ids=[
        "none-ignores-the-header",
        "none-without-header",
        "one",
        "one-with-a-forged-left-most-entry",
        "one-with-forged-entries",
        "one-without-header",
        "one-with-garbage",
        "one-ipv6-normalized",
        "one-ipv4-mapped",
        "two",
        "two-with-a-forged-left-most-entry",
        "two-with-a-short-chain",
    ],
)
def test_it_keys_failed_logins_and_sign_ups_on_the_client_behind_the_proxies(
    settings, proxies, remote, forwarded, expected
):
    settings.PROXY_COUNT = proxies
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    client = Client(**headers)

    client.post(LOGIN, {"username": "nobody", "password": "wrong"})
    client.post(SIGNUP, signup_data(1))

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [expected]
    assert list(SignupAttempt.objects.values_list("ip_address", flat=True)) == [expected]


def test_it_locks_a_user_out_from_one_client_and_not_from_another_behind_the_same_proxy(
    settings, django_user_model
):
    settings.PROXY_COUNT = 1
    django_user_model.objects.create_user("ada", password="the-right-password-1")
    attacker = through_proxy("198.51.100.66")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attacker.post(LOGIN, {"username": "ada", "password": "wrong"}).status_code == 200
    assert attacker.post(LOGIN, {"username": "ada", "password": "wrong"}).status_code == 429
    refused = attacker.post(LOGIN, {"username": "ada", "password": "the-right-password-1"})
    assert refused.status_code == 429

    ada = through_proxy(CLIENT)
    response = ada.post(LOGIN, {"username": "ada", "password": "the-right-password-1"})
    assert response.status_code == 302 and "_auth_user_id" in ada.session


def test_it_locks_out_an_address_that_tries_a_few_passwords_on_many_accounts(
    settings, django_user_model
):
    settings.PROXY_COUNT = 1
    assert settings.AXES_FAILURE_LIMIT == 5 and settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    for number in range(7):
        django_user_model.objects.create_user(f"user{number}", password=f"right-password-{number}")
    sprayer = through_proxy("198.51.100.66")

    statuses = [
        sprayer.post(LOGIN, {"username": f"user{number}", "password": f"guess-{guess}"}).status_code
        for number in range(6)
        for guess in range(4)  # below the limit of one account from one address
    ]

    assert statuses[:19] == [200] * 19
    assert statuses[19:] == [429] * 5, "locked at the address's 20th failure"
    refused = sprayer.post(LOGIN, {"username": "user6", "password": "right-password-6"})
    assert refused.status_code == 429 and "_auth_user_id" not in sprayer.session
    # Anyone else behind the same proxy still logs in.
    other = through_proxy(CLIENT)
    response = other.post(LOGIN, {"username": "user6", "password": "right-password-6"})
    assert response.status_code == 302


def test_it_counts_only_valid_sign_up_forms_toward_the_hourly_limit(settings, django_user_model):
    settings.PROXY_COUNT = 1
    settings.SIGNUP_LIMIT_PER_HOUR = 2
    client = through_proxy(CLIENT)

    for _attempt in range(10):
        assert client.post(SIGNUP, {}).status_code == 200
    assert client.post(SIGNUP, signup_data(1) | {"password2": "mismatch-77"}).status_code == 200
    assert not SignupAttempt.objects.exists()

    for number in range(2):
        assert through_proxy(CLIENT).post(SIGNUP, signup_data(number)).status_code == 302
    refused = through_proxy(CLIENT).post(SIGNUP, signup_data(2))
    assert refused.status_code == 429
    assert not django_user_model.objects.filter(username="user2").exists()
    # Another client behind the same proxy has its own allowance.
    assert through_proxy("198.51.100.8").post(SIGNUP, signup_data(3)).status_code == 302
