"""``bar``: vertical bars with value labels."""

from __future__ import annotations

from ..kind import ChartStyle, Drawing, Kind, register
from ..plot import clean_axes, figure, to_svg, unit_note, value_limit, vertical
from ..shapes import Values
from ..spec import ChartSpec


@register
class Bar(Kind[Values]):
    """Vertical bars, each labelled with its value."""

    name = "bar"
    data = Values

    def check(self, spec: ChartSpec, data: Values) -> None:
        data.no_negatives(spec)

    def draw(self, spec: ChartSpec, data: Values, style: ChartStyle) -> Drawing:
        with figure(spec, style) as (fig, ax):
            xs = list(range(len(data.values)))
            bars = ax.bar(xs, data.values, color=style.palette[0], width=0.55)
            for i, rect in enumerate(bars):
                ax.annotate(
                    data.label(i), (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                    xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontweight="bold",
                )  # fmt: skip
            ax.set_xlim(-0.5, len(xs) - 0.5)
            clean_axes(ax, "y")
            vertical(fig, ax, spec, style, [float(x) for x in xs], data.labels)
            shown = [data.label(i) for i in range(len(data.values))]
            ax.set_ylim(0, value_limit(fig, ax, style, data.values, shown, "y"))
            unit_note(fig, spec, style)
            return to_svg(fig, spec, style)
