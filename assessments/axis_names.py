"""What a questionnaire version calls its levels and its two axes, as plain data.

No model is special: pages, exports and the strategy document take these words from the version
(`Questionnaire.axis_names`), never from the shipped model. The defaults are its words, so a
version loaded before the names existed reads as it did.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    if len(word) > 1 and word[1].isupper():
        return word
    return word[:1].lower() + word[1:]
