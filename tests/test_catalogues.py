"""Every message of the interface is translated in French, German and Spanish, and the shipped
content (the default questionnaire, the strategy guidance) is too: see test_admin_translations.py
and test_strategy_language.py for the content."""

import re
import shutil
import subprocess

import pytest
from django.conf import settings

LOCALE = settings.BASE_DIR / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def test_every_offered_language_has_a_catalogue():
    assert sorted(LANGUAGES) == ["de", "es", "fr"]
    for code in LANGUAGES:
        assert (LOCALE / code / "LC_MESSAGES" / "django.po").is_file()


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is set-up's requirement")
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    # --check-format: every %(name)s of the English is in the translation, of the same type.
    result = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages\.", statistics), statistics


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalogue_states_its_own_plural_rule(language):
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    rule = {"fr": "plural=(n > 1)", "de": "plural=(n != 1)", "es": "plural="}[language]
    assert rule in text
