"""The strategy template as data: sections in document order, each with guiding questions.

The template is shared by every model, so it names no model's levels or axes: its text says
`{stage}`, `{layers}`, `{scopes}`… and `worded` fills them in with the words of the assessment's
questionnaire version (no model is special). A section about one axis (`axis: layers`) asks one
question per value of that axis, and is left out of a strategy whose model has no such axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from django.utils import translation
from django.utils.translation import gettext as _

from assessments import caches
from assessments.axis_names import AxisNames

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class GuidanceSection:
    key: str
    title: str
    summary: str
    generated: bool
    questions: tuple[str, ...]
    axis: str = ""  # "layers" or "pillars": a section about each value of that axis
    item_question: str = ""  # asked of each value without a question of its own: "{name}"
    item_questions: dict[str, str] = field(default_factory=dict)  # value key -> question


def guidance_file(key: str, language: str | None = None) -> Path:
    """The guidance file in `language` (`default.fr.yaml`), or the English one (`default.yaml`)
    where none is written in it. A translation keeps every key of the English file
    (tests/test_guidance_translations.py)."""
    language = (language or translation.get_language() or "en").split("-")[0]
    translated = HERE / f"{key}.{language}.yaml"
    return translated if language != "en" and translated.is_file() else HERE / f"{key}.yaml"


@caches.shipped("guidance")
def load_guidance(key: str = "default", language: str | None = None) -> tuple[GuidanceSection, ...]:
    return _load_guidance(guidance_file(key, language))


@caches.shipped("guidance")
def _load_guidance(path: Path) -> tuple[GuidanceSection, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        GuidanceSection(
            key=item["key"],
            title=item["title"],
            summary=item["summary"],
            generated=bool(item.get("generated")),
            questions=tuple(item.get("questions") or ()),
            axis=item.get("axis", ""),
            item_question=item.get("item_question", ""),
            item_questions=dict(item.get("item_questions") or {}),
        )
        for item in data["sections"]
    )


def guidance_by_key(key: str = "default") -> dict[str, GuidanceSection]:
    return {section.key: section for section in load_guidance(key, translation.get_language())}


@dataclass(frozen=True)
class ModelWords:
    """What the template needs of a questionnaire version: its names, its layers and pillars
    as (key, name) pairs. The default, for a strategy whose assessment is gone, names none."""

    names: AxisNames = field(default_factory=AxisNames)
    layers: Sequence[tuple[str, str]] = ()
    pillars: Sequence[tuple[str, str]] = ()

    @classmethod
    def of(cls, questionnaire) -> ModelWords:
        if questionnaire is None:
            return cls()
        return caches.published(
            questionnaire,
            "model-words",
            lambda: cls(
                questionnaire.axis_names,
                tuple((x.key, x.name) for x in questionnaire.layers.order_by("order")),
                tuple((x.key, x.name) for x in questionnaire.pillars.order_by("order")),
            ),
        )


def _listed(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _scopes(words: ModelWords) -> str:
    # "{scopes}" stands where a translation put it in apposition ("nach Bereichen ({scopes})"),
    # so these read as a list of the axes, with no article to agree with anything around them.
    n = words.names
    if words.layers and words.pillars:
        return _("each %(layer)s and %(pillar)s") % {
            "layer": n.layer_lower,
            "pillar": n.pillar_lower,
        }
    if words.layers or words.pillars:
        return _("each %(axis)s") % {"axis": n.layer_lower if words.layers else n.pillar_lower}
    return _("the organization as a whole")


class _Fill(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _placeholders(words: ModelWords) -> _Fill:
    n = words.names
    return _Fill(
        Stage=n.stage,
        stage=n.stage_lower,
        stages=n.stages_lower,
        layer=n.layer_lower,
        layers=n.layers_lower,
        pillar=n.pillar_lower,
        pillars=n.pillars_lower,
        scopes=_scopes(words),
        layer_names=_listed([name for _, name in words.layers]) if words.layers else "",
        pillar_names=_listed([name for _, name in words.pillars]) if words.pillars else "",
    )


def _mentions_absent_axis(text: str, words: ModelWords) -> bool:
    return (not words.layers and "{layer" in text) or (not words.pillars and "{pillar" in text)


def worded(sections: Sequence[GuidanceSection], words: ModelWords) -> tuple[GuidanceSection, ...]:
    """`sections` in the words of one questionnaire version: its names filled in, the
    questions about an axis it lacks left out, a section about such an axis left out too."""
    fill = _placeholders(words)
    out = []
    for section in sections:
        values = {"layers": words.layers, "pillars": words.pillars}.get(section.axis)
        if section.axis and not values:
            continue
        questions = [q for q in section.questions if not _mentions_absent_axis(q, words)]
        for key, name in values or ():
            question = section.item_questions.get(key) or section.item_question
            questions.append(question.replace("{name}", name))
        out.append(
            replace(
                section,
                title=section.title.format_map(fill),
                summary=section.summary.format_map(fill),
                questions=tuple(q.format_map(fill) for q in questions),
            )
        )
    return tuple(out)


def strategy_guidance(guidance_key: str, questionnaire) -> dict[str, GuidanceSection]:
    """The template of a strategy, by section key, in its questionnaire version's words and the
    active language (the document's, where a strategy's views and documents set it)."""
    sections = load_guidance(guidance_key, translation.get_language())
    return {s.key: s for s in worded(sections, ModelWords.of(questionnaire))}
