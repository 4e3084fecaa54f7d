"""``publisher.toml``: the project's editions, every key checked with its position.

A project changes the built-in editions, or adds its own::

    [editions.print]
    bleed_mm = 5

    [editions.web]          # a new edition, starting from the meeting one
    base = "meeting"
    image_dpi = 96

An unknown key is an error with its ``file:line:col`` and the nearest valid name.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import Pos, PublisherError, did_you_mean
from ..source import find_project
from . import BUILTIN, CONFIG_FILE, Edition, check_edition

_FIELDS = {f.name: f for f in dataclasses.fields(Edition) if f.name != "name"}
_TYPES = typing.get_type_hints(Edition)
_CONFIG_KEYS = {"editions"}
_EDITION_KEYS = {*_FIELDS, "base"}


# --------------------------------------------------------------- config


def load_editions(project: Path) -> dict[str, Edition]:
    """The project's editions: the built-in ones as changed or added to by ``publisher.toml``."""
    editions = dict(BUILTIN)
    root = find_project(project)
    path = root / CONFIG_FILE
    if not path.is_file():
        return editions
    rel = Path(CONFIG_FILE)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PublisherError(f"cannot read {CONFIG_FILE}: {exc}", Pos(rel), "save it as UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PublisherError(f"not valid TOML: {_toml_message(exc)}", _toml_pos(exc, rel)) from None
    where = _KeyPositions(text, rel)
    for key in data:
        if key not in _CONFIG_KEYS:
            raise PublisherError(f"unknown key '{key}'", where((key,)), did_you_mean(key, _CONFIG_KEYS))
    tables = data.get("editions", {})
    if not isinstance(tables, dict):
        raise PublisherError("editions: expected a table", where(("editions",)), "write [editions.NAME] tables")
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise PublisherError(
                f"editions.{name}: expected a table", where(("editions", name)), f"write [editions.{name}]"
            )
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
            raise PublisherError(
                f"edition name '{name}' cannot be part of a file name",
                where(("editions", name)),
                "use lower-case letters, digits, '-' and '_'",
            )
        editions[name] = _parse_edition(name, table, editions, where, root)
    return editions


def _parse_edition(
    name: str, table: dict[str, Any], known: Mapping[str, Edition], where: _KeyPositions, root: Path
) -> Edition:
    """One ``[editions.NAME]`` table on top of the built-in edition it changes (or ``base``)."""
    base_name = table.get("base", name if name in BUILTIN else None)
    if base_name is None:
        start = Edition(name=name)
    elif isinstance(base_name, str) and base_name in known:
        start = dataclasses.replace(known[base_name], name=name)
    else:
        raise PublisherError(
            f"editions.{name}.base: no edition '{base_name}'",
            where(("editions", name, "base")),
            did_you_mean(str(base_name), known),
        )
    values: dict[str, Any] = {}
    for key, value in table.items():
        pos = where(("editions", name, key))
        if key == "base":
            continue
        if key not in _FIELDS:
            raise PublisherError(f"unknown edition key '{key}'", pos, did_you_mean(key, _EDITION_KEYS))
        values[key] = _check_value(f"editions.{name}.{key}", value, _TYPES[key], pos)
    edition = dataclasses.replace(start, **values)
    check_edition(edition, root, lambda key: where(("editions", name, key)))
    return edition


def _check_value(label: str, value: Any, hint: Any, pos: Pos) -> Any:
    if hint is bool and isinstance(value, bool):
        return value
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint is str and isinstance(value, str):
        return value
    kind = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}[hint]
    raise PublisherError(f"{label}: expected {kind}, got {value!r}", pos, "see docs/editions.md")


class _KeyPositions:
    """Where keys are in a TOML file: ``tomllib`` gives none, so the lines are scanned.

    Table headers (``[editions.print]``) and ``key =`` lines (dotted keys too)
    are found; a key not found falls back to its table, then to line 1.
    """

    _HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")
    _NAME = r"(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')"
    _KEY = re.compile(rf"^(\s*)({_NAME}(?:\s*\.\s*{_NAME})*)\s*=")

    def __init__(self, text: str, path: Path):
        self.path = path
        self.found: dict[tuple[str, ...], Pos] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.split("\n"), start=1):
            header = self._HEADER.match(line)
            if header:
                table = self._split(header.group(1))
                col = line.index(header.group(1)) + 1
                for depth in range(1, len(table) + 1):
                    self.found.setdefault(table[:depth], Pos(path, number, col))
                continue
            key = self._KEY.match(line)
            if key:
                keys = table + self._split(key.group(2))
                self.found.setdefault(keys, Pos(path, number, len(key.group(1)) + 1))

    @staticmethod
    def _split(dotted: str) -> tuple[str, ...]:
        return tuple(part.strip().strip("\"'") for part in dotted.split("."))

    def __call__(self, keys: tuple[str, ...]) -> Pos:
        for depth in range(len(keys), 0, -1):
            if keys[:depth] in self.found:
                return self.found[keys[:depth]]
        return Pos(self.path, 1, 1)


def _toml_message(exc: tomllib.TOMLDecodeError) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "syntax error"


def _toml_pos(exc: tomllib.TOMLDecodeError, path: Path) -> Pos:
    found = re.search(r"at line (\d+), column (\d+)", str(exc))
    return Pos(path, int(found.group(1)), int(found.group(2))) if found else Pos(path)
