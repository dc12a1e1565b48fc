"""Every cache the project keeps, in one place, with one key scheme and one release fingerprint.

`KINDS` names them all; docs/architecture.md has the same table in words (a test compares the
two), saying for each what it holds, where, under which key and what invalidates it.

* `published(questionnaire, kind, build)`: what is derived from a published questionnaire
  version (scoring model, report words, answering structure), built once per process. A
  published version never changes, so nothing needs invalidating; a draft's is built every time.
* `fragment_key(kind, *parts)` and `cached_fragment(key, render)`: rendered pieces of pages in
  Django's cache, under a key made of everything they show, the language and `release()`. Any
  change makes a new key; old entries age out.
* `release()`: a digest of the code, templates, stylesheets and fonts the project ships, taken
  once per process. A cache shared between processes (Redis, the database) may outlive a
  deployment; with this in its keys, a new release never serves what the old one made. The
  strategy PDF's content hash holds it too.
* `shipped(kind)`: a decorator keeping a function's results for the life of the process, for
  what is read from files or packages that change only with a new release (a new process).
* `file_digest(path)`: a file's sha256, kept while its size and modification time stay the same.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache as default_cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from assessments.content_language import reading_language

if TYPE_CHECKING:
    from assessments.models import Questionnaire

# Every cache, by kind: where it lives. docs/architecture.md describes each in its table.
PROCESS, DJANGO_CACHE, DATABASE = "process memory", "Django cache", "database"
KINDS: dict[str, str] = {
    # What is derived from a published questionnaire version: `published()`.
    "model-spec": PROCESS,
    "report-words": PROCESS,
    "model-words": PROCESS,
    "stage-names": PROCESS,
    "answering-structure": PROCESS,
    "question-description": PROCESS,
    "standards": PROCESS,
    # Rendered pieces of pages: `fragment_key()` and `cached_fragment()`.
    "results": DJANGO_CACHE,
    "history": DJANGO_CACHE,
    "perception": DJANGO_CACHE,
    # What the release ships: `release()`, `shipped()`, `file_digest()`.
    "release": PROCESS,
    "guidance": PROCESS,
    "shipped-questionnaires": PROCESS,
    "weasyprint-version": PROCESS,
    "app-version": PROCESS,
    "third-party-notices": PROCESS,
    "file-digest": PROCESS,
    # Kept elsewhere, listed here so that the table is complete.
    "fonts": PROCESS,  # strategy.pdf: one WeasyPrint FontConfiguration per process
    "result-summary": DATABASE,  # Assessment.result_cache, see evaluation.summaries
    "pdf": DATABASE,  # strategy.models.RenderedPdf, see strategy.pdf.render_pdf
}

# What the release fingerprint reads: folders under the project's root, and the suffixes of the
# files in them that are code, templates, translations, stylesheets, fonts or data.
RELEASE_FOLDERS = (
    "assessments",
    "strategy",
    "ospo_assess",
    "templates",
    "static/css",
    "static/fonts",
    "locale",
)
RELEASE_FILES = ("pyproject.toml",)  # the dependencies
RELEASE_SUFFIXES = frozenset(
    {".py", ".html", ".txt", ".svg", ".css", ".yaml", ".json", ".mo", ".ttf", ".otf", ".woff2"}
)

# Rendered pieces are a few tens of kilobytes; a day is plenty for pages people come back to.
FRAGMENT_TIMEOUT_S = 24 * 3600

_published: dict[tuple[str, tuple, str | None], object] = {}
_file_digests: dict[tuple[str, int, int], str] = {}


def _known(kind: str) -> str:
    if kind not in KINDS:
        raise KeyError(f"unknown cache kind {kind!r}: add it to caches.KINDS and the docs' table")
    return kind


def clear() -> None:
    """Forget everything this process derived from published versions (tests use it: a rolled
    back database may publish different content under the same ids)."""
    _published.clear()


# --- Published questionnaire versions ---------------------------------------------------------


def frozen_key(questionnaire: Questionnaire) -> tuple:
    """What names a published version for the life of a process."""
    # The publication time makes the key unique even where a restored or test database reuses
    # primary keys for different content.
    return (questionnaire.pk, questionnaire.key, questionnaire.version, questionnaire.published_at)


def published[T](questionnaire: Questionnaire, kind: str, build: Callable[[], T]) -> T:
    """`build()`, kept for the process when the version is published, as it never changes; a
    draft's is built on every call, as its questions may still change."""
    _known(kind)
    if questionnaire.is_draft:
        return build()
    # Per language: what is built holds the version's texts in the language it was read in
    # (assessments/content_language.py).
    key = (kind, frozen_key(questionnaire), reading_language())
    try:
        return _published[key]  # type: ignore[return-value]
    except KeyError:
        value = _published[key] = build()
        return value


def published_piece(
    questionnaire: Questionnaire, kind: str, part: object, render: Callable[[], str]
) -> SafeString:
    """A piece of a page drawn from a published version alone (such as a question's stage,
    pillar, layer and help), kept per process and language; a draft's is drawn every time.

    `render` must return template output: it is marked safe as it comes out of the cache.
    """
    if questionnaire.is_draft:
        return mark_safe(render())
    pieces: dict[tuple[object, str], SafeString] = published(questionnaire, kind, dict)
    key = (part, get_language() or "")
    html = pieces.get(key)
    if html is None:
        html = pieces[key] = mark_safe(render())
    return html


# --- The release ------------------------------------------------------------------------------


def shipped(kind: str) -> Callable:
    """A decorator: the function's results kept for the life of the process (`functools.cache`),
    for what comes from files or packages that only a new release, a new process, changes."""
    _known(kind)
    return functools.cache


@shipped("release")
def release() -> str:
    """A digest of what the project ships (code, templates, translations, stylesheets, fonts),
    taken once per process: every file of `RELEASE_SUFFIXES` under `RELEASE_FOLDERS`.

    Paths are relative to the project, so the web server and the worker of one release agree.
    """
    root = Path(settings.BASE_DIR)
    files = [root / name for name in RELEASE_FILES if (root / name).is_file()]
    for folder in RELEASE_FOLDERS:
        files += [
            path
            for path in (root / folder).rglob("*")
            if path.suffix in RELEASE_SUFFIXES and path.is_file()
        ]
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def file_digest(path: Path) -> str:
    """sha256 of a file, kept per process while its size and modification time stay the same."""
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    digest = _file_digests.get(key)
    if digest is None:
        digest = _file_digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


# --- Rendered pieces of pages -----------------------------------------------------------------


def fragment_key(kind: str, *parts: object) -> str:
    """The key of a rendered piece: its kind, the release, the language and `parts`, which must
    name everything the piece shows (the answers by their fingerprint, never by their content).

    Anything personal (CSRF tokens, CSP nonces, what the member may do) stays outside the piece.
    """
    text = ":".join(str(p) for p in (_known(kind), release(), get_language() or "", *parts))
    # Cache backends limit key length and characters; a digest keeps any part safe.
    return f"fragment:{kind}:{hashlib.sha256(text.encode()).hexdigest()}"


def cached_fragment(key: str | None, render: Callable[[], str]) -> SafeString:
    """The piece stored under `key`, rendered and stored first if missing; `None`: never kept.

    `render` must return template output: it is marked safe as it comes out of the cache.
    """
    if key is None:
        return mark_safe(render())
    html = default_cache.get(key)
    if html is None:
        html = render()
        default_cache.set(key, str(html), FRAGMENT_TIMEOUT_S)
    return mark_safe(html)
