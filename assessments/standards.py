"""Readiness against standards (ISO/IEC 5230, ISO/IEC 18974, GGI…): pure rules over plain data.

A questionnaire version may name the standards its questions map to (`Questionnaire.standards`),
each with its requirement areas, and each question the areas it evidences (`Question.mappings`,
`{standard key: [area id, ...]}`). This module reads both tolerantly (`read_standards`,
`read_mappings`: what is malformed is skipped, never an error) and says, per standard and per
area, how an assessment's answers line up with it (`readiness`). No Django, no database:
`assessments/readiness.py` loads the data, docs/standards.md explains every rule in words.

It is a readiness check, never a certification: an area is "met" when every question that
evidences it reaches the standard's minimum, nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

# As scoring: a score that is the minimum up to float noise reaches it.
TOLERANCE = 1e-9


class Status(StrEnum):
    MET = "met"  # every counted question reaches the minimum
    NOT_MET = "not_met"  # some counted question is below it, "don't know" or unanswered
    NOT_APPLICABLE = "not_applicable"  # every question of the area is taken out of the count
    NO_QUESTION = "no_question"  # no question of the version evidences the area


class State(StrEnum):
    """Where one question stands for this assessment."""

    ANSWERED = "answered"  # a score was chosen
    DONT_KNOW = "dont_know"
    UNANSWERED = "unanswered"
    NOT_APPLICABLE = "not_applicable"  # answered "not applicable"
    OUT_OF_SCOPE = "out_of_scope"  # its section, layer or pillar is out of the assessment's scope
    NOT_ASKED = "not_asked"  # a "show if" condition on an earlier answer does not ask it


# The states that count in an area's verdict and progress; the others take the question out.
COUNTED = frozenset({State.ANSWERED, State.DONT_KNOW, State.UNANSWERED})


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Standard:
    key: str
    name: str
    description: str = ""
    url: str = ""
    # False: a framework read for coverage and progress only (GGI's activities), no verdict.
    assess: bool = True
    # The raw score (on the version's scale) a question needs; None: the version's core minimum.
    minimum: int | None = None
    area_name: str = ""  # what the standard calls one area ("Clause"); "" for the default
    areas_name: str = ""  # and several ("Clauses")
    areas: tuple[Area, ...] = ()


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What readiness reads of a scored question: its words, place, weight and crosswalk."""

    key: str
    text: str
    section: str  # the section key
    weight: float
    max_score: float  # on the version's scale, as the scoring engine reads it
    mappings: Mapping[str, tuple[str, ...]]  # standard key -> area ids


@dataclass(frozen=True, slots=True)
class QuestionState:
    state: State
    score: float = 0  # ANSWERED only: 0..max_score, as the scoring engine reads it


@dataclass(frozen=True, slots=True)
class Evidence:
    """One question evidencing an area, as this assessment answered it."""

    key: str
    text: str
    section: str
    state: State
    score: float
    max_score: float
    # Counted questions only: whether it reaches the standard's minimum; None otherwise.
    reaches: bool | None

    @property
    def counted(self) -> bool:
        return self.state in COUNTED


@dataclass(frozen=True, slots=True)
class AreaResult:
    area: Area
    # None for a standard read for coverage only (`assess: false`) that has questions.
    status: Status | None
    progress: float | None  # 0..100 over the counted questions; None when none counts
    evidence: tuple[Evidence, ...]

    @property
    def covered(self) -> bool:
        return bool(self.evidence)


@dataclass(frozen=True, slots=True)
class StandardResult:
    standard: Standard
    areas: tuple[AreaResult, ...]
    progress: float | None  # over the counted questions of every area, each question once
    minimum: int  # the raw score a question needs (the standard's, else the version's)

    def _count(self, status: Status) -> int:
        return sum(1 for a in self.areas if a.status is status)

    @property
    def met(self) -> int:
        return self._count(Status.MET)

    @property
    def not_met(self) -> int:
        return self._count(Status.NOT_MET)

    @property
    def not_applicable(self) -> int:
        return self._count(Status.NOT_APPLICABLE)

    @property
    def applicable(self) -> int:
        """Areas with a verdict: met or not met."""
        return self.met + self.not_met

    @property
    def covered(self) -> int:
        """Areas at least one question evidences."""
        return sum(1 for a in self.areas if a.covered)

    @property
    def total(self) -> int:
        return len(self.areas)

    @property
    def uncovered(self) -> int:
        return self.total - self.covered


# --- Reading what is stored --------------------------------------------------------------------


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _area_id(value: object) -> str:
    """An area id as written: a string, or a whole number YAML read as one (`1`)."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    return _text(value)


def _url(value: object) -> str:
    """A web address, or "": a page must never link to what is not http or https."""
    text = _text(value)
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def _minimum(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _areas(stored: object) -> tuple[Area, ...]:
    if not isinstance(stored, list):
        return ()
    out: dict[str, Area] = {}
    for item in stored:
        if not isinstance(item, dict):
            continue
        area_id = _area_id(item.get("id"))
        if not area_id or area_id in out:
            continue
        out[area_id] = Area(
            area_id, _text(item.get("name")) or area_id, _text(item.get("description"))
        )
    return tuple(out.values())


def read_standards(stored: object) -> tuple[Standard, ...]:
    """The standards kept in `stored` (`Questionnaire.standards`), in order.

    What is malformed is skipped so that a hand-edited row never breaks a page: a row that is no
    mapping or has no key, a second row with the same key, an area without an id or with an id
    already seen. A missing name reads as the key (an area's as its id); `assess` is true unless
    it is false; a `minimum` that is no whole number from 0 up reads as None (the version's); a
    `url` that is no http or https address reads as "".
    """
    if not isinstance(stored, list):
        return ()
    out: dict[str, Standard] = {}
    for item in stored:
        if not isinstance(item, dict):
            continue
        key = _text(item.get("key"))
        if not key or key in out:
            continue
        out[key] = Standard(
            key=key,
            name=_text(item.get("name")) or key,
            description=_text(item.get("description")),
            url=_url(item.get("url")),
            assess=item.get("assess") is not False,
            minimum=_minimum(item.get("minimum")),
            area_name=_text(item.get("area_name")),
            areas_name=_text(item.get("areas_name")),
            areas=_areas(item.get("areas")),
        )
    return tuple(out.values())


def read_mappings(stored: object) -> dict[str, tuple[str, ...]]:
    """A question's crosswalk (`Question.mappings`): standard key -> area ids, each once.

    A single id stands for a list of one; anything else malformed is skipped.
    """
    if not isinstance(stored, dict):
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for key, ids in stored.items():
        if not isinstance(key, str) or not key:
            continue
        values = ids if isinstance(ids, list) else [ids]
        kept = tuple(dict.fromkeys(i for i in map(_area_id, values) if i))
        if kept:
            out[key] = kept
    return out


def references(
    standards: Iterable[Standard], questions: Iterable[QuestionInfo]
) -> dict[str, tuple[str, ...]]:
    """The crosswalk keys that name no standard of the version (free references, such as a
    model's stage numbers), with every id the questions give them, in order of appearance."""
    known = {s.key for s in standards}
    out: dict[str, dict[str, None]] = {}
    for question in questions:
        for key, ids in question.mappings.items():
            if key not in known:
                out.setdefault(key, {}).update(dict.fromkeys(ids))
    return {key: tuple(ids) for key, ids in out.items()}


def crosswalk_of(
    standards: Iterable[Standard], mappings: Mapping[str, tuple[str, ...]]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """A question's crosswalk in words: per standard it maps to (in the version's order), the
    standard's name and each area as (id, name); then any free reference as (key, [(id, "")])."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    named = {}
    for standard in standards:
        named[standard.key] = standard
        ids = mappings.get(standard.key)
        if ids:
            names = {area.id: area.name for area in standard.areas}
            out.append((standard.name, [(i, names.get(i, "")) for i in ids]))
    out += [(key, [(i, "") for i in ids]) for key, ids in mappings.items() if key not in named]
    return out


# --- Readiness ---------------------------------------------------------------------------------


def required_fraction(minimum: int, scale_max: float) -> float:
    """The share of a question's highest score the minimum asks: minimum / the scale's highest.

    Without a scale (no score above 0) only a minimum of 0 can be reached.
    """
    if scale_max <= 0:
        return 0.0 if minimum <= 0 else float("inf")
    return minimum / scale_max


def reaches(state: QuestionState, max_score: float, required: float) -> bool:
    """Whether an answer reaches the minimum: score / max >= minimum / scale max (tolerance as
    scoring's). "Don't know" and unanswered never do."""
    if state.state is not State.ANSWERED or max_score <= 0:
        return False
    return state.score / max_score >= required - TOLERANCE


def _progress(evidence: Iterable[Evidence], weights: Mapping[str, float]) -> float | None:
    """The weighted mean of the counted questions' normalized scores, 0..100, as a scope's."""
    total_weight = 0.0
    total_points = 0.0
    for item in evidence:
        if not item.counted:
            continue
        weight = weights[item.key]
        total_weight += weight
        if item.state is State.ANSWERED and item.max_score > 0:
            total_points += weight * (item.score / item.max_score)
    # Dividing before scaling keeps a perfect area at exactly 100.
    return 100 * (total_points / total_weight) if total_weight else None


def _status(evidence: Sequence[Evidence], assess: bool) -> Status | None:
    if not evidence:
        return Status.NO_QUESTION
    if not assess:
        return None
    counted = [item for item in evidence if item.counted]
    if not counted:
        return Status.NOT_APPLICABLE
    return Status.MET if all(item.reaches for item in counted) else Status.NOT_MET


def readiness(
    standards: Iterable[Standard],
    questions: Iterable[QuestionInfo],
    states: Mapping[str, QuestionState],
    *,
    scale_max: float,
    core_minimum: int,
) -> tuple[StandardResult, ...]:
    """How the answers line up with each standard's areas, in the standards' and areas' order.

    `questions`: the version's scored questions, in order; `states`: each one's state by key (a
    question missing from it is unanswered). An area's evidence is the questions mapping to it,
    in question order; ids that name no area of the standard are ignored, as are keys that name
    no standard (`references` lists those).
    """
    questions = list(questions)
    weights = {q.key: q.weight for q in questions}
    out = []
    for standard in standards:
        minimum = core_minimum if standard.minimum is None else standard.minimum
        required = required_fraction(minimum, scale_max)
        by_area: dict[str, list[Evidence]] = {area.id: [] for area in standard.areas}
        for question in questions:
            ids = question.mappings.get(standard.key, ())
            if not any(i in by_area for i in ids):
                continue
            state = states.get(question.key, QuestionState(State.UNANSWERED))
            counted = state.state in COUNTED
            item = Evidence(
                key=question.key,
                text=question.text,
                section=question.section,
                state=state.state,
                score=state.score if state.state is State.ANSWERED else 0,
                max_score=question.max_score,
                reaches=reaches(state, question.max_score, required) if counted else None,
            )
            for area_id in dict.fromkeys(ids):
                if area_id in by_area:
                    by_area[area_id].append(item)
        areas = tuple(
            AreaResult(
                area=area,
                status=_status(by_area[area.id], standard.assess),
                progress=_progress(by_area[area.id], weights),
                evidence=tuple(by_area[area.id]),
            )
            for area in standard.areas
        )
        every = {item.key: item for area in areas for item in area.evidence}
        out.append(
            StandardResult(
                standard=standard,
                areas=areas,
                progress=_progress(every.values(), weights),
                minimum=minimum,
            )
        )
    return tuple(out)
