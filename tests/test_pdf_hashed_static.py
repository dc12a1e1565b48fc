"""With hashed static names (WhiteNoise's manifest storage), the PDF still gets its styles."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.templatetags.static import static
from django.test import override_settings

from strategy.document import document_context
from strategy.pdf import (
    BASE_URL,
    FetchRefused,
    StaticFilesFetcher,
    forget_fonts,
    static_file_for,
    write_pdf,
)

pytestmark = pytest.mark.django_db

# Django's manifest storage: the hashed names and manifest of the production storage (WhiteNoise's
# subclass of it) without its gzip and Brotli copies, which take most of half a minute to make.
MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Static files collected once for the run, as in the Docker image: hashed names and a
    manifest (collecting compresses every file: seconds, not worth paying per test)."""
    root = tmp_path_factory.mktemp("staticfiles")
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", "--no-input", verbosity=0)
    return root, storages


@pytest.fixture
def hashed_static(settings, collected_static):
    settings.STATIC_ROOT, settings.STORAGES = collected_static


def test_a_hashed_static_url_resolves_to_its_source_file(hashed_static):
    url = static("css/strategy-print.css")
    assert re.fullmatch(r"/static/css/strategy-print\.[0-9a-f]{12}\.css", url)
    for candidate in (BASE_URL.rstrip("/") + url, url):
        assert static_file_for(candidate) == Path(finders.find("css/strategy-print.css"))


def test_a_name_the_manifest_does_not_know_is_still_refused(hashed_static):
    for url in ("/static/css/strategy-print.0123456789ab.css", "/static/staticfiles.json"):
        with pytest.raises(FetchRefused):
            static_file_for(BASE_URL.rstrip("/") + url)


def test_the_document_gets_its_stylesheet_and_fonts_with_hashed_names(hashed_static, demo_strategy):
    forget_fonts()  # fonts are fetched once per process: make this rendering fetch them
    fetcher = StaticFilesFetcher()
    output = write_pdf(document_context(demo_strategy), fetcher=fetcher)
    assert any("strategy-print." in url for url in fetcher.requested)
    assert any(url.endswith(".ttf") for url in fetcher.requested)
    refused = [url for url in fetcher.requested if not _resolves(url)]
    assert refused == []
    assert output.pdf.startswith(b"%PDF")


def _resolves(url: str) -> bool:
    try:
        static_file_for(url)
    except FetchRefused:
        return False
    return True
