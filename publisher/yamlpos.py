"""Safe YAML loading that keeps the position of every key and item.

``load()`` returns plain Python values, except that mappings are
:class:`YMap` and sequences :class:`YList`, which remember where each key,
value and item was written so later stages can say
``source/charts/gdp.yaml:14:5: values: expected a number``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Pos, PublisherError

MAX_DEPTH = 64
"""Collections nested deeper than this are refused (a chart or a front matter needs a handful)."""
MAX_ALIAS_VALUES = 10_000
"""How many values all the aliases (``*name``) of one document may stand for together, anchors and merges included."""
MAX_CHARS = 256 * 1024
"""Characters of one YAML document (a chart or table spec, a front matter). A chart of 5,000 values is
about 30,000; PyYAML's parser (pure Python, for the positions) reads about 50,000 characters a second,
so 766 KB of values took 17 s of CPU before any limit on the values could say no."""


class YMap(dict[str, Any]):
    """A YAML mapping with positions."""

    pos: Pos
    key_pos: dict[str, Pos]
    value_pos: dict[str, Pos]

    def where(self, key: str) -> Pos:
        """Position of ``key``'s value, else of the key, else of the mapping."""
        return self.value_pos.get(key) or self.key_pos.get(key) or self.pos


class YList(list[Any]):
    """A YAML sequence with positions."""

    pos: Pos
    item_pos: list[Pos]


def _mark_pos(mark: yaml.Mark | None, path: Path, first_line: int) -> Pos:
    if mark is None:
        return Pos(path, first_line, 1)
    return Pos(path, mark.line + first_line, mark.column + 1)


class _BoundedLoader(yaml.SafeLoader):
    """A safe loader that counts what aliases expand to and how deep collections nest, and stops early.

    An alias is a reference, but every later stage walks the document as a tree: nine levels of nine
    aliases (a few hundred bytes) stand for 9**9 values. Each node's size (the values it stands for,
    aliases expanded) is known once it is composed, so the whole cost is counted while composing.
    """

    def __init__(self, text: str, path: Path, first_line: int):
        super().__init__(text)
        self.where = (path, first_line)
        self.depth = 0
        self.alias_values = 0
        self.sizes: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            anchored = self.anchors.get(event.anchor)
            if anchored is not None:
                self.alias_values += self.sizes.get(id(anchored), 1)
                if self.alias_values > MAX_ALIAS_VALUES:
                    raise PublisherError(
                        f"YAML aliases stand for more than {MAX_ALIAS_VALUES:,} values",
                        _mark_pos(event.start_mark, *self.where),
                        "write the values out, or use fewer aliases (`*name`) of large anchors (`&name`)",
                    )
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise PublisherError(
                f"YAML nested more than {MAX_DEPTH} levels deep",
                _mark_pos(self.peek_event().start_mark, *self.where),  # type: ignore[no-untyped-call]
                "a chart or a front matter needs a few levels: flatten the lists and mappings",
            )
        node = super().compose_node(parent, index)
        self.depth -= 1
        if isinstance(node, yaml.SequenceNode):
            self.sizes[id(node)] = 1 + sum(self.sizes.get(id(child), 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            self.sizes[id(node)] = 1 + sum(
                self.sizes.get(id(key), 1) + self.sizes.get(id(value), 1) for key, value in node.value
            )
        return node


def load(text: str, path: Path, first_line: int = 1) -> Any:
    """Parse one YAML document safely; ``first_line`` is where ``text`` starts in ``path``.

    Aliases may stand for :data:`MAX_ALIAS_VALUES` values in all and collections nest
    :data:`MAX_DEPTH` deep: beyond either, a :class:`PublisherError` at the alias or the collection.
    """
    if len(text) > MAX_CHARS:
        before = text[:MAX_CHARS]
        line = before.count("\n")
        column = MAX_CHARS - (before.rfind("\n") + 1) + 1
        raise PublisherError(
            f"more than {MAX_CHARS // 1024} KiB of YAML in one file",
            Pos(path, first_line + line, column),
            "a chart or table spec holds a few hundred values: keep long data in a CSV or Excel file (csv:, xlsx:)",
        )
    loader = _BoundedLoader(text, path, first_line)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _convert(loader, node, path, first_line)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise PublisherError(
            f"YAML syntax error: {problem}",
            _mark_pos(mark, path, first_line),
            "check indentation and quoting; a value containing ': ' or '#' needs quotes",
        ) from None
    except yaml.YAMLError as exc:
        raise PublisherError(f"YAML error: {exc}", Pos(path, first_line, 1)) from None
    finally:
        loader.dispose()


def _convert(loader: yaml.SafeLoader, node: yaml.Node, path: Path, first_line: int) -> Any:
    if isinstance(node, yaml.MappingNode):
        result = YMap()
        result.pos = _mark_pos(node.start_mark, path, first_line)
        result.key_pos = {}
        result.value_pos = {}
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key_pos = _mark_pos(key_node.start_mark, path, first_line)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise PublisherError(f"duplicate key '{key}'", key_pos, "each key may appear once")
            result[key] = _convert(loader, value_node, path, first_line)
            result.key_pos[key] = key_pos
            result.value_pos[key] = _mark_pos(value_node.start_mark, path, first_line)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = YList()
        items.pos = _mark_pos(node.start_mark, path, first_line)
        items.item_pos = []
        for child in node.value:
            items.append(_convert(loader, child, path, first_line))
            items.item_pos.append(_mark_pos(child.start_mark, path, first_line))
        return items
    return loader.construct_object(node, deep=True)


def plain(value: Any) -> Any:
    """``value`` with its mappings and lists as plain ``dict`` and ``list`` (for ``yaml.safe_dump``)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
