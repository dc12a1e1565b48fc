"""Every page in three unusual readings, in real Chromium.

* A pseudo-locale (tests/pseudo_locale.py): every interface and questionnaire text accented,
  padded and marked ⟦…⟧. Any visible text that is neither marked nor someone's own content
  (names, titles, answers, numbers, dates) was never wrapped for translation.
* German on a 390 px phone: the longest words we ship; nothing may overflow its box and no page
  may scroll sideways.
* Right to left (the pseudo-locale made bidi): the page says dir="rtl", loads Bootstrap's RTL
  stylesheet and still fits.

Screenshots go to /tmp/pseudo-locale-screens, to be looked at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.conf import settings as django_settings
from django.conf.locale import LANG_INFO
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client

from assessments import caches, demo
from assessments.models import Answer, Assessment
from strategy.models import Strategy
from tests.browser.helpers import wait_for_htmx
from tests.pseudo_locale import (
    CLOSE,
    OPEN,
    PSEUDO_INFO,
    PSEUDO_LANGUAGE,
    build_catalogue,
    translate_questionnaire_rows,
    translated_fields,
)

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = Path("/tmp/pseudo-locale-screens")
GUIDANCE = Path(demo.__file__).resolve().parents[1] / "strategy" / "guidance" / "default.yaml"

# -- what may be shown untranslated -----------------------------------------------------------

# Product data that is not translatable by design.
PRODUCT_TEXTS = {
    django_settings.SITE_NAME,  # the product's name
    # The language switcher names each language in that language, so a reader finds theirs.
    *(name for _code, name in django_settings.LANGUAGES),
    "Pseudo",
    "OSPO",  # the abbreviation the whole field uses, in every language
    "https://",  # the placeholder of an address field: the scheme an address starts with
    # Django's own catalogue labels the login form; it has fr/de/es, not the pseudo-locale.
    "Username",
    "Password",
}
# The questionnaire's references to outside standards (ISO/IEC 5230 and 18974, the OSPO Alliance
# GGI, the Linux Foundation's stages) and a section's further reading quote their publishers'
# own names and titles: the questionnaire file gives them no translations.
QUOTED_FIELDS = {"standards", "mappings", "resources"}
# Dates and durations come from Django's own catalogues, which exist for fr/de/es but not for
# the pseudo-locale: in it they read in English.
DJANGO_DATES = re.compile(
    r"^[\s,.:\-–0-9]*(?:(?:Jan|Feb|March|April|May|June|July|Aug|Sept|Oct|Nov|Dec)\.?"
    r"|a\.m\.|p\.m\.|noon|midnight|UTC|[\s,.:\-–0-9])*$"
)
NUMBERING = re.compile(r"^\d+\.\s+")
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
MARKDOWN_SPLIT = re.compile(r"\n|\||\*\*?|__?|`|#+ |\[|\]\([^)]*\)|\]|^\s*[-*>]\s|\s[-–]\s|\d+\.\s")

# The models whose rows are someone's own words (or made from them): everything in the apps but
# the questionnaire content, which must be pseudo-translated.
CONTENT_APPS = ("assessments", "strategy", "auth")


def _pieces(value: str) -> set[str]:
    value = str(value)
    found = {" ".join(value.split())}
    for part in MARKDOWN_SPLIT.split(value):
        part = " ".join(part.split()).strip(" .,:;")
        if part:
            found.add(part)
    return found


def user_content() -> tuple[set[str], list[str]]:
    """The demo's own words, from its database rows: exact pieces, and long texts to search."""
    exact: set[str] = set()
    long_texts: list[str] = []

    def add(value):
        if isinstance(value, str) and value.strip():
            exact.update(_pieces(value))
            long_texts.append(" ".join(value.split()))
        elif isinstance(value, dict):
            for item in value.values():
                add(item)
        elif isinstance(value, list):
            for item in value:
                add(item)

    for model in apps.get_models():
        if model._meta.app_label not in CONTENT_APPS:
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and f.attname != "translations"
            and (not translated_fields(model) or f.attname in QUOTED_FIELDS)
        ]
        if not names:
            continue
        for row in model._base_manager.values_list(*names):
            for value in row:
                add(value)
    for user in get_user_model().objects.all():
        exact.add(user.get_full_name())
    # The strategy guidance is a file per language (strategy/guidance/default.<lang>.yaml): the
    # pseudo-locale has none, so it reads the source.
    add(yaml.safe_load(GUIDANCE.read_text(encoding="utf-8")))
    return exact, long_texts


def untranslated(
    texts: list[str], exact: set[str], long_texts: list[str], product: set[str]
) -> list[str]:
    bad = []
    for text in texts:
        text = " ".join(text.split())
        if OPEN in text or CLOSE in text or not ASCII_WORD.search(text):
            continue
        # Numbering, arrows and breadcrumb separators around someone's words.
        unnumbered = NUMBERING.sub("", text)
        candidates = {text, unnumbered, unnumbered.strip(" .,:;·()–-—…/→←›‹")}
        if candidates & (product | exact):
            continue
        if DJANGO_DATES.match(text):
            continue
        if len(text) >= 30 and any(text in blob for blob in long_texts):
            continue
        bad.append(text)
    return sorted(set(bad))


# -- the browser's side -----------------------------------------------------------------------

COLLECT_TEXTS = """() => {
  const visible = (el) => el && el.getClientRects().length > 0
    && el.checkVisibility({visibilityProperty: true, opacityProperty: false});
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || !parent) continue;
    if (parent.closest('script,style,noscript,template')) continue;
    if (visible(parent)) out.push(node.textContent);
  }
  const controls = '[aria-label],[title],[placeholder],input[type=submit],input[type=button]';
  for (const el of document.querySelectorAll(controls)) {
    if (!visible(el)) continue;
    for (const name of ['aria-label', 'title', 'placeholder']) {
      if (el.getAttribute(name)) out.push(el.getAttribute(name));
    }
    if (el.matches('input[type=submit],input[type=button]') && el.value) out.push(el.value);
  }
  return out;
}"""

FIND_OVERFLOWS = """() => {
  const selector = '.btn, .navbar .nav-link, .navbar-brand, .dropdown-item, .badge, td, th,'
    + ' .nav-tabs .nav-link, .breadcrumb-item';
  // Screen-reader-only text (clipped to a pixel) is not laid out for the eye.
  const clipped = (el) => {
    for (let a = el; a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.clip !== 'auto' || style.clipPath !== 'none') return true;
    }
    return false;
  };
  const shown = (el) => el.checkVisibility() && el.getClientRects().length && !clipped(el);
  const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
    + `.${[...el.classList].join('.')} "${el.innerText.trim().slice(0, 60)}"`;
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('.table-responsive') || !shown(el)) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      out.push(`${describe(el)} ${el.scrollWidth}>${el.clientWidth}`);
    }
  }
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) {
    out.push(`page ${root.scrollWidth}>${window.innerWidth}`);
    // What sticks out: the outermost elements past an edge (the left one, right to left).
    for (const el of document.body.querySelectorAll('*')) {
      const parent = el.parentElement;
      const box = el.getBoundingClientRect(), outer = parent.getBoundingClientRect();
      const out_of = (b) => b.right > window.innerWidth + 1 || b.left < -1;
      if (out_of(box) && !out_of(outer) && shown(el)) {
        out.push(`  sticks out: ${describe(el)} ${Math.round(box.left)}..${Math.round(box.right)}`);
      }
    }
  }
  return out;
}"""


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pseudo_catalogue(tmp_path_factory):
    locale = tmp_path_factory.mktemp("pseudo-locale") / "locale"
    build_catalogue(locale)
    return locale


@pytest.fixture
def pseudo_language(settings, pseudo_catalogue, monkeypatch):
    """The pseudo-locale offered by the site, for this test only."""
    monkeypatch.setitem(LANG_INFO, PSEUDO_LANGUAGE, dict(PSEUDO_INFO))
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, pseudo_catalogue]
    settings.LANGUAGES = [*settings.LANGUAGES, (PSEUDO_LANGUAGE, "Pseudo")]
    return PSEUDO_LANGUAGE


@pytest.fixture
def world(transactional_db, pseudo_language):
    """The demo, a strategy written in the pseudo-locale, and every questionnaire text pseudo."""
    logins = demo.setup_demo()
    lead = get_user_model().objects.get(username=demo.DEMO_USERNAME)
    strategy = Strategy.objects.create_from_assessment(
        logins.assessment, lead, "Our open source strategy", language=PSEUDO_LANGUAGE
    )
    translate_questionnaire_rows()
    caches.clear()
    return logins, lead, strategy


def pages_of(logins, strategy) -> dict[str, str]:
    assessment: Assessment = logins.assessment
    org = logins.organization.slug
    base = f"/orgs/{org}/assessments/{assessment.pk}/"
    section = assessment.questionnaire.sections.order_by("order").first()
    answered = Answer.objects.filter(assessment=assessment, respondent=None).order_by("pk").first()
    pages = {
        "home": "/",
        "model": "/model/",
        "dashboard": f"/orgs/{org}/",
        "section": f"{base}sections/{section.key}/",
        "results": f"{base}results/",
        "standards": f"{base}standards/",
        "review": f"{base}submit/",
        "history": f"{base}questions/{answered.question_id}/history/",
        "members": f"/orgs/{org}/members/",
        "strategy": f"/orgs/{org}/strategies/{strategy.pk}/",
        "strategy-section": f"/orgs/{org}/strategies/{strategy.pk}/sections/"
        f"{strategy.sections.order_by('order').first().key}/",
    }
    if logins.team is not None:
        team = logins.team
        pages["team"] = f"/orgs/{team.organization.slug}/assessments/{team.pk}/team/"
    return pages


def open_as(new_page, live_server, user, language: str, width=1280, height=900):
    page = new_page(width, height)
    cookies = [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language}]
    if user is not None:
        client = Client()
        client.force_login(user)
        cookies.append(
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
            }
        )
    page.context.add_cookies([{**c, "url": live_server.url} for c in cookies])
    return page


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    wait_for_htmx(page)


def shoot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True, caret="initial")


# -- tests --------------------------------------------------------------------------------------


def test_it_shows_no_untranslated_text_on_any_key_page(new_page, live_server, world):
    logins, lead, strategy = world
    exact, long_texts = user_content()
    # The language switcher shows the current language's code; the site's name is its host here.
    product = PRODUCT_TEXTS | {PSEUDO_LANGUAGE.upper(), live_server.url.split("//", 1)[1]}
    found: dict[str, list[str]] = {}

    page = open_as(new_page, live_server, None, PSEUDO_LANGUAGE)
    for name, path in {"login": "/accounts/login/", "home-anonymous": "/"}.items():
        visit(page, path)
        shoot(page, f"pseudo-{name}")
        found[name] = untranslated(page.evaluate(COLLECT_TEXTS), exact, long_texts, product)

    page = open_as(new_page, live_server, lead, PSEUDO_LANGUAGE)
    for name, path in pages_of(logins, strategy).items():
        visit(page, path)
        assert page.locator("html").get_attribute("lang") == PSEUDO_LANGUAGE
        shoot(page, f"pseudo-{name}")
        found[name] = untranslated(page.evaluate(COLLECT_TEXTS), exact, long_texts, product)

    report = {name: texts for name, texts in found.items() if texts}
    assert report == {}, "untranslated:\n" + "\n".join(
        f"{name}: {text!r}" for name, texts in report.items() for text in texts
    )


def test_german_fits_a_390_px_phone_on_every_key_page(new_page, live_server, world):
    logins, lead, strategy = world
    problems: dict[str, list[str]] = {}

    page = open_as(new_page, live_server, None, "de", 390, 844)
    visit(page, "/accounts/login/")
    problems["login"] = page.evaluate(FIND_OVERFLOWS)

    page = open_as(new_page, live_server, lead, "de", 390, 844)
    for name, path in pages_of(logins, strategy).items():
        visit(page, path)
        problems[name] = page.evaluate(FIND_OVERFLOWS)
        shoot(page, f"de-390-{name}")
    # The menu, opened.
    visit(page, "/")
    page.locator(".navbar-toggler").click()
    page.locator("#main-navigation.show").wait_for()
    problems["menu"] = page.evaluate(FIND_OVERFLOWS)
    shoot(page, "de-390-menu")

    report = {name: found for name, found in problems.items() if found}
    assert report == {}, "overflowing:\n" + "\n".join(
        f"{name}: {item}" for name, found in report.items() for item in found
    )


def test_a_right_to_left_language_reads_right_to_left_and_fits(
    new_page, live_server, world, settings, monkeypatch
):
    logins, lead, strategy = world
    monkeypatch.setitem(LANG_INFO, PSEUDO_LANGUAGE, {**PSEUDO_INFO, "bidi": True})
    settings.LANGUAGES_BIDI = [*settings.LANGUAGES_BIDI, PSEUDO_LANGUAGE]
    pages = pages_of(logins, strategy)
    problems: dict[str, list[str]] = {}

    for width, height in ((1280, 900), (390, 844)):
        page = open_as(new_page, live_server, lead, PSEUDO_LANGUAGE, width, height)
        for name in ("dashboard", "section", "strategy-section"):
            visit(page, pages[name])
            html = page.locator("html")
            assert html.get_attribute("dir") == "rtl"
            assert page.locator("link[href*='bootstrap.rtl.min.css']").count() == 1
            assert page.locator("link[href*='bootstrap.min.css']").count() == 0
            direction = page.evaluate("getComputedStyle(document.body).direction")
            assert direction == "rtl"
            problems[f"{name}-{width}"] = page.evaluate(FIND_OVERFLOWS)
            shoot(page, f"rtl-{width}-{name}")
        if width == 390:
            page.locator(".navbar-toggler").click()
            page.locator("#main-navigation.show").wait_for()
            problems["menu-390"] = page.evaluate(FIND_OVERFLOWS)
            shoot(page, "rtl-390-menu")

    report = {name: found for name, found in problems.items() if found}
    assert report == {}, "overflowing:\n" + "\n".join(
        f"{name}: {item}" for name, found in report.items() for item in found
    )
