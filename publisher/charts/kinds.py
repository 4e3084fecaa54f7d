"""The built-in chart kinds.

Drawn kinds use matplotlib without pyplot and produce SVG whose text stays
text (``svg.fonttype: none``) in the document's sans face, at the printed
size; for an office document (:attr:`ChartStyle.office`) the text is drawn as
outlines and a PNG comes with the SVG. KPI cards and tables are HTML, so their
text is crisp and selectable. No kind draws a value axis: the only numbers printed are those of the spec.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from markupsafe import escape

from . import ChartSpec, ChartStyle, Drawing, register
from .numbers import format_number

MM = 1 / 25.4
_registered = False


def _label(spec: ChartSpec, i: int) -> str:
    return spec.value_labels[i] if spec.value_labels else format_number(spec.values[i])


@contextmanager
def _figure(spec: ChartSpec, style: ChartStyle) -> Iterator[tuple[Any, Any]]:
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    for path in style.font_files:
        font_manager.fontManager.addfont(str(path))
    rc: Any = {
        "svg.fonttype": "path" if style.office else "none",
        "svg.hashsalt": "publisher",
        "font.family": [style.font_family],
        "font.size": style.font_size,
        "text.color": style.text,
        "axes.edgecolor": style.muted,
        "axes.labelcolor": style.text,
        "axes.linewidth": style.line_width,
        "xtick.color": style.muted,
        "ytick.color": style.muted,
        "xtick.labelcolor": style.text,
        "ytick.labelcolor": style.text,
        "axes.unicode_minus": False,
        "legend.fontsize": style.font_size,
    }
    with matplotlib.rc_context(rc):
        # No pyplot: no global figure registry, nothing to close, faster import.
        fig = Figure(figsize=(style.width_mm * MM, spec.height * MM))
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        yield fig, ax


def _to_svg(fig: Any, spec: ChartSpec, style: ChartStyle) -> Drawing:
    """The figure as SVG: no XML prologue or metadata, ids unique per chart; with a PNG for an office document."""
    fig.tight_layout(pad=0.4)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, transparent=True)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    prefix = "chart-" + re.sub(r"[^\w-]", "_", spec.id) + "-"
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m[1]}"', svg)
    svg = re.sub(r'(href="#|url\(#)([^")]+)', lambda m: f"{m[1]}{prefix}{m[2]}", svg)
    png = b""
    if style.office:
        raster = io.BytesIO()
        fig.savefig(raster, format="png", dpi=style.office_dpi, transparent=False, facecolor="white",
                    metadata={"Software": None})  # fmt: skip
        png = raster.getvalue()
    return Drawing("svg", svg, png)


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
            0, 1.02, f"{style.unit_label}{spec.unit}", transform=ax.transAxes, ha="left", va="bottom",
            color=style.muted, fontsize=style.font_size * 0.9,
        )  # fmt: skip


def _colour(style: ChartStyle, i: int) -> str:
    return style.palette[i % len(style.palette)]


def bar(spec: ChartSpec, style: ChartStyle) -> Drawing:
    """Vertical bars with value labels."""
    with _figure(spec, style) as (fig, ax):
        xs = range(len(spec.values))
        bars = ax.bar(xs, spec.values, color=style.palette[0], width=0.55)
        for i, rect in enumerate(bars):
            ax.annotate(
                _label(spec, i), (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontweight="bold",
            )  # fmt: skip
        ax.set_xticks(list(xs), spec.labels)
        ax.set_ylim(0, max(spec.values) * 1.18)
        _clean_axes(ax, "y")
        _unit_note(ax, spec, style)
        return _to_svg(fig, spec, style)


def hbar(spec: ChartSpec, style: ChartStyle) -> Drawing:
    """Horizontal bars with value labels, in the order given."""
    with _figure(spec, style) as (fig, ax):
        ys = list(range(len(spec.values)))[::-1]
        bars = ax.barh(ys, spec.values, color=style.palette[0], height=0.55)
        for i, rect in enumerate(bars):
            ax.annotate(
                _label(spec, i), (rect.get_width(), rect.get_y() + rect.get_height() / 2),
                xytext=(4, 0), textcoords="offset points", ha="left", va="center", fontweight="bold",
            )  # fmt: skip
        ax.set_yticks(ys, spec.labels)
        ax.set_xlim(0, max(spec.values) * 1.15)
        _clean_axes(ax, "x")
        _unit_note(ax, spec, style)
        return _to_svg(fig, spec, style)


def grouped(spec: ChartSpec, style: ChartStyle) -> Drawing:
    """Bars grouped by label, one colour per series, with a legend."""
    with _figure(spec, style) as (fig, ax):
        n = len(spec.series)
        width = 0.7 / n
        top = max(max(s.values) for s in spec.series)
        for k, series in enumerate(spec.series):
            xs = [i - 0.35 + width * (k + 0.5) for i in range(len(spec.labels))]
            bars = ax.bar(xs, series.values, width=width * 0.92, color=_colour(style, k), label=series.name)
            for rect, value in zip(bars, series.values, strict=True):
                ax.annotate(
                    format_number(value), (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                    xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                )  # fmt: skip
        ax.set_xticks(range(len(spec.labels)), spec.labels)
        ax.set_ylim(0, top * 1.25)
        ax.legend(frameon=False, loc="upper right", ncols=n)
        _clean_axes(ax, "y")
        _unit_note(ax, spec, style)
        return _to_svg(fig, spec, style)


def stacked(spec: ChartSpec, style: ChartStyle) -> Drawing:
    """Horizontal bars split into parts, one colour per series, totals at the end."""
    with _figure(spec, style) as (fig, ax):
        ys = list(range(len(spec.labels)))[::-1]
        left = [0.0] * len(spec.labels)
        for k, series in enumerate(spec.series):
            colour = _colour(style, k)
            bars = ax.barh(ys, series.values, left=left, height=0.55, color=colour, label=series.name)
            for rect, value in zip(bars, series.values, strict=True):
                if value and rect.get_width() > 0:
                    light = _is_dark(colour)
                    ax.text(
                        rect.get_x() + rect.get_width() / 2, rect.get_y() + rect.get_height() / 2,
                        format_number(value), ha="center", va="center", color="white" if light else style.text,
                    )  # fmt: skip
            left = [a + b for a, b in zip(left, series.values, strict=True)]
        ax.set_yticks(ys, spec.labels)
        ax.set_xlim(0, max(left) * 1.05)
        ax.legend(frameon=False, loc="lower right", bbox_to_anchor=(1, 1), ncols=len(spec.series))
        _clean_axes(ax, "x")
        _unit_note(ax, spec, style)
        return _to_svg(fig, spec, style)


def _is_dark(colour: str) -> bool:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5


def line(spec: ChartSpec, style: ChartStyle) -> Drawing:
    """Values over years (labels), one line per series, each point labelled."""
    with _figure(spec, style) as (fig, ax):
        series = spec.series or []
        if not series:
            from . import Series

            series = [Series(spec.title, spec.values)]
        xs = list(range(len(spec.labels)))
        top = max(max(s.values) for s in series)
        bottom = min(min(s.values) for s in series)
        for k, s in enumerate(series):
            colour = _colour(style, k)
            ax.plot(xs, s.values, color=colour, linewidth=style.line_width * 2.2, marker="o", markersize=4,
                    label=s.name if len(series) > 1 else None)  # fmt: skip
            for x, value in zip(xs, s.values, strict=True):
                ax.annotate(format_number(value), (x, value), xytext=(0, 6), textcoords="offset points",
                            ha="center", va="bottom", color=colour)  # fmt: skip
        # Lines show change: the value range, not zero, sets the scale.
        span = (top - bottom) or abs(top) or 1
        ax.set_ylim(bottom - span * 0.35, top + span * 0.3)
        ax.set_xticks(xs, spec.labels)
        ax.set_xlim(-0.4, len(xs) - 0.6)
        if len(series) > 1:
            ax.legend(frameon=False, loc="upper left", ncols=len(series))
        _clean_axes(ax, "y")
        _unit_note(ax, spec, style)
        return _to_svg(fig, spec, style)


def donut(spec: ChartSpec, style: ChartStyle) -> Drawing:
    """Parts of a whole as a ring, labelled with the stated values (no derived percentages)."""
    with _figure(spec, style) as (fig, ax):
        colours = [_colour(style, i) for i in range(len(spec.values))]
        wedges, _ = ax.pie(
            spec.values, colors=colours, startangle=90, counterclock=False,
            wedgeprops={"width": 0.38, "edgecolor": "white", "linewidth": 1.5},
        )  # fmt: skip
        ax.set_aspect("equal")
        labels = [f"{lab}  {_label(spec, i)}{spec.unit}" for i, lab in enumerate(spec.labels)]
        ax.legend(wedges, labels, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5),
                  handlelength=1, handleheight=1)  # fmt: skip
        return _to_svg(fig, spec, style)


def progress(spec: ChartSpec, style: ChartStyle) -> Drawing:
    """Each value against its target: a track for the target, a bar for the value."""
    with _figure(spec, style) as (fig, ax):
        ys = list(range(len(spec.labels)))[::-1]
        ax.barh(ys, spec.targets, height=0.5, color="none", edgecolor=style.muted, linewidth=style.line_width)
        shown = [min(v, t) for v, t in zip(spec.values, spec.targets, strict=True)]
        ax.barh(ys, shown, height=0.5, color=style.palette[0])
        end = max(spec.targets)
        for i, y in enumerate(ys):
            target = format_number(spec.targets[i])
            text = f"{_label(spec, i)}{spec.unit} / {target}{spec.unit}"
            ax.text(end * 1.02, y, text, ha="left", va="center", fontweight="bold")
        ax.set_yticks(ys, spec.labels)
        ax.set_xlim(0, end * 1.35)
        _clean_axes(ax, "x")
        ax.spines["left"].set_visible(False)
        return _to_svg(fig, spec, style)


def waffle(spec: ChartSpec, style: ChartStyle) -> Drawing:
    """Counts as rows of unit squares (one square per unit), one row block per label."""
    per_row = 25
    with _figure(spec, style) as (fig, ax):
        from matplotlib.patches import Rectangle

        y = 0.0
        label_x = -0.8
        for i, value in enumerate(spec.values):
            count = int(value)
            rows = max(1, math.ceil(count / per_row))
            colour = _colour(style, i)
            for n in range(count):
                row, col = divmod(n, per_row)
                ax.add_patch(Rectangle((col, -(y + row)), 0.8, 0.8, facecolor=colour, edgecolor="none"))
            ax.text(label_x, -(y) + 0.4, spec.labels[i], ha="right", va="center")
            ax.text(min(count, per_row) + 0.4, -(y) + 0.4, _label(spec, i) + spec.unit, ha="left", va="center",
                    fontweight="bold", color=colour)  # fmt: skip
            y += rows + 0.6
        x_range = (label_x - 9, per_row + 4)
        y_range = (-(y - 0.6) + 0.6, 1.0)
        ax.set_xlim(*x_range)
        ax.set_ylim(*y_range)
        ax.set_aspect("equal")
        ax.axis("off")
        if spec.yaml is None or "height" not in spec.yaml:
            # as tall as the squares need, not the default chart height
            ratio = (y_range[1] - y_range[0]) / (x_range[1] - x_range[0])
            fig.set_size_inches(style.width_mm * MM, style.width_mm * MM * ratio + 0.12)
        return _to_svg(fig, spec, style)


def kpi(spec: ChartSpec, style: ChartStyle) -> Drawing:
    """KPI cards in HTML/CSS: big number, unit, change with an up/down mark."""
    cards = []
    for item in spec.items:
        change = ""
        if item.change is not None:
            mark, cls = ("▲", "up") if item.change >= 0 else ("▼", "down")
            word = style.up_label if item.change >= 0 else style.down_label
            change = (
                f'<span class="kpi-change {cls}"><span class="kpi-mark">{mark}</span>'
                f" {escape(word)} {escape(format_number(abs(item.change)))}%</span>"
            )
        note = f'<span class="kpi-note">{escape(item.note)}</span>' if item.note else ""
        cards.append(
            '<div class="kpi-card">'
            f'<span class="kpi-label">{escape(item.label)}</span>'
            f'<span class="kpi-value">{escape(format_number(item.value))}'
            f'<span class="kpi-unit">{escape(item.unit)}</span></span>'
            f"{change}{note}</div>"
        )
    return Drawing("html", f'<div class="kpi-grid">{"".join(cards)}</div>')


def table(spec: ChartSpec, style: ChartStyle) -> Drawing:
    """A comparison table in HTML; cells that are numbers are right-aligned."""
    head = "".join(f"<th>{escape(c)}</th>" for c in spec.columns)
    body = []
    for row in spec.rows:
        cells = []
        for i, cell in enumerate(row):
            numeric = re.fullmatch(r"-?[\d.,]+%?", cell.strip()) is not None
            cls = ' class="num"' if numeric and i > 0 else ""
            tag = "th" if i == 0 else "td"
            cells.append(f"<{tag}{cls}>{escape(cell)}</{tag}>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    thead = f"<thead><tr>{head}</tr></thead>" if head else ""
    return Drawing("html", f'<table class="chart-table">{thead}<tbody>{"".join(body)}</tbody></table>')


BUILTIN = {
    "bar": bar,
    "hbar": hbar,
    "grouped": grouped,
    "stacked": stacked,
    "line": line,
    "donut": donut,
    "progress": progress,
    "waffle": waffle,
    "kpi": kpi,
    "table": table,
}


def register_builtin() -> None:
    """Register the built-in kinds once."""
    global _registered
    if _registered:
        return
    _registered = True
    for name, func in BUILTIN.items():
        register(name)(func)
