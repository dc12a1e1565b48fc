"""User Markdown to safe HTML: rendered first, then sanitized, so no raw HTML or CSS survives."""

from __future__ import annotations

import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
# Images are not allowed at all: an <img> would make the browser or the PDF renderer fetch a URL.
URL_SCHEMES = {"http", "https", "mailto"}


_HEADING = re.compile(r"<(/?)h([1-6])>")


def _demote(match: re.Match) -> str:
    # A section's own title is the document's second level; its headings start below it.
    return f"<{match.group(1)}h{min(int(match.group(2)) + 2, 6)}>"


def render_markdown(text: str) -> SafeString:
    html = markdown_lib.markdown(
        text or "",
        extensions=["tables", "sane_lists"],
        # An align attribute instead of a style attribute, which the sanitizer would drop.
        extension_configs={"tables": {"use_align_attribute": True}},
    )
    html = _HEADING.sub(_demote, html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitized by nh3 just above
