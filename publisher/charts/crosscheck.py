"""The figures cross-check: every number of a chart must be stated in the text.

Numbers are compared by value after unit normalisation: ``704.83亿元`` in the
text matches ``704.83`` in a spec, ``8.0%`` matches ``8`` or ``8.0``, and a
chart in 万/亿 may show a text figure scaled by 10⁴ or 10⁸.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..errors import Diagnostics, Pos
from .numbers import format_number
from .spec import Number

_NUMBER = re.compile(r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?")
_CHART_LINE = re.compile(r"^\s*!\[[^\]]*\]\(chart:")
_SCALES = (1, 1e4, 1e-4, 1e8, 1e-8)


@dataclass(frozen=True)
class Stated:
    """A number stated in the report text."""

    value: float
    text: str
    pos: Pos


def stated_numbers(text: str, path: Pos, first_line: int = 1) -> list[Stated]:
    """Every number written in ``text`` (half- or full-width digits), with its position."""
    found = []
    for offset, line in enumerate(text.split("\n")):
        if _CHART_LINE.match(line):
            continue
        normal = unicodedata.normalize("NFKC", line) if any("０" <= c <= "９" for c in line) else line
        for match in _NUMBER.finditer(normal):
            value = float(match[0].replace(",", ""))
            pos = Pos(path.path, first_line + offset, match.start() + 1)
            found.append(Stated(value, match[0], pos))
    return found


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


class WithNumbers(Protocol):
    """A chart spec, or a table spec's numbers (:class:`publisher.tables.spec.TableNumbers`)."""

    @property
    def id(self) -> str: ...

    @property
    def numbers(self) -> list[Number]: ...


def cross_check(
    specs: Sequence[WithNumbers], stated: list[Stated], diagnostics: Diagnostics, noun: str = "chart"
) -> int:
    """Warn about each number of a chart (a table: ``noun``) the text does not state; returns how many were checked."""
    checked = 0
    for spec in specs:
        for number in spec.numbers:
            checked += 1
            if any(_same(number.value * scale, s.value) for s in stated for scale in _SCALES):
                continue
            hint = f"correct the {noun} or the text so that they agree"
            if stated:
                nearest = min(stated, key=lambda s: abs(s.value - number.value) / max(abs(number.value), 1e-9))
                if abs(nearest.value - number.value) <= 0.2 * max(abs(number.value), 1):
                    hint = f"the nearest figure in the text is {nearest.text} at {nearest.pos}; {hint}"
            diagnostics.warn(
                f"{noun} '{spec.id}': {number.what} = {format_number(number.value)} is not stated in the text",
                number.pos,
                hint,
            )
    return checked
