"""Stage 3, charts: chart specs → SVG (matplotlib) or HTML (through a template of the theme).

A chart kind is one module of :mod:`publisher.charts.kinds`: a :class:`Kind`
with its fields, rules, printed characters and drawing or template,
registered with :func:`register` (a duplicate name is an error); see
:mod:`publisher.charts.kind`. Rendering takes every option as an argument
(:class:`ChartStyle`).
"""

from __future__ import annotations

from .kind import ChartStyle, Drawing, Kind, Templates, kind_of, printed_text, register, registry, render
from .spec import ChartData, ChartSpec, load_specs

__all__ = [
    "ChartData",
    "ChartSpec",
    "ChartStyle",
    "Drawing",
    "Kind",
    "Templates",
    "kind_of",
    "load_specs",
    "printed_text",
    "register",
    "registry",
    "render",
]
