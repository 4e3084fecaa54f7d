"""Tables put in their places: the table specs placed in the text made into tables, and each table's width
checked against the page.

``![](table:ID)`` (and ``![](chart:ID)`` of a ``type: table`` chart spec, as before) becomes the
:class:`~publisher.model.Table` its spec declares. A table too wide for the text at its size is set
smaller (8 pt, the minimum legible size); one too wide even then goes on a landscape page of its own
(``landscape: auto``, the default), with a warning naming it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..errors import Diagnostics, PublisherError, did_you_mean
from ..model import Block, Document, Figure, Table, placed, plain_text
from ..units import PT_PER_MM, four_sides
from .spec import TableSpec, build_table

MIN_PT = 8.0
"""The smallest size a table is set in to fit the width."""
_WORD = re.compile(r"[A-Za-z0-9.,%+\-−]+")


def place_tables(doc: Document, specs: Mapping[str, TableSpec], diagnostics: Diagnostics) -> Document:
    """``doc`` with every table spec it places made into its table; a spec placed nowhere is a warning."""
    blocks: list[Block] = []
    placed_ids: set[str] = set()
    for block in doc.blocks:
        wanted = block.spec if isinstance(block, Table) and not block.header and not block.rows else ""
        if isinstance(block, Figure) and block.chart_id in specs:
            wanted = block.chart_id
        if wanted:
            spec = specs.get(wanted)
            if spec is None:
                raise PublisherError(
                    f"no table with id '{wanted}'",
                    block.pos,
                    did_you_mean(wanted, specs) or "add a spec under source/tables/",
                )
            placed_ids.add(wanted)
            block = replace(build_table(spec, doc.root, doc.meta.lang), pos=block.pos)
        blocks.append(block)
    for spec in specs.values():
        if spec.id not in placed_ids:
            diagnostics.warn(
                f"table '{spec.id}' is never placed in the text",
                spec.pos,
                f"place it with ![](table:{spec.id}) or delete the spec",
            )
    return replace(doc, blocks=blocks)


@dataclass(frozen=True)
class Page:
    """The room a table has: the text width on an upright page and on a landscape one, in points."""

    width: float
    landscape_width: float
    size_pt: float
    """The size the theme sets tables in."""
    padding_pt: float = 11.0
    """Room a cell takes besides its text (both sides)."""


def page_room(tokens: Mapping[str, object], paper: str) -> Page:
    """The text widths of ``paper`` from the theme's tokens."""
    pages = tokens["page"]
    assert isinstance(pages, dict)
    page = pages[paper.lower()]
    margins = [float(m.removesuffix("mm")) for m in str(page["margin"]).split() if m.endswith("mm")]
    sizes = tokens.get("size", {})
    size = float(sizes.get("table-pt", 9.5)) if isinstance(sizes, dict) else 9.5
    width = float(page["content-width-mm"]) * PT_PER_MM
    if not margins:
        return Page(width, width, size)
    top, _, bottom, _ = four_sides(margins)
    # the landscape page's text runs along the upright page's height, less its top and bottom margins
    return Page(width, (float(page["height-mm"]) - top - bottom) * PT_PER_MM, size)


def needed_width(table: Table, size_pt: float, padding_pt: float) -> float:
    """An estimate of the narrowest the table can be set at ``size_pt``: each column as wide as its widest
    number or word (unbreakable), and text that wraps at no fewer than four characters a line."""
    grid = placed([*table.header, *table.rows])
    if not grid:
        return 0.0
    columns = len(grid[0])
    need = [0.0] * columns
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell is None or cell.colspan > 1:
                continue
            text = plain_text(cell.content).strip()
            words = _WORD.findall(text)
            widest_word = max((_ems(w) for w in words), default=0.0)
            header = r < len(table.header)
            whole = _ems(text)
            wrap = 2.0 if header else 4.0
            need[c] = max(need[c], widest_word, min(whole, wrap) if cell.value is None else whole)
    return sum(n * size_pt + padding_pt for n in need)


def _ems(text: str) -> float:
    """The width of ``text`` in em: CJK and full-width characters 1, the rest 0.56."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.56 for ch in text)


def fit_tables(doc: Document, room: Page, diagnostics: Diagnostics) -> Document:
    """Each table set smaller or turned to a landscape page when it does not fit the text width."""
    blocks: list[Block] = []
    for block in doc.blocks:
        if isinstance(block, Table) and (block.header or block.rows):
            block = _fit(block, room, diagnostics)
        blocks.append(block)
    return replace(doc, blocks=blocks)


def _fit(table: Table, room: Page, diagnostics: Diagnostics) -> Table:
    normal = needed_width(table, room.size_pt, room.padding_pt)
    if normal <= room.width and not table.landscape:
        return table
    small = needed_width(table, MIN_PT, room.padding_pt * 0.7)
    name = _name(table)
    if table.landscape:
        return replace(table, compact=normal > room.landscape_width)
    if small <= room.width:
        return replace(table, compact=True)
    if table.portrait:
        diagnostics.warn(
            f"{name} is too wide for the page ({small / PT_PER_MM:.0f} mm at {MIN_PT:g} pt, the text is "
            f"{room.width / PT_PER_MM:.0f} mm wide): its columns are squeezed",
            table.pos,
            "let it go on a landscape page (landscape: auto), or give it fewer columns",
        )
        return replace(table, compact=True)
    diagnostics.warn(
        f"{name} is too wide for the text ({small / PT_PER_MM:.0f} mm at {MIN_PT:g} pt, the text is "
        f"{room.width / PT_PER_MM:.0f} mm wide): it is set on a landscape page",
        table.pos,
        "say `landscape: true` (a table spec) or {landscape} (a pipe table's caption) to mean it, "
        "or give it fewer columns",
    )
    return replace(table, landscape=True, compact=normal > room.landscape_width)


def _name(table: Table) -> str:
    label = f" ({table.label})" if table.label else ""
    if table.key:
        return f"table '{table.key}'{label}"
    return f"the table{label}"


__all__ = ["MIN_PT", "Page", "fit_tables", "needed_width", "page_room", "place_tables"]
