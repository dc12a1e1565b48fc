"""The fixed cast and what many tests share.

The cast: an owner, a colleague (editor) and a viewer of one organization, an outsider (owner of
another organization) and a staff superuser. Test modules take what they need from here and
import nothing from each other.
"""

import json
import os
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model

from assessments.demo import DEMO_USERNAME, setup_demo
from assessments.models import Assessment, Membership, Organization
from strategy.models import Strategy
from tests.questionnaires import load_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_configure(config):
    from django.conf import settings
    from hypothesis import HealthCheck
    from hypothesis import settings as hypothesis_settings

    # The suite runs one process per core, browser tests beside property tests: a busy machine
    # must not fail a property for being slow to generate or run, only for being false.
    hypothesis_settings.register_profile(
        "suite", deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    # `make mutate` runs the property tests once per mutant: fewer examples, the same ones every
    # time (a mutant is killed or not, never by luck), and no example database, so a failure
    # found against a mutant is not replayed against the real code.
    hypothesis_settings.register_profile(
        "mutation",
        parent=hypothesis_settings.get_profile("suite"),
        max_examples=25,
        derandomize=True,
        database=None,
    )
    hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

    # Users are made in most tests; PBKDF2's deliberate slowness (a third of a second each) is
    # for real passwords, not for a test's.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # Under `make mutate` each mutant runs its tests with -x, so the first failure ends the run:
    # tests that need no database go first, the quickest first, and a mutant they kill never
    # waits for a test database (pytest-django puts them last). Normal runs keep its order.
    if "MUTANT_UNDER_TEST" not in os.environ:
        return
    durations = _mutmut_durations()
    items.sort(key=lambda item: (_needs_database(item), durations.get(item.nodeid, 0.0)))


def _needs_database(item) -> bool:
    names = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or "django_db_setup" in names


def _mutmut_durations() -> dict[str, float]:
    """Each test's duration in mutmut's first run (it runs the tests from its mutants/ folder)."""
    try:
        stats = json.loads(Path("mutmut-stats.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stats.get("duration_by_test", {})


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
def next_version_text(mini_text):
    """Makes the text of a next version of mini.yaml (`make(version=2)`)."""

    def make(version: int = 2) -> str:
        """mini.yaml, changed: an option relabelled, a question removed, one added, one reworded,
        and "not applicable" no longer allowed on 'releases'."""
        doc = yaml.safe_load(mini_text)
        doc["version"] = version
        basics, program = doc["sections"]
        by_key = {q["key"]: q for s in doc["sections"] for q in s["questions"]}
        by_key["contribution-ok"]["options"][1]["label"] = "Allowed with a manager's approval"
        by_key["champion"]["text"] = "Is there a named open source contact people can ask?"
        del by_key["releases"]["not_applicable"]
        program["questions"] = [q for q in program["questions"] if q["key"] != "training"]
        program["questions"].append(
            {
                "key": "metrics",
                "text": "Does the office measure its impact?",
                "stage": "strategy",
                "pillar": "enabler",
                "layer": "management",
                "recommendation": "Pick three measures and report them quarterly.",
            }
        )
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)

    return make


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
def viewer(django_user_model, organization):
    """A member of the owner's organization who may read but not change anything."""
    user = django_user_model.objects.create_user("vera", password="pw-vera-123")
    Membership.objects.create(organization=organization, user=user, role=Membership.Role.VIEWER)
    return user


@pytest.fixture
def staff(django_user_model):
    """A superuser: the admin who curates the questionnaires."""
    return django_user_model.objects.create_superuser("ada", "ada@example.org", "pw-ada-123")


@pytest.fixture
def assessment(organization, questionnaire, owner):
    return Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Baseline", created_by=owner
    )


TITLE = "Open source strategy 2027"
WHY = """Demo Organization exists to **deliver public digital services** people rely on.

## Our goals

- Halve the time to deliver a new service.
- Share what we build with other public bodies.

| Goal | Measure |
|---|---|
| Faster delivery | Lead time |
"""
# Everything here would make a careless renderer fetch a URL.
HOSTILE = """We keep our rules short.

![x](http://169.254.169.254/latest)

<img src="file:///etc/passwd">

<link rel=stylesheet href="http://evil/x.css">

<style>@import url("http://evil/y.css"); body { background: url(http://evil/z.png) }</style>

<a href="../../../../etc/passwd">a relative link</a> and [a web link](https://example.org/policy).
"""


def _build_demo_strategy() -> Strategy:
    """The demo organization's strategy: realistic Markdown, and hostile text where a careless
    renderer would fetch a URL."""
    demo = setup_demo()
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    strategy = Strategy.objects.create_from_assessment(demo.assessment, user, TITLE)
    sections = {s.key: s for s in strategy.sections.all()}
    sections["why"].save_body(WHY, sections["why"].version, user)
    sections["governance"].save_body(HOSTILE, sections["governance"].version, user)
    sections["roadmap"].save_body(
        "We review the roadmap every quarter.",
        sections["roadmap"].version,
        user,
    )
    strategy.horizon = "end of 2027"
    strategy.scope_targets = {"layers": {"management": 3}, "pillars": {"advocate": 2}}
    strategy.save()
    return strategy


@pytest.fixture(scope="session")
def build_demo_strategy():
    """The builder itself, for fixtures of a wider scope (call it with database access)."""
    return _build_demo_strategy


@pytest.fixture
def demo_strategy(db) -> Strategy:
    return _build_demo_strategy()
