"""Chart specs: the typed schema of ``source/charts/*.yaml``.

A file holds one chart (a mapping) or several (a list of mappings). Every
spec keeps the positions of its keys so errors point at the line and column.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import yamlpos
from ..errors import Pos, PublisherError, did_you_mean
from ..source import read_text

CHARTS_DIR = Path("source") / "charts"
MAX_DATA_POINTS = 500


@dataclass
class Series:
    """One named row of values (grouped bars)."""

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
    """A chart as declared in YAML. Fields not used by a kind are rejected."""

    id: str
    """Unique name used in the text: ``![](chart:ID)``."""
    type: str
    """The kind: bar, hbar, grouped, donut, kpi …"""
    title: str
    """Caption text after ``图 N``."""
    pos: Pos
    """Where the spec starts."""
    unit: str = ""
    """Unit of the values, shown as ``单位：…``."""
    source: str = ""
    """Where in the report the numbers are stated (section or sentence)."""
    alt: str = ""
    """Text alternative for readers who cannot see the chart."""
    note: str = ""
    """Small print under the chart."""
    labels: list[str] = field(default_factory=list)
    """Category labels."""
    values: list[float] = field(default_factory=list)
    """One value per label (single-series kinds)."""
    value_labels: list[str] = field(default_factory=list)
    """Optional text per value, e.g. ``超4`` where the report says "超4亿元"."""
    series: list[Series] = field(default_factory=list)
    """Several rows of values (grouped)."""
    items: list[KpiItem] = field(default_factory=list)
    """Cards (kpi)."""
    height: float = 55.0
    """Height of the drawing in millimetres."""
    placement: str = "inline"
    """``inline`` in the text, or ``page``: a page of its own."""
    data: yamlpos.YMap | None = dataclasses.field(default=None, repr=False, compare=False)
    """The YAML mapping, for positions of later errors."""

    def where(self, key: str) -> Pos:
        """Position of ``key`` in the YAML, or of the spec."""
        return self.data.where(key) if self.data is not None else self.pos


_FIELDS = {f.name for f in dataclasses.fields(ChartSpec)} - {"pos", "data"}
_TEXT = {"id", "type", "title", "unit", "source", "alt", "note", "placement"}


def _number(value: Any, pos: Pos, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PublisherError(
            f"{what}: expected a number, got {value!r}",
            pos,
            'write the bare number (8.0, not "8.0%"); the unit goes in `unit:`',
        )
    return value


def _numbers(data: yamlpos.YMap, key: str) -> list[float]:
    raw = data[key]
    if not isinstance(raw, yamlpos.YList):
        raise PublisherError(f"{key}: expected a list of numbers", data.where(key), f"write `{key}: [1, 2, 3]`")
    if len(raw) > MAX_DATA_POINTS:
        raise PublisherError(f"{key}: {len(raw)} values, more than {MAX_DATA_POINTS}", data.where(key))
    return [_number(v, raw.item_pos[i], f"{key}[{i + 1}]") for i, v in enumerate(raw)]


def _texts(data: yamlpos.YMap, key: str) -> list[str]:
    raw = data[key]
    if not isinstance(raw, yamlpos.YList):
        raise PublisherError(f"{key}: expected a list", data.where(key), f"write `{key}: [甲, 乙]`")
    return [str(v) for v in raw]


def parse_spec(data: Any, pos: Pos, kinds: set[str]) -> ChartSpec:
    """Validate one YAML mapping as a chart spec."""
    if not isinstance(data, yamlpos.YMap):
        raise PublisherError("a chart spec must be a mapping (`id: …`, `type: …`)", pos)
    for key in data:
        if key not in _FIELDS:
            raise PublisherError(f"unknown chart field '{key}'", data.key_pos[key], did_you_mean(key, _FIELDS))
    for key in ("id", "type", "title"):
        if key not in data or data[key] in (None, ""):
            raise PublisherError(f"chart has no `{key}`", data.pos, f"add `{key}: …` to the spec")
    values: dict[str, Any] = {"pos": data.pos, "data": data}
    for key in _TEXT & data.keys():
        if not isinstance(data[key], str | int | float):
            raise PublisherError(f"{key}: expected text, got {data[key]!r}", data.where(key))
        values[key] = str(data[key])
    if values["type"] not in kinds:
        raise PublisherError(
            f"unknown chart type '{values['type']}'", data.where("type"), did_you_mean(values["type"], kinds)
        )
    if "labels" in data:
        values["labels"] = _texts(data, "labels")
    if "value_labels" in data:
        values["value_labels"] = _texts(data, "value_labels")
    if "values" in data:
        values["values"] = _numbers(data, "values")
    if "height" in data:
        values["height"] = _number(data["height"], data.where("height"), "height")
    if "series" in data:
        raw = data["series"]
        if not isinstance(raw, yamlpos.YList):
            raise PublisherError("series: expected a list of {name, values}", data.where("series"))
        series = []
        for i, item in enumerate(raw):
            if not isinstance(item, yamlpos.YMap) or "name" not in item or "values" not in item:
                raise PublisherError(f"series[{i + 1}]: expected `name:` and `values:`", raw.item_pos[i])
            series.append(Series(str(item["name"]), _numbers(item, "values")))
        values["series"] = series
    if "items" in data:
        values["items"] = _kpi_items(data)
    spec = ChartSpec(**values)
    if spec.placement not in ("inline", "page"):
        raise PublisherError(
            f"placement: unknown value '{spec.placement}'", data.where("placement"), "valid: inline, page"
        )
    if spec.values and spec.labels and len(spec.values) != len(spec.labels):
        raise PublisherError(
            f"{len(spec.labels)} labels but {len(spec.values)} values",
            data.where("values"),
            "give one value per label",
        )
    for s in spec.series:
        if len(s.values) != len(spec.labels):
            raise PublisherError(
                f"series '{s.name}' has {len(s.values)} values for {len(spec.labels)} labels",
                data.where("series"),
                "give one value per label",
            )
    if spec.value_labels and len(spec.value_labels) != len(spec.values):
        raise PublisherError(
            f"{len(spec.value_labels)} value_labels for {len(spec.values)} values", data.where("value_labels")
        )
    return spec


def _kpi_items(data: yamlpos.YMap) -> list[KpiItem]:
    raw = data["items"]
    if not isinstance(raw, yamlpos.YList):
        raise PublisherError("items: expected a list of cards", data.where("items"))
    names = {f.name for f in dataclasses.fields(KpiItem)}
    items = []
    for i, item in enumerate(raw):
        if not isinstance(item, yamlpos.YMap):
            raise PublisherError(f"items[{i + 1}]: expected `label:` and `value:`", raw.item_pos[i])
        for key in item:
            if key not in names:
                raise PublisherError(f"unknown card field '{key}'", item.key_pos[key], did_you_mean(key, names))
        if "label" not in item or "value" not in item:
            raise PublisherError(f"items[{i + 1}]: a card needs `label:` and `value:`", item.pos)
        change = item.get("change")
        items.append(
            KpiItem(
                label=str(item["label"]),
                value=_number(item["value"], item.where("value"), "value"),
                unit=str(item.get("unit", "")),
                change=None if change is None else _number(change, item.where("change"), "change"),
                note=str(item.get("note", "")),
            )
        )
    return items


def load_specs(root: Path, kinds: set[str]) -> dict[str, ChartSpec]:
    """Every chart spec of the project, by id; duplicate ids are an error."""
    specs: dict[str, ChartSpec] = {}
    folder = root / CHARTS_DIR
    if not folder.is_dir():
        return specs
    for path in sorted(folder.glob("*.y*ml")):
        rel = path.relative_to(root)
        text = read_text(root, rel).text
        data = yamlpos.load(text, rel)
        if data is None:
            continue
        entries = list(zip(data, data.item_pos, strict=True)) if isinstance(data, yamlpos.YList) else [(data, Pos(rel))]
        for entry, pos in entries:
            spec = parse_spec(entry, pos, kinds)
            if spec.id in specs:
                raise PublisherError(
                    f"chart id '{spec.id}' is already used at {specs[spec.id].pos}",
                    spec.where("id"),
                    "give every chart its own id",
                )
            specs[spec.id] = spec
    return specs
