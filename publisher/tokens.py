"""Design tokens: the typed schema of a theme's ``tokens.yaml``, and their CSS custom properties.

Every token has a type (:data:`SCHEMA`); a token the schema does not know, or
a value of the wrong type, is an error with its ``file:line:col``. The CSS
gets each token as a custom property with its unit (``size.body-pt: 11.5`` →
``--size-body-pt: 11.5pt``), so a stylesheet can use it directly
(``font-size: var(--size-body-pt)``); a token that only the CSS reads and that
no stylesheet of the theme uses is an error too (it would change nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import yamlpos
from .errors import Pos, PublisherError, did_you_mean

COLOR = "color"
POINTS = "pt"
MILLIMETRES = "mm"
NUMBER = "number"
TEXT = "text"
COLORS = "colors"
FAMILIES = "families"

_PAGE = {"size": TEXT, "height-mm": MILLIMETRES, "margin": TEXT, "content-width-mm": MILLIMETRES}
SCHEMA: dict[str, str] = {
    **{f"color.{name}": COLOR for name in ("primary", "accent", "text", "muted", "rule", "paper", "tint")},
    "chart.palette": COLORS,
    "chart.font-size-pt": POINTS,
    "chart.line-width-pt": POINTS,
    **{f"page.{paper}.{key}": kind for paper in ("a4", "a5") for key, kind in _PAGE.items()},
    "size.body-pt": POINTS,
    "size.leading": NUMBER,
    "grid.lines": NUMBER,
    "grid.chars": NUMBER,
}
"""Every token (dotted name) and its type; ``fonts.ROLE`` (a list of families) and
``official-faces.ROLE`` (the face a standard names for a role, read by a theme's check) are open to any role."""

READ_BY_CODE = ("chart.", "page.", "color.text", "color.muted", "official-faces.", "grid.")
"""Tokens the charts, the templates or the Word writer read (``grid``: lines a page and characters a line of
the document grid): used whatever the CSS says."""
FONT_ROLES_CHECKED = ("body", "heading", "kai", "title", "figure")
"""Font roles the glyph check reads."""

_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
_KIND_WORDS = {
    COLOR: "a colour like '#a61b29'",
    POINTS: "a number of points",
    MILLIMETRES: "a number of millimetres",
    NUMBER: "a number",
    TEXT: "text",
    COLORS: "a list of colours",
    FAMILIES: "a list of font family names",
}


def _valid(kind: str, value: Any) -> bool:
    if kind == COLOR:
        return isinstance(value, str) and _COLOR.fullmatch(value) is not None
    if kind in (POINTS, MILLIMETRES, NUMBER):
        return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    if kind == TEXT:
        return isinstance(value, str) and bool(value.strip())
    if kind == COLORS:
        return isinstance(value, list) and bool(value) and all(_valid(COLOR, v) for v in value)
    if kind == FAMILIES:
        return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)
    return False


def validate(data: Any, path: Path) -> dict[str, Pos]:
    """Check one ``tokens.yaml``; returns the position of every token it sets (dotted name → position)."""
    found: dict[str, Pos] = {}

    def walk(node: Any, prefix: str) -> None:
        for key, value in node.items():
            name = f"{prefix}{key}"
            where = node.key_pos[key]
            if prefix == "fonts.":
                kind = FAMILIES
            elif prefix == "official-faces.":
                kind = TEXT
            elif isinstance(value, yamlpos.YMap) and name not in ("fonts", "official-faces") and name not in SCHEMA:
                walk(value, name + ".")
                continue
            elif name in ("fonts", "official-faces") and isinstance(value, yamlpos.YMap):
                walk(value, name + ".")
                continue
            elif name in SCHEMA:
                kind = SCHEMA[name]
            else:
                known = [n for n in SCHEMA if n.startswith(prefix)] or list(SCHEMA)
                hint = did_you_mean(name, known) or "see docs/source-format.md, Themes"
                raise PublisherError(f"unknown token '{name}'", where, hint)
            if not _valid(kind, value):
                raise PublisherError(f"{name}: expected {_KIND_WORDS[kind]}, got {value!r}", node.where(key))
            found[name] = where

    if data is None:
        return found
    if not isinstance(data, yamlpos.YMap):
        raise PublisherError("tokens.yaml must be a mapping of tokens", Pos(path))
    walk(data, "")
    return found


def css_value(name: str, value: Any) -> str:
    """A token's value as CSS, with its unit."""
    kind = SCHEMA.get(name, FAMILIES if name.startswith("fonts.") else TEXT)
    if kind == POINTS:
        return f"{value}pt"
    if kind == MILLIMETRES:
        return f"{value}mm"
    return str(value)


def check_used(positions: dict[str, Pos], stylesheets: Iterable[str]) -> None:
    """Raise for a token that only the CSS reads and that no stylesheet of the theme uses (given their text)."""
    text = "\n".join(stylesheets)
    used = set(re.findall(r"var\(\s*--([a-z0-9-]+)", text))
    for name, pos in positions.items():
        if name.startswith(READ_BY_CODE):
            continue
        if name.startswith("fonts."):
            role = name.removeprefix("fonts.")
            if role in FONT_ROLES_CHECKED or f"font-{role}" in used:
                continue
            raise PublisherError(
                f"font role '{role}' is used by no stylesheet of the theme", pos, f"use it as var(--font-{role})"
            )
        variable = name.replace(".", "-")
        if variable not in used:
            raise PublisherError(
                f"token '{name}' is used by no stylesheet of the theme: changing it changes nothing",
                pos,
                f"use it in the theme's CSS as var(--{variable}), or remove it",
            )
