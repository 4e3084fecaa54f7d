"""Units of length, one name each, and CSS's four-sided shorthand."""

from collections.abc import Sequence
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
