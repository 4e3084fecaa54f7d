"""The cells of a table, whatever it was written in: spans, numbers, totals, the statistical conventions.

A Markdown pipe table, the rows of a table spec and a CSV file or Excel sheet all become a grid of
:class:`Place` (one per column and row, as written), which :func:`spanned` turns into the rows of
:class:`~publisher.model.TableCell` with their spans. A place that only says "merge me" is written ``<``
(into the cell to its left) or ``^`` (into the cell above) in Markdown and inline rows; an Excel sheet's
merged ranges give the same.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import Pos, PublisherError
from ..model import Inline, TableCell, Text

MERGE_LEFT = "<"
"""A cell holding only this is merged into the cell to its left."""
MERGE_UP = "^"
"""A cell holding only this is merged into the cell above."""
BELOW_UNIT = ("…", "...", "……")
"""Statistical convention: the figure is below the table's smallest unit."""
MAIN_ITEM = "#"
"""Statistical convention: a stub starting with ``#`` is one of the main items (其中主要项) of the row above."""
TOTALS = frozenset({"合计", "总计", "共计", "小计", "总数", "全部", "合　计", "总　计", "Total", "total", "TOTAL"})
"""Stub texts that make a row a totals row."""
_NUMBER = re.compile(r"[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")


@dataclass(frozen=True)
class Place:
    """One place of the grid as written, before spans."""

    content: list[Inline]
    align: str | None = None
    pos: Pos | None = None
    value: float | None = None
    """The number it holds (a data file's cell, or text that is a number)."""
    merge: str = ""
    """``<`` or ``^``: merged into its neighbour; ``""`` for a cell of its own."""

    @property
    def text(self) -> str:
        return "".join(node.text for node in self.content if isinstance(node, Text))


def place(content: list[Inline], align: str | None = None, pos: Pos | None = None) -> Place:
    """A place of Markdown or inline text: a merge mark, a number, or text."""
    text = "".join(node.text for node in content if isinstance(node, Text)).strip()
    if len(content) == 1 and text in (MERGE_LEFT, MERGE_UP):
        return Place([], align, pos, merge=text)
    return Place(content, align, pos, number_value(text) if len(content) == 1 else None)


def number_value(text: str) -> float | None:
    """The number ``text`` is (``1,234.5``, ``-3``, ``8.0%``), or ``None``."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    return float(text.replace(",", "").replace("−", "-").rstrip("%"))


def format_value(value: float, decimals: int | None = None, thousands: bool = False, percent: bool = False) -> str:
    """A number as a table prints it: ``decimals`` fixed (else as it is), digits grouped by three when
    ``thousands``, ``%`` after it when ``percent`` (the value is then a fraction: 0.071 → ``7.1%``)."""
    if percent:
        value *= 100
    if decimals is not None:
        text = f"{value:,.{decimals}f}" if thousands else f"{value:.{decimals}f}"
    elif float(value).is_integer():
        text = f"{int(value):,}" if thousands else str(int(value))
    else:
        text = repr(float(value))
        if "e" in text:
            text = f"{value:f}".rstrip("0").rstrip(".")
        if thousands:
            whole, _, frac = text.partition(".")
            text = f"{int(whole):,}" + (f".{frac}" if frac else "")
            if whole.startswith("-0"):
                text = "-" + text
    return text + ("%" if percent else "")


def is_total(text: str) -> bool:
    """Whether a row whose first cell says ``text`` is a totals row."""
    return text.strip().replace(" ", "") in TOTALS or text.strip() in TOTALS


@dataclass
class _Span:
    row: int
    col: int
    place: Place
    colspan: int = 1
    rowspan: int = 1
    covered: list[tuple[int, int]] = field(default_factory=list)


def spanned(grid: Sequence[Sequence[Place]], where: Pos) -> list[list[TableCell]]:
    """The rows of cells of ``grid``, each merge mark folded into the cell it extends.

    ``<`` extends the cell to its left by a column; a run of ``^`` under a cell extends it by as many rows
    (a block: ``^`` under its first column, ``^`` or ``<`` under the others). A mark with nothing to extend is
    an error at its place (or ``where``).
    """
    width = max((len(row) for row in grid), default=0)
    rows = [list(row) + [Place([])] * (width - len(row)) for row in grid]
    owner: dict[tuple[int, int], _Span] = {}
    spans: list[_Span] = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if (r, c) in owner:
                continue
            if cell.merge:
                hint = "a `<` cell joins the cell to its left, a `^` cell the cell above"
                raise PublisherError(
                    f"row {r + 1}, column {c + 1}: '{cell.merge}' has no cell to merge into", cell.pos or where, hint
                )
            span = _Span(r, c, cell)
            while c + span.colspan < width and rows[r][c + span.colspan].merge == MERGE_LEFT:
                span.colspan += 1
            while r + span.rowspan < len(rows) and rows[r + span.rowspan][c].merge == MERGE_UP:
                below = rows[r + span.rowspan][c : c + span.colspan]
                if not all(p.merge for p in below):
                    break
                span.rowspan += 1
            for dr in range(span.rowspan):
                for dc in range(span.colspan):
                    owner[(r + dr, c + dc)] = span
            spans.append(span)
    out: list[list[TableCell]] = [[] for _ in rows]
    for span in spans:
        cell = span.place
        out[span.row].append(TableCell(cell.content, cell.align, span.colspan, span.rowspan, cell.value, cell.pos))
    return out


def numeric_columns(rows: Sequence[Sequence[TableCell]], width: int) -> set[int]:
    """The columns (0-based, spans counted) whose body cells are numbers, or blank or a convention mark,
    with at least one number; the first column (the stub) never is."""
    seen: dict[int, bool] = {}
    for row in rows:
        col = 0
        for cell in row:
            if col > 0 and cell.colspan == 1:
                text = "".join(n.text for n in cell.content if isinstance(n, Text)).strip()
                if cell.value is not None:
                    seen[col] = seen.get(col, True)
                elif text and text not in BELOW_UNIT and text not in ("—", "–", "-", "/", "×"):
                    seen[col] = False
            col += cell.colspan
    return {col for col, numeric in seen.items() if numeric and col < width}


def conventions(rows: Sequence[Sequence[TableCell]], numeric: set[int]) -> list[str]:
    """Which statistical conventions the body uses: ``below`` (``…``), ``blank`` (an empty cell in a numeric
    column), ``main`` (a stub starting with ``#``)."""
    used: list[str] = []
    for row in rows:
        col = 0
        for index, cell in enumerate(row):
            text = "".join(n.text for n in cell.content if isinstance(n, Text)).strip()
            if text in BELOW_UNIT and "below" not in used:
                used.append("below")
            if not cell.content and col in numeric and "blank" not in used:
                used.append("blank")
            if index == 0 and text.startswith(MAIN_ITEM) and "main" not in used:
                used.append("main")
            col += cell.colspan
    order = ("below", "blank", "main")
    return [kind for kind in order if kind in used]
