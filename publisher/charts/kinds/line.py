"""``line``: values over years, one line per series, each point labelled."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import PublisherError
from ..kind import ChartStyle, Drawing, Kind, register
from ..numbers import format_number
from ..plot import clean_axes, colour, figure, legend, to_svg, unit_note, vertical
from ..shapes import Series, per_label, series_per_label
from ..spec import ChartData, ChartSpec


@dataclass(frozen=True, kw_only=True)
class LineData(ChartData):
    """Years (labels) with one row of values or several series."""

    labels: list[str]
    """The years (or other steps)."""
    values: list[float] = field(default_factory=list)
    """One value per label: a single line."""
    series: list[Series] = field(default_factory=list)
    """Several lines, one value per label each."""

    def check(self, spec: ChartSpec) -> None:
        per_label(spec, self.labels, self.values, "values", "give one value per label")
        series_per_label(spec, self.labels, self.series)


@register
class Line(Kind[LineData]):
    """Lines over the labels; the scale follows the values (it does not start at zero)."""

    name = "line"
    data = LineData

    def check(self, spec: ChartSpec, data: LineData) -> None:
        if not (data.values or data.series):
            raise PublisherError("a 'line' chart needs `values:` or `series:`", spec.pos)

    def draw(self, spec: ChartSpec, data: LineData, style: ChartStyle) -> Drawing:
        with figure(spec, style) as (fig, ax):
            series = data.series or [Series(name=spec.title, values=data.values)]
            xs = list(range(len(data.labels)))
            top = max(max(s.values) for s in series)
            bottom = min(min(s.values) for s in series)
            for k, s in enumerate(series):
                ink = colour(style, k)
                ax.plot(xs, s.values, color=ink, linewidth=style.line_width * 2.2, marker="o", markersize=4,
                        label=s.name if len(series) > 1 else None)  # fmt: skip
                for x, value in zip(xs, s.values, strict=True):
                    ax.annotate(format_number(value), (x, value), xytext=(0, 6), textcoords="offset points",
                                ha="center", va="bottom", fontweight="bold")  # fmt: skip
            # Lines show change: the value range, not zero, sets the scale.
            span = (top - bottom) or abs(top) or 1
            ax.set_ylim(bottom - span * 0.35, top + span * 0.3)
            ax.set_xlim(-0.4, len(xs) - 0.6)
            if len(series) > 1:
                legend(ax, style, len(series))
            clean_axes(ax, "y")
            vertical(fig, ax, spec, style, [float(x) for x in xs], data.labels)
            unit_note(fig, spec, style)
            return to_svg(fig, spec, style)
