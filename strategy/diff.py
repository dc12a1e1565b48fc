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


# Comparing n words with m costs up to n × m steps; a changed stretch longer than this is
# shown as removed and added whole rather than word by word.
WORD_PAIRS_LIMIT = 250_000
# Sentences and lines, each with the spaces after it: the first, coarse comparison.
UNIT = re.compile(r"[^.!?…\n]*(?:[.!?…]+[^\S\n]*|\n|$)")


def _units(text: str) -> list[str]:
    return [unit for unit in UNIT.findall(text) if unit]


def _raw_segments(old: str, new: str):
    """(changed, old text, new text) runs: sentences and lines first, then words within them.

    Comparing sentences first keeps long texts with a few edits fast: only the changed ones are
    compared word by word.
    """
    a_units, b_units = _units(old), _units(new)
    units = SequenceMatcher(None, a_units, b_units, autojunk=False)
    for tag, i1, i2, j1, j2 in units.get_opcodes():
        a_text, b_text = "".join(a_units[i1:i2]), "".join(b_units[j1:j2])
        if tag == "equal":
            yield False, a_text, b_text
            continue
        a, b = _tokens(a_text), _tokens(b_text)
        if len(a) * len(b) > WORD_PAIRS_LIMIT:
            yield True, a_text, b_text
            continue
        words = SequenceMatcher(None, a, b, autojunk=False)
        for word_tag, k1, k2, l1, l2 in words.get_opcodes():
            yield word_tag != "equal", "".join(a[k1:k2]), "".join(b[l1:l2])


def _segments(old: str, new: str) -> list[tuple[bool, str, str]]:
    """(changed, old text, new text) runs; the spaces between two changes join them."""
    segments = [segment for segment in _raw_segments(old, new) if segment[1] or segment[2]]
    joined: list[tuple[bool, str, str]] = []
    for index, (changed, a_text, b_text) in enumerate(segments):
        between_changes = (
            not changed
            and a_text.isspace()
            and 0 < index < len(segments) - 1
            and segments[index + 1][0]
            and joined[-1][0]
        )
        if (changed or between_changes) and joined and joined[-1][0]:
            _, a_before, b_before = joined.pop()
            joined.append((True, a_before + a_text, b_before + b_text))
        else:
            joined.append((changed, a_text, b_text))
    return joined


def word_diff(old: str, new: str) -> SafeString:
    """`new` against `old`: removed words in <del>, added ones in <ins>, all text escaped."""
    parts: list[tuple[str, str]] = []
    for changed, a_text, b_text in _segments(old, new):
        if not changed:
            parts.append(("{}", a_text))
            continue
        if a_text:
            parts.append(("<del>{}</del>", a_text))
        if b_text:
            parts.append(("<ins>{}</ins>", b_text))
    return format_html_join("", "{}", ((format_html(f, t),) for f, t in parts))


def change_counts(old: str, new: str) -> tuple[int, int]:
    """Characters added and removed going from `old` to `new`, counted over changed words."""
    added = removed = 0
    for changed, a_text, b_text in _raw_segments(old, new):
        if changed:
            removed += sum(len(word) for word in a_text.split())
            added += sum(len(word) for word in b_text.split())
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
