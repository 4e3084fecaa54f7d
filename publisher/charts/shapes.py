"""Shapes of chart data several kinds share: labelled values, series.

A kind takes one of these as its :attr:`~publisher.charts.kind.Kind.data`, or
defines its own :class:`~publisher.charts.spec.ChartData` in its module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ..errors import PublisherError
from .numbers import format_number
from .spec import ChartData, ChartSpec


@dataclass(frozen=True, kw_only=True)
class Series:
    """One named row of values (grouped, stacked, line)."""

    NOUN: ClassVar[str] = "series"
    name: str
    """Legend label."""
    values: list[float]
    """One value per label."""


def per_label(spec: ChartSpec, labels: list[str], values: list[float], key: str, hint: str) -> None:
    """Raise unless there is one of ``values`` (the field ``key``) per label."""
    if values and labels and len(values) != len(labels):
        raise PublisherError(f"{len(labels)} labels but {len(values)} {key}", spec.where(key), hint)


def series_per_label(spec: ChartSpec, labels: list[str], series: list[Series]) -> None:
    """Raise unless every series has one value per label."""
    for s in series:
        if len(s.values) != len(labels):
            raise PublisherError(
                f"series '{s.name}' has {len(s.values)} values for {len(labels)} labels",
                spec.where("series"),
                "give one value per label",
            )


@dataclass(frozen=True, kw_only=True)
class Values(ChartData):
    """Labels with one value each."""

    labels: list[str]
    """Category labels."""
    values: list[float]
    """One value per label."""
    value_labels: list[str] = field(default_factory=list)
    """Optional text printed per value, e.g. ``超4`` where the report says "超4亿元"."""

    def check(self, spec: ChartSpec) -> None:
        per_label(spec, self.labels, self.values, "values", "give one value per label")
        if self.value_labels and len(self.value_labels) != len(self.values):
            raise PublisherError(
                f"{len(self.value_labels)} value_labels for {len(self.values)} values", spec.where("value_labels")
            )

    def no_negatives(self, spec: ChartSpec) -> None:
        """Raise when a value is negative (a kind that draws lengths or areas)."""
        if any(v < 0 for v in self.values):
            raise PublisherError(f"a '{spec.type}' chart cannot show negative values", spec.where("values"))

    def label(self, i: int) -> str:
        """What is printed for value ``i``: its value label, else the number as written."""
        return self.value_labels[i] if self.value_labels else format_number(self.values[i])


@dataclass(frozen=True, kw_only=True)
class SeriesValues(ChartData):
    """Labels with several named rows of values."""

    labels: list[str]
    """Category labels."""
    series: list[Series]
    """Several rows of values, one value per label each."""

    def check(self, spec: ChartSpec) -> None:
        series_per_label(spec, self.labels, self.series)
