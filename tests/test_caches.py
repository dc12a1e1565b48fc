"""assessments/caches.py: one home for caches, and docs/architecture.md's table of them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from assessments import caches

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
# Ways to keep something for longer than a call, which only caches.py may use.
CACHING = re.compile(
    r"@cache\b|\blru_cache\b|functools\.cache\b|from functools import .*\bcache\b"
    r"|django\.core\.cache|^_\w+: dict\[.*\] = \{\}",
    re.MULTILINE,
)


def doc_table() -> dict[str, str]:
    """Kind -> where, from the table of docs/architecture.md's "Caches" section."""
    section = DOC.read_text(encoding="utf-8").split("## Caches", 1)[1]
    rows = re.findall(r"^\| `([a-z-]+)` \|[^|]*\| ([^|]+?) \|", section, re.MULTILINE)
    return dict(rows)


def test_the_docs_table_lists_every_cache_kind_where_it_lives():
    assert doc_table() == caches.KINDS


def test_no_module_keeps_a_cache_of_its_own():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("assessments", "strategy", "ospo_assess")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != Path(caches.__file__).resolve() and CACHING.search(path.read_text("utf-8"))
    ]
    assert offenders == [], "keep caches in assessments/caches.py and list them in its KINDS"


def version(*, draft: bool, pk: int = 1):
    published_at = None if draft else datetime(2026, 1, 1, tzinfo=UTC)
    return SimpleNamespace(pk=pk, key="ospo", version=1, published_at=published_at, is_draft=draft)


def test_a_published_version_is_built_once_a_draft_every_time():
    caches.clear()
    built = []

    def build():
        built.append(1)
        return len(built)

    published = version(draft=False)
    assert caches.published(published, "model-spec", build) == 1
    assert caches.published(published, "model-spec", build) == 1
    assert caches.published(published, "report-words", build) == 2  # one entry per kind
    assert caches.published(version(draft=False, pk=2), "model-spec", build) == 3
    draft = version(draft=True)
    assert [caches.published(draft, "model-spec", build) for _ in range(2)] == [4, 5]
    caches.clear()
    assert caches.published(published, "model-spec", build) == 6
    caches.clear()


def test_an_unlisted_kind_is_refused():
    with pytest.raises(KeyError, match="KINDS"):
        caches.published(version(draft=False), "somewhere-else", lambda: None)
    with pytest.raises(KeyError):
        caches.fragment_key("somewhere-else", 1)
    with pytest.raises(KeyError):
        caches.shipped("somewhere-else")


def test_the_release_is_a_digest_of_what_ships(settings, tmp_path):
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>one</p>")

    def release() -> str:
        caches.release.cache_clear()
        return caches.release()

    settings.BASE_DIR = tmp_path
    try:
        first = release()
        assert release() == first
        (tmp_path / "templates" / "page.html~").write_text("an editor's backup")
        assert release() == first  # not a file the project ships
        page.write_text("<p>two</p>")
        assert release() != first
    finally:
        caches.release.cache_clear()


def test_a_fragment_key_changes_with_the_release_and_the_language(monkeypatch):
    from django.utils import translation

    key = caches.fragment_key("results", 1, "fingerprint")
    assert key.startswith("fragment:results:")
    assert caches.fragment_key("results", 1, "fingerprint") == key
    with translation.override("de"):
        assert caches.fragment_key("results", 1, "fingerprint") != key
    monkeypatch.setattr(caches, "release", lambda: "another release")
    assert caches.fragment_key("results", 1, "fingerprint") != key
