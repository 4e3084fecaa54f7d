"""``progress``: each value against its target, a track for the target and a bar for the value."""

from __future__ import annotations

from dataclasses import dataclass

from ..kind import ChartStyle, Drawing, Kind, register
from ..numbers import format_number
from ..plot import clean_axes, figure, to_svg
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
            ys = list(range(len(data.labels)))[::-1]
            ax.barh(ys, data.targets, height=0.5, color="none", edgecolor=style.muted, linewidth=style.line_width)
            shown = [min(v, t) for v, t in zip(data.values, data.targets, strict=True)]
            ax.barh(ys, shown, height=0.5, color=style.palette[0])
            end = max(data.targets)
            for i, y in enumerate(ys):
                target = format_number(data.targets[i])
                text = f"{data.label(i)}{spec.unit} / {target}{spec.unit}"
                ax.text(end * 1.02, y, text, ha="left", va="center", fontweight="bold")
            ax.set_yticks(ys, data.labels)
            ax.set_xlim(0, end * 1.35)
            clean_axes(ax, "x")
            ax.spines["left"].set_visible(False)
            return to_svg(fig, spec, style)
