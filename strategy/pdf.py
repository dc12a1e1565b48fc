"""The strategy document as a PDF: rendered by WeasyPrint once per content, then served from
the database.

`render_pdf(strategy)` loads the strategy's own rows, hashes them (`strategy.document.content_hash`,
which reads no answers) and returns the stored `RenderedPdf` for that hash when there is one,
without building the document's data or rendering. Only a changed document is built and rendered
again; the last `KEEP_PER_STRATEGY` renderings are kept.

WeasyPrint fetches nothing but the project's own static files: `StaticFilesFetcher` resolves a
URL under `STATIC_URL` with the static-files finders and refuses everything else, whatever the
scheme (http, https, file, data, ftp...) or host, and any path that tries to climb out of the
static folders. A refusal is an ordinary fetch failure to WeasyPrint: the resource is skipped
and the document still renders. User text cannot ask for anything anyway: section bodies are
sanitized Markdown without images, styles or links to stylesheets.

Limits, so that one document cannot hold the worker for long: a section longer than
`MAX_BODY_BYTES` (text saved before that limit) is refused before anything is built, and a
document that lays out to more than `settings.PDF_MAX_PAGES` pages is refused after the layout,
before the PDF is written. Both raise `DocumentTooLarge`, whose message is for the person who
asked; the worker's time limit (`strategy.tasks`) bounds the layout itself.

The output is tagged PDF/UA-1 (WeasyPrint's `pdf/ua-1` variant), with the document's language
and title in its metadata and every font embedded. Its Creator is the software and its version
("OSPO Assess 0.1.0"), from the template's `<meta name="generator">`.

A process keeps one WeasyPrint `FontConfiguration` for all its renderings (`_FONTS`): the
vendored fonts are registered once, and Pango's font caches stay warm (0.1 to 0.25 s of a
2.6 s rendering of the demo strategy, same bytes). Renderings in one process take turns (a
lock): Pango and Fontconfig objects are not shared between threads.
"""

from __future__ import annotations

import logging
import mimetypes
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib import request
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from strategy.document import (
    TEMPLATE,
    content_hash,
    document_context,
    document_source,
    fonts_digest,
    shown,
)
from strategy.models import RenderedPdf, Strategy, body_size_error

logger = logging.getLogger(__name__)

# The base URL the HTML is rendered with. `{% static %}` gives "/static/...", which WeasyPrint
# joins to this; the host is under .invalid (RFC 6761), which never resolves, and only the
# fetcher below ever sees it.
BASE_URL = "https://ospo-assess.invalid/"
PDF_VARIANT = "pdf/ua-1"
KEEP_PER_STRATEGY = 3
MAX_STATIC_BYTES = 8 * 1024 * 1024


class DocumentTooLarge(Exception):
    """The document is beyond a limit; the message says which, to the person who asked."""


def check_sections(source) -> None:
    """DocumentTooLarge naming every section longer than a section may be."""
    errors = [
        error
        for section in source.sections
        if (error := body_size_error(section.body, section.title)) is not None
    ]
    if errors:
        raise DocumentTooLarge(" ".join(errors))


def check_pages(pages: int, limit: int) -> None:
    if limit > 0 and pages > limit:
        raise DocumentTooLarge(
            _(
                "The document would have %(pages)s pages; a PDF may have at most %(limit)s. "
                "Shorten the longest sections, or split the strategy, and ask again."
            )
            % {"pages": pages, "limit": limit}
        )


class FetchRefused(ValueError):
    """A URL the PDF renderer may not fetch. WeasyPrint logs it and skips the resource."""


def _static_roots() -> list[tuple[str, str, str]]:
    """(scheme, host, path prefix) of the URLs that name static files."""
    static_url = settings.STATIC_URL or "/static/"
    parts = urlsplit(static_url)
    prefix = parts.path if parts.path.endswith("/") else parts.path + "/"
    if not prefix.startswith("/"):
        prefix = "/" + prefix
    base = urlsplit(BASE_URL)
    roots = [(base.scheme, base.netloc, prefix), ("", "", prefix)]
    if parts.scheme and parts.netloc:  # static files on another host (a CDN): still read locally
        roots.append((parts.scheme.lower(), parts.netloc.lower(), prefix))
    return roots


def static_file_for(url: str) -> Path:
    """The local file a static URL names, or FetchRefused.

    Accepted: `https://ospo-assess.invalid/static/<name>` (what `{% static %}` becomes against the
    base URL), a bare `/static/<name>`, and `<STATIC_URL><name>` when STATIC_URL is absolute.
    `<name>` must be a plain relative path (no `.`, `..` or empty segment, before or after
    %-decoding, no backslash or NUL) that the static-files finders resolve to a regular file.
    """
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise FetchRefused(f"malformed URL: {url!r}") from error
    origin = (parts.scheme.lower(), parts.netloc.lower())
    prefixes = [prefix for scheme, host, prefix in _static_roots() if (scheme, host) == origin]
    if not prefixes:
        raise FetchRefused(f"not a static file of this project: {url!r}")
    raw_path = parts.path
    prefix = next((p for p in prefixes if raw_path.startswith(p)), None)
    if prefix is None:
        raise FetchRefused(f"outside {prefixes[0]}: {url!r}")
    raw_name = raw_path[len(prefix) :]
    name = unquote(raw_name)
    for candidate in (raw_name, name):
        segments = candidate.split("/")
        if (
            not candidate
            or any(segment in ("", ".", "..") for segment in segments)
            or "\\" in candidate
            or "\x00" in candidate
        ):
            raise FetchRefused(f"not a plain static path: {url!r}")
    try:
        found = finders.find(name)
        if not found and (source := source_name(name)) is not None:
            found = finders.find(source)
    except SuspiciousFileOperation as error:
        raise FetchRefused(f"outside the static folders: {url!r}") from error
    if not found:
        raise FetchRefused(f"no such static file: {url!r}")
    path = Path(found)
    if not path.is_file():
        raise FetchRefused(f"not a file: {url!r}")
    return path


def source_name(name: str) -> str | None:
    """The source name behind a hashed static name (`css/a.0123456789ab.css` -> `css/a.css`).

    With a manifest storage (WhiteNoise's CompressedManifestStaticFilesStorage in production)
    `{% static %}` gives hashed names, which the finders do not know. Only a name the manifest
    lists maps back; anything else gives None and is refused as before.
    """
    hashed_files = getattr(staticfiles_storage, "hashed_files", None) or {}
    return next((source for source, hashed in hashed_files.items() if hashed == name), None)


class StaticFilesFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves the project's static files and nothing else.

    `requested` lists every URL asked for, allowed or not, in order. Never calls urllib: a
    refused URL raises `FetchRefused` before any network or file access.
    """

    def __init__(self) -> None:
        # Not URLFetcher.__init__: that installs urllib's HTTP, HTTPS, FTP, file and data
        # handlers (and builds an SSL context, 20 ms). This opener has no handler at all, so even
        # a call that bypassed fetch() could not reach the network or the file system.
        request.OpenerDirector.__init__(self)
        self._timeout = 1
        self._http_headers = {}
        self._allowed_protocols = ()
        self._fail_on_errors = False  # a refused URL is skipped, the document still renders
        self._request = None
        self.requested: list[str] = []

    def fetch(self, url, headers=None) -> URLFetcherResponse:
        self.requested.append(url)
        try:
            path = static_file_for(url)
        except FetchRefused:
            logger.warning("PDF rendering: refused to fetch %s", url[:200])
            raise
        if path.stat().st_size > MAX_STATIC_BYTES:
            raise FetchRefused(f"static file too large: {url!r}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".css":
            content_type = "text/css"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}, status=200
        )


@dataclass(frozen=True)
class PdfOutput:
    pdf: bytes
    pages: int
    seconds: float
    requested: list[str]


def css_string(text: str) -> str:
    """`text` as a CSS string literal: letters, digits and spaces as they are, the rest escaped,
    so nothing in it can end the string, the rule or the <style> element."""
    # Each escape ends with a space, which CSS takes as its end: a space written after an escape
    # would otherwise be swallowed ("Nov. 29" would read "Nov.29").
    escaped = "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):06x} " for ch in text)
    return f'"{escaped}"'


def page_footer_css() -> SafeString:
    """The CSS `content` of the footer: "Page 3 of 17", translated, with live page counters."""
    pattern = _("Page %(page)s of %(pages)s")
    pieces = []
    for part in re.split(r"(%\(page\)s|%\(pages\)s)", pattern):
        if part == "%(page)s":
            pieces.append("counter(page)")
        elif part == "%(pages)s":
            pieces.append("counter(pages)")
        elif part:
            pieces.append(css_string(part))
    return mark_safe(" ".join(pieces))  # noqa: S308 - translator text, CSS-escaped just above


def version_footer_css(lifecycle: dict) -> SafeString:
    """The footer's version and status ("Version 1.1 draft") as a CSS string."""
    if lifecycle["status"] == Strategy.Status.APPROVED:
        text = _("Version %(version)s approved")
    elif lifecycle["status"] == Strategy.Status.REVIEW:
        text = _("Version %(version)s in review")
    else:
        text = _("Version %(version)s draft")
    return mark_safe(css_string(text % {"version": lifecycle["version"]}))  # noqa: S308 - escaped


def document_html(context: dict) -> str:
    """The document's HTML, as WeasyPrint gets it (useful to look at in a browser), in the
    document's language whoever asks for it."""
    with translation.override(context["language"]):
        return render_to_string(
            TEMPLATE,
            {
                **shown(context),
                "page_footer": page_footer_css(),
                "version_footer": version_footer_css(context["lifecycle"]),
            },
        )


class _SharedFonts:
    """The process's FontConfiguration, kept while the vendored font files stay the same."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: list | None = None
        self.config: FontConfiguration | None = None

    def get(self) -> FontConfiguration:
        """The configuration to render with; call with `lock` held."""
        key = fonts_digest()
        if self.config is None or key != self.key:
            self.config, self.key = FontConfiguration(), key
        return self.config

    def discard(self) -> None:
        """Forget the configuration: a rendering stopped half-way (an error, the time limit)
        may have left a font registered in part, so the next one starts afresh."""
        self.config = self.key = None


_FONTS = _SharedFonts()


def forget_fonts() -> None:
    """Start the next rendering with a new FontConfiguration, which fetches the fonts again."""
    with _FONTS.lock:
        _FONTS.discard()


def write_pdf(context: dict, *, fetcher=None, max_pages: int | None = None) -> PdfOutput:
    """Render the document's HTML to PDF bytes (no database access).

    DocumentTooLarge when the layout has more than `max_pages` pages (by default
    `settings.PDF_MAX_PAGES`; 0 for no limit): the PDF is then not written.
    """
    return render_html(document_html(context), fetcher=fetcher, max_pages=max_pages)


def render_html(source: str, *, fetcher=None, max_pages: int | None = None) -> PdfOutput:
    """Any of the project's print HTML as PDF bytes, with the fetcher of static files only, the
    shared fonts and the lock renderings take turns on (the strategy document, the results
    summary)."""
    start = time.perf_counter()
    limit = settings.PDF_MAX_PAGES if max_pages is None else max_pages
    fetcher = fetcher or StaticFilesFetcher()
    html = HTML(string=source, base_url=BASE_URL, url_fetcher=fetcher)
    with _FONTS.lock:
        try:
            document = html.render(font_config=_FONTS.get(), pdf_variant=PDF_VARIANT)
            check_pages(len(document.pages), limit)
            pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
        except DocumentTooLarge:
            raise  # a complete layout, only too long: the fonts are fine
        except BaseException:
            _FONTS.discard()
            raise
    return PdfOutput(
        pdf=pdf,
        pages=len(document.pages),
        seconds=time.perf_counter() - start,
        requested=list(getattr(fetcher, "requested", [])),
    )


def render_pdf(strategy: Strategy) -> RenderedPdf:
    """The strategy's PDF for its current content: stored if rendered before, else rendered now."""
    source = document_source(strategy)
    digest = content_hash(source)
    existing = RenderedPdf.objects.filter(strategy_id=strategy.pk, content_hash=digest).first()
    if existing is not None:
        return existing
    check_sections(source)
    output = write_pdf(document_context(source))
    try:
        with transaction.atomic():
            rendered = RenderedPdf.objects.create(
                strategy_id=strategy.pk,
                content_hash=digest,
                pdf=output.pdf,
                pages=output.pages,
                render_seconds=round(output.seconds, 3),
            )
    except IntegrityError:
        # Someone rendered the same content at the same moment: theirs is as good as ours.
        return RenderedPdf.objects.get(strategy_id=strategy.pk, content_hash=digest)
    prune(strategy)
    return rendered


def prune(strategy: Strategy, keep: int = KEEP_PER_STRATEGY) -> int:
    """Delete all but the `keep` latest renderings of the strategy; returns how many went."""
    old = list(
        RenderedPdf.objects.filter(strategy_id=strategy.pk)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[keep:]
    )
    if not old:
        return 0
    deleted, _ = RenderedPdf.objects.filter(pk__in=old).delete()
    return deleted
