"""The software's own open source hygiene, as the app shows it: the version in the footer, in
`/healthz` and in the PDF's metadata, and the About page with its licence, source link and
third-party notices (ospo_assess/about.py)."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ospo_assess import about

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SBOM = Path(__file__).resolve().parent / "fixtures" / "sbom-sample.cdx.json"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


@pytest.fixture
def sample_sbom(monkeypatch):
    """The About page reads a small CycloneDX document instead of the shipped one."""
    monkeypatch.setattr(about, "SBOM_FILE", SAMPLE_SBOM)
    about.notices.cache_clear()
    yield
    about.notices.cache_clear()


def test_it_reads_the_version_from_the_installed_package_or_else_pyproject():
    assert about.version() == VERSION
    assert about.version_from_pyproject('[project]\nname = "x"\nversion = "1.2.3"\n') == "1.2.3"
    assert about.software() == f"OSPO Assess {VERSION}"


def test_it_declares_the_licence_pyproject_declares():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["license"] == about.LICENSE


@pytest.mark.django_db
def test_it_shows_the_version_in_every_pages_footer_with_a_link_to_the_about_page(client):
    page = client.get(reverse("assessments:home")).content.decode()
    footer = page.split("<footer", 1)[1]
    assert f"Version {VERSION}" in footer
    assert f'href="{reverse("about")}"' in footer


@pytest.mark.django_db
def test_it_gives_the_version_in_the_health_check(client):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "version": VERSION}


@pytest.mark.django_db
def test_it_shows_the_about_page_to_anyone_and_lets_caches_keep_it(client, sample_sbom):
    response = client.get("/about/")
    assert response.status_code == 200
    assert "Cache-Control" not in response
    page = response.content.decode()
    assert "About this software" in page and VERSION in page and "Apache-2.0" in page
    assert "<caption" in page and '<th scope="col">' in page


def row(page: str, name: str) -> str:
    """The table row whose heading cell is `name`."""
    start = page.index(f'<th scope="row">{name}</th>')
    return page[start : page.index("</tr>", start)]


@pytest.mark.django_db
def test_it_lists_every_sbom_component_with_its_licence(client, sample_sbom):
    page = client.get("/about/").content.decode()
    assert "BSD-3-Clause" in row(page, "django") and "6.1" in row(page, "django")
    assert "LGPL-3.0-only" in row(page, "psycopg")
    assert "BSD License" in row(page, "weasyprint")
    assert "not stated" in row(page, "tinyhtml5")
    assert "pkg:pypi/psycopg@3.2.9" in row(page, "psycopg")


@pytest.mark.django_db
def test_it_says_so_when_no_sbom_ships(client, monkeypatch, tmp_path):
    monkeypatch.setattr(about, "SBOM_FILE", tmp_path / "missing.cdx.json")
    about.notices.cache_clear()
    try:
        page = client.get("/about/").content.decode()
    finally:
        about.notices.cache_clear()
    assert "the SBOM file is missing" in page
    assert "bootstrap" in page  # the rest of the notices still show


def licence_file(folder: Path) -> Path:
    names = ("LICENSE", "LICENSE.md", "LICENSE_FONT", "OFL.txt")
    return next(folder / name for name in names if (folder / name).is_file())


@pytest.mark.django_db
def test_it_lists_every_vendored_package_and_font_with_its_licence(client, sample_sbom):
    page = client.get("/about/").content.decode()
    vendored = {n.license_file.split("/")[1]: n for n in about.notices().vendored}
    fonts = {n.license_file.split("/")[1]: n for n in about.notices().fonts}
    for kind, found in (("vendor", vendored), ("fonts", fonts)):
        folders = sorted(p for p in (ROOT / "static" / kind).iterdir() if p.is_dir())
        assert folders and sorted(found) == [p.name for p in folders], kind
        for folder in folders:
            notice = found[folder.name]
            assert notice.version and notice.license, notice
            assert licence_file(folder).relative_to(ROOT / "static").as_posix() == (
                notice.license_file
            )
            assert notice.license in row(page, notice.name)
            assert f"/static/{notice.license_file}" in row(page, notice.name)
    assert vendored["bootstrap"].license == "MIT" and vendored["htmx"].license == "0BSD"
    assert fonts["source-sans-3"].license == "OFL-1.1"
    # The font's own version where the table gives one, the npm package's otherwise.
    assert (fonts["noto-sans-jp"].name, fonts["noto-sans-jp"].version) == ("Noto Sans JP", "2.004")
    assert fonts["noto-sans-jp"].origin == "npm: @expo-google-fonts/noto-sans-jp 0.4.3"
    assert (fonts["dejavu-sans"].name, fonts["dejavu-sans"].version) == ("DejaVu Sans", "2.37.3")


def test_it_identifies_licence_texts_by_their_words():
    assert about.identify_license("The MIT License (MIT)\n\nCopyright") == "MIT"
    assert about.identify_license("Zero-Clause BSD\n=====") == "0BSD"
    assert about.identify_license("licensed under the SIL Open Font License, Version 1.1.") == (
        "OFL-1.1"
    )
    assert about.identify_license("  Apache License\n  Version 2.0, January 2004") == "Apache-2.0"
    assert about.identify_license("All rights reserved.") == ""


def test_it_reads_a_cyclonedx_documents_licences_in_each_shape():
    notices = about.read_sbom(SAMPLE_SBOM.read_text("utf-8"))
    assert [(n.name, n.license) for n in notices] == [
        ("django", "BSD-3-Clause"),
        ("psycopg", "LGPL-3.0-only"),
        ("tinyhtml5", ""),
        ("weasyprint", "BSD License"),
    ]
    assert about.read_sbom('{"bomFormat": "CycloneDX", "specVersion": "1.6"}') == ()


@pytest.mark.django_db
def test_it_links_the_source_only_when_a_source_url_is_set(client, settings, sample_sbom):
    settings.SOURCE_URL = ""
    assert 'data-testid="about-source"' not in client.get("/about/").content.decode()
    settings.SOURCE_URL = "https://example.org/ospo-assess"
    page = client.get("/about/").content.decode()
    assert 'href="https://example.org/ospo-assess" data-testid="about-source"' in page


@pytest.mark.django_db
def test_it_serves_the_licence_text_when_one_ships(client, settings, tmp_path):
    about.notices.cache_clear()
    settings.BASE_DIR = tmp_path  # no LICENSE, no static folders: the page still answers
    (tmp_path / "static" / "vendor").mkdir(parents=True)
    (tmp_path / "static" / "fonts").mkdir()
    (tmp_path / "static" / "vendor" / "README.md").write_text("# none\n")
    (tmp_path / "static" / "fonts" / "README.md").write_text("# none\n")
    try:
        assert client.get("/about/license/").status_code == 404
        assert (
            "https://www.apache.org/licenses/LICENSE-2.0" in client.get("/about/").content.decode()
        )
        (tmp_path / "LICENSE").write_text("Apache License\nVersion 2.0, January 2004\n")
        about.notices.cache_clear()
        response = client.get("/about/license/")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
        assert response.content.startswith(b"Apache License")
        assert 'href="/about/license/"' in client.get("/about/").content.decode()
    finally:
        about.notices.cache_clear()


@pytest.mark.django_db
def test_it_names_the_software_and_its_version_as_the_pdfs_creator(demo_strategy):
    from strategy.pdf import render_pdf

    rendered = render_pdf(demo_strategy)
    metadata = PdfReader(io.BytesIO(bytes(rendered.pdf))).metadata
    assert metadata.creator == f"OSPO Assess {VERSION}"
    assert metadata.producer.startswith("WeasyPrint")
