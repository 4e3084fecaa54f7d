"""``grouped``: bars grouped by label, one colour per series, with a legend."""

from __future__ import annotations

from ..kind import ChartStyle, Drawing, Kind, register
from ..numbers import format_number
from ..plot import clean_axes, colour, figure, legend, to_svg, unit_note, value_limit, vertical
from ..shapes import SeriesValues
from ..spec import ChartSpec


@register
class Grouped(Kind[SeriesValues]):
    """Bars grouped by label, one colour per series, each bar labelled with its value."""

    name = "grouped"
    data = SeriesValues

    def draw(self, spec: ChartSpec, data: SeriesValues, style: ChartStyle) -> Drawing:
        with figure(spec, style) as (fig, ax):
            n = len(data.series)
            width = 0.7 / n
            top = max(max(s.values) for s in data.series)
            for k, series in enumerate(data.series):
                xs = [i - 0.35 + width * (k + 0.5) for i in range(len(data.labels))]
                bars = ax.bar(xs, series.values, width=width * 0.92, color=colour(style, k), label=series.name)
                for rect, value in zip(bars, series.values, strict=True):
                    ax.annotate(
                        format_number(value), (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                        xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontweight="bold",
                    )  # fmt: skip
            ax.set_xlim(-0.5, len(data.labels) - 0.5)
            legend(ax, style, n)
            clean_axes(ax, "y")
            vertical(fig, ax, spec, style, [float(i) for i in range(len(data.labels))], data.labels)
            ax.set_ylim(0, value_limit(fig, ax, style, [top], [format_number(top)], "y"))
            unit_note(fig, spec, style)
            return to_svg(fig, spec, style)
