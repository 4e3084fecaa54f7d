"""``stacked``: horizontal bars split into parts, one colour per series."""

from __future__ import annotations

from ..kind import ChartStyle, Drawing, Kind, register
from ..numbers import format_number
from ..plot import clean_axes, colour, figure, horizontal, ink_on, legend, to_svg, unit_note
from ..shapes import SeriesValues
from ..spec import ChartSpec


@register
class Stacked(Kind[SeriesValues]):
    """Parts of each total side by side, each part labelled with its value."""

    name = "stacked"
    data = SeriesValues
    whole = True

    def draw(self, spec: ChartSpec, data: SeriesValues, style: ChartStyle) -> Drawing:
        with figure(spec, style) as (fig, ax):
            ys = [float(y) for y in range(len(data.labels))][::-1]
            left = [0.0] * len(data.labels)
            for k, series in enumerate(data.series):
                fill = colour(style, k)
                bars = ax.barh(ys, series.values, left=left, height=0.55, color=fill, label=series.name)
                for rect, value in zip(bars, series.values, strict=True):
                    if value and rect.get_width() > 0:
                        ax.text(
                            rect.get_x() + rect.get_width() / 2, rect.get_y() + rect.get_height() / 2,
                            format_number(value), ha="center", va="center", fontweight="bold",
                            color=ink_on(fill, style),
                        )  # fmt: skip
                left = [a + b for a, b in zip(left, series.values, strict=True)]
            ax.set_xlim(0, max(left) * 1.05 or 1)
            legend(ax, style, len(data.series))
            clean_axes(ax, "x")
            horizontal(fig, ax, spec, style, ys, data.labels)
            unit_note(fig, spec, style)
            return to_svg(fig, spec, style)
