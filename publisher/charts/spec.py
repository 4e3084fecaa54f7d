"""Chart specs: ``source/charts/*.yaml`` read into typed values, every number with its position.

A file holds one chart (a mapping) or several (a list of mappings). The
fields every chart has are :class:`ChartSpec`'s; the fields of its kind are
the kind's :class:`ChartData` dataclass (:attr:`publisher.charts.kind.Kind.data`),
read here from their types: text, numbers, lists of them, rows of cells and
lists of small records (a series, a KPI card). Data is inline or read from a
CSV file under ``source/data/``. Every spec keeps the positions of its keys
and of each number, so errors and the figures cross-check point at the line
and column.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import math
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import yamlpos
from ..errors import Pos, PublisherError, did_you_mean
from ..limits import MAX_CHART_ENTRIES, MAX_CHART_VALUES
from ..params import substitute
from ..source import read_text

if typing.TYPE_CHECKING:
    from .kind import Kind

CHARTS_DIR = Path("source") / "charts"
DATA_DIR = Path("source") / "data"
MAX_DATA_POINTS = MAX_CHART_ENTRIES

NOT_PRINTED: Mapping[str, object] = {"printed": False}
"""Field metadata: a text field that is not printed (not glyph-checked)."""
NOT_A_FIGURE: Mapping[str, object] = {"figure": False}
"""Field metadata: a number that is a setting, not a figure of the report (not cross-checked)."""


@dataclass(frozen=True)
class Number:
    """A number written in a spec, with where it was written."""

    value: float
    """The number."""
    pos: Pos
    """Its position in the YAML or CSV file."""
    what: str
    """What it is, e.g. ``values[2]`` or ``items[1].change``."""


@dataclass(frozen=True, kw_only=True)
class ChartData:
    """The fields of one kind: subclass it as a frozen, keyword-only dataclass.

    Field types the reader knows: ``str``, ``float``, ``float | None``,
    ``list[str]``, ``list[float]``, ``list[list[str]]`` (rows of cells; numbers
    in cells are figures too) and ``list[R]`` for a dataclass ``R`` of such
    fields (a record: ``NOUN`` names it in messages). A field without a
    default is required.
    """

    def check(self, spec: ChartSpec) -> None:
        """Raise a positioned error when the fields do not fit together (lengths)."""


@dataclass(frozen=True)
class ChartSpec:
    """A chart as declared in YAML: the fields every kind has, and its kind's :attr:`data`."""

    id: str
    """Unique name used in the text: ``![](chart:ID)``."""
    type: str
    """The kind (:func:`publisher.charts.registry`)."""
    title: str
    """Short name of the chart; the caption after ``图 N`` unless ``caption`` is set."""
    pos: Pos
    """Where the spec starts."""
    data: ChartData
    """The fields of its kind."""
    caption: str = ""
    """Caption after ``图 N`` (default: the title)."""
    unit: str = ""
    """Unit of the values, shown as ``单位：…``."""
    source: str = ""
    """Where in the report the numbers are stated (section or sentence)."""
    alt: str = ""
    """Text alternative for readers who cannot see the chart (default: the title)."""
    note: str = ""
    """Small print under the chart."""
    csv: str = ""
    """A data file under ``source/data/`` to read labels and values from: CSV, or an Excel sheet (``.xlsx``)."""
    sheet: str = ""
    """With an Excel file in ``csv:``: its sheet (default the first)."""
    label_column: str = ""
    """CSV column holding the labels."""
    value_columns: list[str] = field(default_factory=list)
    """CSV columns holding values: one gives ``values``, several give ``series``."""
    height: float = 55.0
    """Height of the drawing in millimetres."""
    placement: str = "inline"
    """``inline`` in the text, or ``page``: a page of its own."""
    numbers: list[Number] = field(default_factory=list, repr=False, compare=False)
    """Every number of the spec with its position."""
    yaml: yamlpos.YMap | None = dataclasses.field(default=None, repr=False, compare=False)
    """The YAML mapping, for positions of later errors."""

    def where(self, key: str) -> Pos:
        """Position of ``key`` in the YAML, or of the spec."""
        return self.yaml.where(key) if self.yaml is not None else self.pos

    @property
    def caption_text(self) -> str:
        """What follows ``图 N``."""
        return self.caption or self.title


COMMON = [f.name for f in dataclasses.fields(ChartSpec) if f.name not in ("pos", "data", "numbers", "yaml")]
"""The fields every chart has."""
_TEXT = ("id", "type", "title", "caption", "unit", "source", "alt", "note", "placement", "csv", "sheet", "label_column")
_CELL_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")


def required(cls: type[Any]) -> list[str]:
    """The fields of a dataclass that have no default."""
    return [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]


MAX_MAGNITUDE = 1e15
"""The largest number a chart shows (a 400-digit figure is a typing accident, and matplotlib cannot draw it)."""


class _Reader:
    """Reads the fields of one spec by their types, recording every number it accepts."""

    def __init__(self) -> None:
        self.numbers: list[Number] = []
        self.values = 0

    def tally(self, pos: Pos) -> None:
        """Count one value (a number or a cell): a chart holds at most :data:`MAX_CHART_VALUES`."""
        self.values += 1
        if self.values > MAX_CHART_VALUES:
            raise PublisherError(
                f"more than {MAX_CHART_VALUES:,} values in one chart (over all its series, rows and cells)",
                pos,
                "a chart of a report shows a few dozen values: split it, or print the data as a table",
            )

    def number(self, value: Any, pos: Pos, what: str, figure: bool = True) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PublisherError(
                f"{what}: expected a number, got {value!r}",
                pos,
                'write the bare number (8.0, not "8.0%"); the unit goes in `unit:`',
            )
        if abs(value) > MAX_MAGNITUDE or not math.isfinite(value):  # a 400-digit int is too large for isfinite
            shown = repr(value) if isinstance(value, float) else f"a {len(str(abs(value)))}-digit number"
            raise PublisherError(
                f"{what}: {shown} is not a number a chart can show",
                pos,
                "write a finite number of at most 10^15 in size (.nan and .inf are not numbers); "
                "for very large amounts choose a larger unit (亿元, not 元)",
            )
        self.tally(pos)
        if figure:
            self.numbers.append(Number(value, pos, what))
        return value

    def fields(self, cls: type[Any], data: yamlpos.YMap, prefix: str = "") -> dict[str, Any]:
        """The fields of dataclass ``cls`` that ``data`` has, read by their types."""
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name in data:
                figure = bool(f.metadata.get("figure", True))
                values[f.name] = self.value(hints[f.name], data, f.name, prefix, figure)
        return values

    def value(self, kind: Any, data: yamlpos.YMap, key: str, prefix: str, figure: bool) -> Any:
        raw, where, what = data[key], data.where(key), f"{prefix}{key}"
        if kind is str:
            return self.text(raw, where, what)
        if kind is float:
            return self.number(raw, where, what, figure)
        if typing.get_origin(kind) in (typing.Union, types.UnionType) and set(typing.get_args(kind)) == {
            float,
            type(None),
        }:
            return None if raw is None else self.number(raw, where, what, figure)
        if typing.get_origin(kind) is list:
            (item,) = typing.get_args(kind)
            return self.sequence(item, raw, where, what, figure)
        raise TypeError(f"{what}: the spec reader knows no field type {kind!r}")

    @staticmethod
    def text(raw: Any, where: Pos, what: str) -> str:
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise PublisherError(f"{what}: expected text, got {raw!r}", where)
        return str(raw)

    def sequence(self, item: Any, raw: Any, where: Pos, what: str, figure: bool) -> list[Any]:
        if item is float:
            noun, hint = "a list of numbers", f"write `{what}: [1, 2, 3]`"
        elif item is str:
            noun, hint = "a list", f"write `{what}: [甲, 乙]`"
        elif item == list[str]:
            noun, hint = "a list of rows", "write `- [甲, 1, 2]`"
        else:
            noun, hint = f"a list of {{{', '.join(f.name for f in dataclasses.fields(item))}}}", None
        if not isinstance(raw, yamlpos.YList):
            raise PublisherError(f"{what}: expected {noun}", where, hint)
        if len(raw) > MAX_DATA_POINTS:
            raise PublisherError(f"{what}: {len(raw)} entries, more than {MAX_DATA_POINTS}", where)
        places = [f"{what}[{i + 1}]" for i in range(len(raw))]
        if item is float:
            return [self.number(v, raw.item_pos[i], places[i], figure) for i, v in enumerate(raw)]
        if item is str:
            return [str(v) for v in raw]
        if item == list[str]:
            return [self.cells(row, raw.item_pos[i], places[i]) for i, row in enumerate(raw)]
        return [self.record(item, entry, raw.item_pos[i], places[i]) for i, entry in enumerate(raw)]

    def cells(self, row: Any, where: Pos, what: str) -> list[str]:
        if not isinstance(row, yamlpos.YList):
            raise PublisherError(f"{what}: expected a list of cells", where)
        cells = []
        for j, cell in enumerate(row):
            place = f"{what}[{j + 1}]"
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                self.number(cell, row.item_pos[j], place)
            elif isinstance(cell, str):
                self.tally(row.item_pos[j])
                # numbers inside text cells ("31.26公里") are figures too
                for match in _CELL_NUMBER.finditer(cell):
                    found = float(match[0])
                    if math.isfinite(found) and abs(found) <= MAX_MAGNITUDE:  # a long digit string is text
                        self.number(found, row.item_pos[j], place)
            cells.append("" if cell is None else str(cell))
        return cells

    def record(self, cls: type[Any], entry: Any, where: Pos, what: str) -> Any:
        noun = getattr(cls, "NOUN", cls.__name__.lower())
        needed = " and ".join(f"`{name}:`" for name in required(cls))
        if not isinstance(entry, yamlpos.YMap):
            raise PublisherError(f"{what}: expected {needed}", where)
        names = [f.name for f in dataclasses.fields(cls)]
        for key in entry:
            if key not in names:
                raise PublisherError(f"unknown {noun} field '{key}'", entry.key_pos[key], did_you_mean(key, names))
        if any(name not in entry for name in required(cls)):
            raise PublisherError(f"{what}: a {noun} needs {needed}", entry.pos)
        return cls(**self.fields(cls, entry, f"{what}."))


def parse_spec(data: Any, pos: Pos, kinds: Mapping[str, Kind[Any]], root: Path | None = None) -> ChartSpec:
    """Read and check one YAML mapping as a chart spec (``root``: the project, for CSV files)."""
    if not isinstance(data, yamlpos.YMap):
        raise PublisherError("a chart spec must be a mapping (`id: …`, `type: …`)", pos)
    for key in ("id", "type", "title"):
        if key not in data or data[key] in (None, ""):
            raise PublisherError(f"chart has no `{key}`", data.pos, f"add `{key}: …` to the spec")
    reader = _Reader()
    kind_name = reader.text(data["type"], data.where("type"), "type")
    if kind_name not in kinds:
        raise PublisherError(f"unknown chart type '{kind_name}'", data.where("type"), did_you_mean(kind_name, kinds))
    kind = kinds[kind_name]
    own = [f.name for f in dataclasses.fields(kind.data)]
    for key in data:
        if key not in COMMON and key not in own:
            others = {f.name for k in kinds.values() for f in dataclasses.fields(k.data)}
            if key in others:
                raise PublisherError(
                    f"a '{kind_name}' chart has no field '{key}'",
                    data.key_pos[key],
                    f"its own fields: {', '.join(own)}; see docs/charts.md",
                )
            raise PublisherError(f"unknown chart field '{key}'", data.key_pos[key], did_you_mean(key, [*COMMON, *own]))
    values: dict[str, Any] = {"pos": data.pos, "yaml": data}
    for key in _TEXT:
        if key in data:
            values[key] = reader.text(data[key], data.where(key), key)
    if "value_columns" in data:
        values["value_columns"] = reader.sequence(
            str, data["value_columns"], data.where("value_columns"), "value_columns", True
        )
    if "height" in data:
        height = data["height"]
        if isinstance(height, bool) or not isinstance(height, int | float) or not 10 <= height <= 250:
            raise PublisherError(
                f"height: expected millimetres between 10 and 250, got {height!r}", data.where("height")
            )
        values["height"] = float(height)
    if values.get("placement", "inline") not in ("inline", "page"):
        raise PublisherError(
            f"placement: unknown value '{values['placement']}'", data.where("placement"), "valid: inline, page"
        )
    fields = reader.fields(kind.data, data)
    if values.get("csv"):
        if root is None:
            raise PublisherError("csv: data files need a project", data.where("csv"))
        fields |= _read_csv(kind.data, kind_name, values, data, root, reader)
    for name in required(kind.data):
        if name not in fields or fields[name] in ([], ""):
            raise PublisherError(
                f"a '{kind_name}' chart needs `{name}:`",
                data.pos,
                f"'{kind_name}' needs: {', '.join(required(kind.data))}; see docs/charts.md",
            )
    spec = ChartSpec(**values, data=kind.data(**fields), numbers=reader.numbers)
    spec.data.check(spec)
    kind.check(spec, spec.data)
    return spec


def _read_csv(
    cls: type[ChartData], kind: str, values: dict[str, Any], data: yamlpos.YMap, root: Path, reader: _Reader
) -> dict[str, Any]:
    """Labels and values (or series) from a CSV file: the fields ``labels`` and ``values`` or ``series``."""
    from .shapes import Series

    name = values["csv"]
    rel = DATA_DIR / name
    where = data.where("csv")
    if ".." in Path(name).parts or Path(name).is_absolute():
        raise PublisherError(f"csv: '{name}' is outside source/data/", where, "give a file name under source/data/")
    own = {f.name for f in dataclasses.fields(cls)}
    label_column, value_columns = values.get("label_column", ""), values.get("value_columns", [])
    if "labels" not in own or not own & {"values", "series"}:
        raise PublisherError(f"csv: a '{kind}' chart does not read CSV files", where, "give its fields in the spec")
    table = _data_cells(root, rel, where, str(values.get("sheet", "")))
    noun = "sheet" if rel.suffix.lower() == ".xlsx" else "CSV"
    if not table:
        raise PublisherError(f"the {noun} file is empty", Pos(rel))
    header = [text.strip() for text, _, _ in table[0]]
    if not label_column or not value_columns:
        raise PublisherError(
            "csv: say which columns to use",
            where,
            f"add `label_column:` and `value_columns:`; columns: {', '.join(header)}",
        )
    for column, key in [(label_column, "label_column")] + [(c, "value_columns") for c in value_columns]:
        if column not in header:
            raise PublisherError(
                f"{key}: the {noun} has no column '{column}'", data.where(key), did_you_mean(column, header)
            )
    label_at = header.index(label_column)
    columns = {column: header.index(column) for column in value_columns}
    if len(table) - 1 > MAX_DATA_POINTS:
        raise PublisherError(f"{len(table) - 1} {noun} rows, more than {MAX_DATA_POINTS}", Pos(rel))
    labels: list[str] = []
    read: dict[str, list[float]] = {column: [] for column in value_columns}
    for row in table[1:]:
        if not any(text.strip() for text, _, _ in row):
            continue
        labels.append(row[label_at][0].strip() if label_at < len(row) else "")
        for column, at in columns.items():
            cell, pos, number = row[at] if at < len(row) else ("", Pos(rel), None)
            cell = cell.strip()
            try:
                value: float = (
                    number if number is not None else int(cell) if cell.lstrip("-").isdigit() else float(cell)
                )
            except ValueError:
                raise PublisherError(f"column '{column}': expected a number, got {cell!r}", pos) from None
            read[column].append(reader.number(value, pos, f"{column}"))
    if "series" not in own:
        if len(value_columns) != 1:
            raise PublisherError(
                f"value_columns: a '{kind}' chart shows one column", data.where("value_columns"), "name one column"
            )
        return {"labels": labels, "values": read[value_columns[0]]}
    return {"labels": labels, "series": [Series(name=column, values=read[column]) for column in value_columns]}


def _data_cells(root: Path, rel: Path, where: Pos, sheet: str) -> list[list[tuple[str, Pos, float | None]]]:
    """The cells of a CSV file or an Excel sheet under ``source/data/``: (text, place, number or ``None``)."""
    if rel.suffix.lower() == ".xlsx":
        from ..tables.data import read_grid

        grid = read_grid(root, rel, where, sheet)
        return [[(place.text, place.pos or Pos(rel), place.value) for place in row] for row in grid]
    if sheet:
        raise PublisherError("sheet: a CSV file has no sheets", where, "leave `sheet:` out")
    text = read_text(root, rel, where, "CSV file").text
    rows = list(csv.reader(io.StringIO(text)))
    return [
        [(cell, Pos(rel, line, sum(len(c) + 1 for c in row[:at]) + 1), None) for at, cell in enumerate(row)]
        for line, row in enumerate(rows, start=1)
    ]


@functools.lru_cache(maxsize=256)
def _parsed(text: str, rel: Path) -> Any:
    """A spec file parsed, by text: a warm rebuild parses only the files that changed (errors are not kept)."""
    return yamlpos.load(text, rel)


def load_specs(
    root: Path, kinds: Mapping[str, Kind[Any]] | None = None, params: Mapping[str, str] | None = None
) -> dict[str, ChartSpec]:
    """Every chart spec of the project, by id (read and checked by the registered kinds); duplicate ids are an error.
    ``params``: the values of the report's parameters, filled in where a spec says ``{{name}}``."""
    if kinds is None:
        from .kind import registry

        kinds = registry()
    specs: dict[str, ChartSpec] = {}
    folder = root / CHARTS_DIR
    if not folder.is_dir():
        return specs
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        rel = path.relative_to(root)
        text = read_text(root, rel).text
        if params:
            text = substitute(text, params, rel, mode="yaml")
        data = _parsed(text, rel)
        if data is None:
            continue
        if isinstance(data, yamlpos.YList):
            entries = list(zip(data, data.item_pos, strict=True))
        else:
            entries = [(data, Pos(rel))]
        for entry, pos in entries:
            spec = parse_spec(entry, pos, kinds, root)
            if spec.id in specs:
                raise PublisherError(
                    f"chart id '{spec.id}' is already used at {specs[spec.id].pos}",
                    spec.where("id"),
                    "give every chart its own id",
                )
            specs[spec.id] = spec
    return specs
