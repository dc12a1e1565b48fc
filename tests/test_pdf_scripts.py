"""The strategy PDF draws names in any script with the vendored fallback fonts: Japanese,
Arabic and emoji extract intact and are set in Noto faces embedded in the file, not boxes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from strategy.pdf import forget_fonts, render_pdf

# Every test reads the database through the module fixtures; the mark makes pytest-django set
# it up even when only these tests are selected.
pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"

JAPANESE = "オープンソース推進室"
ARABIC = "مكتب المصادر المفتوحة"
EMOJI_TITLE = "戦略 2027 🚀🌍"
# No final full stop: text extraction puts punctuation of a right-to-left line at its start.
ARABIC_BODY = "نشارك الشيفرة المصدرية مع المجتمع"


@dataclass
class Rendered:
    pdf: bytes
    texts: list[str]


def render_for(build_demo_strategy, name: str, title: str, body: str | None = None) -> Rendered:
    """The demo strategy rendered for an organization called `name`, rolled back after."""
    with transaction.atomic():
        strategy = build_demo_strategy()
        strategy.organization.name = name
        strategy.organization.save(update_fields=["name"])
        strategy.title = title
        strategy.save(update_fields=["title"])
        if body is not None:
            section = strategy.sections.get(key="why")
            section.save_body(body, section.version, strategy.created_by)
        forget_fonts()
        pdf = bytes(render_pdf(strategy).pdf)
        transaction.set_rollback(True)
    reader = PdfReader(io.BytesIO(pdf))
    return Rendered(pdf=pdf, texts=[page.extract_text() or "" for page in reader.pages])


@pytest.fixture(scope="module")
def japanese(django_db_setup, django_db_blocker, build_demo_strategy) -> Rendered:
    with django_db_blocker.unblock():
        return render_for(build_demo_strategy, JAPANESE, EMOJI_TITLE)


@pytest.fixture(scope="module")
def arabic(django_db_setup, django_db_blocker, build_demo_strategy) -> Rendered:
    with django_db_blocker.unblock():
        return render_for(build_demo_strategy, ARABIC, "Strategy 2027", body=ARABIC_BODY)


def squash(text: str) -> str:
    return " ".join(text.split())


def embedded_fonts(pdf: bytes, tmp_path) -> dict[str, str]:
    """Base font name (without the subset prefix) -> pdffonts' "emb" column."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    output = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout
    fonts = {}
    for line in output.splitlines()[2:]:
        name, *_rest = line.split()
        columns = line.split()
        # name type [encoding words...] emb sub uni object ID: emb is the 5th from the end.
        fonts[name.split("+", 1)[-1]] = columns[-5]
    return fonts


needs_pdffonts = pytest.mark.skipif(
    shutil.which("pdffonts") is None, reason="pdffonts (Debian's poppler-utils) is not installed"
)


def test_a_japanese_name_and_an_emoji_title_extract_intact(japanese):
    cover = squash(japanese.texts[0])
    assert JAPANESE in cover
    assert EMOJI_TITLE in cover
    # The running header of every later page names them too.
    assert f"{JAPANESE} · {EMOJI_TITLE}" in squash(japanese.texts[2])


def test_an_arabic_name_and_paragraph_extract_intact(arabic):
    assert ARABIC in squash(arabic.texts[0])
    assert ARABIC_BODY in squash(" ".join(arabic.texts))


@needs_pdffonts
def test_japanese_and_emoji_are_set_in_the_vendored_noto_faces(japanese, tmp_path):
    fonts = embedded_fonts(japanese.pdf, tmp_path)
    assert "Noto-Sans-JP" in fonts, fonts
    assert "Noto-Emoji" in fonts, fonts
    assert set(fonts.values()) == {"yes"}, fonts


@needs_pdffonts
def test_arabic_is_set_in_vazirmatn(arabic, tmp_path):
    fonts = embedded_fonts(arabic.pdf, tmp_path)
    assert "Vazirmatn-NL" in fonts, fonts
    assert set(fonts.values()) == {"yes"}, fonts


def vendored_faces() -> list[Path]:
    """The font files the print stylesheet declares with @font-face."""
    css = (STATIC / "css" / "strategy-print.css").read_text()
    return [STATIC / "css" / url for url in re.findall(r'url\("([^"]+\.ttf)"\)', css)]


@pytest.mark.parametrize("text", [JAPANESE, ARABIC, EMOJI_TITLE, ARABIC_BODY])
def test_every_character_of_such_names_has_a_glyph_in_a_vendored_face(text):
    """Checked on the files, independently of the system's fonts: a character none of them
    has would be drawn as a box, whatever text extraction says."""
    covered: set[int] = set()
    for path in vendored_faces():
        covered |= set(TTFont(path.resolve(), lazy=True).getBestCmap())
    missing = {ch for ch in text if not ch.isspace() and ord(ch) not in covered}
    assert not missing, missing


def test_every_vendored_font_folder_carries_its_licence():
    for folder in (STATIC / "fonts").iterdir():
        if folder.is_dir():
            names = [p.name.lower() for p in folder.iterdir()]
            assert any(n.startswith(("license", "ofl")) for n in names), folder.name
