import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ospo_assess.env import env_bool, env_int, env_list, env_str, parse_database_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " True "])
def test_env_bool_reads_true_words(raw):
    assert env_bool("DEBUG", False, {"DEBUG": raw}) is True


@pytest.mark.parametrize("raw", ["0", "false", "no", "off"])
def test_env_bool_reads_false_words(raw):
    assert env_bool("DEBUG", True, {"DEBUG": raw}) is False


def test_env_bool_uses_the_default_when_unset_or_empty():
    assert env_bool("DEBUG", True, {}) is True
    assert env_bool("DEBUG", False, {"DEBUG": ""}) is False


@pytest.mark.parametrize("raw", ["flase", "2", "enabled", "y e s"])
def test_env_bool_rejects_a_malformed_value_naming_it(raw):
    with pytest.raises(ImproperlyConfigured, match=f"DEBUG={raw!r} is not a boolean"):
        env_bool("DEBUG", False, {"DEBUG": raw})


def test_env_str_requires_a_value_without_default():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        env_str("SECRET_KEY", None, {})


def test_env_int_rejects_words():
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("WORKERS", 2, {"WORKERS": "two"})
    assert env_int("WORKERS", 2, {"WORKERS": " 4 "}) == 4


def test_env_list_splits_on_commas_and_rejects_empty_entries():
    assert env_list("ALLOWED_HOSTS", [], {"ALLOWED_HOSTS": "a.org, b.org"}) == ["a.org", "b.org"]
    with pytest.raises(ImproperlyConfigured, match="empty entry"):
        env_list("ALLOWED_HOSTS", [], {"ALLOWED_HOSTS": "a.org,,b.org"})


def test_database_url_defaults_to_a_sqlite_file_in_the_project_folder():
    config = parse_database_url("sqlite:///db.sqlite3", ROOT)
    assert config == {"ENGINE": "django.db.backends.sqlite3", "NAME": str(ROOT / "db.sqlite3")}


def test_database_url_reads_postgres_with_credentials_and_options():
    config = parse_database_url(
        "postgres://app:s%40cret@db.internal:6543/ospo?sslmode=require", ROOT
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("app", "s@cret")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", "6543", "ospo")
    assert config["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/x", "unsupported scheme"),
        ("postgres://localhost", "must name exactly one database"),
        ("postgres://localhost:notaport/x", "bad port"),
        ("sqlite://host/db.sqlite3", "has no host"),
        ("not a url", "unsupported scheme"),
    ],
)
def test_a_malformed_database_url_is_an_error(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_database_url(url, ROOT)


def test_a_password_never_appears_in_the_error():
    with pytest.raises(ImproperlyConfigured) as info:
        parse_database_url("postgres://u:hunter2@h:bad/x", ROOT)
    assert "hunter2" not in str(info.value)


def _start(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_app_refuses_to_start_without_secret_key_when_debug_is_off():
    result = _start({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_app_refuses_to_start_with_a_malformed_debug_value():
    result = _start({"DEBUG": "maybe", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_the_app_starts_in_debug_without_a_secret_key():
    result = _start({"DEBUG": "true"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PROXY_COUNT", "-1", "PROXY_COUNT=-1 must be 0 or more"),
        ("PROXY_COUNT", "two", "PROXY_COUNT='two' is not a whole number"),
        ("LOGIN_ADDRESS_FAILURE_LIMIT", "0", "LOGIN_ADDRESS_FAILURE_LIMIT must be 1 or more"),
    ],
)
def test_it_refuses_to_start_with_a_proxy_count_or_login_limit_that_makes_no_sense(
    variable, value, message
):
    result = _start({"DEBUG": "true", variable: value})
    assert result.returncode != 0
    assert message in result.stderr
