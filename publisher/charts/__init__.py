"""Stage 3, charts: chart specs → SVG (matplotlib) or HTML (KPI cards).

Kinds register under their name with :func:`register`; a duplicate name is an
error. Rendering takes every option as an argument (:class:`ChartStyle`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .spec import ChartSpec, KpiItem, Series, load_specs

__all__ = [
    "ChartSpec",
    "ChartStyle",
    "Drawing",
    "KpiItem",
    "Series",
    "load_specs",
    "register",
    "registry",
    "render",
]


@dataclass(frozen=True)
class ChartStyle:
    """Design tokens the charts share with the CSS of the theme."""

    palette: tuple[str, ...]
    """Series colours, in order."""
    text: str
    """Colour of labels."""
    muted: str
    """Colour of axes, grid and secondary text."""
    font_family: str
    """Family name of the chart font (a bundled face the document embeds)."""
    font_files: tuple[Path, ...]
    """Font files registered with matplotlib."""
    font_size: float
    """Label size in points."""
    line_width: float
    """Width of axis lines in points (lines of a line chart are drawn thicker)."""
    width_mm: float
    """Width of the text column: charts are drawn at their printed size."""
    unit_label: str = "单位："
    """Printed before the unit (per document language)."""
    up_label: str = "同比增长"
    """KPI change up (per document language)."""
    down_label: str = "同比下降"
    """KPI change down (per document language)."""
    office: bool = False
    """Draw for an office document (Word): text as outlines, so the SVG needs no font, and a PNG besides."""
    office_dpi: int = 300
    """Resolution of the PNG drawn for an office document."""


@dataclass(frozen=True)
class Drawing:
    """A drawn chart: inline SVG markup or an HTML fragment."""

    kind: str
    """``svg`` or ``html``."""
    markup: str
    png: bytes = b""
    """The same drawing as PNG, for an office document (:attr:`ChartStyle.office`); empty otherwise."""


Draw = Callable[[ChartSpec, ChartStyle], Drawing]
_REGISTRY: dict[str, Draw] = {}


def register(name: str) -> Callable[[Draw], Draw]:
    """Register a chart kind; registering a name twice is an error."""

    def decorator(func: Draw) -> Draw:
        if name in _REGISTRY:
            raise ValueError(f"chart kind '{name}' is already registered")
        _REGISTRY[name] = func
        return func

    return decorator


def registry() -> dict[str, Draw]:
    """The registered kinds (the built-in ones are loaded on first use)."""
    from . import kinds

    kinds.register_builtin()
    return dict(_REGISTRY)


def render(spec: ChartSpec, style: ChartStyle) -> Drawing:
    """Draw one chart."""
    return registry()[spec.type](spec, style)
