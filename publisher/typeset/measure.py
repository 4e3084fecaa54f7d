"""Measure typography from a PDF: lines, edges, gaps, read back through :mod:`publisher.pdfread`.

Used by the tests and by ``publisher check --theme gongwen`` (the compliance
report): the rules are checked on what was printed, not on the CSS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..pdfread import Char, open_pdf
from .chars import CLOSING, FULL_WIDTH_MARKS, OPENING, is_han

FORBIDDEN_START = set(CLOSING) | {"…", "—"}
FORBIDDEN_END = set(OPENING)


@dataclass
class Line:
    """One printed line of body text."""

    page: int
    """0-based page index."""
    top: float
    chars: list[Char] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def x0(self) -> float:
        return self.chars[0].x0

    @property
    def start(self) -> float:
        """Where the line's ink starts: an opening mark (``“``, ``（``) draws in the right half of its em, so a
        line starting with one starts half an em after the mark's origin. A mark set half-width at a line start
        (its origin moved half an em left, into the margin) so starts on the edge; a full-width one half an em in.
        """
        return self.x0 + (self.size / 2 if self.text[0] in OPENING else 0.0)

    @property
    def x1(self) -> float:
        return self.chars[-1].x1

    @property
    def size(self) -> float:
        return self.chars[0].size


def body_lines(
    pdf_path: Path, size: float, fonts: tuple[str, ...] = ("Serif", "Kai"), first_page: int = 0
) -> list[Line]:
    """Lines made of characters of body ``size`` (±0.2 pt) in the body faces, in reading order."""
    lines: list[Line] = []
    with open_pdf(pdf_path) as pdf:
        for page in pdf.pages():
            if page.index < first_page:
                continue
            current: dict[float, Line] = {}
            for char in page.chars():
                if abs(char.size - size) > 0.2 or not any(f in char.font for f in fonts):
                    continue
                if not char.text.strip():
                    continue
                key = round(char.top * 2) / 2
                line = current.get(key) or current.get(key - 0.5) or current.get(key + 0.5)
                if line is None:
                    line = current[key] = Line(page.index, char.top)
                line.chars.append(char)
            for line in sorted(current.values(), key=lambda item: item.top):
                line.chars.sort(key=lambda c: c.x0)
                lines.append(line)
    return lines


@dataclass
class Report:
    """What the measurements found."""

    lines: int = 0
    not_flush: list[str] = field(default_factory=list)
    forbidden_start: list[str] = field(default_factory=list)
    forbidden_end: list[str] = field(default_factory=list)
    half_width_between_han: list[str] = field(default_factory=list)
    pairs: list[float] = field(default_factory=list)
    """Widths (em) of adjacent full-width mark pairs, measured to the next character."""
    han_latin_gaps: list[float] = field(default_factory=list)
    """Gaps (em) between Han and a following Latin letter or digit, or the reverse."""


def measure(lines: list[Line], left: float, right: float) -> Report:
    """Check the Chinese rules over ``lines`` of a column from ``left`` to ``right`` (pt)."""
    report = Report(lines=len(lines))
    for i, line in enumerate(lines):
        em = line.size
        text = line.text
        where = f"page {line.page + 1}: {text[:12]}…"
        following = lines[i + 1] if i + 1 < len(lines) else None
        continues = following is not None and abs(following.start - left) < 0.3 * em
        # A closing mark set half-width (``halt``) ends its line half an em after its origin;
        # the PDF's width table still says a full em, so both ends are accepted for those.
        half_end = line.chars[-1].x0 + em / 2 if text[-1] in CLOSING else None
        flush = abs(line.x1 - right) <= 0.1 * em or (half_end is not None and abs(half_end - right) <= 0.1 * em)
        if continues and not flush:
            report.not_flush.append(f"{where} ends {right - line.x1:.2f} pt short")
        if text[0] in FORBIDDEN_START and abs(line.start - left) < 0.3 * em:
            report.forbidden_start.append(where)
        if text[-1] in FORBIDDEN_END:
            report.forbidden_end.append(where)
        for k in range(len(text) - 1):
            a, b = text[k], text[k + 1]
            x = [c.x0 for c in line.chars]
            alone = (k == 0 or text[k - 1] not in FULL_WIDTH_MARKS) and (
                k + 2 < len(text) and text[k + 2] not in FULL_WIDTH_MARKS
            )
            if a in FULL_WIDTH_MARKS and b in FULL_WIDTH_MARKS and alone:  # a pair, not part of a longer run
                report.pairs.append((x[k + 2] - x[k]) / em)
            if is_han(a) and b.isascii() and b.isalnum():
                report.han_latin_gaps.append((x[k + 1] - (x[k] + em)) / em)
            if a.isascii() and a.isalnum() and is_han(b):
                end_of_latin = line.chars[k].x1
                report.han_latin_gaps.append((x[k + 1] - end_of_latin) / em)
    joined = "".join(line.text for line in lines)
    report.half_width_between_han = re.findall(r"[\u4e00-\u9fff][,;:?!()][\u4e00-\u9fff]", joined)
    return report
