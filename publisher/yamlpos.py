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


def load(text: str, path: Path, first_line: int = 1) -> Any:
    """Parse one YAML document safely; ``first_line`` is where ``text`` starts in ``path``."""
    loader = yaml.SafeLoader(text)
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
