"""Design tokens: the typed schema of a theme's ``tokens.yaml``, and their CSS custom properties.

Every token has a type (:data:`SCHEMA`); a token the schema does not know, or
a value of the wrong type, is an error with its ``file:line:col``. The CSS
gets each token as a custom property with its unit (``size.body-pt: 11.5`` →
``--size-body-pt: 11.5pt``), so a stylesheet can use it directly
(``font-size: var(--size-body-pt)``); a token that only the CSS reads and that
no stylesheet of the theme uses is an error too (it would change nothing).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
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


PT_PER_MM = 72 / 25.4
PANGO_UNITS_PER_PT = 1024
"""Pango measures in 1/1024 pt: a letter-spacing becomes whole units of it."""
GRID_CHAR_MULTIPLES = tuple(n / 2 for n in range(1, 17))
"""Widths of the grid's characters the CSS gets, from ½ to 8 (``--grid-chars-4-5``: 4½ characters)."""


def _decimal(value: float, places: str, rounding: str) -> str:
    text = str(Decimal(repr(value)).quantize(Decimal(places), rounding=rounding))
    return text.rstrip("0").rstrip(".") if "." in text else text


def grid_variables(tokens: dict[str, Any]) -> list[tuple[str, str]]:
    """The document grid (``grid.lines`` × ``grid.chars`` in the A4 type area, GB/T 9704: 22 × 28) as CSS
    custom properties, so a theme's stylesheet keeps to it without a number of its own.

    ``--grid-pitch``: the line pitch (225 mm / 22 = 28.99 pt, rounded down so 22 lines fit), ``--grid-pitch-2``
    two of them; ``--grid-char``: a character's advance (156 mm / 28 = 15.793 pt, rounded down), and
    ``--grid-chars-N`` (``-N-5`` for a half) multiples of it for indents and hanging lines, ``--grid-chars-neg-N``
    their negatives; ``--grid-tracking``: the letter-spacing that makes a character of ``size.body-pt`` advance
    that much (16 pt → -0.2073 pt), whole Pango units and a quarter more, so that it lands on the whole unit
    however WeasyPrint rounds it and ``grid.chars`` characters always fit a line. None without a grid.
    """
    grid = tokens.get("grid")
    page = tokens.get("page", {}).get("a4", {})
    margin = str(page.get("margin", ""))
    margins = [float(value) for value in re.findall(r"([\d.]+)mm", margin)]
    shorthand = re.fullmatch(r"\s*(?:[\d.]+mm\s*){1,4}", margin)
    if not grid or not shorthand or "height-mm" not in page or "content-width-mm" not in page:
        return []
    top, bottom = margins[0], margins[2 if len(margins) > 2 else 0]  # CSS's margin shorthand
    area_height = (float(page["height-mm"]) - top - bottom) * PT_PER_MM
    pitch = area_height / float(grid["lines"])
    advance = float(page["content-width-mm"]) * PT_PER_MM / float(grid["chars"])
    body = float(tokens.get("size", {}).get("body-pt", advance))
    units = math.floor((advance - body) * PANGO_UNITS_PER_PT)
    pitch_text = _decimal(pitch, "0.01", ROUND_FLOOR)
    char = float(_decimal(advance, "0.001", ROUND_FLOOR))
    found = [
        ("grid-pitch", f"{pitch_text}pt"),
        ("grid-pitch-2", f"{_decimal(2 * float(pitch_text), '0.01', ROUND_HALF_UP)}pt"),
        ("grid-char", f"{_decimal(char, '0.001', ROUND_HALF_UP)}pt"),
        ("grid-tracking", f"{_decimal((units - 0.25) / PANGO_UNITS_PER_PT, '0.0001', ROUND_HALF_UP)}pt"),
    ]
    for multiple in GRID_CHAR_MULTIPLES:
        name = f"{int(multiple)}" if multiple.is_integer() else f"{int(multiple)}-5"
        width = _decimal(multiple * char, "0.001", ROUND_HALF_UP)
        found += [(f"grid-chars-{name}", f"{width}pt"), (f"grid-chars-neg-{name}", f"-{width}pt")]
    return found


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
