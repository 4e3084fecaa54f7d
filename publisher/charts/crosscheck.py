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
UNITS = (
    "平方公里", "平方米", "万人次", "人次", "场次", "万美元", "美元", "亿元", "万元", "千元", "元", "万吨", "吨",
    "公里", "千米", "公顷", "亩", "米", "周年", "小时", "分钟", "家", "个", "人", "名", "件", "场", "项", "处",
    "条", "所", "座", "户", "次", "辆", "套", "间", "宗", "份", "批", "台", "倍", "年", "天", "%", "‰",
)  # fmt: skip
"""Units and measure words a figure of the text may carry (``132个``, ``39万人次``, ``8.0%``), longest first."""
_UNIT = re.compile(r"\s*(?:余|多)?(" + "|".join(map(re.escape, UNITS)) + ")")
_SENTENCE = re.compile(r"[^。；！？]*[。；！？]?")


@dataclass(frozen=True)
class Stated:
    """A number stated in the report text."""

    value: float
    text: str
    pos: Pos
    unit: str = ""
    """The unit or measure word written after it (:data:`UNITS`), or ``""``."""
    sentence: str = ""
    """The sentence it is stated in."""


def stated_numbers(text: str, path: Pos, first_line: int = 1) -> list[Stated]:
    """Every number written in ``text`` (half- or full-width digits), with its position."""
    found = []
    for offset, line in enumerate(text.split("\n")):
        if _CHART_LINE.match(line):
            continue
        normal = unicodedata.normalize("NFKC", line) if any("０" <= c <= "９" for c in line) else line
        sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(normal) if m[0]]
        for match in _NUMBER.finditer(normal):
            value = float(match[0].replace(",", ""))
            pos = Pos(path.path, first_line + offset, match.start() + 1)
            unit = _UNIT.match(normal, match.end())
            sentence = next((normal[a:b] for a, b in sentences if a <= match.start() < b), "")
            found.append(Stated(value, match[0], pos, unit[1] if unit else "", sentence))
    return found


def same(a: float, b: float) -> bool:
    """Whether two figures are equal (to rounding)."""
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
            if any(same(number.value * scale, s.value) for s in stated for scale in _SCALES):
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
