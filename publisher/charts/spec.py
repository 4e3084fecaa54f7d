"""Chart specs: the typed schema of ``source/charts/*.yaml``.

A file holds one chart (a mapping) or several (a list of mappings). Data is
inline (``labels``/``values``/``series``/``items``/``rows``) or read from a
CSV file under ``source/data/``. Every spec keeps the positions of its keys
and of each number, so errors and the figures cross-check point at the line
and column.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import yamlpos
from ..errors import Pos, PublisherError, did_you_mean
from ..source import read_text

CHARTS_DIR = Path("source") / "charts"
DATA_DIR = Path("source") / "data"
MAX_DATA_POINTS = 500


@dataclass(frozen=True)
class Number:
    """A number written in a spec, with where it was written."""

    value: float
    """The number."""
    pos: Pos
    """Its position in the YAML or CSV file."""
    what: str
    """What it is, e.g. ``values[2]`` or ``items[1].change``."""


@dataclass
class Series:
    """One named row of values (grouped, stacked, line)."""

    name: str
    """Legend label."""
    values: list[float]
    """One value per label."""


@dataclass
class KpiItem:
    """One card of a KPI chart."""

    label: str
    """What is counted, e.g. ``地区生产总值``."""
    value: float
    """The big number."""
    unit: str = ""
    """Unit after the number, e.g. ``亿元``."""
    change: float | None = None
    """Year-on-year change in percent (drawn with an up/down mark)."""
    note: str = ""
    """Small print under the card."""


@dataclass
class ChartSpec:
    """A chart as declared in YAML."""

    id: str
    """Unique name used in the text: ``![](chart:ID)``."""
    type: str
    """The kind: bar, hbar, grouped, stacked, line, donut, kpi, progress, waffle, table."""
    title: str
    """Short name of the chart; the caption after ``图 N`` unless ``caption`` is set."""
    pos: Pos
    """Where the spec starts."""
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
    labels: list[str] = field(default_factory=list)
    """Category labels (years for a line chart)."""
    values: list[float] = field(default_factory=list)
    """One value per label (single-series kinds)."""
    value_labels: list[str] = field(default_factory=list)
    """Optional text printed per value, e.g. ``超4`` where the report says "超4亿元"."""
    series: list[Series] = field(default_factory=list)
    """Several rows of values (grouped, stacked, line)."""
    targets: list[float] = field(default_factory=list)
    """One target per label (progress)."""
    items: list[KpiItem] = field(default_factory=list)
    """Cards (kpi)."""
    columns: list[str] = field(default_factory=list)
    """Column headings (table)."""
    rows: list[list[str]] = field(default_factory=list)
    """Table rows, one text per column (table)."""
    csv: str = ""
    """A CSV file under ``source/data/`` to read labels and values from."""
    label_column: str = ""
    """CSV column holding the labels."""
    value_columns: list[str] = field(default_factory=list)
    """CSV columns holding values: one gives ``values``, several give ``series``."""
    height: float = 55.0
    """Height of the drawing in millimetres."""
    placement: str = "inline"
    """``inline`` in the text, or ``page``: a page of its own."""
    numbers: list[Number] = field(default_factory=list, repr=False, compare=False)
    """Every number of the spec with its position (filled by the parser)."""
    yaml: yamlpos.YMap | None = dataclasses.field(default=None, repr=False, compare=False)
    """The YAML mapping, for positions of later errors."""

    def where(self, key: str) -> Pos:
        """Position of ``key`` in the YAML, or of the spec."""
        return self.yaml.where(key) if self.yaml is not None else self.pos

    @property
    def caption_text(self) -> str:
        """What follows ``图 N``."""
        return self.caption or self.title


INTERNAL = {"pos", "numbers", "yaml"}
_CELL_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
FIELDS = {f.name for f in dataclasses.fields(ChartSpec)} - INTERNAL
_TEXT = {"id", "type", "title", "caption", "unit", "source", "alt", "note", "placement", "csv", "label_column"}


class _Reader:
    """Reads one spec mapping, recording every number it accepts."""

    def __init__(self, data: yamlpos.YMap):
        self.data = data
        self.numbers: list[Number] = []

    def number(self, value: Any, pos: Pos, what: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PublisherError(
                f"{what}: expected a number, got {value!r}",
                pos,
                'write the bare number (8.0, not "8.0%"); the unit goes in `unit:`',
            )
        self.numbers.append(Number(value, pos, what))
        return value

    def numbers_of(self, mapping: yamlpos.YMap, key: str, prefix: str = "") -> list[float]:
        raw = mapping[key]
        if not isinstance(raw, yamlpos.YList):
            raise PublisherError(
                f"{prefix}{key}: expected a list of numbers", mapping.where(key), f"write `{key}: [1, 2, 3]`"
            )
        if len(raw) > MAX_DATA_POINTS:
            raise PublisherError(f"{key}: {len(raw)} values, more than {MAX_DATA_POINTS}", mapping.where(key))
        return [self.number(v, raw.item_pos[i], f"{prefix}{key}[{i + 1}]") for i, v in enumerate(raw)]

    def texts(self, key: str) -> list[str]:
        raw = self.data[key]
        if not isinstance(raw, yamlpos.YList):
            raise PublisherError(f"{key}: expected a list", self.data.where(key), f"write `{key}: [甲, 乙]`")
        if len(raw) > MAX_DATA_POINTS:
            raise PublisherError(f"{key}: {len(raw)} entries, more than {MAX_DATA_POINTS}", self.data.where(key))
        return [str(v) for v in raw]


def parse_spec(data: Any, pos: Pos, kinds: set[str], root: Path | None = None) -> ChartSpec:
    """Validate one YAML mapping as a chart spec (``root``: the project, for CSV files)."""
    if not isinstance(data, yamlpos.YMap):
        raise PublisherError("a chart spec must be a mapping (`id: …`, `type: …`)", pos)
    for key in data:
        if key not in FIELDS:
            raise PublisherError(f"unknown chart field '{key}'", data.key_pos[key], did_you_mean(key, FIELDS))
    for key in ("id", "type", "title"):
        if key not in data or data[key] in (None, ""):
            raise PublisherError(f"chart has no `{key}`", data.pos, f"add `{key}: …` to the spec")
    reader = _Reader(data)
    values: dict[str, Any] = {"pos": data.pos, "yaml": data}
    for key in _TEXT & data.keys():
        if not isinstance(data[key], str | int | float):
            raise PublisherError(f"{key}: expected text, got {data[key]!r}", data.where(key))
        values[key] = str(data[key])
    if values["type"] not in kinds:
        raise PublisherError(
            f"unknown chart type '{values['type']}'", data.where("type"), did_you_mean(values["type"], kinds)
        )
    for key in ("labels", "value_labels", "columns", "value_columns"):
        if key in data:
            values[key] = reader.texts(key)
    for key in ("values", "targets"):
        if key in data:
            values[key] = reader.numbers_of(data, key)
    if "height" in data:
        height = data["height"]
        if isinstance(height, bool) or not isinstance(height, int | float) or not 10 <= height <= 250:
            raise PublisherError(
                f"height: expected millimetres between 10 and 250, got {height!r}", data.where("height")
            )
        values["height"] = float(height)
    if "series" in data:
        values["series"] = _series(reader)
    if "items" in data:
        values["items"] = _kpi_items(reader)
    if "rows" in data:
        values["rows"] = _rows(reader)
    spec = ChartSpec(**values)
    if spec.csv:
        if root is None:
            raise PublisherError("csv: data files need a project", spec.where("csv"))
        _read_csv(spec, root, reader)
    spec.numbers = reader.numbers
    _check_lengths(spec)
    if spec.placement not in ("inline", "page"):
        raise PublisherError(
            f"placement: unknown value '{spec.placement}'", data.where("placement"), "valid: inline, page"
        )
    return spec


def _series(reader: _Reader) -> list[Series]:
    raw = reader.data["series"]
    if not isinstance(raw, yamlpos.YList):
        raise PublisherError("series: expected a list of {name, values}", reader.data.where("series"))
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, yamlpos.YMap) or "name" not in item or "values" not in item:
            raise PublisherError(f"series[{i + 1}]: expected `name:` and `values:`", raw.item_pos[i])
        out.append(Series(str(item["name"]), reader.numbers_of(item, "values", f"series[{i + 1}].")))
    return out


def _kpi_items(reader: _Reader) -> list[KpiItem]:
    raw = reader.data["items"]
    if not isinstance(raw, yamlpos.YList):
        raise PublisherError("items: expected a list of cards", reader.data.where("items"))
    names = {f.name for f in dataclasses.fields(KpiItem)}
    items = []
    for i, item in enumerate(raw):
        what = f"items[{i + 1}]"
        if not isinstance(item, yamlpos.YMap):
            raise PublisherError(f"{what}: expected `label:` and `value:`", raw.item_pos[i])
        for key in item:
            if key not in names:
                raise PublisherError(f"unknown card field '{key}'", item.key_pos[key], did_you_mean(key, names))
        if "label" not in item or "value" not in item:
            raise PublisherError(f"{what}: a card needs `label:` and `value:`", item.pos)
        change = item.get("change")
        items.append(
            KpiItem(
                label=str(item["label"]),
                value=reader.number(item["value"], item.where("value"), f"{what}.value"),
                unit=str(item.get("unit", "")),
                change=None if change is None else reader.number(change, item.where("change"), f"{what}.change"),
                note=str(item.get("note", "")),
            )
        )
    return items


def _rows(reader: _Reader) -> list[list[str]]:
    raw = reader.data["rows"]
    if not isinstance(raw, yamlpos.YList):
        raise PublisherError("rows: expected a list of rows", reader.data.where("rows"), "write `- [甲, 1, 2]`")
    rows = []
    for i, row in enumerate(raw):
        if not isinstance(row, yamlpos.YList):
            raise PublisherError(f"rows[{i + 1}]: expected a list of cells", raw.item_pos[i])
        cells = []
        for j, cell in enumerate(row):
            what = f"rows[{i + 1}][{j + 1}]"
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                reader.number(cell, row.item_pos[j], what)
            elif isinstance(cell, str):
                # numbers inside text cells ("31.26公里") are figures too
                for match in _CELL_NUMBER.finditer(cell):
                    reader.number(float(match[0]), row.item_pos[j], what)
            cells.append("" if cell is None else str(cell))
        rows.append(cells)
    return rows


def _read_csv(spec: ChartSpec, root: Path, reader: _Reader) -> None:
    rel = DATA_DIR / spec.csv
    where = spec.where("csv")
    if ".." in Path(spec.csv).parts or Path(spec.csv).is_absolute():
        raise PublisherError(f"csv: '{spec.csv}' is outside source/data/", where, "give a file name under source/data/")
    if not (root / rel).is_file():
        raise PublisherError(f"csv: file not found: {rel}", where, "CSV files live in source/data/")
    text = read_text(root, rel).text
    table = list(csv.reader(io.StringIO(text)))
    if not table:
        raise PublisherError("the CSV file is empty", Pos(rel))
    header = [h.strip() for h in table[0]]
    if not spec.label_column or not spec.value_columns:
        raise PublisherError(
            "csv: say which columns to use",
            where,
            f"add `label_column:` and `value_columns:`; columns: {', '.join(header)}",
        )
    for name, key in [(spec.label_column, "label_column")] + [(c, "value_columns") for c in spec.value_columns]:
        if name not in header:
            raise PublisherError(f"{key}: the CSV has no column '{name}'", spec.where(key), did_you_mean(name, header))
    label_at = header.index(spec.label_column)
    columns = {name: header.index(name) for name in spec.value_columns}
    if len(table) - 1 > MAX_DATA_POINTS:
        raise PublisherError(f"{len(table) - 1} CSV rows, more than {MAX_DATA_POINTS}", Pos(rel))
    labels: list[str] = []
    data: dict[str, list[float]] = {name: [] for name in spec.value_columns}
    for line, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        labels.append(row[label_at].strip() if label_at < len(row) else "")
        for name, at in columns.items():
            cell = row[at].strip() if at < len(row) else ""
            col = sum(len(c) + 1 for c in row[:at]) + 1
            try:
                value: float = int(cell) if cell.lstrip("-").isdigit() else float(cell)
            except ValueError:
                raise PublisherError(f"column '{name}': expected a number, got {cell!r}", Pos(rel, line, col)) from None
            data[name].append(reader.number(value, Pos(rel, line, col), f"{name}"))
    spec.labels = labels
    if len(spec.value_columns) == 1 and spec.type not in ("grouped", "stacked", "line"):
        spec.values = data[spec.value_columns[0]]
    else:
        spec.series = [Series(name, data[name]) for name in spec.value_columns]


def _check_lengths(spec: ChartSpec) -> None:
    if spec.values and spec.labels and len(spec.values) != len(spec.labels):
        raise PublisherError(
            f"{len(spec.labels)} labels but {len(spec.values)} values", spec.where("values"), "give one value per label"
        )
    for s in spec.series:
        if len(s.values) != len(spec.labels):
            raise PublisherError(
                f"series '{s.name}' has {len(s.values)} values for {len(spec.labels)} labels",
                spec.where("series"),
                "give one value per label",
            )
    if spec.value_labels and len(spec.value_labels) != len(spec.values):
        raise PublisherError(
            f"{len(spec.value_labels)} value_labels for {len(spec.values)} values", spec.where("value_labels")
        )
    if spec.targets and len(spec.targets) != len(spec.labels):
        raise PublisherError(
            f"{len(spec.labels)} labels but {len(spec.targets)} targets", spec.where("targets"), "one target per label"
        )
    for i, row in enumerate(spec.rows):
        if spec.columns and len(row) != len(spec.columns):
            raise PublisherError(
                f"rows[{i + 1}] has {len(row)} cells for {len(spec.columns)} columns", spec.where("rows")
            )


@functools.lru_cache(maxsize=256)
def _parsed(text: str, rel: Path) -> Any:
    """A spec file parsed, by text: a warm rebuild parses only the files that changed (errors are not kept)."""
    return yamlpos.load(text, rel)


def load_specs(root: Path, kinds: set[str]) -> dict[str, ChartSpec]:
    """Every chart spec of the project, by id; duplicate ids are an error."""
    specs: dict[str, ChartSpec] = {}
    folder = root / CHARTS_DIR
    if not folder.is_dir():
        return specs
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        rel = path.relative_to(root)
        text = read_text(root, rel).text
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
