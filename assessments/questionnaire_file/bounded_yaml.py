"""Reading a questionnaire file's YAML within bounds, whoever wrote it.

A questionnaire file comes from outside: an upload in the admin, a path given to
`load_questionnaire`. `load` reads it with `BoundedLoader`, a `yaml.SafeLoader` that refuses, with
a message naming the line, what a questionnaire never needs and an attacker would use:

- a file larger than `MAX_FILE_BYTES` (checked before any parsing);
- aliases, anchors and merge keys (refused as they are composed, before anything is expanded:
  a few kilobytes of aliases otherwise expand to gigabytes);
- nesting deeper than `MAX_DEPTH` (thousands of `[` otherwise exhaust the recursion limit);
- more than `MAX_NODES` values in all;
- more than `MAX_SECTIONS` sections, `MAX_QUESTIONS` questions in all, or `MAX_OPTIONS` entries
  in one list of options or in the scale, counted as they are composed;
- the same key twice in one mapping (YAML would silently keep the last);
- a value YAML cannot turn into data (a date of month 13, an integer of a million digits).

Every refusal is a `Refused` exception, which `parse_document` turns into a `DocumentError`.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 20
MAX_NODES = 40_000
MAX_SECTIONS = 100
MAX_QUESTIONS = 500
MAX_OPTIONS = 20

# Lists counted while they are composed, by the key that holds them: a limit for each list
# (`per_list`) or for all lists of that key in the file together.
_LIST_LIMITS: dict[str, tuple[int, bool]] = {
    "sections": (MAX_SECTIONS, False),
    "questions": (MAX_QUESTIONS, False),
    "options": (MAX_OPTIONS, True),
    "scale": (MAX_OPTIONS, True),
}


class Refused(Exception):
    """The file goes beyond what a questionnaire file may be; the message says how, and where."""


def _at(mark: Any) -> str:
    return f"line {mark.line + 1}: " if mark is not None else ""


def check_size(size: int) -> None:
    """Refuse a file of `size` bytes when it is larger than `MAX_FILE_BYTES`."""
    if size > MAX_FILE_BYTES:
        raise Refused(
            f"the file is larger than 2 MB ({size:,} bytes or more); a questionnaire file may "
            f"be at most {MAX_FILE_BYTES:,} bytes"
        )


class BoundedLoader(yaml.SafeLoader):
    """A `yaml.SafeLoader` that composes and constructs within the limits above."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._holders: list[str | None] = []  # the key holding each open collection
        self._totals: dict[str, int] = {}

    # Composing: events become nodes, one at a time, checked before they are kept.

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise Refused(
                f"{_at(event.start_mark)}aliases (*{event.anchor}) are not allowed in a "
                "questionnaire file; write the content out in full"
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise Refused(
                f"{_at(event.start_mark)}anchors (&{anchor}) are not allowed in a questionnaire "
                "file; write the content out in full"
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise Refused(
                f"{_at(event.start_mark)}the file holds more than {MAX_NODES:,} values; "
                "a questionnaire file may not"
            )
        if isinstance(parent, SequenceNode) and self._holders:
            self._count_item(self._holders[-1], index, event.start_mark)
        if not isinstance(event, yaml.CollectionStartEvent):
            return self._lean(super().compose_node(parent, index))
        if self._depth >= MAX_DEPTH:
            raise Refused(
                f"{_at(event.start_mark)}lists and mappings are nested more than {MAX_DEPTH} "
                "deep; a questionnaire file needs far fewer levels"
            )
        holder = index.value if isinstance(index, ScalarNode) else None
        self._depth += 1
        self._holders.append(holder if isinstance(holder, str) else None)
        try:
            return self._lean(super().compose_node(parent, index))
        finally:
            self._depth -= 1
            self._holders.pop()

    @staticmethod
    def _lean(node: Node | None) -> Node | None:
        # Messages name a node's first line only: its end mark, a third of its weight, goes.
        if node is not None:
            node.end_mark = node.start_mark
        return node

    def _count_item(self, holder: str | None, index: Any, mark: Any) -> None:
        if holder not in _LIST_LIMITS:
            return
        limit, per_list = _LIST_LIMITS[holder]
        if per_list:
            count = index + 1
        else:
            count = self._totals[holder] = self._totals.get(holder, 0) + 1
        if count > limit:
            scope = "in one list" if per_list else "in the file"
            raise Refused(
                f"{_at(mark)}more than {limit} {holder} {scope}; a questionnaire file may have "
                f"at most {limit}"
            )

    # Constructing: nodes become Python data.

    def flatten_mapping(self, node: MappingNode) -> None:
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise Refused(
                    f"{_at(key_node.start_mark)}merge keys (<<) are not allowed in a "
                    "questionnaire file; write the fields out in full"
                )
        super().flatten_mapping(node)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        if len(mapping) < len(node.value):
            seen: set[Any] = set()
            for key_node, _value in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise Refused(
                        f"{_at(key_node.start_mark)}the key {key!r} appears more than once in "
                        "the same mapping; YAML would keep only the last"
                    )
                seen.add(key)
        return mapping

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError):
            value = node.value if isinstance(node.value, str) else ""
            shown = value if len(value) <= 40 else value[:40] + "…"
            raise Refused(f"{_at(node.start_mark)}cannot read the value {shown!r}") from None


def load(text: str) -> Any:
    """The data of one YAML document, read within bounds. Raises `Refused` or `yaml.YAMLError`."""
    # Every character is at least one byte: a text longer than the limit is refused unencoded.
    check_size(len(text) if len(text) > MAX_FILE_BYTES else len(text.encode("utf-8")))
    loader = BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
