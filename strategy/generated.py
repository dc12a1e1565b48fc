"""The generated block of "Where we stand": the part of the section a refresh rewrites.

The section's body holds the text written from the assessment between two HTML comments, each on
a line of its own. They delimit the block in the Markdown source only: rendering drops them (the
sanitizer strips comments), and the Markdown export removes them. A refresh replaces what lies
between them and keeps whatever the person wrote before or after. A body without them (its
author deleted a mark) has no block: a refresh then replaces the whole text, after saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

START = "<!-- generated:start -->"
END = "<!-- generated:end -->"

_BLOCK = re.compile(
    r"^[ \t]*<!--\s*generated:start\s*-->[ \t]*\n"
    r"(?P<block>.*?)"
    r"^[ \t]*<!--\s*generated:end\s*-->[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_MARK = re.compile(r"^[ \t]*<!--\s*generated:(?:start|end)\s*-->[ \t]*\n?", re.MULTILINE)


@dataclass(frozen=True)
class Parts:
    before: str
    block: str
    after: str


def wrap(block: str) -> str:
    """`block` between the marks, each with a blank line around it so Markdown reads it alone."""
    return f"{START}\n\n{block.strip()}\n\n{END}\n"


def split(body: str) -> Parts | None:
    """The text before the generated block, the block itself, and the text after it; None when
    the body has no (complete) block."""
    match = _BLOCK.search(body.replace("\r\n", "\n"))
    if match is None:
        return None
    text = body.replace("\r\n", "\n")
    return Parts(
        before=text[: match.start()],
        block=match.group("block").strip("\n") + "\n",
        after=text[match.end() :],
    )


def replace_block(body: str, block: str) -> str:
    """`body` with its generated block replaced by `block`; the whole body when it has none."""
    parts = split(body)
    if parts is None:
        return wrap(block)
    after = parts.after.lstrip("\n")
    return parts.before + wrap(block) + (("\n" + after) if after else "")


def strip_marks(body: str) -> str:
    """`body` without the marks, for readers of the Markdown (the export)."""
    return _MARK.sub("", body)
