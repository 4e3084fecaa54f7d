"""``donut``: parts of a whole as a ring, labelled with the stated values (no derived percentages)."""

from __future__ import annotations

from ...errors import PublisherError
from ..kind import ChartStyle, Drawing, Kind, register
from ..plot import colour, figure, to_svg
from ..shapes import Values
from ..spec import ChartSpec

MAX_SLICES = 6


@register
class Donut(Kind[Values]):
    """A ring of at most six positive parts, each labelled with its stated value."""

    name = "donut"
    data = Values
    whole = True

    def check(self, spec: ChartSpec, data: Values) -> None:
        data.no_negatives(spec)
        if len(data.values) > MAX_SLICES:
            raise PublisherError(
                f"a donut shows at most {MAX_SLICES} parts, this one has {len(data.values)}",
                spec.where("values"),
                "use an hbar chart, or group the small parts",
            )
        if any(v <= 0 for v in data.values):
            raise PublisherError("a donut needs positive values", spec.where("values"), "use a bar chart")

    def draw(self, spec: ChartSpec, data: Values, style: ChartStyle) -> Drawing:
        with figure(spec, style) as (fig, ax):
            colours = [colour(style, i) for i in range(len(data.values))]
            wedges, _ = ax.pie(
                data.values, colors=colours, startangle=90, counterclock=False,
                wedgeprops={"width": 0.38, "edgecolor": "white", "linewidth": 1.5},
            )  # fmt: skip
            ax.set_aspect("equal")
            labels = [f"{label}  {data.label(i)}{spec.unit}" for i, label in enumerate(data.labels)]
            ax.legend(wedges, labels, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5),
                      handlelength=1, handleheight=1)  # fmt: skip
            return to_svg(fig, spec, style, tight=True)
