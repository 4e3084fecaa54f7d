"""What the kinds drawn with matplotlib share: the figure, the SVG, the layout, the labels and colours.

No pyplot, and text stays text (``svg.fonttype: none``) in the document's
sans face, at the printed size; for an office document
(:attr:`ChartStyle.office`) the text is drawn as outlines and a PNG comes with
the SVG. No kind draws a value axis: the only numbers printed are those of
the spec.

One style for every chart: all text at the theme's chart size (category
labels regular, values bold, the unit in the muted colour), every label in a
colour with at least 4.5:1 contrast against what it is printed on, and the
axes at fixed distances from the drawing's edges (:func:`place`), so charts
of one kind line up on a page: a horizontal chart's bars start after a label
column of :data:`LABEL_EMS` ems, a vertical chart's base line sits at the same
height above its labels.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .kind import ChartStyle, Drawing
from .spec import ChartSpec

MM = 1 / 25.4
"""Inches per millimetre (matplotlib sizes figures in inches)."""
PT = 1 / 72
"""Inches per point."""
LABEL_EMS = 12.0
"""Width of the label column of horizontal kinds, in ems of the chart text: longer labels wrap."""
TOP_EMS = 1.9
"""Room above the axes, in ems: the unit (``单位：…``) and the legend."""
PAD_EMS = 0.5
"""Room at the other edges, in ems."""
LINE = 1.25
"""Line height of wrapped labels, in ems."""
MIN_CONTRAST = 4.5
"""Contrast every label keeps against its background (WCAG AA for text)."""
_NO_LINE_START = set("，。、；：？！）》」』”’%…—")
_BREAK_AFTER = set("，、；：")
_TOKEN = re.compile(r"[A-Za-z0-9.%+\-]+|.", re.S)


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
        "xtick.labelsize": style.font_size,
        "ytick.labelsize": style.font_size,
        "axes.unicode_minus": False,
        "legend.fontsize": style.font_size,
        "legend.labelcolor": style.text,
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


def to_svg(fig: Any, spec: ChartSpec, style: ChartStyle, tight: bool = False) -> Drawing:
    """The figure as SVG: no XML prologue or metadata, ids unique per chart; with a PNG for an office document.

    ``tight``: fit the axes to what is drawn (kinds without aligned axes: donut, waffle); the others were
    placed by :func:`place`."""
    if tight:
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


# ----------------------------------------------------------------------------- layout


def ems(text: str) -> float:
    """The width of ``text`` in ems: a Han character or full-width mark 1, anything else about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def wrap(text: str, width: float) -> list[str]:
    """``text`` in balanced lines of at most ``width`` ems: broken after 、，； where that keeps the lines even,
    never before a closing mark, never inside a Latin word or number."""
    if ems(text) <= width:
        return [text]
    tokens = _TOKEN.findall(text)
    for count in range(math.ceil(ems(text) / width), 6):
        lines = _balanced(tokens, count, width)
        if lines:
            return lines
    return [text]


def _balanced(tokens: list[str], count: int, width: float) -> list[str] | None:
    """``tokens`` in ``count`` lines of at most ``width`` ems, the first as close to an even share as it can be."""
    text = "".join(tokens)
    if count == 1:
        return [text] if ems(text) <= width + 0.01 else None
    target = ems(text) / count
    options = []
    for i in range(1, len(tokens)):
        if tokens[i][0] in _NO_LINE_START:
            continue
        first = "".join(tokens[:i])
        if ems(first) > width + 0.01:
            break
        score = abs(ems(first) - target) - (2.5 if first[-1] in _BREAK_AFTER else 0)
        options.append((score, -i, i))
    for _, _, i in sorted(options):
        rest = _balanced(tokens[i:], count - 1, width)
        if rest:
            return ["".join(tokens[:i]), *rest]
    return None


def place(fig: Any, ax: Any, style: ChartStyle, *, left: float = PAD_EMS, bottom: float = PAD_EMS,
          top: float = TOP_EMS, right: float = PAD_EMS, height_pt: float = 0.0) -> None:  # fmt: skip
    """Put the axes at fixed distances (in ems of the chart text) from the drawing's edges, and make the drawing
    at least ``height_pt`` tall: charts of one kind then line up."""
    em = style.font_size
    width, height = fig.get_size_inches() / PT
    if height_pt > height:
        height = height_pt
        fig.set_size_inches(width * PT, height * PT)
    ax.set_position(
        [left * em / width, bottom * em / height, 1 - (left + right) * em / width, 1 - (top + bottom) * em / height]
    )


def category_labels(ax: Any, axis: str, positions: list[float], labels: list[str], width: float) -> int:
    """Category labels wrapped to ``width`` ems on the ``x`` or ``y`` axis; returns the most lines one takes."""
    wrapped = [wrap(label, width) for label in labels]
    texts = ["\n".join(lines) for lines in wrapped]
    if axis == "x":
        ax.set_xticks(positions, texts, linespacing=LINE)
    else:
        ax.set_yticks(positions, texts, linespacing=LINE)
    return max((len(lines) for lines in wrapped), default=1)


def horizontal(fig: Any, ax: Any, spec: ChartSpec, style: ChartStyle, ys: list[float], labels: list[str]) -> None:
    """Lay out a horizontal kind: the label column of :data:`LABEL_EMS`, rows tall enough for wrapped labels."""
    lines = category_labels(ax, "y", ys, labels, LABEL_EMS)
    row = max(1.9, lines * LINE + 0.8)
    place(fig, ax, style, left=PAD_EMS + LABEL_EMS + 0.6, top=TOP_EMS,
          height_pt=(TOP_EMS + PAD_EMS + row * len(ys)) * style.font_size)  # fmt: skip
    ax.set_ylim(min(ys) - 0.5, max(ys) + 0.5)


def vertical(fig: Any, ax: Any, spec: ChartSpec, style: ChartStyle, xs: list[float], labels: list[str]) -> None:
    """Lay out a vertical kind: the base line two label lines above the bottom edge (more when a label needs)."""
    width = fig.get_size_inches()[0] / PT / style.font_size - 2 * PAD_EMS
    lines = category_labels(ax, "x", xs, labels, max(3.0, width / max(len(xs), 1) * 0.92))
    bottom = max(2, lines) * LINE + 0.9
    place(fig, ax, style, bottom=bottom, top=TOP_EMS, height_pt=(bottom + TOP_EMS + 9) * style.font_size)


def value_limit(fig: Any, ax: Any, style: ChartStyle, ends: list[float], labels: list[str], axis: str) -> float:
    """The value axis's upper limit that leaves room, after each bar's end (``ends``), for its label: beside it
    on the ``x`` axis, above it on the ``y`` axis. Call it once the axes are placed."""
    width, height = fig.get_size_inches() / PT
    box = ax.get_position()
    length = box.width * width if axis == "x" else box.height * height
    em = style.font_size
    room = [(ems(label) + 0.6) * em + 4 if axis == "x" else LINE * em + 3 for label in labels]
    return max((end * length / max(length - need, length * 0.2) for end, need in zip(ends, room, strict=True)),
               default=0.0) or 1.0  # fmt: skip


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


def unit_note(fig: Any, spec: ChartSpec, style: ChartStyle) -> None:
    """``单位：…`` at the top left corner of the drawing, when the spec has a unit."""
    if spec.unit:
        width, height = fig.get_size_inches() / PT
        fig.text(
            PAD_EMS * style.font_size / width, 1 - 0.3 * style.font_size / height, f"{style.unit_label}{spec.unit}",
            ha="left", va="top", color=style.muted, fontsize=style.font_size,
        )  # fmt: skip


def legend(ax: Any, style: ChartStyle, count: int) -> None:
    """The series' legend above the axes, at the right."""
    ax.legend(frameon=False, loc="lower right", bbox_to_anchor=(1, 1), ncols=count, borderaxespad=0.2,
              handlelength=1, handleheight=0.8, columnspacing=1.2)  # fmt: skip


def colour(style: ChartStyle, i: int) -> str:
    """The ``i``-th colour of the palette (it repeats)."""
    return style.palette[i % len(style.palette)]


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2) of a colour."""
    from matplotlib.colors import to_rgb

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Contrast ratio (WCAG 2) of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def ink_on(fill: str, style: ChartStyle) -> str:
    """The label colour for text printed on ``fill``: white or the text colour, whichever reads better."""
    return "#ffffff" if contrast("#ffffff", fill) > contrast(style.text, fill) else style.text
