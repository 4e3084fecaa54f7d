"""The built-in chart kinds."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from markupsafe import escape

from . import ChartSpec, ChartStyle, Rendered, register

MM = 1 / 25.4
_registered = False


def fmt(value: float) -> str:
    """A number as the report writes it: no trailing ``.0`` added or dropped."""
    if isinstance(value, int):
        return str(value)
    return repr(value)


def _label(spec: ChartSpec, i: int) -> str:
    return spec.value_labels[i] if spec.value_labels else fmt(spec.values[i])


@contextmanager
def _figure(spec: ChartSpec, style: ChartStyle, height_mm: float | None = None) -> Iterator[tuple[Any, Any]]:
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    for path in style.font_files:
        font_manager.fontManager.addfont(str(path))
    rc: Any = {
        "svg.fonttype": "none",
        "svg.hashsalt": "publisher",
        "font.family": [style.font_family],
        "font.size": style.font_size,
        "text.color": style.text,
        "axes.edgecolor": style.muted,
        "axes.labelcolor": style.text,
        "xtick.color": style.muted,
        "ytick.color": style.muted,
        "xtick.labelcolor": style.text,
        "ytick.labelcolor": style.text,
        "axes.unicode_minus": False,
    }
    with matplotlib.rc_context(rc):
        # No pyplot: no global figure registry, nothing to close, faster import.
        fig = Figure(figsize=(style.width_mm * MM, (height_mm or spec.height) * MM))
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        yield fig, ax


def _to_svg(fig: Any, spec: ChartSpec) -> Rendered:
    """The figure as SVG to inline in HTML: no XML prologue or metadata, ids made unique."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, transparent=True)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    prefix = "chart-" + re.sub(r"[^\w-]", "_", spec.id) + "-"
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m[1]}"', svg)
    svg = re.sub(r'(href="#|url\(#)([^")]+)', lambda m: f"{m[1]}{prefix}{m[2]}", svg)
    return Rendered("svg", svg)


def _clean_axes(ax: Any, value_axis: str) -> None:
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    if value_axis == "y":
        ax.set_yticks([])
        ax.spines["bottom"].set_visible(True)
    else:
        ax.set_xticks([])
        ax.spines["left"].set_visible(True)


def _unit_note(ax: Any, spec: ChartSpec, style: ChartStyle) -> None:
    if spec.unit:
        ax.text(
            0,
            1.02,
            f"单位：{spec.unit}",
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            color=style.muted,
            fontsize=style.font_size * 0.9,
        )


def bar(spec: ChartSpec, style: ChartStyle) -> Rendered:
    """Vertical bars with value labels."""
    with _figure(spec, style) as (fig, ax):
        xs = range(len(spec.values))
        bars = ax.bar(xs, spec.values, color=style.palette[0], width=0.55)
        for i, rect in enumerate(bars):
            ax.annotate(
                _label(spec, i),
                (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontweight="bold",
            )
        ax.set_xticks(list(xs), spec.labels)
        ax.set_ylim(0, max(spec.values) * 1.18)
        _clean_axes(ax, "y")
        _unit_note(ax, spec, style)
        fig.tight_layout(pad=0.4)
        return _to_svg(fig, spec)


def hbar(spec: ChartSpec, style: ChartStyle) -> Rendered:
    """Horizontal bars with value labels, largest on top as listed."""
    with _figure(spec, style) as (fig, ax):
        n = len(spec.values)
        ys = list(range(n))[::-1]
        bars = ax.barh(ys, spec.values, color=style.palette[0], height=0.55)
        for i, rect in enumerate(bars):
            ax.annotate(
                _label(spec, i),
                (rect.get_width(), rect.get_y() + rect.get_height() / 2),
                xytext=(4, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontweight="bold",
            )
        ax.set_yticks(ys, spec.labels)
        ax.set_xlim(0, max(spec.values) * 1.15)
        _clean_axes(ax, "x")
        _unit_note(ax, spec, style)
        fig.tight_layout(pad=0.4)
        return _to_svg(fig, spec)


def grouped(spec: ChartSpec, style: ChartStyle) -> Rendered:
    """Bars grouped by label, one colour per series, with a legend."""
    with _figure(spec, style) as (fig, ax):
        n = len(spec.series)
        width = 0.7 / n
        top = max(max(s.values) for s in spec.series)
        for k, series in enumerate(spec.series):
            xs = [i - 0.35 + width * (k + 0.5) for i in range(len(spec.labels))]
            bars = ax.bar(
                xs, series.values, width=width * 0.92, color=style.palette[k % len(style.palette)], label=series.name
            )
            for rect, value in zip(bars, series.values, strict=True):
                ax.annotate(
                    fmt(value),
                    (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                )
        ax.set_xticks(range(len(spec.labels)), spec.labels)
        ax.set_ylim(0, top * 1.2)
        ax.legend(frameon=False, loc="upper right", ncols=n)
        _clean_axes(ax, "y")
        _unit_note(ax, spec, style)
        fig.tight_layout(pad=0.4)
        return _to_svg(fig, spec)


def donut(spec: ChartSpec, style: ChartStyle) -> Rendered:
    """Parts of a whole as a ring, labelled with the stated values (no derived percentages)."""
    with _figure(spec, style) as (fig, ax):
        colours = [style.palette[i % len(style.palette)] for i in range(len(spec.values))]
        wedges, _ = ax.pie(
            spec.values,
            colors=colours,
            startangle=90,
            counterclock=False,
            wedgeprops={"width": 0.38, "edgecolor": "white", "linewidth": 1.5},
        )
        ax.set_aspect("equal")
        labels = [f"{lab}  {_label(spec, i)}{spec.unit}" for i, lab in enumerate(spec.labels)]
        ax.legend(
            wedges, labels, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5), handlelength=1, handleheight=1
        )
        fig.tight_layout(pad=0.4)
        return _to_svg(fig, spec)


def kpi(spec: ChartSpec, style: ChartStyle) -> Rendered:
    """KPI cards drawn in HTML/CSS: big number, unit, change with an up/down mark."""
    cards = []
    for item in spec.items:
        change = ""
        if item.change is not None:
            mark, cls = ("▲", "up") if item.change >= 0 else ("▼", "down")
            word = "增长" if item.change >= 0 else "下降"
            change = (
                f'<span class="kpi-change {cls}"><span class="kpi-mark">{mark}</span>'
                f" 同比{word} {escape(fmt(abs(item.change)))}%</span>"
            )
        note = f'<span class="kpi-note">{escape(item.note)}</span>' if item.note else ""
        cards.append(
            '<div class="kpi-card">'
            f'<span class="kpi-label">{escape(item.label)}</span>'
            f'<span class="kpi-value">{escape(fmt(item.value))}<span class="kpi-unit">{escape(item.unit)}</span></span>'
            f"{change}{note}</div>"
        )
    return Rendered("html", f'<div class="kpi-grid">{"".join(cards)}</div>')


def register_builtin() -> None:
    """Register the built-in kinds once."""
    global _registered
    if _registered:
        return
    _registered = True
    for name, func in (("bar", bar), ("hbar", hbar), ("grouped", grouped), ("donut", donut), ("kpi", kpi)):
        register(name)(func)
