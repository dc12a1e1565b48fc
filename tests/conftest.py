"""The fixed cast: an owner and a colleague of one organization, and an outsider of another."""

from pathlib import Path

import pytest

from assessments.models import Assessment, Membership, Organization
from assessments.questionnaire_file.store import load_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_configure(config):
    from django.conf import settings

    # Users are made in most tests; PBKDF2's deliberate slowness (a third of a second each) is
    # for real passwords, not for a test's.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rendered pieces are cached under database ids, which a rolled-back test may hand out again.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mini_text() -> str:
    return (FIXTURES / "mini.yaml").read_text(encoding="utf-8")


@pytest.fixture
def questionnaire(db, mini_text):
    return load_text(mini_text, publish=True)


@pytest.fixture
def organization(db):
    return Organization.objects.create(name="Acme Research", slug="acme")


@pytest.fixture
def other_organization(db):
    return Organization.objects.create(name="Globex Public Works", slug="globex")


@pytest.fixture
def owner(django_user_model, organization):
    user = django_user_model.objects.create_user("olivia", password="pw-olivia-123")
    Membership.objects.create(organization=organization, user=user, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def colleague(django_user_model, organization):
    user = django_user_model.objects.create_user("carlos", password="pw-carlos-123")
    Membership.objects.create(organization=organization, user=user, role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def outsider(django_user_model, other_organization):
    user = django_user_model.objects.create_user("oscar", password="pw-oscar-123")
    Membership.objects.create(
        organization=other_organization, user=user, role=Membership.Role.OWNER
    )
    return user


@pytest.fixture
def assessment(organization, questionnaire, owner):
    return Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Baseline", created_by=owner
    )
