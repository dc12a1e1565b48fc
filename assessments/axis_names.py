"""What a questionnaire version calls its levels and its two axes, as plain data.

No model is special: pages, exports and the strategy document take these words from the version
(`Questionnaire.axis_names`), never from the shipped model. The defaults are its words, so a
version loaded before the names existed reads as it did.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language, pgettext_lazy

from assessments.questionnaire_file.rules import DEFAULT_NAMES


@dataclass(frozen=True)
class AxisNames:
    stage: str = DEFAULT_NAMES["stage"]
    stages: str = DEFAULT_NAMES["stages"]
    layer: str = DEFAULT_NAMES["layer"]
    layers: str = DEFAULT_NAMES["layers"]
    pillar: str = DEFAULT_NAMES["pillar"]
    pillars: str = DEFAULT_NAMES["pillars"]
    mapping_labels: dict[str, str] = field(default_factory=dict)

    # Lower case for the middle of a sentence ("from stage 2"); the stored words start a line.
    @property
    def stage_lower(self) -> str:
        return lower_word(self.stage)

    @property
    def stages_lower(self) -> str:
        return lower_word(self.stages)

    @property
    def layer_lower(self) -> str:
        return lower_word(self.layer)

    @property
    def layers_lower(self) -> str:
        return lower_word(self.layers)

    @property
    def pillar_lower(self) -> str:
        return lower_word(self.pillar)

    @property
    def pillars_lower(self) -> str:
        return lower_word(self.pillars)

    def of_kind(self, kind: str, *, plural: bool = False) -> str:
        """The name of a scope kind ("layer", "pillar"), as a results row carries it."""
        if kind == "layer":
            return self.layers if plural else self.layer
        if kind == "pillar":
            return self.pillars if plural else self.pillar
        return kind

    def mapping_label(self, key: str) -> str:
        """A readable name for a mapping key; the key itself when the version gives none."""
        return self.mapping_labels.get(key) or key


def lower_word(word: str) -> str:
    # Only the first letter, and only when the second is not a capital: "OKR area" stays.
    # German writes every noun with a capital, in the middle of a sentence too.
    if len(word) > 1 and word[1].isupper():
        return word
    if (get_language() or "").split("-")[0] in CAPITALIZED_NOUNS:
        return word
    return word[:1].lower() + word[1:]


CAPITALIZED_NOUNS = {"de", "lb"}

# The default words, in the reader's language: a version that kept them reads in any language,
# where a version's own words come from its translations (assessments/content_language.py).
DEFAULT_WORDS = {
    "stage": pgettext_lazy("a model's word for one of its levels", "Stage"),
    "stages": pgettext_lazy("a model's word for its levels", "Stages"),
    "layer": pgettext_lazy("a model's word for its first axis", "Layer of work"),
    "layers": pgettext_lazy("a model's word for its first axis, plural", "Layers of work"),
    "pillar": pgettext_lazy("a model's word for its second axis", "Pillar of support"),
    "pillars": pgettext_lazy("a model's word for its second axis, plural", "Pillars of support"),
}


def in_reading_language(name: str, word: str) -> str:
    """`word`, the version's word for `name`; the default word in the reader's language when
    the version kept the default and has no translation of its own."""
    if word == DEFAULT_NAMES[name]:
        return str(DEFAULT_WORDS[name])
    return word
