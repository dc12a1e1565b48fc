"""The strategy template as data: sections in document order, each with guiding questions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from assessments import caches

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class GuidanceSection:
    key: str
    title: str
    summary: str
    generated: bool
    questions: tuple[str, ...]


@caches.shipped("guidance")
def load_guidance(key: str = "default") -> tuple[GuidanceSection, ...]:
    data = yaml.safe_load((HERE / f"{key}.yaml").read_text(encoding="utf-8"))
    return tuple(
        GuidanceSection(
            key=item["key"],
            title=item["title"],
            summary=item["summary"],
            generated=bool(item.get("generated")),
            questions=tuple(item["questions"]),
        )
        for item in data["sections"]
    )


def guidance_by_key(key: str = "default") -> dict[str, GuidanceSection]:
    return {section.key: section for section in load_guidance(key)}
