"""User Markdown to safe HTML: rendered first, then sanitized, so no raw HTML or CSS survives.

Beyond python-markdown's own rules (docs/strategy.md, "Layout rules"):

* lists nested with two spaces (or any indentation deeper than the item above) nest, as they do
  on GitHub; python-markdown alone wants four (`nest_lists`, before rendering; code blocks and
  fenced blocks are left as they are);
* a bare `https://...` address becomes a link (`_linkify`, outside links, code and pre);
* digit groups ("120 000", "1 200 000") are joined with a narrow no-break space, so a number
  never breaks across lines (`_join_digit_groups`, outside code and pre);
* images are never shown (an <img> would make the browser or the PDF renderer fetch a URL);
  each becomes its alt text in brackets, so nothing vanishes silently, and `image_problems`
  names the ones without an address for the section editor;
* a table of `WIDE_COLUMNS` columns or more gets the class `table-wide` (smaller type in print).
"""

from __future__ import annotations

import html as html_lib
import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_CLASSES = {"table": {"table-wide"}, "span": {"image-missing"}}
URL_SCHEMES = {"http", "https", "mailto"}
WIDE_COLUMNS = 6
NARROW_NBSP = "\u202f"

_HEADING = re.compile(r"<(/?)h([1-6])>")
_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_BARE_URL = re.compile(r"\bhttps?://[^\s<>\"]+")
_TRAILING = ".,;:!?)]}'"
# Groups of exactly three digits after a digit and a space: "120 000", "1 200 000", not "2 3".
_DIGIT_GROUP = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_UNRESOLVED_IMAGE = re.compile(r"!\[([^\]]*)\](?!\()")
_TABLE = re.compile(r"<table>(.*?)</table>", re.S)


def _demote(match: re.Match) -> str:
    # A section's own title is the document's second level; its headings start below it.
    return f"<{match.group(1)}h{min(int(match.group(2)) + 2, 6)}>"


def nest_lists(text: str) -> str:
    """The text with list items re-indented by four spaces per level of nesting.

    A list item indented deeper than the item above is its child, however many spaces deeper;
    a line continuing an item is indented to the item's content. Fenced blocks and indented
    code blocks outside lists are copied unchanged.
    """
    out: list[str] = []
    fence: str | None = None
    indents: list[int] = []  # source indentation of the open items, outermost first
    previous_blank = True
    in_code = False  # an indented code block outside any list
    for line in text.split("\n"):
        if fence is not None:
            out.append(line)
            if line.strip().startswith(fence):
                fence = None
            previous_blank = False
            continue
        if (match := _FENCE.match(line)) and not indents:
            fence = match.group(1)[0] * 3
            out.append(line)
            continue
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped:
            out.append(line)
            previous_blank = True
            continue
        if not indents and indent >= 4 and (previous_blank or in_code):
            in_code = True
            out.append(line)
            previous_blank = False
            continue
        in_code = False
        item = _LIST_ITEM.match(line)
        if item and (indents or indent < 4):
            while indents and indents[-1] > indent:
                indents.pop()
            if not indents or indents[-1] < indent:
                indents.append(indent)
            out.append(" " * 4 * (len(indents) - 1) + stripped)
        elif indents and indent > 0:
            out.append(" " * 4 * len(indents) + stripped)
        else:
            if indent == 0 and previous_blank:
                indents = []
            out.append(line)
        previous_blank = False
    return "\n".join(out)


def _image_placeholder(match: re.Match) -> str:
    attributes = dict(_ATTR.findall(match.group(0)))
    alt = attributes.get("alt", "").strip() or _("image")
    # alt is already escaped by python-markdown: it goes back into HTML as it is.
    return f'<span class="image-missing">[{alt}]</span>'


def _unresolved(match: re.Match) -> str:
    # `![alt]` without a reference definition: python-markdown leaves it as text.
    alt = match.group(1).strip() or _("image")
    return f'<span class="image-missing">[{alt}]</span>'


def _outside_code(html: str, function) -> str:
    """`function` applied to the text between tags, except inside <a>, <code> and <pre>."""
    pieces = _TAG_OR_TEXT.split(html)
    depth = 0
    for index, piece in enumerate(pieces):
        if piece.startswith("<"):
            name = re.match(r"</?(\w+)", piece)
            if name and name.group(1) in ("a", "code", "pre"):
                depth += -1 if piece.startswith("</") else 1
        elif piece and depth == 0:
            pieces[index] = function(piece)
    return "".join(pieces)


def _link(match: re.Match) -> str:
    url = match.group(0)
    trail = ""
    while url and url[-1] in _TRAILING:
        trail = url[-1] + trail
        url = url[:-1]
    if url.endswith("&amp"):  # "&amp;" ended by the semicolon taken off just above
        url, trail = url[:-4], "&amp" + trail
    return f'<a href="{url}">{url}</a>{trail}'


def _linkify(text: str) -> str:
    return _BARE_URL.sub(_link, text)


def _join_digit_groups(text: str) -> str:
    return _DIGIT_GROUP.sub(NARROW_NBSP, text)


def _mark_wide(match: re.Match) -> str:
    body = match.group(1)
    header = body.split("</tr>", 1)[0]
    columns = header.count("<th") or header.count("<td")
    opening = '<table class="table-wide">' if columns >= WIDE_COLUMNS else "<table>"
    return f"{opening}{body}</table>"


def _markdown(text: str) -> str:
    return markdown_lib.markdown(
        nest_lists(text or ""),
        extensions=["tables", "sane_lists"],
        # An align attribute instead of a style attribute, which the sanitizer would drop.
        extension_configs={"tables": {"use_align_attribute": True}},
    )


def render_markdown(text: str) -> SafeString:
    html = _markdown(text)
    html = _HEADING.sub(_demote, html)
    html = _IMG.sub(_image_placeholder, html)
    html = _outside_code(
        html, lambda piece: _join_digit_groups(_linkify(_UNRESOLVED_IMAGE.sub(_unresolved, piece)))
    )
    html = _TABLE.sub(_mark_wide, html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitized by nh3 just above


def image_problems(text: str) -> list[str]:
    """One sentence per image of the text that has no address, for the section editor.

    Counts `![alt](address)` images and `![alt]` without a reference definition (which
    python-markdown leaves as text), in the order they appear, outside code.
    """
    html = _markdown(text)
    problems: list[str] = []
    number = 0

    def collect(piece: str) -> str:
        nonlocal number
        for _match in _UNRESOLVED_IMAGE.finditer(piece):
            number += 1
            problems.append(_("Image %(number)s has no address.") % {"number": number})
        return piece

    for piece in re.split(r"(<img\b[^>]*>)", html):
        if piece.startswith("<img"):
            number += 1
            src = dict(_ATTR.findall(piece)).get("src", "").strip()
            if not src:
                problems.append(_("Image %(number)s has no address.") % {"number": number})
            else:
                problems.append(
                    _(
                        "Image %(number)s (%(address)s) is not shown: the strategy shows no "
                        "images from addresses."
                    )
                    % {"number": number, "address": html_lib.unescape(src)[:80]}
                )
        else:
            _outside_code(piece, collect)
    return problems
