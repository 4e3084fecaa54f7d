"""Tables: Markdown pipe tables and table specs (inline rows, CSV files, Excel sheets) as one kind of block.

Whatever a table was written in, it becomes a :class:`~publisher.model.Table`
(header rows, body rows, spans, a caption, a unit line, notes, totals rows);
:func:`finished` gives it what every table gets (numeric columns aligned, the
statistical conventions it uses explained under it); the theme's
``table.html.j2`` sets it, the Word writer makes a Word table of it.
"""

from __future__ import annotations

from dataclasses import replace

from ..i18n import labels
from ..model import Inline, Table, TableCell, Text, placed
from .cells import conventions, numeric_columns

__all__ = ["finished"]


def finished(table: Table, lang: str, legend: bool = True) -> Table:
    """``table`` with its numeric columns right-aligned (unless written otherwise), decimal columns given room
    for their widest fraction, and, when ``legend``, a note saying what the conventions it uses mean."""
    width = table.columns
    numeric = numeric_columns(table.rows, width)
    starts = table.body_columns()
    fractions = [0] * width
    rows: list[list[TableCell]] = []
    for row, cols in zip(table.rows, starts, strict=True):
        out = []
        for cell, col in zip(row, cols, strict=True):
            if cell.align is None and col in numeric and cell.colspan == 1:
                cell = replace(cell, align="right")
            out.append(cell)
        rows.append(out)
    for row, cols in zip(rows, starts, strict=True):
        for cell, col in zip(row, cols, strict=True):
            if cell.align == "decimal":
                text = _text(cell.content)
                point = text.find(".")
                fractions[col] = max(fractions[col], len(text) - point if point >= 0 else 0)
    notes = list(table.notes)
    used = conventions(rows, numeric) if legend else []
    if used:
        words = labels(lang)
        line: list[Inline] = [Text(words["conventions"] + words["sep"].join(words[u] for u in used) + words["end"])]
        notes.append(line)
    return replace(table, rows=rows, notes=notes, fractions=tuple(fractions) if any(fractions) else ())


def _text(content: list[Inline]) -> str:
    return "".join(n.text for n in content if isinstance(n, Text)).strip()


def grid_text(table: Table) -> list[list[str]]:
    """The table's text as a full grid (header rows first; a spanned place empty): for tests and checks."""
    return [[_text(cell.content) if cell else "" for cell in row] for row in placed([*table.header, *table.rows])]
