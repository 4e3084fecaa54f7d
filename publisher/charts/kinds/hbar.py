"""``hbar``: horizontal bars with value labels, in the order given (long Chinese labels fit)."""

from __future__ import annotations

from ..kind import ChartStyle, Drawing, Kind, register
from ..plot import clean_axes, figure, horizontal, to_svg, unit_note, value_limit
from ..shapes import Values
from ..spec import ChartSpec


@register
class HBar(Kind[Values]):
    """Horizontal bars, each labelled with its value, top to bottom in the order given."""

    name = "hbar"
    data = Values

    def check(self, spec: ChartSpec, data: Values) -> None:
        data.no_negatives(spec)

    def draw(self, spec: ChartSpec, data: Values, style: ChartStyle) -> Drawing:
        with figure(spec, style) as (fig, ax):
            ys = [float(y) for y in range(len(data.values))][::-1]
            bars = ax.barh(ys, data.values, color=style.palette[0], height=0.55)
            for i, rect in enumerate(bars):
                ax.annotate(
                    data.label(i), (rect.get_width(), rect.get_y() + rect.get_height() / 2),
                    xytext=(4, 0), textcoords="offset points", ha="left", va="center", fontweight="bold",
                )  # fmt: skip
            clean_axes(ax, "x")
            horizontal(fig, ax, spec, style, ys, data.labels)
            shown = [data.label(i) for i in range(len(data.values))]
            ax.set_xlim(0, value_limit(fig, ax, style, data.values, shown, "x"))
            unit_note(fig, spec, style)
            return to_svg(fig, spec, style)
