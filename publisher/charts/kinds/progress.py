"""``progress``: each value against its target, a track for the target and a bar for the value."""

from __future__ import annotations

from dataclasses import dataclass

from ..kind import ChartStyle, Drawing, Kind, register
from ..numbers import format_number
from ..plot import clean_axes, figure, horizontal, to_svg, value_limit
from ..shapes import Values, per_label
from ..spec import ChartSpec


@dataclass(frozen=True, kw_only=True)
class Targets(Values):
    """Labelled values, each with its target."""

    targets: list[float]
    """One target per label."""

    def check(self, spec: ChartSpec) -> None:
        super().check(spec)
        per_label(spec, self.labels, self.targets, "targets", "one target per label")


@register
class Progress(Kind[Targets]):
    """A track per target, a bar per value (as far as the target), ``value / target`` at the end."""

    name = "progress"
    data = Targets
    marks = "/"

    def check(self, spec: ChartSpec, data: Targets) -> None:
        data.no_negatives(spec)

    def draw(self, spec: ChartSpec, data: Targets, style: ChartStyle) -> Drawing:
        with figure(spec, style) as (fig, ax):
            ys = [float(y) for y in range(len(data.labels))][::-1]
            ax.barh(ys, data.targets, height=0.5, color="none", edgecolor=style.muted, linewidth=style.line_width)
            shown = [min(v, t) for v, t in zip(data.values, data.targets, strict=True)]
            ax.barh(ys, shown, height=0.5, color=style.palette[0])
            end = max(data.targets)
            texts = [f"{data.label(i)}{spec.unit} / {format_number(t)}{spec.unit}" for i, t in enumerate(data.targets)]
            for text, y in zip(texts, ys, strict=True):
                ax.text(end * 1.02, y, text, ha="left", va="center", fontweight="bold")
            clean_axes(ax, "x")
            ax.spines["left"].set_visible(False)
            horizontal(fig, ax, spec, style, ys, data.labels)
            ax.set_xlim(0, value_limit(fig, ax, style, [end * 1.02] * len(texts), texts, "x"))
            return to_svg(fig, spec, style)
