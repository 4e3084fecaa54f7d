"""What the kinds drawn with matplotlib share: the figure, the SVG, axes and colours.

No pyplot, and text stays text (``svg.fonttype: none``) in the document's
sans face, at the printed size; for an office document
(:attr:`ChartStyle.office`) the text is drawn as outlines and a PNG comes with
the SVG. No kind draws a value axis: the only numbers printed are those of
the spec.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .kind import ChartStyle, Drawing
from .spec import ChartSpec

MM = 1 / 25.4
"""Inches per millimetre (matplotlib sizes figures in inches)."""


@contextmanager
def figure(spec: ChartSpec, style: ChartStyle) -> Iterator[tuple[Any, Any]]:
    """A matplotlib figure with one axes, at the text column's width and the spec's height, in the theme's style."""
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    for path in style.font_files:
        font_manager.fontManager.addfont(str(path))
    _register_fallbacks(style.font_fallbacks)
    rc: Any = {
        "svg.fonttype": "path" if style.office else "none",
        "svg.hashsalt": "publisher",
        # the chart font, then its fallbacks: matplotlib measures and (for Word) draws a character the
        # chart font lacks with the first that has it, and the SVG names them all for the PDF's renderer
        "font.family": [style.font_family, *(family for family, _, _ in style.font_fallbacks)],
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
        "text.parse_math": False,  # labels are text: "$5 至 $10" is printed as written, never mathtext
    }
    with matplotlib.rc_context(rc):
        # No pyplot: no global figure registry, nothing to close, faster import.
        fig = Figure(figsize=(style.width_mm * MM, spec.height * MM))
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        yield fig, ax


def _register_fallbacks(fallbacks: tuple[tuple[str, Path, int], ...]) -> None:
    """Make each fallback face known to matplotlib under the family name the document's CSS gives it
    (``Publisher Symbols``…), once."""
    from matplotlib import font_manager, ft2font

    manager = font_manager.fontManager
    known = {entry.name for entry in manager.ttflist}
    added = False
    for family, path, index in fallbacks:
        if family not in known:
            entry = font_manager.ttfFontProperty(ft2font.FT2Font(str(path), face_index=index))
            # one face for both weights, as the text's fallbacks: a bold label finds it without a warning
            for weight in (400, 700):
                manager.ttflist.append(dataclasses.replace(entry, name=family, weight=weight))
            known.add(family)
            added = True
    if added:
        manager._findfont_cached.cache_clear()  # type: ignore[attr-defined]  # as addfont() does


def to_svg(fig: Any, spec: ChartSpec, style: ChartStyle) -> Drawing:
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
    # WeasyPrint 70 reads an SVG font-family list split at the commas with the quotes, not the spaces,
    # stripped: "'A', 'B'" would name the families A and " 'B'". Written "'A','B'", every fallback counts.
    svg = re.sub(
        r"font-family: ([^;\"]+)", lambda m: "font-family: " + ",".join(f.strip() for f in m[1].split(",")), svg
    )
    png = b""
    if style.office:
        raster = io.BytesIO()
        fig.savefig(raster, format="png", dpi=style.office_dpi, transparent=False, facecolor="white",
                    metadata={"Software": None})  # fmt: skip
        png = raster.getvalue()
    return Drawing("svg", svg, png)


def clean_axes(ax: Any, value_axis: str) -> None:
    """No frame and no ticks; no value axis (``value_axis`` is ``x`` or ``y``), only the base line."""
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    if value_axis == "y":
        ax.set_yticks([])
        ax.spines["bottom"].set_visible(True)
    else:
        ax.set_xticks([])
        ax.spines["left"].set_visible(True)


def unit_note(ax: Any, spec: ChartSpec, style: ChartStyle) -> None:
    """``单位：…`` above the top left corner, when the spec has a unit."""
    if spec.unit:
        ax.text(
            0, 1.02, f"{style.unit_label}{spec.unit}", transform=ax.transAxes, ha="left", va="bottom",
            color=style.muted, fontsize=style.font_size * 0.9,
        )  # fmt: skip


def colour(style: ChartStyle, i: int) -> str:
    """The ``i``-th colour of the palette (it repeats)."""
    return style.palette[i % len(style.palette)]


def is_dark(colour: str) -> bool:
    """Whether white text reads better than dark text on ``colour``."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5
