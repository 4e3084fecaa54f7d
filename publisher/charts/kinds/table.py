"""``table``: a comparison table in HTML through ``charts/table.html.j2``; number cells are right-aligned."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ...errors import PublisherError
from ..kind import ChartStyle, Kind, register
from ..spec import ChartData, ChartSpec

_NUMERIC = re.compile(r"-?[\d.,]+%?")


@dataclass(frozen=True, kw_only=True)
class TableData(ChartData):
    """Column headings and rows of cells."""

    columns: list[str] = field(default_factory=list)
    """Column headings (none: no heading row)."""
    rows: list[list[str]]
    """Rows, one text per column; the first cell heads its row. Numbers in cells are figures too."""

    def check(self, spec: ChartSpec) -> None:
        for i, row in enumerate(self.rows):
            if self.columns and len(row) != len(self.columns):
                raise PublisherError(
                    f"rows[{i + 1}] has {len(row)} cells for {len(self.columns)} columns", spec.where("rows")
                )


def numeric(cell: str) -> bool:
    """A cell that is a number (right-aligned): ``31.26``, ``-2``, ``8.0%``."""
    return _NUMERIC.fullmatch(cell.strip()) is not None


@register
class Table(Kind[TableData]):
    """A table: the first cell of each row heads it, number cells are right-aligned."""

    name = "table"
    data = TableData
    template = "charts/table.html.j2"

    def context(self, spec: ChartSpec, data: TableData, style: ChartStyle) -> Mapping[str, object]:
        return {"numeric": numeric}
