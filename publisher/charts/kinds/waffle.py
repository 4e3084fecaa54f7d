"""``waffle``: counts as rows of unit squares, one square per unit, one block of rows per label."""

from __future__ import annotations

import math

from ...errors import PublisherError
from ..kind import ChartStyle, Drawing, Kind, register
from ..numbers import format_number
from ..plot import MM, colour, figure, to_svg
from ..shapes import Values
from ..spec import ChartSpec

MAX_UNITS = 200
PER_ROW = 25


@register
class Waffle(Kind[Values]):
    """Whole counts up to 200 as squares; as tall as the squares need unless ``height`` is given."""

    name = "waffle"
    data = Values
    whole = True

    def check(self, spec: ChartSpec, data: Values) -> None:
        data.no_negatives(spec)
        for number in spec.numbers:
            value = number.value
            if value != int(value) or value > MAX_UNITS:
                raise PublisherError(
                    f"a waffle counts whole units up to {MAX_UNITS}; {format_number(value)} is not one",
                    number.pos,
                    "use a bar chart for large or fractional values",
                )

    def draw(self, spec: ChartSpec, data: Values, style: ChartStyle) -> Drawing:
        with figure(spec, style) as (fig, ax):
            from matplotlib.patches import Rectangle

            y = 0.0
            label_x = -0.8
            for i, value in enumerate(data.values):
                count = int(value)
                rows = max(1, math.ceil(count / PER_ROW))
                fill = colour(style, i)
                for n in range(count):
                    row, col = divmod(n, PER_ROW)
                    ax.add_patch(Rectangle((col, -(y + row)), 0.8, 0.8, facecolor=fill, edgecolor="none"))
                ax.text(label_x, -(y) + 0.4, data.labels[i], ha="right", va="center")
                ax.text(min(count, PER_ROW) + 0.4, -(y) + 0.4, data.label(i) + spec.unit, ha="left", va="center",
                        fontweight="bold")  # fmt: skip
                y += rows + 0.6
            x_range = (label_x - 9, PER_ROW + 4)
            y_range = (-(y - 0.6) + 0.6, 1.0)
            ax.set_xlim(*x_range)
            ax.set_ylim(*y_range)
            ax.set_aspect("equal")
            ax.axis("off")
            if spec.yaml is None or "height" not in spec.yaml:
                # as tall as the squares need, not the default chart height
                ratio = (y_range[1] - y_range[0]) / (x_range[1] - x_range[0])
                fig.set_size_inches(style.width_mm * MM, style.width_mm * MM * ratio + 0.12)
            return to_svg(fig, spec, style, tight=True)
