"""Scopes an organization chooses not to pursue: pure rules over plain data.

An owner may put a section, a layer of work or a pillar of support of an assessment out of
scope, with a reason (a bank that deliberately does not lead communities). The assessment keeps
them in `Assessment.scope_exclusions`, a list of plain mappings; this module reads and changes
that list and says which questions they take out of the scoring (`excluded_questions`), which the
engine then leaves out of every gate and denominator (`assessments.scoring.assess`).

A layer out of scope takes out the questions placed in that layer; a question for every layer
still counts in the others, so it stays. Exclusions name scopes by key, so they keep their
meaning across versions of a questionnaire; a key the version does not have excludes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from assessments.scoring import ModelSpec

REASON_LENGTH = 1000
KEY_LENGTH = 80


class ScopeKind(StrEnum):
    SECTION = "section"
    LAYER = "layer"
    PILLAR = "pillar"


@dataclass(frozen=True, slots=True)
class Exclusion:
    kind: ScopeKind
    key: str
    reason: str
    by: str = ""  # who decided, as shown (their username), kept as written then
    at: str = ""  # when, ISO 8601

    def as_data(self) -> dict[str, str]:
        return {
            "kind": str(self.kind),
            "key": self.key,
            "reason": self.reason,
            "by": self.by,
            "at": self.at,
        }


class ScopeError(ValueError):
    """A change of scope that cannot be made; the message says why, naming the values."""


def read_exclusions(stored: object) -> tuple[Exclusion, ...]:
    """The exclusions kept in `stored` (the JSON column); anything malformed is skipped, so a
    hand-edited row never breaks a page, and the first of two for the same scope wins."""
    if not isinstance(stored, list):
        return ()
    out: dict[tuple[ScopeKind, str], Exclusion] = {}
    for item in stored:
        if not isinstance(item, dict):
            continue
        try:
            kind = ScopeKind(item.get("kind"))
        except ValueError:
            continue
        key, reason = item.get("key"), item.get("reason")
        if not isinstance(key, str) or not key or not isinstance(reason, str):
            continue
        by, at = item.get("by", ""), item.get("at", "")
        out.setdefault(
            (kind, key),
            Exclusion(
                kind,
                key,
                reason,
                by if isinstance(by, str) else "",
                at if isinstance(at, str) else "",
            ),
        )
    return tuple(out.values())


def clean_reason(reason: str) -> str:
    """The reason as kept: required, at most `REASON_LENGTH` characters."""
    text = reason.strip()
    if not text:
        raise ScopeError("a reason is required to put a scope out of scope")
    if len(text) > REASON_LENGTH:
        raise ScopeError(f"the reason has {len(text)} characters; at most {REASON_LENGTH}")
    return text


def with_exclusion(
    exclusions: Iterable[Exclusion],
    kind: str,
    key: str,
    reason: str,
    *,
    known: Iterable[str],
    by: str = "",
    at: str = "",
) -> tuple[Exclusion, ...]:
    """`exclusions` with (`kind`, `key`) out of scope for `reason`; an existing one is replaced.

    `known`: the keys of that kind in the assessment's version; any other key is refused.
    """
    scope_kind = _kind(kind)
    known_keys = list(known)
    if key not in known_keys:
        raise ScopeError(
            f"{scope_kind} {key!r} is not one of this version's: {', '.join(known_keys) or 'none'}"
        )
    entry = Exclusion(scope_kind, key, clean_reason(reason), by, at)
    kept = [e for e in exclusions if (e.kind, e.key) != (scope_kind, key)]
    return (*kept, entry)


def without_exclusion(
    exclusions: Iterable[Exclusion], kind: str, key: str
) -> tuple[Exclusion, ...]:
    """`exclusions` with (`kind`, `key`) back in scope; unchanged when it was not out."""
    scope_kind = _kind(kind)
    return tuple(e for e in exclusions if (e.kind, e.key) != (scope_kind, key))


def _kind(kind: str) -> ScopeKind:
    try:
        return ScopeKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in ScopeKind)
        raise ScopeError(f"scope kind {kind!r} is not one of: {allowed}") from None


def excluded_questions(model: ModelSpec, exclusions: Iterable[Exclusion]) -> frozenset[str]:
    """The keys of the questions `exclusions` take out of the scoring of `model`."""
    out_of = {kind: set() for kind in ScopeKind}  # type: dict[ScopeKind, set[str]]
    for exclusion in exclusions:
        out_of[exclusion.kind].add(exclusion.key)
    if not any(out_of.values()):
        return frozenset()
    return frozenset(
        question.key
        for question in model.questions
        if question.section in out_of[ScopeKind.SECTION]
        or question.pillar in out_of[ScopeKind.PILLAR]
        or (question.layer is not None and question.layer in out_of[ScopeKind.LAYER])
    )


def find(exclusions: Iterable[Exclusion], kind: str, key: str) -> Exclusion | None:
    return next((e for e in exclusions if e.kind == kind and e.key == key), None)
