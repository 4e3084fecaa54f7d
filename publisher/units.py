"""Units of length, one name each, and CSS's four-sided shorthand."""

import re
from collections.abc import Iterator, Sequence
from typing import TypeVar

_T = TypeVar("_T")

PT_PER_MM = 72 / 25.4
"""PDF points (1/72 inch) per millimetre."""
INCH_PER_MM = 1 / 25.4
"""Inches per millimetre (matplotlib sizes figures in inches)."""


def four_sides(values: Sequence[_T]) -> tuple[_T, _T, _T, _T]:
    """Top, right, bottom and left of a CSS shorthand of 1 to 4 values (``margin: 20mm 15mm``)."""
    if len(values) == 1:
        return values[0], values[0], values[0], values[0]
    if len(values) == 2:
        return values[0], values[1], values[0], values[1]
    if len(values) == 3:
        return values[0], values[1], values[2], values[1]
    return values[0], values[1], values[2], values[3]


MAX_CSS_LENGTH_MM = 10_000
"""The largest length a stylesheet may give (10 m): beyond it a page or a font cannot be typeset (the engine
divides by zero or lays out for ever), so it is a typing accident, told as one."""
CSS_LENGTH_HINT = "no page or font is that large: check the number and its unit"
_MM_PER = {"mm": 1.0, "cm": 10.0, "q": 0.25, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6, "px": 25.4 / 96}
_MM_PER_EM = 25.4 / 72 * 12  # em, rem, ex, ch: of a 12 pt font (a generous guess; the check is for absurd ones)
_CSS_LENGTH = re.compile(
    r"(?<![\w.#-])[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?(mm|cm|q|in|pt|pc|px|rem|em|ex|ch)(?![\w-])", re.I
)


def absurd_css_lengths(css: str) -> Iterator[tuple[int, int, str]]:
    """The lengths in ``css`` longer than :data:`MAX_CSS_LENGTH_MM`: 1-based line and column, and the length."""
    for match in _CSS_LENGTH.finditer(re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m[0]), css, flags=re.S)):
        unit = match[1].lower()
        number = float(match[0][: -len(unit)])
        if abs(number) * _MM_PER.get(unit, _MM_PER_EM) > MAX_CSS_LENGTH_MM:
            line = css.count("\n", 0, match.start()) + 1
            yield line, match.start() - css.rfind("\n", 0, match.start()), match[0]
