"""``kpi``: headline figures as cards, in HTML (crisp, selectable text) through ``charts/kpi.html.j2``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..kind import Kind, register
from ..spec import ChartData


@dataclass(frozen=True, kw_only=True)
class KpiItem:
    """One card of a KPI chart."""

    NOUN: ClassVar[str] = "card"
    label: str
    """What is counted, e.g. ``地区生产总值``."""
    value: float
    """The big number."""
    unit: str = ""
    """Unit after the number, e.g. ``亿元``."""
    change: float | None = None
    """Year-on-year change in percent (printed with an up/down mark)."""
    note: str = ""
    """Small print under the card."""


@dataclass(frozen=True, kw_only=True)
class Cards(ChartData):
    """The cards of a KPI chart."""

    items: list[KpiItem]
    """The cards, in order."""


@register
class Kpi(Kind[Cards]):
    """Cards: a label, the big number and its unit, the change with ▲ or ▼ and the words for up or down."""

    name = "kpi"
    data = Cards
    template = "charts/kpi.html.j2"
    marks = "▲▼%"
