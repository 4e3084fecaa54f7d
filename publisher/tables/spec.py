"""Table specs: ``source/tables/*.yaml`` (and, as before, ``type: table`` specs among the charts).

A spec names a table's caption, unit and notes, and where its cells come
from: inline ``columns:`` and ``rows:``, or a data file (``data:``, a CSV
file or an Excel sheet under ``source/data/``, the same file a chart may
draw). It is placed in the text with ``![](table:ID)`` (docs/tables.md)::

    id: towns
    title: 各镇街主要经济指标
    unit: 万元
    data: indicators.xlsx        # source/data/indicators.xlsx
    sheet: 2021年                # default: the first sheet
    range: A3:F40                # default: every used cell
    header_rows: 2               # default 1
    format:                      # by column: its header (last header row) or its number from 1
      金额: {decimals: 2, thousands: true, align: decimal}
    totals: [合计]               # rows set apart (合计, 总计, 小计 are found without it)
    notes: ["注：……", "资料来源：……"]
    landscape: auto              # auto (when too wide for the page), true, false
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import yamlpos
from ..charts.spec import Number
from ..errors import Pos, PublisherError, did_you_mean
from ..model import Inline, Table, TableCell, Text
from ..numbering import with_refs
from ..params import substitute
from ..source import read_text
from . import finished
from .cells import MERGE_LEFT, MERGE_UP, Place, format_value, is_total, place, spanned
from .data import Format, data_path, read_grid

TABLES_DIR = Path("source") / "tables"
ALIGNS = ("left", "center", "right", "decimal")
LANDSCAPE = ("auto", "true", "false")
MAX_INLINE_ROWS = 2000


@dataclass(frozen=True)
class ColumnFormat:
    """How one column's numbers print and align (``format:`` of a spec)."""

    decimals: int | None = None
    thousands: bool = False
    percent: bool = False
    align: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """A table as its spec declares it."""

    id: str
    title: str
    pos: Pos
    unit: str = ""
    data: str = ""
    """A file under ``source/data/``: ``.csv`` or ``.xlsx``."""
    sheet: str = ""
    range: str = ""
    header_rows: int = 1
    columns: list[str] = field(default_factory=list)
    """Inline header (one row)."""
    rows: list[list[Place]] = field(default_factory=list)
    """Inline rows, read."""
    format: dict[str, ColumnFormat] = field(default_factory=dict)
    """By column header or number (as text)."""
    totals: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    landscape: str = "auto"
    conventions: bool = True
    source: str = ""
    """Where in the report the numbers are stated (not printed)."""
    crosscheck: bool | None = None
    """Compare every number with the text (``publisher check``): ``None`` (the default) for a table written
    in its spec (``rows:``, the text's figures set out), not for one read from a data file (the figures'
    own source, of which the text quotes a few)."""
    yaml: yamlpos.YMap | None = dataclasses.field(default=None, repr=False, compare=False)

    def where(self, key: str) -> Pos:
        return self.yaml.where(key) if self.yaml is not None else self.pos


FIELDS = {f.name for f in dataclasses.fields(TableSpec)} - {"pos", "yaml"} | {"type", "note"}
_TEXT = ("id", "title", "unit", "data", "sheet", "range", "source", "csv")


def parse_table_spec(data: Any, pos: Pos) -> TableSpec:
    """Validate one YAML mapping as a table spec."""
    if not isinstance(data, yamlpos.YMap):
        raise PublisherError("a table spec must be a mapping (`id: …`, `title: …`)", pos)
    for key in data:
        if key not in FIELDS and key != "csv":
            raise PublisherError(f"unknown table field '{key}'", data.key_pos[key], did_you_mean(key, FIELDS))
    for key in ("id", "title"):
        if key not in data or data[key] in (None, ""):
            raise PublisherError(f"table has no `{key}`", data.pos, f"add `{key}: …` to the spec")
    if "type" in data and data["type"] != "table":
        raise PublisherError(f"type: a table spec's type is `table`, not '{data['type']}'", data.where("type"))
    values: dict[str, Any] = {"pos": data.pos, "yaml": data}
    for key in _TEXT:
        if key in data:
            if not isinstance(data[key], str | int | float) or isinstance(data[key], bool):
                raise PublisherError(f"{key}: expected text, got {data[key]!r}", data.where(key))
            values["data" if key == "csv" else key] = str(data[key])
    if "header_rows" in data:
        rows = data["header_rows"]
        if isinstance(rows, bool) or not isinstance(rows, int) or not 0 <= rows <= 10:
            raise PublisherError(f"header_rows: expected 0 to 10 rows, got {rows!r}", data.where("header_rows"))
        values["header_rows"] = rows
    if "columns" in data:
        values["columns"] = _texts(data, "columns")
    if "rows" in data:
        values["rows"] = _rows(data)
    if "format" in data:
        values["format"] = _formats(data)
    if "totals" in data:
        values["totals"] = _texts(data, "totals")
    notes: list[Any] = []
    for key in ("note", "notes"):
        if key in data:
            notes += [data[key]] if isinstance(data[key], str) else _texts(data, key)
    values["notes"] = [str(n) for n in notes]
    if "landscape" in data:
        value = data["landscape"]
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if text not in LANDSCAPE:
            raise PublisherError(f"landscape: expected auto, true or false, got {value!r}", data.where("landscape"))
        values["landscape"] = text
    for key in ("conventions", "crosscheck"):
        if key in data:
            if not isinstance(data[key], bool):
                raise PublisherError(f"{key}: expected true or false", data.where(key))
            values[key] = data[key]
    spec = TableSpec(**values)
    if spec.data and (spec.rows or spec.columns):
        raise PublisherError(
            "a table reads its cells from `data:` or from `columns:` and `rows:`, not both", spec.where("data")
        )
    if not spec.data and not spec.rows:
        raise PublisherError(
            "the table has no cells", data.pos, "add `data: FILE` (under source/data/), or `columns:` and `rows:`"
        )
    if (spec.sheet or spec.range) and not spec.data:
        raise PublisherError("sheet: and range: go with data:", spec.where("sheet" if spec.sheet else "range"))
    return spec


def _texts(data: yamlpos.YMap, key: str) -> list[str]:
    raw = data[key]
    if not isinstance(raw, yamlpos.YList):
        raise PublisherError(f"{key}: expected a list", data.where(key), f"write `{key}: [甲, 乙]`")
    return ["" if v is None else str(v) for v in raw]


def _rows(data: yamlpos.YMap) -> list[list[Place]]:
    raw = data["rows"]
    if not isinstance(raw, yamlpos.YList):
        raise PublisherError("rows: expected a list of rows", data.where("rows"), "write `- [甲, 1, 2]`")
    if len(raw) > MAX_INLINE_ROWS:
        raise PublisherError(f"rows: {len(raw)} rows, more than {MAX_INLINE_ROWS}", data.where("rows"))
    rows = []
    for i, row in enumerate(raw):
        if not isinstance(row, yamlpos.YList):
            raise PublisherError(f"rows[{i + 1}]: expected a list of cells", raw.item_pos[i], "write `- [甲, 1, 2]`")
        places = []
        for j, cell in enumerate(row):
            pos = row.item_pos[j]
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                places.append(Place([Text(format_value(float(cell)) if isinstance(cell, float) else str(cell))],
                                    None, pos, float(cell)))  # fmt: skip
            elif cell is None:
                places.append(Place([], None, pos))
            elif isinstance(cell, str | bool):
                places.append(place([Text(str(cell).strip())] if str(cell).strip() else [], None, pos))
            else:
                raise PublisherError(f"rows[{i + 1}][{j + 1}]: expected a number or text", pos)
        rows.append(places)
    return rows


def _formats(data: yamlpos.YMap) -> dict[str, ColumnFormat]:
    raw = data["format"]
    if not isinstance(raw, yamlpos.YMap):
        raise PublisherError(
            "format: expected a mapping of columns", data.where("format"), "write `format: {金额: {decimals: 2}}`"
        )
    names = {f.name for f in dataclasses.fields(ColumnFormat)}
    out = {}
    for column, found in raw.items():
        if not isinstance(found, yamlpos.YMap):
            raise PublisherError(f"format.{column}: expected a mapping", raw.where(column), "e.g. {decimals: 2}")
        for key in found:
            if key not in names:
                raise PublisherError(f"unknown format field '{key}'", found.key_pos[key], did_you_mean(key, names))
        decimals = found.get("decimals")
        if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int) or decimals > 10):
            raise PublisherError("decimals: expected 0 to 10", found.where("decimals"))
        align = found.get("align")
        if align is not None and align not in ALIGNS:
            raise PublisherError(
                f"align: unknown value {align!r}", found.where("align"), did_you_mean(str(align), ALIGNS)
            )
        for key in ("thousands", "percent"):
            if key in found and not isinstance(found[key], bool):
                raise PublisherError(f"{key}: expected true or false", found.where(key))
        out[str(column)] = ColumnFormat(decimals, bool(found.get("thousands")), bool(found.get("percent")), align)
    return out


# ----------------------------------------------------------------- loading


@functools.lru_cache(maxsize=256)
def _parsed(text: str, rel: Path) -> Any:
    return yamlpos.load(text, rel)


def load_table_specs(root: Path, params: Mapping[str, str] | None = None) -> dict[str, TableSpec]:
    """Every spec of ``source/tables/*.yaml``, by id (one mapping a file, or a list of them), with the report's
    ``params`` filled in."""
    specs: dict[str, TableSpec] = {}
    folder = root / TABLES_DIR
    if not folder.is_dir():
        return specs
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        rel = path.relative_to(root)
        text = read_text(root, rel).text
        data = _parsed(substitute(text, params, rel, mode="yaml") if params else text, rel)
        if data is None:
            continue
        entries = list(zip(data, data.item_pos, strict=True)) if isinstance(data, yamlpos.YList) else [(data, Pos(rel))]
        for entry, pos in entries:
            spec = parse_table_spec(entry, pos)
            if spec.id in specs:
                raise PublisherError(
                    f"table id '{spec.id}' is already used at {specs[spec.id].pos}", spec.where("id"),
                    "give every table its own id",
                )  # fmt: skip
            specs[spec.id] = spec
    return specs


# ----------------------------------------------------------------- the table


def build_table(spec: TableSpec, root: Path, lang: str) -> Table:
    """The table a spec declares, its cells read (from its data file) and formatted."""
    if spec.data:
        path = data_path(root, spec.data, spec.where("data"))
        grid = read_grid(root, path, spec.where("data"), spec.sheet, spec.range)
        heads = spec.header_rows
    else:
        grid = (
            [[Place([Text(c)] if c else [], None, spec.where("columns")) for c in spec.columns]] if spec.columns else []
        )
        grid = [*grid, *spec.rows]
        heads = 1 if spec.columns else 0
    if heads > len(grid):
        raise PublisherError(f"header_rows: {heads}, but the table has {len(grid)} rows", spec.where("header_rows"))
    grid = _formatted(spec, grid, heads)
    rows = spanned(grid, spec.pos)
    header, body = rows[:heads], rows[heads:]
    totals = frozenset(
        i for i, row in enumerate(body) if row and (_text(row[0]) in spec.totals or is_total(_text(row[0])))
    )
    where = spec.where("notes") if spec.yaml is not None and "notes" in spec.yaml else spec.where("note")
    notes: list[list[Inline]] = [with_refs(note, where) for note in spec.notes]
    table = Table(
        header,
        body,
        spec.pos,
        caption=with_refs(spec.title, spec.where("title")),
        key=spec.id,
        unit=spec.unit,
        notes=notes,
        totals=totals,
        landscape=spec.landscape == "true",
        portrait=spec.landscape == "false",
        spec=spec.id,
    )
    return finished(table, lang, spec.conventions)


@dataclass(frozen=True)
class TableNumbers:
    """The numbers of a table spec's body, for the figures cross-check (:func:`publisher.charts.crosscheck`)."""

    id: str
    numbers: list[Number]


def table_numbers(spec: TableSpec, root: Path) -> TableNumbers:
    """The numbers in the body cells of ``spec`` (none unless it is to be cross-checked), each with its place."""
    if not (spec.crosscheck if spec.crosscheck is not None else not spec.data):
        return TableNumbers(spec.id, [])
    if spec.data:
        grid = read_grid(
            root, data_path(root, spec.data, spec.where("data")), spec.where("data"), spec.sheet, spec.range
        )
        body = grid[spec.header_rows :]
    else:
        body = spec.rows
    numbers = [
        Number(
            int(cell.value) if cell.value.is_integer() else cell.value, cell.pos or spec.pos, f"rows[{r + 1}][{c + 1}]"
        )
        for r, row in enumerate(body)
        for c, cell in enumerate(row)
        if cell.value is not None
    ]
    return TableNumbers(spec.id, numbers)


def _text(cell: TableCell | Place) -> str:
    return "".join(n.text for n in cell.content if isinstance(n, Text)).strip()


def _formatted(spec: TableSpec, grid: list[list[Place]], heads: int) -> list[list[Place]]:
    """The places with each column's ``format:`` applied (numbers printed again, alignment set)."""
    if not spec.format:
        return grid
    leaves: dict[str, int] = {}
    if heads:
        last = grid[heads - 1]
        for index, cell in enumerate(last):
            name = _text(cell)
            if not name:  # a header merged from above: its name is higher up
                name = next((_text(grid[r][index]) for r in range(heads - 2, -1, -1) if _text(grid[r][index])), "")
            if name:
                leaves.setdefault(name, index)
    columns: dict[int, ColumnFormat] = {}
    width = max((len(row) for row in grid), default=0)
    for key, found in spec.format.items():
        if key in leaves:
            columns[leaves[key]] = found
        elif key.isdigit() and 1 <= int(key) <= width:
            columns[int(key) - 1] = found
        else:
            raise PublisherError(
                f"format: the table has no column '{key}'",
                spec.yaml["format"].key_pos[key] if spec.yaml is not None else spec.pos,
                did_you_mean(key, leaves) or "name a column by its header or its number from 1",
            )
    out = [list(row) for row in grid]
    for r in range(heads, len(out)):
        for c, found in columns.items():
            if c >= len(out[r]):
                continue
            cell = out[r][c]
            if cell.merge:
                continue
            if cell.value is not None:
                value = cell.value / 100 if found.percent and _is_percent(cell) else cell.value
                text = format_value(value, found.decimals, found.thousands, found.percent)
                cell = replace(cell, content=[Text(text)])
            if found.align:
                cell = replace(cell, align=found.align)
            out[r][c] = cell
    return out


def _is_percent(cell: Place) -> bool:
    """A cell already shown as a percentage (Excel's 0.0%, text "7.1%"): its value is the percentage."""
    return _text(cell).endswith("%")


def from_chart_spec(spec: Any) -> TableSpec:
    """A chart spec of ``type: table`` (``columns:``, ``rows:``, its texts) as a table spec."""
    data = spec.data
    rows = [[place([Text(c.strip())] if c.strip() else [], None, spec.where("rows")) for c in row] for row in data.rows]
    notes = [spec.note] if spec.note else []
    return TableSpec(
        spec.id, spec.caption_text, spec.pos, unit=spec.unit, columns=list(data.columns), rows=rows, notes=notes,
        source=spec.source, yaml=spec.yaml,
    )  # fmt: skip


__all__ = [
    "MERGE_LEFT",
    "MERGE_UP",
    "TABLES_DIR",
    "ColumnFormat",
    "Format",
    "TableNumbers",
    "TableSpec",
    "build_table",
    "from_chart_spec",
    "load_table_specs",
    "parse_table_spec",
    "table_numbers",
]
