"""Word-level differences between two section texts, for people to read.

The texts are Markdown typed by people: they are compared as plain text and every piece is
escaped, so nothing they wrote becomes HTML.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

# Words and the whitespace between them are tokens of their own, so line breaks survive.
TOKEN = re.compile(r"\s+|[^\s]+")


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def _opcodes(old: list[str], new: list[str]):
    return SequenceMatcher(None, old, new, autojunk=False).get_opcodes()


def word_diff(old: str, new: str) -> SafeString:
    """`new` against `old`: removed words in <del>, added ones in <ins>, all text escaped."""
    a, b = _tokens(old), _tokens(new)
    parts: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            parts.append(("{}", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("<del>{}</del>", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("<ins>{}</ins>", "".join(b[j1:j2])))
    return format_html_join("", "{}", ((format_html(f, t),) for f, t in parts))


def change_counts(old: str, new: str) -> tuple[int, int]:
    """Characters added and removed going from `old` to `new`, counted over changed words."""
    a, b = _tokens(old), _tokens(new)
    added = removed = 0
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag != "equal":
            removed += sum(len(t) for t in a[i1:i2] if not t.isspace())
            added += sum(len(t) for t in b[j1:j2] if not t.isspace())
    return added, removed


def change_summary(old: str | None, new: str) -> str:
    """A few words on what changed: "+120/−30 characters", "no change", "first text"."""
    if old is None:
        count = len(new.replace("\n", ""))
        return ngettext("first text, %(n)s character", "first text, %(n)s characters", count) % {
            "n": count
        }
    added, removed = change_counts(old, new)
    if not (added or removed):
        return gettext("no change")
    return gettext("+%(added)s/−%(removed)s characters") % {"added": added, "removed": removed}


SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+|$)")


def _sentences(line: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(line) if s.strip()]


def merged_text(theirs: str, mine: str) -> str:
    """A starting point for merging: their text, then my sentences that their text lacks.

    My text is read line by line; of each line, the sentences found nowhere in their text are
    kept, in order, one line each time. The person edits the result before it is saved.
    """
    added = []
    for line in mine.splitlines():
        missing = [s for s in _sentences(line) if s not in theirs]
        if missing:
            added.append(" ".join(missing))
    if not added:
        return theirs
    if not theirs.strip():
        return "\n".join(added)
    return theirs.rstrip() + "\n\n" + "\n".join(added)
