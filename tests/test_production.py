"""Production settings: deploy checks, exact security headers, rate limits, health, error pages."""

import json
import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer
from ospo_assess import about
from strategy.models import Strategy

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db

PRODUCTION = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


def test_manage_check_deploy_reports_nothing_with_production_settings():
    # Only what a production server has: not the test run's own switches (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, which the deploy check rightly refuses).
    test_only = ("HTTPS", "DEBUG", "TASKS_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE", "STATIC_MANIFEST")
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env |= {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "ospo.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # a loaded CI machine can take a while to import everything
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def assert_security_headers(response, *, html: bool):
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if html:
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        nonce = directives["script-src"].split("'nonce-")[1].split("'")[0]
        assert directives == {
            "default-src": "'self'",
            "script-src": f"'self' 'nonce-{nonce}'",
            "style-src": f"'self' 'nonce-{nonce}'",
            "img-src": "'self' data:",
            "font-src": "'self'",
            "connect-src": "'self'",
            "form-action": "'self'",
            "frame-ancestors": "'none'",
            "base-uri": "'none'",
            "object-src": "'none'",
        }
        body = response.content.decode()
        assert "unsafe-inline" not in policy
        assert ' style="' not in body, "inline style attributes would be blocked by the CSP"
        assert "<script>" not in body and "<style>" not in body


@override_settings(**PRODUCTION)
def test_the_assessment_page_and_the_pdf_download_carry_the_security_headers(owner, assessment):
    client = Client()
    client.force_login(owner)
    section = reverse("assessments:section", args=["acme", assessment.pk, "program"])
    assert client.get(section)["Location"].startswith("https://")
    page = client.get(section, secure=True)
    assert page.status_code == 200
    assert_security_headers(page, html=True)
    session_cookie = page.cookies.get("sessionid") or client.cookies["sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"]

    for question in assessment.questionnaire.questions.prefetch_related("options"):
        Answer.objects.create(
            assessment=assessment,
            question=question,
            kind="option",
            option=question.options.order_by("score").first(),
        )
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Strategy")
    pdf = client.get(reverse("strategy:export_pdf", args=["acme", strategy.pk]), secure=True)
    assert pdf["Content-Type"] == "application/pdf"
    assert_security_headers(pdf, html=False)


def test_a_locked_out_user_cannot_log_in_even_with_the_right_password(
    client, django_user_model, settings
):
    django_user_model.objects.create_user("ada", password="the-right-password-1")
    django_user_model.objects.create_user("bob", password="bobs-right-password-2")
    login = reverse("login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "ada", "password": "wrong"})
        assert response.status_code == 200  # the form, with its error
    assert client.post(login, {"username": "ada", "password": "wrong"}).status_code == 429
    locked = client.post(login, {"username": "ada", "password": "the-right-password-1"})
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    other = Client()
    response = other.post(login, {"username": "bob", "password": "bobs-right-password-2"})
    assert response.status_code == 302 and "_auth_user_id" in other.session

    # When the lockout ends, the right password works again.
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=1))
    response = client.post(login, {"username": "ada", "password": "the-right-password-1"})
    assert response.status_code == 302


@override_settings(SIGNUP_LIMIT_PER_HOUR=3)
def test_sign_ups_from_one_address_are_limited(client, django_user_model):
    url = reverse("assessments:signup")
    for number in range(3):
        data = {"username": f"user{number}", "email": f"u{number}@example.org"}
        data |= {"password1": "a-long-passphrase-9", "password2": "a-long-passphrase-9"}
        assert Client().post(url, data).status_code == 302
    data = {"username": "user9", "email": "u9@example.org"}
    data |= {"password1": "a-long-passphrase-9", "password2": "a-long-passphrase-9"}
    response = client.post(url, data)
    assert response.status_code == 429
    assert "Too many sign-ups" in response.content.decode()
    assert not django_user_model.objects.filter(username="user9").exists()


def test_common_passwords_are_refused_at_sign_up(client, django_user_model):
    data = {"username": "carol", "email": "c@example.org"}
    data |= {"password1": "password123", "password2": "password123"}
    response = client.post(reverse("assessments:signup"), data)
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not django_user_model.objects.filter(username="carol").exists()


def test_the_health_endpoint_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    version = about.version()  # which release answers (tests/test_about.py checks its source)
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "version": version}


def test_the_health_endpoint_says_so_when_the_database_is_down(client, monkeypatch):
    from django.db import DatabaseError, connection

    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["version"] == about.version()


def test_errors_have_pages_of_our_own(client, owner):
    client.force_login(owner)
    missing = client.get("/orgs/nowhere/")
    assert missing.status_code == 404
    assert "This page does not exist" in missing.content.decode()


def test_logs_are_json_lines():
    import logging

    from ospo_assess.logging import JsonFormatter

    record = logging.makeLogRecord(
        {"name": "ospo", "levelname": "INFO", "msg": "rendered %s", "args": ("pdf",)}
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "rendered pdf" and entry["level"] == "INFO"
